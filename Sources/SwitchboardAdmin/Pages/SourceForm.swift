import Foundation
import SwitchboardCore

/// The source form both ways: a source as the form shows it (never its secrets), and a posted
/// form as the API's JSON fields, so the API's checks and messages apply unchanged.
struct SourceForm {
    /// Field values as typed (or as stored, secrets left out), by input name.
    var values: [String: String] = [:]
    /// Secrets as posted: sent on to the API once, never shown back.
    var secrets: [String: String] = [:]

    /// The inputs that are not secrets.
    static let inputs = [
        "name", "type", "eventNamePrefix", "transform", "itemsPath", "eventName", "webhookUserIdField", "openloyaltyUserIdField", "brazeUserIdField",
        "verificationType", "verificationHeader", "verificationUsername", "verificationAlgorithm", "verificationEncoding", "verificationPrefix",
        "verificationTimestampHeader",
    ]
    /// Verification settings by input name: secrets are password inputs, left empty to keep the stored ones.
    static let verificationInputs = [
        "verificationHeader": "header", "verificationUsername": "username", "verificationAlgorithm": "algorithm", "verificationEncoding": "encoding",
        "verificationPrefix": "prefix", "verificationTimestampHeader": "timestampHeader", "verificationSecret": "secret", "verificationPassword": "password",
    ]
    static let secretInputs = ["verificationSecret", "verificationPassword"]
    /// The settings each verification type takes (the others are not sent, whatever was typed).
    static let verificationKeys: [String: Set<String>] = [
        "token": ["header", "secret"], "basic": ["username", "password"],
        "hmac": ["algorithm", "header", "encoding", "prefix", "secret", "timestampHeader"], "standard-webhooks": ["secret"],
    ]

    init() {
        values = ["type": SourceType.segment.rawValue, "verificationType": "none", "verificationAlgorithm": "sha256", "verificationEncoding": "hex"]
    }

    init(_ source: Source) {
        self.init()
        values["name"] = source.name
        values["type"] = source.type.rawValue
        values["eventNamePrefix"] = source.eventNamePrefix ?? ""
        values["transform"] = source.settings.transform.map(SubscriptionForm.pretty) ?? ""
        values["itemsPath"] = source.settings.itemsPath ?? ""
        values["eventName"] = source.settings.eventName ?? ""
        if let input = Self.userIdInput(for: source.type) { values[input] = source.settings.userIdField ?? "" }
        // Only what every response may show: the secrets stay out of the form.
        if let shown = source.shownVerification?.objectValue {
            values["verificationType"] = shown["type"]?.stringValue ?? "none"
            for (input, key) in Self.verificationInputs where !Self.secretInputs.contains(input) {
                if let value = shown[key]?.stringValue { values[input] = value }
            }
        }
    }

    init(posted form: FormFields) {
        for name in Self.inputs { values[name] = form.raw(name) ?? "" }
        for name in Self.secretInputs { secrets[name] = form.raw(name) ?? "" }
    }

    /// The input that holds `userIdField` for a type: a path for webhooks, a choice for the platforms.
    static func userIdInput(for type: SourceType?) -> String? {
        switch type {
        case .webhook: "webhookUserIdField"
        case .openloyalty: "openloyaltyUserIdField"
        case .brazeCurrents: "brazeUserIdField"
        case .segment, nil: nil
        }
    }

    /// The API's create/change body for a source of `type` (the stored one on edit, the chosen one
    /// on create). Blank optional fields are null; settings of another type are sent only when typed,
    /// so the API says they do not apply; verification secrets left blank are left out, which keeps
    /// the stored ones when the type stays (the API's PATCH rule).
    func apiFields(type: SourceType?, creating: Bool) throws(ValidationError) -> JSONValue {
        func text(_ name: String) -> String { (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func optional(_ name: String) -> JSONValue { text(name).isEmpty ? .null : .string(text(name)) }
        var fields: [String: JSONValue] = [
            "name": .string(text("name")), "eventNamePrefix": optional("eventNamePrefix"),
            "itemsPath": optional("itemsPath"), "eventName": optional("eventName"),
            "transform": text("transform").isEmpty ? .null : try SubscriptionForm.json(text("transform"), field: "transform"),
            "userIdField": Self.userIdInput(for: type).map(optional) ?? .null,
        ]
        if creating { fields["type"] = .string(text("type")) }
        let verificationType = text("verificationType")
        if verificationType.isEmpty || verificationType == "none" {
            fields["verification"] = .null
        } else {
            var verification: [String: JSONValue] = ["type": .string(verificationType)]
            let keys = Self.verificationKeys[verificationType] ?? []
            for (input, key) in Self.verificationInputs where keys.contains(key) {
                // Secrets are taken exactly as typed; the other settings trimmed.
                let value = Self.secretInputs.contains(input) ? secrets[input] ?? "" : text(input)
                if !value.isEmpty { verification[key] = .string(value) }
            }
            fields["verification"] = .object(verification)
        }
        return .object(fields)
    }

    /// The input an API error's field belongs to: `verification.header` -> `verificationHeader`,
    /// `transform.properties` -> `transform`, `userIdField` -> the type's user id input.
    static func input(forField field: String?, type: SourceType?) -> String {
        guard let field else { return "other" }
        if field == "verification" || field == "verification.type" { return "verificationType" }
        if let key = field.split(separator: ".").dropFirst().first, field.hasPrefix("verification.") {
            return verificationInputs.first { $0.value == String(key) }?.key ?? "verificationType"
        }
        let head = String(field.prefix { $0 != "." && $0 != "[" })
        if head == "userIdField" { return userIdInput(for: type) ?? "other" }
        return ["name", "type", "eventNamePrefix", "transform", "itemsPath", "eventName"].contains(head) ? head : "other"
    }
}

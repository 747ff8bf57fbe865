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

    /// What the form template shows for each input, by input name: its label, value (never a
    /// secret's), hint, error and options. `storedSecrets`: the secrets (`secret`, `password`) the edited source holds.
    func templateInputs(errors: [String: String], storedSecrets: Set<String>) -> [String: Any] {
        func input(_ id: String, _ label: String, hint: String? = nil) -> [String: Any] {
            var field: [String: Any] = ["inputId": id, "inputLabel": label, "inputLine": true]
            if SourceForm.secretInputs.contains(id) {
                // Write-only: never filled in, not even with what was just typed.
                field["inputValue"] = ""
                field["inputPassword"] = true
            } else {
                field["inputValue"] = values[id] ?? ""
            }
            if let hint { field["inputHint"] = hint }
            if let message = errors[id] { field["inputError"] = message }
            return field
        }
        func select(_ id: String, _ label: String, _ options: [(value: String, label: String)], hint: String? = nil) -> [String: Any] {
            var field = input(id, label, hint: hint)
            field["inputLine"] = false
            field["inputSelect"] = true
            field["inputOptions"] = options.map { ["optionValue": $0.value, "optionLabel": $0.label, "optionSelected": $0.value == values[id]] as [String: Any] }
            return field
        }
        func choices(_ type: SourceType) -> [(value: String, label: String)] {
            let all = InboundSettings.userIdFields(for: type) ?? []
            return [("", "\(all.first ?? "") (the default)")] + all.dropFirst().map { ($0, $0) }
        }
        func keepHint(_ key: String) -> String? {
            storedSecrets.contains(key) ? "Leave empty to keep the stored \(key); it is never shown." : nil
        }
        var transform = input("transform", "Transform (a JSON template with roots body, headers and source that renders a Segment event)")
        transform["inputLine"] = false
        transform["inputMultiline"] = true
        var name = input("name", "Name")
        name["inputRequired"] = true
        return [
            "name": name,
            "type": select("type", "Type", SourceType.allCases.map { ($0.rawValue, $0.rawValue) }, hint: "segment: a write key for Segment's SDKs; the others: an ingest URL."),
            "eventNamePrefix": input("eventNamePrefix", "Event name prefix (optional)"),
            "transform": transform,
            "itemsPath": input("itemsPath", "Items path (optional: where the array of items sits in the body, such as data.items)"),
            "eventName": input("eventName", "Event name without a transform (a literal, or a template such as {{ body.type }})"),
            "webhookUserIdField": input("webhookUserIdField", "User id from (a path into each item, such as customer.id)"),
            "openloyaltyUserIdField": select("openloyaltyUserIdField", "User id from the member's", choices(.openloyalty)),
            "brazeUserIdField": select("brazeUserIdField", "User id from the Braze user's", choices(.brazeCurrents)),
            "verificationType": select("verificationType", "Verification type", [("none", "none")] + VerificationType.allCases.map { ($0.rawValue, $0.rawValue) }),
            "verificationHeader": input("verificationHeader", "Header (token, hmac), such as X-Signature"),
            "verificationSecret": input("verificationSecret", "Secret (token, hmac; standard-webhooks: whsec_…)", hint: keepHint("secret")),
            "verificationUsername": input("verificationUsername", "User name (basic)"),
            "verificationPassword": input("verificationPassword", "Password (basic)", hint: keepHint("password")),
            "verificationAlgorithm": select("verificationAlgorithm", "Algorithm (hmac)", SourceVerification.HMACSettings.Algorithm.allCases.map { ($0.rawValue, $0.rawValue) }),
            "verificationEncoding": select("verificationEncoding", "Encoding (hmac)", SourceVerification.HMACSettings.Encoding.allCases.map { ($0.rawValue, $0.rawValue) }),
            "verificationPrefix": input("verificationPrefix", "Signature prefix (hmac, optional), such as sha256="),
            "verificationTimestampHeader": input("verificationTimestampHeader", "Timestamp header (hmac, optional: signs timestamp.body, refuses old requests)"),
        ]
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

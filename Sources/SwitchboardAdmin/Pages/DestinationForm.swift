import Foundation
import SwitchboardCore

/// The destination form both ways: a destination's values as the form shows them, and a posted
/// form as the API's JSON fields (so the API's own checks and messages apply, unchanged).
struct DestinationForm {
    /// Field values as typed (or as stored), by input name.
    var values: [String: String] = [:]
    var headers: [(name: String, value: String)] = []
    var enabled = true
    var legacy = false

    /// Empty header rows offered below the filled ones.
    static let emptyHeaderRows = 3

    init() {
        values = ["method": "POST", "signing": SigningScheme.standardWebhooks.rawValue, "timeoutMs": "15000",
                  "retrySchedule": RetryPolicy.defaultSchedule.map(String.init).joined(separator: ", "), "ordering": "none", "batchCombine": "array"]
    }

    init(_ destination: Destination) {
        values = [
            "name": destination.name, "url": destination.url, "method": destination.method.rawValue, "signing": destination.signing.rawValue,
            "timeoutMs": String(destination.timeoutMs), "retrySchedule": destination.retrySchedule.map(String.init).joined(separator: ", "),
            "rateLimit": destination.rateLimitPerSecond.map(String.init) ?? "", "maxConcurrency": destination.maxConcurrency.map(String.init) ?? "",
            "ordering": destination.ordering.rawValue, "batchMaxSize": destination.batching.map { String($0.maxSize) } ?? "",
            "batchMaxWaitMs": destination.batching.map { String($0.maxWaitMs) } ?? "", "batchCombine": destination.batching?.combine.rawValue ?? "array",
            "activeFrom": destination.activeFrom.map(AdminFormat.localInput) ?? "",
        ]
        headers = destination.headers.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        enabled = destination.enabled
    }

    init(posted form: FormFields) {
        for name in ["name", "url", "method", "signing", "timeoutMs", "retrySchedule", "rateLimit", "maxConcurrency", "ordering",
                     "batchMaxSize", "batchMaxWaitMs", "batchCombine", "activeFrom", "eventName"] {
            values[name] = form.raw(name) ?? ""
        }
        headers = zip(form.all("headerName"), form.all("headerValue")).map { (name: $0.0, value: $0.1) }
            .filter { !$0.name.trimmingCharacters(in: .whitespaces).isEmpty || !$0.value.isEmpty }
        enabled = form.has("enabled")
        legacy = form.has("legacy")
    }

    /// The API's create/change body: blank optional fields are null, numbers that do not read as
    /// numbers are passed on as text so the API names the field.
    var apiFields: JSONValue {
        func number(_ text: String) -> JSONValue {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return Int64(trimmed).map(JSONValue.int) ?? .string(trimmed)
        }
        func text(_ name: String) -> String { (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var fields: [String: JSONValue] = [
            "name": .string(text("name")), "url": .string(text("url")), "enabled": .bool(enabled),
            "rateLimit": text("rateLimit").isEmpty ? .null : ["perSecond": number(text("rateLimit"))],
            "maxConcurrency": text("maxConcurrency").isEmpty ? .null : number(text("maxConcurrency")),
            "activeFrom": text("activeFrom").isEmpty ? .null : .string(AdminFormat.rfc3339(fromLocalInput: text("activeFrom")) ?? text("activeFrom")),
            "headers": .object(Dictionary(headers.map { ($0.name.trimmingCharacters(in: .whitespaces), JSONValue.string($0.value)) }, uniquingKeysWith: { _, last in last })),
        ]
        // Left blank: the API's default on create, unchanged on edit.
        for name in ["method", "signing", "ordering"] where !text(name).isEmpty { fields[name] = .string(text(name)) }
        if !text("timeoutMs").isEmpty { fields["timeoutMs"] = number(text("timeoutMs")) }
        if !text("retrySchedule").isEmpty {
            fields["retrySchedule"] = .array(text("retrySchedule").split(separator: ",").map { number(String($0)) })
        }
        if text("batchMaxSize").isEmpty {
            fields["batching"] = .null
        } else {
            var batching: [String: JSONValue] = ["maxSize": number(text("batchMaxSize")), "combine": .string(text("batchCombine"))]
            if !text("batchMaxWaitMs").isEmpty { batching["maxWaitMs"] = number(text("batchMaxWaitMs")) }
            fields["batching"] = .object(batching)
        }
        return .object(fields)
    }

    /// The input an API error's field belongs to: `rateLimit.perSecond` -> `rateLimit`, `headers.X` -> `headers`.
    static func input(forField field: String?) -> String? {
        guard let field else { return nil }
        return String(field.prefix { $0 != "." && $0 != "[" })
    }

    /// What the template shows: values, choices with the current one selected, header rows, errors by input.
    func templateData(errors: [String: String], eventTypes: [(name: String, description: String?)], creating: Bool) -> [String: Any] {
        var data: [String: Any] = values
        func choices(_ all: [String], _ name: String) -> [[String: Any]] { all.map { ["value": $0, "selected": $0 == values[name]] } }
        data["methods"] = choices(HTTPMethodName.allCases.map(\.rawValue), "method")
        data["signings"] = choices(SigningScheme.allCases.map(\.rawValue), "signing")
        data["orderings"] = choices(Destination.Ordering.allCases.map(\.rawValue), "ordering")
        data["combines"] = choices(BatchCombine.allCases.map(\.rawValue), "batchCombine")
        data["headers"] = (headers + Array(repeating: (name: "", value: ""), count: Self.emptyHeaderRows)).map { ["name": $0.name, "value": $0.value] }
        data["enabled"] = enabled
        data["legacy"] = legacy
        data["creating"] = creating
        data["errors"] = errors
        data["eventTypes"] = eventTypes.map { ["name": $0.name, "description": $0.description ?? "", "selected": $0.name == values["eventName"]] as [String: Any] }
        return data
    }
}

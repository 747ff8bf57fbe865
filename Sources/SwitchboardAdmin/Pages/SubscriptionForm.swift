import Foundation
import SwitchboardCore

/// The subscription editor both ways: a subscription as the form shows it (the condition as
/// builder rows when it has that shape, else as JSON), and a posted form as the API's JSON fields.
struct SubscriptionForm {
    /// Field values as typed (or as stored), by input name.
    var values: [String: String] = [:]
    var enabled = true
    var conditionRows = ConditionRows()
    /// Set when the condition has no rows (nested groups): it is edited as JSON instead.
    var conditionJSON: String?
    var mappingHeaders: [(name: String, value: String)] = []

    /// Empty condition and header rows offered below the filled ones.
    static let emptyRows = 2

    init(destinationId: String = "") {
        values = ["destinationId": destinationId, "eventNames": "*", "format": BodyFormat.event.rawValue, "join": "all", "mappingMethod": ""]
    }

    init(_ subscription: Subscription) {
        values = [
            "name": subscription.name, "destinationId": subscription.destinationId, "eventNames": subscription.eventNames.joined(separator: ", "),
            "format": subscription.format.rawValue, "mappingUrl": subscription.mapping?.json["url"]?.stringValue ?? "",
            "mappingMethod": subscription.mapping?.json["method"]?.stringValue ?? "",
            "mappingBody": subscription.mapping?.json["body"].map { Self.pretty($0) } ?? "",
        ]
        enabled = subscription.enabled
        let condition = subscription.condition?.json
        if let rows = ConditionRows(condition: condition) {
            conditionRows = rows
        } else {
            conditionJSON = condition.map { Self.pretty($0) }
        }
        mappingHeaders = (subscription.mapping?.json["headers"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
            .map { (name: $0.key, value: $0.value.stringValue ?? "") }
    }

    init(posted form: FormFields) {
        for name in ["name", "destinationId", "eventNames", "format", "join", "mappingUrl", "mappingMethod", "mappingBody", "sampleEvent"] {
            values[name] = form.raw(name) ?? ""
        }
        enabled = form.has("enabled")
        conditionJSON = form.raw("conditionJSON")
        conditionRows = Self.conditionRows(posted: form)
        mappingHeaders = zip(form.all("mappingHeaderName"), form.all("mappingHeaderValue")).map { (name: $0.0, value: $0.1) }
            .filter { !$0.name.trimmingCharacters(in: .whitespaces).isEmpty || !$0.value.isEmpty }
    }

    /// The API's create/change body; text that is not JSON where JSON is needed is an error
    /// naming its field, as the API would name it.
    func apiFields() throws(ValidationError) -> JSONValue {
        func text(_ name: String) -> String { (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let names = text("eventNames").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var fields: [String: JSONValue] = [
            "name": .string(text("name")), "destinationId": .string(text("destinationId")), "eventNames": .array(names.map(JSONValue.string)),
            "format": .string(text("format").isEmpty ? BodyFormat.event.rawValue : text("format")), "enabled": .bool(enabled),
        ]
        if let conditionJSON {
            let trimmed = conditionJSON.trimmingCharacters(in: .whitespacesAndNewlines)
            fields["condition"] = trimmed.isEmpty ? .null : try Self.json(trimmed, field: "condition")
        } else {
            fields["condition"] = conditionRows.condition ?? .null
        }
        var mapping: [String: JSONValue] = [:]
        if !text("mappingUrl").isEmpty { mapping["url"] = .string(text("mappingUrl")) }
        if !text("mappingMethod").isEmpty { mapping["method"] = .string(text("mappingMethod")) }
        if !mappingHeaders.isEmpty {
            mapping["headers"] = .object(
                Dictionary(mappingHeaders.map { ($0.name.trimmingCharacters(in: .whitespaces), JSONValue.string($0.value)) }, uniquingKeysWith: { _, last in last }))
        }
        if !text("mappingBody").isEmpty { mapping["body"] = try Self.json(text("mappingBody"), field: "mapping.body") }
        fields["mapping"] = mapping.isEmpty ? .null : .object(mapping)
        return .object(fields)
    }

    /// The pasted sample event, or nil when none was pasted.
    func sampleEvent() throws(ValidationError) -> [String: JSONValue]? {
        let text = (values["sampleEvent"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        guard let object = try Self.json(text, field: "sampleEvent").objectValue else {
            throw ValidationError(field: "sampleEvent", "the sample event must be a JSON object, as /v1/track takes")
        }
        return object
    }

    /// The input an API error's field belongs to: `condition.all[0].op` -> `condition`, `mapping.url` -> `mappingUrl`.
    static func input(forField field: String?) -> String {
        guard let field else { return "other" }
        if field.hasPrefix("mapping.body") { return "mappingBody" }
        if field.hasPrefix("mapping.url") { return "mappingUrl" }
        if field.hasPrefix("mapping.method") { return "mappingMethod" }
        if field.hasPrefix("mapping") { return "mappingHeaders" }
        let head = String(field.prefix { $0 != "." && $0 != "[" })
        return ["name", "destinationId", "eventNames", "format", "condition", "sampleEvent"].contains(head) ? head : "other"
    }

    /// The condition builder's rows as posted (the subscription and audience forms share it).
    static func conditionRows(posted form: FormFields) -> ConditionRows {
        let fields = form.all("conditionField"), ops = form.all("conditionOp"), typed = form.all("conditionValue")
        return ConditionRows(
            join: ConditionRows.Join(rawValue: form.raw("join") ?? "") ?? .all,
            rows: fields.indices.map { index in
                ConditionRows.Row(
                    field: fields[index], op: index < ops.count ? ops[index] : "eq", value: index < typed.count ? typed[index] : "",
                    negated: form.has("conditionNot\(index)"))
            })
    }

    /// What the condition builder's template shows: the rows and empty ones below them, or the JSON text.
    static func builderData(_ rows: ConditionRows, json: String?) -> [String: Any] {
        if let json { return ["conditionJSON": ["text": json]] }
        let shown = rows.rows + Array(repeating: ConditionRows.Row(field: "", op: "eq"), count: emptyRows)
        return [
            "joins": ConditionRows.Join.allCases.map { ["value": $0.rawValue, "selected": $0 == rows.join] as [String: Any] },
            "rows": shown.enumerated().map { index, row in
                [
                    "index": index, "number": index + 1, "field": row.field, "value": row.value, "negated": row.negated,
                    "ops": Condition.Operator.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == row.op] as [String: Any] },
                ] as [String: Any]
            },
        ]
    }

    static func json(_ text: String, field: String) throws(ValidationError) -> JSONValue {
        do {
            return try JSONCoding.parse(Array(text.utf8))
        } catch .tooDeep(let limit) {
            throw ValidationError(field: field, "\(field) nests deeper than \(limit) levels")
        } catch {
            throw ValidationError(field: field, "\(field) is not valid JSON")
        }
    }

    static func pretty(_ value: JSONValue) -> String {
        String(decoding: JSONCoding.bytes(value), as: UTF8.self)
    }
}

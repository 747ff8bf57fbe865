import Foundation

/// A condition as a form shows it: rows of field, operator and value, each maybe negated, joined
/// by all or any. Conditions of that shape go to rows and back unchanged; deeper ones (groups in
/// groups, count leaves) have no rows and are edited as JSON. Pure: the admin panel's builder.
public struct ConditionRows: Sendable, Equatable {
    public enum Join: String, Sendable, CaseIterable {
        case all, any
    }

    public struct Row: Sendable, Equatable {
        public var field: String
        public var op: String
        /// The value as typed: see `ConditionRows.value(typed:)`.
        public var value: String
        public var negated: Bool

        public init(field: String, op: String, value: String = "", negated: Bool = false) {
            self.field = field
            self.op = op
            self.value = value
            self.negated = negated
        }

        var isBlank: Bool { field.allSatisfy(\.isWhitespace) }
    }

    public var join: Join
    public var rows: [Row]

    public init(join: Join = .all, rows: [Row] = []) {
        self.join = join
        self.rows = rows
    }

    /// The rows of a condition (none for no condition), or nil when it has another shape.
    public init?(condition: JSONValue?) {
        guard let condition, condition != .null else {
            self.init()
            return
        }
        let join: Join
        let items: [JSONValue]
        if let all = condition["all"]?.arrayValue, condition.objectValue?.count == 1 {
            (join, items) = (.all, all)
        } else if let any = condition["any"]?.arrayValue, condition.objectValue?.count == 1 {
            (join, items) = (.any, any)
        } else {
            (join, items) = (.all, [condition])
        }
        var rows: [Row] = []
        for item in items {
            guard let row = Self.row(item) else { return nil }
            rows.append(row)
        }
        self.init(join: join, rows: rows)
    }

    /// The condition the rows stand for, blank rows left out; nil when no row is left. One row
    /// stands alone, several are joined; validation is the API's (`Condition(validating:)`).
    public var condition: JSONValue? {
        let leaves = rows.filter { !$0.isBlank }.map(Self.leaf)
        switch leaves.count {
        case 0: return nil
        case 1 where join == .all: return leaves[0]
        default: return [join.rawValue: .array(leaves)]
        }
    }

    /// A typed value: JSON when the text is a number, `true`, `false`, `null`, a list or a quoted
    /// string (`"500"` for the text 500); any other text as it is.
    public static func value(typed text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.utf8.first, first == UInt8(ascii: "\"") || first == UInt8(ascii: "[") || first == UInt8(ascii: "-")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) || ["true", "false", "null"].contains(trimmed),
            let parsed = try? JSONCoding.parse(Array(trimmed.utf8), maximumDepth: 4), parsed.objectValue == nil
        else { return .string(text) }
        return parsed
    }

    /// How a value is shown for typing back: plain text for a string that would not read as
    /// anything else, JSON otherwise.
    public static func text(of value: JSONValue) -> String {
        if case .string(let text) = value, Self.value(typed: text) == value { return text }
        return String(decoding: JSONCoding.bytes(value), as: UTF8.self)
    }

    private static func row(_ json: JSONValue) -> Row? {
        if let inner = json["not"], json.objectValue?.count == 1 {
            guard var row = row(inner), !row.negated else { return nil }
            row.negated = true
            return row
        }
        guard let object = json.objectValue, let field = object["field"]?.stringValue, let op = object["op"]?.stringValue,
            Set(object.keys).isSubset(of: ["field", "op", "value"])
        else { return nil }
        return Row(field: field, op: op, value: object["value"].map(text(of:)) ?? "")
    }

    private static func leaf(_ row: Row) -> JSONValue {
        var leaf: [String: JSONValue] = ["field": .string(row.field.trimmingCharacters(in: .whitespaces)), "op": .string(row.op)]
        if Condition.Operator(rawValue: row.op)?.takesValue ?? true { leaf["value"] = value(typed: row.value) }
        return row.negated ? ["not": .object(leaf)] : .object(leaf)
    }
}

/// A subscription's or audience's condition: `{"all":[...]}`, `{"any":[...]}`, `{"not":{...}}`
/// or a leaf `{"field":"traits.plan","op":"eq","value":"pro"}`. A missing field never matches,
/// except under `not_exists` and `neq`.
///
/// Saving one goes through `init(validating:)`, which also holds it to `Limits`; `init(json:)`
/// alone reads back what storage holds, including conditions saved before the limits.
public indirect enum Condition: Sendable, Equatable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case leaf(field: FieldPath, op: Operator, value: JSONValue?)

    public enum Operator: String, Sendable, CaseIterable {
        case eq, neq, contains
        case notContains = "not_contains"
        case startsWith = "starts_with"
        case endsWith = "ends_with"
        case glob, exists
        case notExists = "not_exists"
        case gt, gte, lt, lte
        case `in`
        case notIn = "not_in"

        /// Operators that compare with no `value`.
        var takesValue: Bool { self != .exists && self != .notExists }
    }

    /// Deepest nesting a condition may have.
    public static let maximumDepth = 16

    /// What one condition may cost to evaluate, checked when it is saved: every event of its
    /// names is evaluated against it, so these bound the work one subscription adds to ingest.
    public enum Limits {
        /// Leaves in the whole condition; an empty `all` or `any` counts as one.
        public static let maximumLeaves = 100
        /// Bytes of a leaf's `value` (a string's UTF-8, such as a glob pattern; anything else as
        /// JSON), of each item of an `in`/`not_in` list, and of a `field` path.
        public static let maximumValueBytes = 1_024

        static func fits(_ value: JSONValue) -> Bool {
            if case .string(let text) = value { return text.utf8.count <= maximumValueBytes }
            return JSONSize.isAtMost(value, maximumValueBytes)
        }
        /// Items of an `in`/`not_in` list.
        public static let maximumListItems = 1_000
    }

    // MARK: Parsing

    public init(json: JSONValue, path: String = "condition") throws(ValidationError) {
        self = try Self.parse(json, path: path, depth: 0)
    }

    /// A condition from an API request: parsed, then held to `Limits` (each refusal names its limit).
    public init(validating json: JSONValue, path: String = "condition") throws(ValidationError) {
        self = try Self.parse(json, path: path, depth: 0)
        var leaves = 0
        try checkLimits(path: path, leaves: &leaves)
        guard leaves <= Limits.maximumLeaves else {
            throw ValidationError(field: path, "a condition may have at most \(Limits.maximumLeaves) leaves (field tests; an empty all or any counts as one)")
        }
    }

    private func checkLimits(path: String, leaves: inout Int) throws(ValidationError) {
        switch self {
        case .all(let conditions), .any(let conditions):
            let key = if case .all = self { "all" } else { "any" }
            if conditions.isEmpty { leaves += 1 }
            for (index, condition) in conditions.enumerated() {
                try condition.checkLimits(path: "\(path).\(key)[\(index)]", leaves: &leaves)
                // Stop counting early: a huge list is refused without walking all of it.
                if leaves > Limits.maximumLeaves { return }
            }
        case .not(let condition):
            try condition.checkLimits(path: "\(path).not", leaves: &leaves)
        case .leaf(let field, let op, let value):
            leaves += 1
            guard field.description.utf8.count <= Limits.maximumValueBytes else {
                throw ValidationError(field: "\(path).field", "field may be at most \(Limits.maximumValueBytes) bytes")
            }
            guard let value else { return }
            if op == .in || op == .notIn, let items = value.arrayValue {
                guard items.count <= Limits.maximumListItems else {
                    throw ValidationError(field: "\(path).value", "op \(op.rawValue) takes at most \(Limits.maximumListItems) values")
                }
                for (index, item) in items.enumerated() where !Limits.fits(item) {
                    throw ValidationError(field: "\(path).value[\(index)]", "each value may be at most \(Limits.maximumValueBytes) bytes")
                }
            } else if !Limits.fits(value) {
                throw ValidationError(field: "\(path).value", "value may be at most \(Limits.maximumValueBytes) bytes")
            }
        }
    }

    private static func parse(_ json: JSONValue, path: String, depth: Int) throws(ValidationError) -> Condition {
        guard depth < maximumDepth else { throw ValidationError(field: path, "conditions may nest at most \(maximumDepth) levels") }
        guard let fields = json.objectValue else {
            throw ValidationError(field: path, "a condition must be an object with all, any, not or field")
        }
        if let list = fields["all"] ?? fields["any"] {
            let key = fields["all"] != nil ? "all" : "any"
            guard let items = list.arrayValue else { throw ValidationError(field: "\(path).\(key)", "\(key) must be an array of conditions") }
            var conditions: [Condition] = []
            for (index, item) in items.enumerated() {
                conditions.append(try parse(item, path: "\(path).\(key)[\(index)]", depth: depth + 1))
            }
            return key == "all" ? .all(conditions) : .any(conditions)
        }
        if let inner = fields["not"] {
            return .not(try parse(inner, path: "\(path).not", depth: depth + 1))
        }
        guard let fieldText = fields["field"]?.stringValue else {
            throw ValidationError(field: path, "a condition needs all, any, not, or field and op")
        }
        guard let field = FieldPath(fieldText) else {
            throw ValidationError(field: "\(path).field", "field must be a dotted path such as properties.total")
        }
        guard let opText = fields["op"]?.stringValue, let op = Operator(rawValue: opText) else {
            let names = Operator.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: "\(path).op", "op must be one of \(names)")
        }
        let value = fields["value"]
        if op.takesValue, value == nil {
            throw ValidationError(field: "\(path).value", "op \(op.rawValue) needs a value")
        }
        switch op {
        case .in, .notIn:
            guard value?.arrayValue != nil else { throw ValidationError(field: "\(path).value", "op \(op.rawValue) needs an array value") }
        case .startsWith, .endsWith, .glob:
            guard value?.stringValue != nil else { throw ValidationError(field: "\(path).value", "op \(op.rawValue) needs a string value") }
        case .gt, .gte, .lt, .lte:
            guard let value, value.isNumber || value.stringValue != nil else {
                throw ValidationError(field: "\(path).value", "op \(op.rawValue) needs a number or string value")
            }
        default: break
        }
        return .leaf(field: field, op: op, value: op.takesValue ? value : nil)
    }

    public var json: JSONValue {
        switch self {
        case .all(let conditions): ["all": .array(conditions.map(\.json))]
        case .any(let conditions): ["any": .array(conditions.map(\.json))]
        case .not(let condition): ["not": condition.json]
        case .leaf(let field, let op, let value):
            value.map { ["field": .string(field.description), "op": .string(op.rawValue), "value": $0] }
                ?? ["field": .string(field.description), "op": .string(op.rawValue)]
        }
    }

    // MARK: Evaluation

    /// Whether the document (an event, with `profile` beside its fields) satisfies the condition.
    public func matches(_ document: JSONValue) -> Bool {
        switch self {
        case .all(let conditions): return conditions.allSatisfy { $0.matches(document) }
        case .any(let conditions): return conditions.contains { $0.matches(document) }
        case .not(let condition): return !condition.matches(document)
        case .leaf(let field, let op, let expected):
            let actual = field.value(in: document).flatMap { $0.isNull ? nil : $0 }
            return Self.compare(actual, op, expected ?? .null)
        }
    }

    private static func compare(_ actual: JSONValue?, _ op: Operator, _ expected: JSONValue) -> Bool {
        switch op {
        case .exists: return actual != nil
        case .notExists: return actual == nil
        case .neq: return actual.map { !$0.looselyEquals(expected) } ?? true
        default: break
        }
        guard let actual else { return false }
        switch op {
        case .eq: return actual.looselyEquals(expected)
        case .contains: return contains(actual, expected)
        case .notContains: return !contains(actual, expected)
        case .startsWith: return actual.stringValue.map { $0.hasPrefix(expected.stringValue ?? "") } ?? false
        case .endsWith: return actual.stringValue.map { $0.hasSuffix(expected.stringValue ?? "") } ?? false
        case .glob: return actual.stringValue.map { GlobPattern(expected.stringValue ?? "").matches($0) } ?? false
        case .gt, .gte, .lt, .lte:
            guard let order = order(actual, expected) else { return false }
            switch op {
            case .gt: return order > 0
            case .gte: return order >= 0
            case .lt: return order < 0
            default: return order <= 0
            }
        case .in: return expected.arrayValue?.contains { actual.looselyEquals($0) } ?? false
        case .notIn: return !(expected.arrayValue?.contains { actual.looselyEquals($0) } ?? false)
        case .exists, .notExists, .neq: return false  // handled above
        }
    }

    private static func contains(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        switch actual {
        case .string(let text): expected.stringValue.map { text.contains($0) } ?? false
        case .array(let elements): elements.contains { $0.looselyEquals(expected) }
        default: false
        }
    }

    /// -1, 0 or 1 for two numbers, or two strings (numeric text compares as a number); nil otherwise.
    private static func order(_ left: JSONValue, _ right: JSONValue) -> Int? {
        if let a = left.numberValue, let b = right.numberValue {
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        if let a = left.stringValue, let b = right.stringValue {
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        return nil
    }
}

extension JSONValue {
    /// The value as a number: JSON numbers, and strings that hold one (traits often arrive as text).
    public var numberValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .string(let text): Double(text)
        default: nil
        }
    }

    var isNumber: Bool {
        switch self {
        case .int, .double: true
        default: false
        }
    }

    /// Equality where 1 and 1.0 are the same number.
    func looselyEquals(_ other: JSONValue) -> Bool {
        if isNumber, other.isNumber { return numberValue == other.numberValue }
        return self == other
    }
}

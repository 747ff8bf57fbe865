import Foundation

/// Reads fields of a JSON request body with their types checked; every failure names the field.
public struct JSONObjectReader: Sendable {
    public let fields: [String: JSONValue]
    /// Dotted path of this object inside the request (empty at the top).
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(ValidationError) {
        guard let fields = value.objectValue else {
            throw ValidationError(field: path.isEmpty ? nil : path, "\(path.isEmpty ? "the body" : path) must be a JSON object, not \(value.typeName)")
        }
        self.fields = fields
        self.path = path
    }

    public func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// Whether the key is present at all, even as null (PATCH tells "absent" from "set to null").
    public func contains(_ key: String) -> Bool {
        fields[key] != nil
    }

    public func string(_ key: String) throws(ValidationError) -> String? {
        switch fields[key] {
        case nil, .null: return nil
        case .string(let value): return value
        case let other?: throw mismatch(key, expected: "a string", got: other)
        }
    }

    /// A required string that is not empty and at most `maximumLength` characters.
    public func requiredString(_ key: String, maximumLength: Int = 200) throws(ValidationError) -> String {
        guard let value = try string(key) else { throw ValidationError(field: fieldPath(key), "\(key) is required") }
        return try checkLength(key, value, maximumLength: maximumLength)
    }

    public func optionalString(_ key: String, maximumLength: Int = 200) throws(ValidationError) -> String? {
        guard let value = try string(key) else { return nil }
        return try checkLength(key, value, maximumLength: maximumLength)
    }

    /// A string that must be one of the raw values of `Value`.
    public func enumeration<Value: RawRepresentable & CaseIterable>(_ key: String, as type: Value.Type) throws(ValidationError) -> Value?
    where Value.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw ValidationError(field: fieldPath(key), "\(key) must be one of \(allowed)")
        }
        return value
    }

    /// An integer within `range`, or nil when absent or null.
    public func int(_ key: String, in range: ClosedRange<Int>) throws(ValidationError) -> Int? {
        switch fields[key] {
        case nil, .null: return nil
        case .int(let value)?:
            guard let value = Int(exactly: value), range.contains(value) else {
                throw ValidationError(field: fieldPath(key), "\(key) must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        case let other?: throw mismatch(key, expected: "an integer", got: other)
        }
    }

    public func bool(_ key: String) throws(ValidationError) -> Bool? {
        switch fields[key] {
        case nil, .null: return nil
        case .bool(let value)?: return value
        case let other?: throw mismatch(key, expected: "true or false", got: other)
        }
    }

    /// An RFC 3339 date-time, or nil when absent or null.
    public func date(_ key: String) throws(ValidationError) -> Date? {
        guard let text = try string(key) else { return nil }
        guard let date = Timestamp.parse(text) else { throw ValidationError(field: fieldPath(key), "\(key) must be an RFC 3339 date-time") }
        return date
    }

    public func array(_ key: String) throws(ValidationError) -> [JSONValue]? {
        switch fields[key] {
        case nil, .null: return nil
        case .array(let values)?: return values
        case let other?: throw mismatch(key, expected: "an array", got: other)
        }
    }

    public func object(_ key: String) throws(ValidationError) -> JSONObjectReader? {
        switch fields[key] {
        case nil, .null: return nil
        case let value?: return try JSONObjectReader(value, path: fieldPath(key))
        }
    }

    private func checkLength(_ key: String, _ value: String, maximumLength: Int) throws(ValidationError) -> String {
        if value.isEmpty { throw ValidationError(field: fieldPath(key), "\(key) must not be empty") }
        if value.count > maximumLength {
            throw ValidationError(field: fieldPath(key), "\(key) must be at most \(maximumLength) characters")
        }
        return value
    }

    private func mismatch(_ key: String, expected: String, got value: JSONValue) -> ValidationError {
        ValidationError(field: fieldPath(key), "\(key) must be \(expected), not \(value.typeName)")
    }
}

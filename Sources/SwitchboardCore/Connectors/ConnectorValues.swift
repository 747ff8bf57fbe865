import Foundation

/// A connector's parameters, checked against its specification, defaults filled in. Errors
/// name the field as `parameters.<name>`.
public struct ConnectorValues: Sendable {
    var values: [String: JSONValue]
    var conditions: [String: Condition] = [:]

    /// Longest text a string parameter may hold.
    static let maximumLength = 2048

    public init(_ json: JSONValue, specification: [ConnectorParameter]) throws(ValidationError) {
        guard case .object(let given) = json else { throw ValidationError(field: "parameters", "parameters must be a JSON object") }
        values = [:]
        for parameter in specification {
            let field = "parameters." + parameter.name
            guard let value = given[parameter.name], !value.isNull else {
                if parameter.required { throw ValidationError(field: field, "\(parameter.name) is required") }
                if let fallback = parameter.defaultValue { values[parameter.name] = fallback }
                continue
            }
            values[parameter.name] = try Self.checked(value, parameter, field: field)
            if parameter.kind == .condition { conditions[parameter.name] = try Condition(validating: value, path: field) }
        }
    }

    private static func checked(_ value: JSONValue, _ parameter: ConnectorParameter, field: String) throws(ValidationError) -> JSONValue {
        switch parameter.kind {
        case .url:
            let text = try text(value, field: field, name: parameter.name)
            if let problem = DestinationURL.problem(text) { throw ValidationError(field: field, problem) }
            return .string(text)
        case .string, .secret:
            let text = try text(value, field: field, name: parameter.name)
            guard !text.isEmpty else { throw ValidationError(field: field, "\(parameter.name) must not be empty") }
            if parameter.kind == .secret, let problem = HeaderValue.problem(text) { throw ValidationError(field: field, problem) }
            return .string(text)
        case .stringList:
            guard case .array(let items) = value, !items.isEmpty, items.count <= 500 else {
                throw ValidationError(field: field, "\(parameter.name) must be a list of 1 to 500 strings")
            }
            for (index, item) in items.enumerated() {
                let entry = try text(item, field: "\(field)[\(index)]", name: parameter.name)
                if entry.isEmpty { throw ValidationError(field: "\(field)[\(index)]", "\(parameter.name) may not hold an empty string") }
            }
            return value
        case .boolean:
            guard case .bool = value else { throw ValidationError(field: field, "\(parameter.name) must be true or false") }
            return value
        case .integer(let range):
            guard case .int(let number) = value, number >= Int64(range.lowerBound), number <= Int64(range.upperBound) else {
                throw ValidationError(field: field, "\(parameter.name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        case .choice(let allowed):
            guard case .string(let text) = value, allowed.contains(text) else {
                throw ValidationError(field: field, "\(parameter.name) must be one of \(allowed.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return value
        case .condition:
            guard case .object = value else { throw ValidationError(field: field, "\(parameter.name) must be a condition object") }
            return value
        }
    }

    /// A string parameter: bounded, and free of `{{`/`}}`, since it is written into templates as text.
    private static func text(_ value: JSONValue, field: String, name: String) throws(ValidationError) -> String {
        guard case .string(let text) = value else { throw ValidationError(field: field, "\(name) must be a string") }
        guard text.utf8.count <= maximumLength else { throw ValidationError(field: field, "\(name) may be at most \(maximumLength) bytes") }
        guard !text.contains("{{"), !text.contains("}}") else { throw ValidationError(field: field, "\(name) may not contain {{ or }}") }
        return text
    }

    public func string(_ name: String) -> String { values[name]?.stringValue ?? "" }
    public func optionalString(_ name: String) -> String? { values[name]?.stringValue }
    public func strings(_ name: String) -> [String] { values[name]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    public func bool(_ name: String) -> Bool { if case .bool(let flag)? = values[name] { flag } else { false } }
    public func int(_ name: String) -> Int? { if case .int(let number)? = values[name] { Int(exactly: number) } else { nil } }
    public func condition(_ name: String) -> Condition? { conditions[name] }
    /// A URL parameter without its trailing slashes, to append paths to.
    public func base(_ name: String) -> String {
        var text = string(name)
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

import Foundation

/// One parameter of a connector: its type, whether required, its default, whether secret.
public struct ConnectorParameter: Sendable {
    public enum Kind: Sendable, Equatable {
        /// An http(s) URL (the address check comes later, on the destination).
        case url
        case string
        /// Write-only: goes into a destination's headers or signing secret, never into logs.
        case secret
        case stringList
        case boolean
        case integer(ClosedRange<Int>)
        case choice([String])
        /// A condition (DESIGN section 3).
        case condition
    }

    public var name: String
    public var kind: Kind
    public var description: String
    public var required: Bool
    public var defaultValue: JSONValue?

    public init(_ name: String, _ kind: Kind, _ description: String, required: Bool = false, default defaultValue: JSONValue? = nil) {
        self.name = name
        self.kind = kind
        self.description = description
        self.required = required
        self.defaultValue = defaultValue
    }

    var schema: JSONValue {
        var schema: [String: JSONValue] = ["description": .string(description)]
        switch kind {
        case .url: schema.merge(["type": "string", "format": "uri"]) { $1 }
        case .string: schema["type"] = "string"
        case .secret: schema.merge(["type": "string", "writeOnly": true, "x-secret": true]) { $1 }
        case .stringList: schema.merge(["type": "array", "items": ["type": "string", "minLength": 1], "minItems": 1]) { $1 }
        case .boolean: schema["type"] = "boolean"
        case .integer(let range):
            schema.merge(["type": "integer", "minimum": .int(Int64(range.lowerBound)), "maximum": .int(Int64(range.upperBound))]) { $1 }
        case .choice(let values): schema.merge(["type": "string", "enum": .array(values.map(JSONValue.string))]) { $1 }
        case .condition: schema["type"] = "object"
        }
        if let defaultValue { schema["default"] = defaultValue }
        return .object(schema)
    }
}

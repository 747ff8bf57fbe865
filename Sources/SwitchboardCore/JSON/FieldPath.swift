/// A dotted path into a JSON document (`properties.items.0.sku`); numeric parts index arrays.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public let components: [String]

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, !parts.contains(where: \.isEmpty) else { return nil }
        components = parts
    }

    public var description: String { components.joined(separator: ".") }

    /// The value at this path, or nil when any step is missing.
    public func value(in document: JSONValue) -> JSONValue? {
        var current = document
        for component in components {
            switch current {
            case .object(let fields):
                guard let next = fields[component] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(component), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }
}

/// Input that is well-formed JSON but not acceptable; `field` names where, as a dotted path.
public struct ValidationError: Error, Equatable, Sendable {
    public var field: String?
    public var message: String

    public init(field: String?, _ message: String) {
        self.field = field
        self.message = message
    }
}

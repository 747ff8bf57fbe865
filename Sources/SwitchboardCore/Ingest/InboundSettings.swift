/// How a `webhook`, `openloyalty` or `braze-currents` source turns what it receives into events.
/// Each field applies to some source types only; `validated(_:for:)` says which.
public struct InboundSettings: Sendable, Equatable {
    /// Webhook sources: a JSON template (roots `body`, `headers`, `source`) that renders a Segment event.
    public var transform: JSONValue?
    /// Webhook sources: where the array of items sits inside the body (`data.items`).
    public var itemsPath: String?
    /// Webhook sources without a transform: the event name, a literal or a template over the same roots.
    public var eventName: String?
    /// Where the user id comes from: a path into each item (webhook), `loyaltyCardNumber` |
    /// `customerId` | `email` (openloyalty), `external_user_id` | `user_id` (braze-currents).
    public var userIdField: String?

    public init(transform: JSONValue? = nil, itemsPath: String? = nil, eventName: String? = nil, userIdField: String? = nil) {
        self.transform = transform
        self.itemsPath = itemsPath
        self.eventName = eventName
        self.userIdField = userIdField
    }

    public static let fieldNames = ["transform", "itemsPath", "eventName", "userIdField"]

    /// The settings as stored (one JSON column) and shown.
    public var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        fields["transform"] = transform
        fields["itemsPath"] = itemsPath.map(JSONValue.string)
        fields["eventName"] = eventName.map(JSONValue.string)
        fields["userIdField"] = userIdField.map(JSONValue.string)
        return .object(fields)
    }

    /// Reads what storage holds; never throws (settings were validated when saved).
    public init(json: JSONValue?) {
        let fields = json?.objectValue ?? [:]
        transform = fields["transform"].flatMap { $0.isNull ? nil : $0 }
        itemsPath = fields["itemsPath"]?.stringValue
        eventName = fields["eventName"]?.stringValue
        userIdField = fields["userIdField"]?.stringValue
    }

    public var isEmpty: Bool { self == InboundSettings() }
}

extension InboundSettings {
    /// The `userIdField` choices of the platform sources (their first is the default).
    public static func userIdFields(for type: SourceType) -> [String]? {
        switch type {
        case .openloyalty: ["loyaltyCardNumber", "customerId", "email"]
        case .brazeCurrents: ["external_user_id", "user_id"]
        case .webhook, .segment: nil
        }
    }

    /// The same settings, refused with a 422-style error naming the field when they are not usable
    /// for `type`: a transform that does not parse or reads an unknown root, a field of another type.
    public func validated(for type: SourceType) throws(ValidationError) -> InboundSettings {
        func onlyFor(_ field: String, _ types: String) -> ValidationError {
            ValidationError(field: field, "\(field) applies to \(types) sources only")
        }
        if transform != nil, type != .webhook { throw onlyFor("transform", "webhook") }
        if itemsPath != nil, type != .webhook { throw onlyFor("itemsPath", "webhook") }
        if eventName != nil, type != .webhook { throw onlyFor("eventName", "webhook") }
        if userIdField != nil, type == .segment { throw onlyFor("userIdField", "webhook, openloyalty and braze-currents") }
        if let transform { _ = try WebhookTransform(validating: transform) }
        if let itemsPath, itemsPath.utf8.count > 500 || FieldPath(itemsPath) == nil {
            throw ValidationError(field: "itemsPath", "itemsPath must be a dotted path such as data.items")
        }
        if let eventName {
            guard !eventName.isEmpty, eventName.utf8.count <= 500 else {
                throw ValidationError(field: "eventName", "eventName must be 1 to 500 characters")
            }
            _ = try WebhookTransform.template(eventName, field: "eventName")
        }
        if let userIdField {
            if let choices = Self.userIdFields(for: type) {
                guard choices.contains(userIdField) else {
                    throw ValidationError(field: "userIdField", "userIdField must be one of \(choices.map { "\"\($0)\"" }.joined(separator: ", "))")
                }
            } else if userIdField.utf8.count > 500 || FieldPath(userIdField) == nil {
                throw ValidationError(field: "userIdField", "userIdField must be a dotted path into each item, such as customer.id")
            }
        }
        return self
    }
}

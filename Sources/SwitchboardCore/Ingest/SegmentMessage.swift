import Foundation

/// Turns Segment Tracking API messages into events, with Segment's rules and defaults:
/// `receivedAt` is ours, `messageId` is made when absent, and `timestamp` is corrected for
/// client clock skew as `receivedAt - (sentAt - originalTimestamp)`.
public struct SegmentMessageNormalizer: Sendable {
    /// Fields the batch envelope may give for every message that lacks its own.
    public struct BatchDefaults: Sendable {
        public var context: [String: JSONValue]?
        public var integrations: [String: JSONValue]?
        public var sentAt: Date?

        public init(context: [String: JSONValue]? = nil, integrations: [String: JSONValue]? = nil, sentAt: Date? = nil) {
            self.context = context
            self.integrations = integrations
            self.sentAt = sentAt
        }
    }

    public var source: Source
    public var receivedAt: Date
    public var identifiers: IdentifierGenerator

    public init(source: Source, receivedAt: Date, identifiers: IdentifierGenerator) {
        self.source = source
        self.receivedAt = receivedAt
        self.identifiers = identifiers
    }

    /// One message from `/v1/track`, `/v1/identify`, ...: the path gives the type.
    public func event(from body: JSONValue, type: EventType) throws(ValidationError) -> Event {
        guard let fields = body.objectValue else { throw ValidationError(field: nil, "the body must be a JSON object") }
        let sentAt = try Self.optionalDate(fields["sentAt"], field: "sentAt")
        return try event(fields: fields, type: type, defaults: BatchDefaults(sentAt: sentAt), fieldPrefix: "")
    }

    /// A `/v1/batch` body: `{"batch":[...], "context"?, "integrations"?, "sentAt"?}`; each message names its type.
    public func events(fromBatch body: JSONValue) throws(ValidationError) -> [Event] {
        guard let envelope = body.objectValue else { throw ValidationError(field: nil, "the body must be a JSON object") }
        guard let messages = envelope["batch"] else { throw ValidationError(field: "batch", "batch is required") }
        guard let list = messages.arrayValue else {
            throw ValidationError(field: "batch", "batch must be an array, not \(messages.typeName)")
        }
        let defaults = BatchDefaults(
            context: try Self.optionalObject(envelope["context"], field: "context"),
            integrations: try Self.optionalObject(envelope["integrations"], field: "integrations"),
            sentAt: try Self.optionalDate(envelope["sentAt"], field: "sentAt")
        )
        var events: [Event] = []
        events.reserveCapacity(list.count)
        for (index, message) in list.enumerated() {
            let prefix = "batch[\(index)]."
            guard let fields = message.objectValue else {
                throw ValidationError(field: "batch[\(index)]", "each message must be a JSON object")
            }
            guard let typeName = fields["type"]?.stringValue else {
                throw ValidationError(field: prefix + "type", "type is required: one of \(Self.typeNames)")
            }
            guard let type = EventType(rawValue: typeName) else {
                throw ValidationError(field: prefix + "type", "type must be one of \(Self.typeNames)")
            }
            events.append(try event(fields: fields, type: type, defaults: defaults, fieldPrefix: prefix))
        }
        return events
    }

    private static let typeNames = EventType.allCases.map(\.rawValue).joined(separator: ", ")

    private func event(
        fields input: [String: JSONValue], type: EventType, defaults: BatchDefaults, fieldPrefix: String
    ) throws(ValidationError) -> Event {
        func fail(_ field: String, _ message: String) -> ValidationError {
            ValidationError(field: fieldPrefix + field, message)
        }
        func optionalString(_ field: String) throws(ValidationError) -> String? {
            switch input[field] {
            case nil, .null: return nil
            case .string(let value): return value
            case let other?: throw fail(field, "\(field) must be a string, not \(other.typeName)")
            }
        }
        var message = input
        message["writeKey"] = nil  // a credential: never stored or shown

        let userId = try optionalString("userId").flatMap { $0.isEmpty ? nil : $0 }
        let anonymousId = try optionalString("anonymousId").flatMap { $0.isEmpty ? nil : $0 }
        guard userId != nil || anonymousId != nil else {
            throw fail("userId", "userId or anonymousId is required")
        }
        for field in ["properties", "traits", "context", "integrations"] {
            if let value = input[field], !value.isNull, value.objectValue == nil {
                throw fail(field, "\(field) must be an object, not \(value.typeName)")
            }
        }
        for field in ["messageId", "name", "category", "groupId", "previousId"] {
            _ = try optionalString(field)
        }

        var name = type.rawValue
        switch type {
        case .track:
            guard let trackName = try optionalString("event"), !trackName.isEmpty else {
                throw fail("event", "event is required for track calls")
            }
            let prefixed = (source.eventNamePrefix ?? "") + trackName
            message["event"] = .string(prefixed)
            name = prefixed
            if message["properties"] == nil || message["properties"] == .null { message["properties"] = [:] }
        case .identify, .group:
            if type == .group, (try optionalString("groupId")).map(\.isEmpty) ?? true {
                throw fail("groupId", "groupId is required for group calls")
            }
            if message["traits"] == nil || message["traits"] == .null { message["traits"] = [:] }
        case .page, .screen:
            var properties = message["properties"]?.objectValue ?? [:]
            // The top-level `name` of a page becomes the routing name's field, so keep it in properties.
            if properties["name"] == nil, let pageName = try optionalString("name") { properties["name"] = .string(pageName) }
            message["properties"] = .object(properties)
        case .alias:
            guard userId != nil else { throw fail("userId", "userId is required for alias calls") }
            guard let previousId = try optionalString("previousId"), !previousId.isEmpty else {
                throw fail("previousId", "previousId is required for alias calls")
            }
        }

        if let context = defaults.context {
            message["context"] = .object(context.merging(message["context"]?.objectValue ?? [:]) { _, own in own })
        }
        if let integrations = defaults.integrations, message["integrations"]?.objectValue == nil {
            message["integrations"] = .object(integrations)
        }

        let id = identifiers.make(.event)
        // A made messageId reuses the event id's unique part: no second random draw per event.
        let messageId = try optionalString("messageId").flatMap { $0.isEmpty ? nil : $0 } ?? "api-" + id.dropFirst(IdentifierKind.event.prefix.count)
        let sentAt = try Self.optionalDate(input["sentAt"], field: fieldPrefix + "sentAt") ?? defaults.sentAt
        let originalTimestamp = try Self.optionalDate(input["timestamp"], field: fieldPrefix + "timestamp")
        let timestamp: Date
        if let originalTimestamp, let sentAt {
            timestamp = receivedAt.addingTimeInterval(originalTimestamp.timeIntervalSince(sentAt))
            guard Timestamp.representable.contains(timestamp) else {
                throw fail("timestamp", "timestamp and sentAt are too far apart to correct for clock skew")
            }
        } else {
            timestamp = originalTimestamp ?? receivedAt
        }

        message["type"] = .string(type.rawValue)
        message["messageId"] = .string(messageId)
        message["receivedAt"] = .string(Timestamp.format(receivedAt))
        message["timestamp"] = .string(Timestamp.format(timestamp))
        message["originalTimestamp"] = originalTimestamp.map { .string(Timestamp.format($0)) }
        message["sentAt"] = sentAt.map { .string(Timestamp.format($0)) }

        return Event(
            id: id, workspaceId: source.workspaceId, sourceId: source.id, type: type,
            name: name, messageId: messageId, userId: userId, anonymousId: anonymousId, receivedAt: receivedAt,
            message: message
        )
    }

    static func optionalDate(_ value: JSONValue?, field: String) throws(ValidationError) -> Date? {
        switch value {
        case nil, .null: return nil
        case .string(let text):
            guard let date = Timestamp.parse(text) else {
                throw ValidationError(field: field, "\(field) must be an ISO 8601 date-time")
            }
            return date
        case let other?: throw ValidationError(field: field, "\(field) must be an ISO 8601 date-time string, not \(other.typeName)")
        }
    }

    static func optionalObject(_ value: JSONValue?, field: String) throws(ValidationError) -> [String: JSONValue]? {
        switch value {
        case nil, .null: return nil
        case .object(let object): return object
        case let other?: throw ValidationError(field: field, "\(field) must be an object, not \(other.typeName)")
        }
    }
}

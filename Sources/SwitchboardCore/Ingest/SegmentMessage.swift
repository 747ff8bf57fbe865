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

    /// One message's fields, with errors that name them by their path in the request.
    private struct Fields {
        let input: [String: JSONValue]
        let prefix: String

        func fail(_ field: String, _ message: String) -> ValidationError {
            ValidationError(field: prefix + field, message)
        }

        func optionalString(_ field: String) throws(ValidationError) -> String? {
            switch input[field] {
            case nil, .null: return nil
            case .string(let value): return value
            case let other?: throw fail(field, "\(field) must be a string, not \(other.typeName)")
            }
        }

        func nonEmpty(_ field: String) throws(ValidationError) -> String? {
            try optionalString(field).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    private func event(
        fields input: [String: JSONValue], type: EventType, defaults: BatchDefaults, fieldPrefix: String
    ) throws(ValidationError) -> Event {
        let fields = Fields(input: input, prefix: fieldPrefix)
        var message = input
        message["writeKey"] = nil  // a credential: never stored or shown

        let userId = try fields.nonEmpty("userId")
        let anonymousId = try fields.nonEmpty("anonymousId")
        guard userId != nil || anonymousId != nil else { throw fields.fail("userId", "userId or anonymousId is required") }
        for field in ["properties", "traits", "context", "integrations"] {
            if let value = input[field], !value.isNull, value.objectValue == nil {
                throw fields.fail(field, "\(field) must be an object, not \(value.typeName)")
            }
        }
        for field in ["messageId", "name", "category", "groupId", "previousId"] {
            _ = try fields.optionalString(field)
        }
        let name = try applyTypeRules(type, fields, hasUserId: userId != nil, to: &message)
        if let context = defaults.context {
            message["context"] = .object(context.merging(message["context"]?.objectValue ?? [:]) { _, own in own })
        }
        if let integrations = defaults.integrations, message["integrations"]?.objectValue == nil {
            message["integrations"] = .object(integrations)
        }

        let id = identifiers.make(.event)
        // A made messageId reuses the event id's unique part: no second random draw per event.
        let messageId = try fields.nonEmpty("messageId") ?? "api-" + id.dropFirst(IdentifierKind.event.prefix.count)
        try stampTimes(fields, defaults: defaults, on: &message)
        message["type"] = .string(type.rawValue)
        message["messageId"] = .string(messageId)
        return Event(
            id: id, workspaceId: source.workspaceId, sourceId: source.id, type: type,
            name: name, messageId: messageId, userId: userId, anonymousId: anonymousId, receivedAt: receivedAt,
            message: message
        )
    }

    /// What each call type requires and fills in; returns the routing name.
    private func applyTypeRules(
        _ type: EventType, _ fields: Fields, hasUserId: Bool, to message: inout [String: JSONValue]
    ) throws(ValidationError) -> String {
        switch type {
        case .track:
            guard let trackName = try fields.nonEmpty("event") else { throw fields.fail("event", "event is required for track calls") }
            let prefixed = (source.eventNamePrefix ?? "") + trackName
            message["event"] = .string(prefixed)
            if message["properties"] == nil || message["properties"] == .null { message["properties"] = [:] }
            return prefixed
        case .identify, .group:
            if type == .group, try fields.nonEmpty("groupId") == nil { throw fields.fail("groupId", "groupId is required for group calls") }
            if message["traits"] == nil || message["traits"] == .null { message["traits"] = [:] }
        case .page, .screen:
            if message["properties"] == nil || message["properties"] == .null { message["properties"] = [:] }
        case .alias:
            guard hasUserId else { throw fields.fail("userId", "userId is required for alias calls") }
            guard try fields.nonEmpty("previousId") != nil else { throw fields.fail("previousId", "previousId is required for alias calls") }
        }
        return type.rawValue
    }

    /// `receivedAt`, `sentAt`, and `timestamp` corrected for the sender's clock skew (Segment's rule).
    private func stampTimes(_ fields: Fields, defaults: BatchDefaults, on message: inout [String: JSONValue]) throws(ValidationError) {
        let sentAt = try Self.optionalDate(fields.input["sentAt"], field: fields.prefix + "sentAt") ?? defaults.sentAt
        let originalTimestamp = try Self.optionalDate(fields.input["timestamp"], field: fields.prefix + "timestamp")
        let timestamp: Date
        if let originalTimestamp, let sentAt {
            timestamp = receivedAt.addingTimeInterval(originalTimestamp.timeIntervalSince(sentAt))
            guard Timestamp.representable.contains(timestamp) else {
                throw fields.fail("timestamp", "timestamp and sentAt are too far apart to correct for clock skew")
            }
        } else {
            timestamp = originalTimestamp ?? receivedAt
        }
        message["receivedAt"] = .string(Timestamp.format(receivedAt))
        message["timestamp"] = .string(Timestamp.format(timestamp))
        message["originalTimestamp"] = originalTimestamp.map { .string(Timestamp.format($0)) }
        message["sentAt"] = sentAt.map { .string(Timestamp.format($0)) }
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

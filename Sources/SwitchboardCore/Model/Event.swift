import Foundation

/// Segment's message types.
public enum EventType: String, Sendable, CaseIterable {
    case track
    case identify
    case page
    case screen
    case group
    case alias
}

/// An accepted event: the normalized Segment message plus where it came from.
public struct Event: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var sourceId: String
    public var type: EventType
    /// Routing name: the track name for `track`, else the type.
    public var name: String
    public var messageId: String
    public var userId: String?
    public var anonymousId: String?
    public var receivedAt: Date
    /// The Segment message as stored: every field the sender gave, plus the ones we set.
    public var message: [String: JSONValue]
    /// The W3C `traceparent` of the request that received it, when tracing: its deliveries
    /// continue that trace. Stored, never shown.
    public var traceParent: String?

    public init(
        id: String, workspaceId: String, sourceId: String, type: EventType, name: String, messageId: String,
        userId: String?, anonymousId: String?, receivedAt: Date, message: [String: JSONValue], traceParent: String? = nil
    ) {
        self.traceParent = traceParent
        self.id = id
        self.workspaceId = workspaceId
        self.sourceId = sourceId
        self.type = type
        self.name = name
        self.messageId = messageId
        self.userId = userId
        self.anonymousId = anonymousId
        self.receivedAt = receivedAt
        self.message = message
    }

    /// The event as the API shows it: the message exactly as sent (a page's `name` stays the
    /// page's name; the routing name is derived, not shown) plus `id` and `sourceId`.
    public var document: JSONValue {
        var fields = message
        fields["id"] = .string(id)
        fields["sourceId"] = .string(sourceId)
        fields["receivedAt"] = .string(Timestamp.format(receivedAt))
        return .object(fields)
    }
}

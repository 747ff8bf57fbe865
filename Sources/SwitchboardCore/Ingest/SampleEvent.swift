import Foundation

/// An event built from a JSON message for test sends and previews: lenient (no id required),
/// with a sample track event when none is given.
public enum SampleEvent {
    public static func make(from fields: [String: JSONValue]?, workspaceId: String, identifiers: IdentifierGenerator, now: Date) throws(ValidationError) -> Event {
        var message = fields ?? [
            "type": "track", "event": "Test Event", "userId": "test-user",
            "properties": ["test": true], "context": ["library": ["name": "switchboard"]],
        ]
        let typeName = message["type"]?.stringValue ?? (message["event"] != nil ? "track" : "identify")
        guard let type = EventType(rawValue: typeName) else {
            throw ValidationError(field: "event.type", "event.type must be one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let name = type == .track ? (message["event"]?.stringValue ?? "") : type.rawValue
        let id = identifiers.make(.event)
        message["type"] = .string(type.rawValue)
        if message["messageId"] == nil { message["messageId"] = .string("test-" + id.dropFirst(4)) }
        if message["timestamp"] == nil { message["timestamp"] = .string(Timestamp.format(now)) }
        return Event(
            id: id, workspaceId: workspaceId, sourceId: "src_test", type: type, name: name, messageId: message["messageId"]?.stringValue ?? id,
            userId: message["userId"]?.stringValue, anonymousId: message["anonymousId"]?.stringValue, receivedAt: now, message: message)
    }
}

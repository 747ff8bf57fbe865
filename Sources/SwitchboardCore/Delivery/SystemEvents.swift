import Foundation

/// Events Switchboard itself emits into a workspace, routed like any other.
public enum SystemEvents {
    /// The source id of events Switchboard emits.
    public static let sourceId = "switchboard"

    /// `Destination Disabled`, so subscriptions can alert on it.
    public static func destinationDisabled(_ destination: Destination, reason: String, at now: Date, id: String) -> Event {
        let messageId = "destination-disabled-\(destination.id)-\(Int64(flooringSaturating: now.timeIntervalSince1970 * 1000) ?? 0)"
        let message: [String: JSONValue] = [
            "type": "track", "event": "Destination Disabled", "anonymousId": "switchboard", "messageId": .string(messageId),
            "properties": ["destinationId": .string(destination.id), "destinationName": .string(destination.name), "reason": .string(reason)],
            "timestamp": .string(Timestamp.format(now)), "receivedAt": .string(Timestamp.format(now)),
        ]
        return Event(
            id: id, workspaceId: destination.workspaceId, sourceId: sourceId, type: .track, name: "Destination Disabled", messageId: messageId,
            userId: nil, anonymousId: "switchboard", receivedAt: now, message: message)
    }
}

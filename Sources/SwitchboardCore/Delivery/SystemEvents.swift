import Foundation

/// Events Switchboard itself emits into a workspace, routed like any other, so subscriptions can
/// alert on them (as Svix's operational webhooks do).
public enum SystemEvents {
    /// The source id of events Switchboard emits.
    public static let sourceId = "switchboard"

    public static let destinationDisabledName = "Destination Disabled"
    public static let destinationRecoveredName = "Destination Recovered"
    public static let deliveryFailedName = "Delivery Failed"

    /// `Destination Disabled`, so subscriptions can alert on it.
    public static func destinationDisabled(_ destination: Destination, reason: String, at now: Date, id: String) -> Event {
        make(
            destinationDisabledName, messageId: "destination-disabled-\(destination.id)-\(milliseconds(now))", workspaceId: destination.workspaceId,
            properties: ["destinationId": .string(destination.id), "destinationName": .string(destination.name), "reason": .string(reason)],
            at: now, id: id)
    }

    /// Why a destination recovered.
    public enum Recovery: String, Sendable {
        /// Enabled again through the API.
        case enabled
        /// A delivery succeeded after its attempts had been failing.
        case succeeded
    }

    /// `Destination Recovered`: enabled again, or its first success after failing.
    public static func destinationRecovered(_ destination: Destination, because recovery: Recovery, at now: Date, id: String) -> Event {
        make(
            destinationRecoveredName, messageId: "destination-recovered-\(destination.id)-\(milliseconds(now))", workspaceId: destination.workspaceId,
            properties: ["destinationId": .string(destination.id), "destinationName": .string(destination.name), "reason": .string(recovery.rawValue)],
            at: now, id: id)
    }

    /// `Delivery Failed`: a delivery that will not be tried again (retries exhausted, or a
    /// permanent failure), with its last error: the status or the kind of failure, never the body.
    public static func deliveryFailed(_ record: AttemptRecord, destination: Destination, at now: Date, id: String) -> Event {
        var properties: [String: JSONValue] = [
            "deliveryId": .string(record.deliveryId), "destinationId": .string(destination.id), "destinationName": .string(destination.name),
            "attempts": .int(Int64(record.attempt.number)), "lastError": .string(lastError(record.attempt)),
        ]
        if let status = record.attempt.responseStatus { properties["responseStatus"] = .int(Int64(status)) }
        if let kind = record.attempt.error { properties["errorKind"] = .string(kind.rawValue) }
        return make(
            deliveryFailedName, messageId: "delivery-failed-\(record.deliveryId)-\(record.attempt.number)", workspaceId: destination.workspaceId,
            properties: properties, at: now, id: id)
    }

    /// The destination a `Delivery Failed` or `Destination Recovered` is about: it is not sent
    /// there (a failing destination learns nothing from hearing so, and would only fail again).
    public static func concernedDestination(_ event: Event) -> String? {
        guard event.sourceId == sourceId, event.name == deliveryFailedName || event.name == destinationRecoveredName else { return nil }
        return event.message["properties"]?["destinationId"]?.stringValue
    }

    /// `Delivery Failed` and `Destination Recovered` reach only subscriptions that name them:
    /// under `*` every failure would become one more request to every catch-all destination.
    public static func needsExplicitName(_ event: Event) -> Bool {
        event.sourceId == sourceId && (event.name == deliveryFailedName || event.name == destinationRecoveredName)
    }

    /// A short description of what went wrong in the attempt.
    static func lastError(_ attempt: Attempt) -> String {
        if let status = attempt.responseStatus { return "the destination answered HTTP \(status)" }
        switch attempt.error {
        case .timeout: return "the request timed out"
        case .connection: return "the connection failed"
        case .dns: return "the host name did not resolve"
        case .tls: return "the TLS handshake failed"
        case .refusedAddress: return "the address is refused"
        case .redirect: return "the destination redirected"
        case .crashed: return "sending it stopped the process, again and again"
        case .other, nil: return "the request could not be sent"
        }
    }

    private static func make(_ name: String, messageId: String, workspaceId: String, properties: [String: JSONValue], at now: Date, id: String) -> Event {
        let message: [String: JSONValue] = [
            "type": "track", "event": .string(name), "anonymousId": "switchboard", "messageId": .string(messageId),
            "properties": .object(properties), "timestamp": .string(Timestamp.format(now)), "receivedAt": .string(Timestamp.format(now)),
        ]
        return Event(
            id: id, workspaceId: workspaceId, sourceId: sourceId, type: .track, name: name, messageId: messageId, userId: nil, anonymousId: "switchboard",
            receivedAt: now, message: message)
    }

    private static func milliseconds(_ date: Date) -> Int64 { Int64(flooringSaturating: date.timeIntervalSince1970 * 1000) ?? 0 }
}

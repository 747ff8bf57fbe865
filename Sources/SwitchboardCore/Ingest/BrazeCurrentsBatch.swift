import Foundation

/// `braze-currents` sources: Braze Currents' custom HTTP export, `{"events": [...]}` with at most
/// 100 events. Each event `{"event_type", "id", "time", "user": {...}, "properties": {...}}` becomes
/// a track event: custom events are named by `properties.name`, the rest by their `event_type`.
extension InboundConverter {
    public static let maximumBrazeEvents = 100
    static let brazeCustomEvent = "users.behaviors.CustomEvent"
    /// Fields of an event that become the message's own fields, not properties.
    private static let brazeEnvelope: Set<String> = ["event_type", "id", "time", "user", "properties"]

    func brazeCurrentsEvents(_ body: JSONValue) throws(InboundError) -> [Event] {
        guard let list = body["events"]?.arrayValue else {
            throw InboundError(.malformed, "expected a Braze Currents body {\"events\": [...]}", field: "events")
        }
        guard list.count <= Self.maximumBrazeEvents else {
            throw InboundError(.tooMany, "a Braze Currents request may carry at most \(Self.maximumBrazeEvents) events, not \(list.count); split the batch")
        }
        var events: [Event] = []
        events.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            events.append(try brazeEvent(item, field: "events[\(index)]"))
        }
        return events
    }

    private func brazeEvent(_ item: JSONValue, field: String) throws(InboundError) -> Event {
        guard let fields = item.objectValue else { throw InboundError(.malformed, "\(field) must be an object", field: field) }
        guard let eventType = fields["event_type"]?.stringValue, !eventType.isEmpty else {
            throw InboundError(.malformed, "\(field).event_type is required: a Braze event type such as users.messages.email.Send", field: field + ".event_type")
        }
        var braze = fields["properties"]?.objectValue ?? [:]
        var name = eventType
        if eventType == Self.brazeCustomEvent {
            guard let custom = braze["name"]?.stringValue, !custom.isEmpty else {
                throw InboundError(.malformed, "\(field).properties.name is required for \(Self.brazeCustomEvent)", field: field + ".properties.name")
            }
            name = custom
            braze["name"] = nil
        }
        // The event's own properties (custom events, purchases) sit beside Braze's fields, which win a clash.
        if let own = braze.removeValue(forKey: "properties")?.objectValue { braze.merge(own) { brazeField, _ in brazeField } }
        for (key, value) in fields where !Self.brazeEnvelope.contains(key) && braze[key] == nil { braze[key] = value }
        if let prefix = source.eventNamePrefix, !prefix.isEmpty {
            braze = Dictionary(braze.map { (prefix + $0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        }
        var message: [String: JSONValue] = ["event": .string(name), "properties": .object(braze)]
        let user = fields["user"]?.objectValue ?? [:]
        if let userId = Self.identifier(user[source.settings.userIdField ?? "external_user_id"]) { message["userId"] = .string(userId) }
        let anonymousId = Self.identifier(user["device_id"]) ?? (message["userId"] == nil ? Self.identifier(user["user_id"]) : nil)
        if let anonymousId { message["anonymousId"] = .string(anonymousId) }
        if message["userId"] == nil, message["anonymousId"] == nil { message["anonymousId"] = .string(source.id) }
        if !user.isEmpty { message["context"] = ["braze": ["user": .object(user)]] }
        if let id = Self.identifier(fields["id"]) { message["messageId"] = .string(id) }
        if let time = fields["time"], !time.isNull { message["timestamp"] = .string(Timestamp.format(try Self.unixTime(time, field: field + ".time"))) }
        return try event(message, item: field)
    }

    /// Braze's `time`: Unix seconds, refused unless a finite number of a representable date.
    static func unixTime(_ value: JSONValue, field: String) throws(InboundError) -> Date {
        let seconds: Double
        switch value {
        case .int(let number): seconds = Double(number)
        case .double(let number): seconds = number
        default: throw InboundError(.malformed, "\(field) must be Unix seconds (a number), not \(value.typeName)", field: field)
        }
        let date = Date(timeIntervalSince1970: seconds)
        guard seconds.isFinite, Timestamp.representable.contains(date) else {
            throw InboundError(.malformed, "\(field) is not a usable time in Unix seconds", field: field)
        }
        return date
    }
}

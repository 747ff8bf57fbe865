import Foundation

/// When a date trigger fires for one profile, and the event it emits: pure, no I/O.
public enum DateTriggerSchedule {
    /// The date a trait holds: an RFC 3339 date (`2026-12-24`, midnight UTC) or date-time
    /// (`2026-12-24T10:00:00Z`, `...+02:00`); anything else (numbers, free text) is no date.
    public static func date(in value: JSONValue?) -> Date? {
        guard case .string(let text)? = value else { return nil }
        return Timestamp.parse(text)
    }

    /// The UTC day of `date`, less `daysBefore` days, at `atTime` UTC. Double arithmetic: it
    /// cannot trap, whatever the date (a NaN date gives a NaN moment, which never fires).
    public static func dueAt(date: Date, trigger: DateTrigger) -> Date {
        let day = (date.timeIntervalSince1970 / 86_400).rounded(.down)
        return Date(timeIntervalSince1970: (day - Double(trigger.daysBefore)) * 86_400 + Double(trigger.atTime.secondsOfDay))
    }

    /// Due and the date still ahead: a missed moment (downtime) still fires until the date itself
    /// comes; a date already past never does.
    public static func shouldFire(dueAt: Date, date: Date, now: Date) -> Bool {
        now >= dueAt && now < date
    }

    /// The event for one (trigger, profile, date); its messageId is the same every time, so a
    /// repeat is recognised as one.
    public static func event(trigger: DateTrigger, userId: String?, anonymousId: String?, dateText: String, id: String, now: Date) -> Event {
        let messageId = "date-trigger-\(trigger.id)-\(AudienceEvents.profileId(userId: userId, anonymousId: anonymousId))-\(dateText)"
        var message: [String: JSONValue] = [
            "type": "track", "event": .string(trigger.eventName), "messageId": .string(messageId),
            "properties": [
                "triggerId": .string(trigger.id), "field": .string(trigger.field), "date": .string(dateText), "daysBefore": .int(Int64(trigger.daysBefore)),
            ],
            "timestamp": .string(Timestamp.format(now)), "receivedAt": .string(Timestamp.format(now)),
        ]
        if let userId { message["userId"] = .string(userId) }
        if let anonymousId { message["anonymousId"] = .string(anonymousId) }
        return Event(
            id: id, workspaceId: trigger.workspaceId, sourceId: SystemEvents.sourceId, type: .track, name: trigger.eventName, messageId: messageId,
            userId: userId, anonymousId: anonymousId, receivedAt: now, message: message)
    }
}

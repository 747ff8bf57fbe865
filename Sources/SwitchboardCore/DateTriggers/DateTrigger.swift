import Foundation

/// A time of day in UTC, written `HH:MM`.
public struct TimeOfDay: Sendable, Equatable, Hashable {
    public var hour: Int
    public var minute: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Exactly `HH:MM`, 00:00 to 23:59.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return nil }
        func digit(_ index: Int) -> Int? {
            let byte = bytes[index]
            return byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
        }
        guard let h1 = digit(0), let h2 = digit(1), let m1 = digit(3), let m2 = digit(4) else { return nil }
        self.init(hour: h1 * 10 + h2, minute: m1 * 10 + m2)
    }

    private init(checked hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    public var text: String {
        (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
    }

    public var secondsOfDay: Int { hour * 3600 + minute * 60 }

    /// The default: 09:00 UTC.
    public static let nine = TimeOfDay(checked: 9, minute: 0)
}

/// Emits `eventName` `daysBefore` days before the date a profile trait holds, once per (trigger, profile, date).
public struct DateTrigger: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var name: String
    /// The trait as the user gave it: `points_expire_at`, `traits.loyalty.points_expire_at` or `profile.traits.x`.
    public var field: String
    public var daysBefore: Int
    public var eventName: String
    /// When on the due day (UTC) it fires.
    public var atTime: TimeOfDay
    public var createdAt: Date

    public static let maximumDaysBefore = 3_650

    public init(
        id: String, workspaceId: String, name: String, field: String, daysBefore: Int, eventName: String, atTime: TimeOfDay = .nine, createdAt: Date
    ) {
        self.id = id
        self.workspaceId = workspaceId
        self.name = name
        self.field = field
        self.daysBefore = daysBefore
        self.eventName = eventName
        self.atTime = atTime
        self.createdAt = createdAt
    }

    public init(id: String, workspaceId: String, fields: DateTriggerFields, now: Date) {
        self.init(
            id: id, workspaceId: workspaceId, name: fields.name, field: fields.field, daysBefore: fields.daysBefore, eventName: fields.eventName,
            atTime: fields.atTime, createdAt: now)
    }

    /// The path inside the profile's traits: `field` without a leading `traits` or `profile.traits`.
    public var traitPath: [String] { Self.traitPath(field) }

    static func traitPath(_ field: String) -> [String] {
        let components = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if components.count > 2, components[0] == "profile", components[1] == "traits" { return Array(components.dropFirst(2)) }
        if components.count > 1, components[0] == "traits" { return Array(components.dropFirst()) }
        return components
    }

    /// The value at `traitPath` in a profile's traits, or nil.
    public func value(in traits: [String: JSONValue]) -> JSONValue? {
        var current: JSONValue = .object(traits)
        for component in traitPath {
            guard let next = current[component] else { return nil }
            current = next
        }
        return current
    }

    public var document: JSONValue {
        [
            "id": .string(id), "name": .string(name), "field": .string(field), "daysBefore": .int(Int64(daysBefore)),
            "eventName": .string(eventName), "atTime": .string(atTime.text), "createdAt": .string(Timestamp.format(createdAt)),
        ]
    }
}

/// A date trigger's fields, read from a create body.
public struct DateTriggerFields: Sendable, Equatable {
    public var name: String
    public var field: String
    public var daysBefore: Int
    public var eventName: String
    public var atTime: TimeOfDay

    public init(create json: JSONValue) throws(ValidationError) {
        let fields = try JSONObjectReader(json)
        eventName = try fields.requiredString("eventName")
        // The name is a label; without one the event it emits names it well enough.
        name = try fields.optionalString("name") ?? eventName
        field = try fields.requiredString("field")
        guard DateTrigger.traitPath(field).allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError(field: "field", "field must be a trait path such as \"points_expire_at\" or \"traits.loyalty.points_expire_at\"")
        }
        switch fields.fields["daysBefore"] {
        case nil, .null?: daysBefore = 0
        case .int(let value)? where value >= 0 && value <= Int64(DateTrigger.maximumDaysBefore): daysBefore = Int(value)
        default: throw ValidationError(field: "daysBefore", "daysBefore must be a whole number of days from 0 to \(DateTrigger.maximumDaysBefore)")
        }
        if let text = try fields.string("atTime") {
            guard let time = TimeOfDay(text) else { throw ValidationError(field: "atTime", "atTime must be a UTC time of day \"HH:MM\", from 00:00 to 23:59") }
            atTime = time
        } else {
            atTime = .nine
        }
    }
}

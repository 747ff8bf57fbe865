import Foundation

/// An audience's condition: the condition language over the profile (`traits.spend_amount gt
/// 500`, `lastSeen`), plus the event-count leaf `{"count": {"event", "withinDays", "where"?},
/// "op", "value"}`: how many of the user's events of that name (matching `where`) fall in the
/// last `withinDays` days.
public indirect enum AudienceCondition: Sendable, Equatable {
    case all([AudienceCondition])
    case any([AudienceCondition])
    case not(AudienceCondition)
    /// A leaf over the profile document.
    case profile(Condition)
    /// An event count, and the comparison it must pass (a leaf over `{"count": n}`).
    case count(EventCount, test: Condition)

    /// What a count leaf counts.
    public struct EventCount: Sendable, Equatable {
        public let event: String
        public let withinDays: Int
        public let filter: Condition?
        /// Identifies what it counts: audiences with the same leaf share one counter (made once,
        /// as every event that may be counted compares it).
        public let signature: String

        public init(event: String, withinDays: Int, filter: Condition? = nil) {
            self.event = event
            self.withinDays = withinDays
            self.filter = filter
            signature = Self.digest("\(event)\u{1F}\(withinDays)\u{1F}" + (filter.map { JSONCoding.string($0.json) } ?? ""))
        }

        public var window: TimeInterval { TimeInterval(withinDays) * 86_400 }

        /// FNV-1a, 64 bits, in hex: a short, stable key (stored in profiles, hashed per event).
        static func digest(_ text: String) -> String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
            return "c" + String(hash, radix: 16)
        }
    }

    /// The longest window a count may look back: ten years.
    public static let maximumWithinDays = 3_650

    public init(validating json: JSONValue, path: String = "condition") throws(ValidationError) {
        self = try Self.parse(json, path: path, depth: 0)
    }

    private static func parse(_ json: JSONValue, path: String, depth: Int) throws(ValidationError) -> AudienceCondition {
        guard depth < Condition.maximumDepth else { throw ValidationError(field: path, "a condition may nest at most \(Condition.maximumDepth) deep") }
        guard let fields = json.objectValue else { throw ValidationError(field: path, "a condition must be an object") }
        if let list = fields["all"] ?? fields["any"] {
            guard let items = list.arrayValue else { throw ValidationError(field: path, "all and any take a list of conditions") }
            var parsed: [AudienceCondition] = []
            for (index, item) in items.enumerated() { parsed.append(try parse(item, path: "\(path).\(fields["all"] != nil ? "all" : "any")[\(index)]", depth: depth + 1)) }
            return fields["all"] != nil ? .all(parsed) : .any(parsed)
        }
        if let inner = fields["not"] { return .not(try parse(inner, path: path + ".not", depth: depth + 1)) }
        if let count = fields["count"] { return try parseCount(count, fields, path: path) }
        return .profile(try Condition(validating: json, path: path))
    }

    private static func parseCount(_ count: JSONValue, _ fields: [String: JSONValue], path: String) throws(ValidationError) -> AudienceCondition {
        guard let spec = count.objectValue else { throw ValidationError(field: path + ".count", "count must be an object: {event, withinDays, where?}") }
        guard let event = spec["event"]?.stringValue, !event.isEmpty else {
            throw ValidationError(field: path + ".count.event", "count.event is required: the name of the events to count")
        }
        guard let days = spec["withinDays"]?.numberValue, days.rounded() == days, days >= 1, days <= Double(maximumWithinDays) else {
            throw ValidationError(field: path + ".count.withinDays", "count.withinDays must be a whole number of days from 1 to \(maximumWithinDays)")
        }
        let filter = try spec["where"].flatMap { value throws(ValidationError) in try Condition(validating: value, path: path + ".count.where") }
        guard let op = fields["op"]?.stringValue.flatMap(Condition.Operator.init(rawValue:)), [.eq, .neq, .gt, .gte, .lt, .lte].contains(op) else {
            throw ValidationError(field: path + ".op", "a count compares with eq, neq, gt, gte, lt or lte")
        }
        guard let value = fields["value"], value.isNumber else { throw ValidationError(field: path + ".value", "a count compares with a number") }
        let test = try Condition(json: ["field": "count", "op": .string(op.rawValue), "value": value], path: path)
        return .count(EventCount(event: event, withinDays: Int(days), filter: filter), test: test)
    }

    /// Whether a profile is in, given how many events each count leaf counts.
    public func matches(profile: JSONValue, count: (EventCount) -> Int) -> Bool {
        switch self {
        case .all(let conditions): conditions.allSatisfy { $0.matches(profile: profile, count: count) }
        case .any(let conditions): conditions.contains { $0.matches(profile: profile, count: count) }
        case .not(let condition): !condition.matches(profile: profile, count: count)
        case .profile(let condition): condition.matches(profile)
        case .count(let counted, let test): test.matches(["count": .int(Int64(count(counted)))])
        }
    }

    /// The count leaves, so an event is counted only where some audience counts its name, and an
    /// audience re-evaluated only when an event it counts (or any profile change) comes.
    public var counts: [EventCount] {
        switch self {
        case .all(let conditions), .any(let conditions): conditions.flatMap(\.counts)
        case .not(let condition): condition.counts
        case .profile: []
        case .count(let counted, _): [counted]
        }
    }
}

/// Counting events in a sliding window, and when the count next drops without any new event.
public enum EventWindow {
    /// Events at `times` that fall in the `window` seconds up to `now`.
    public static func count(_ times: [Date], window: TimeInterval, now: Date) -> Int {
        times.reduce(0) { $0 + ($1 > now.addingTimeInterval(-window) && $1 <= now ? 1 : 0) }
    }

    /// When the oldest event still in the window leaves it: the next moment a count can drop with
    /// no new event (what the time-ordered index of expiries holds); nil when none is in it.
    public static func nextExpiry(_ times: [Date], window: TimeInterval, now: Date) -> Date? {
        times.filter { $0 > now.addingTimeInterval(-window) && $0 <= now }.min().map { $0.addingTimeInterval(window) }
    }
}

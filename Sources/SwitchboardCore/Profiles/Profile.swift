import Foundation

/// What Switchboard knows of one customer in a workspace: keyed by `userId`, or, before an
/// `identify` or `alias` ties them to one, by an `anonymousId` alone.
public struct Profile: Sendable, Equatable {
    /// `user:<userId>` or `anonymous:<anonymousId>`: one key space for both kinds.
    public var key: ProfileKey
    public var workspaceId: String
    /// The anonymous ids merged into it (an anonymous profile holds its own).
    public var anonymousIds: [String]
    public var traits: [String: JSONValue]
    public var firstSeen: Date
    public var lastSeen: Date
    /// Ids of the audiences it is in, sorted.
    public var audienceIds: [String]
    /// Times of the events each count leaf counted (by `EventCount.signature`), newest last,
    /// pruned to the leaf's window: what count conditions are evaluated from.
    public var counters: [String: [Date]]
    /// When one of its counts next drops with no new event: the time-ordered index the expiry
    /// sweep reads, so it never scans every profile.
    public var nextExpiry: Date?

    public init(
        key: ProfileKey, workspaceId: String, anonymousIds: [String] = [], traits: [String: JSONValue] = [:], firstSeen: Date, lastSeen: Date,
        audienceIds: [String] = [], counters: [String: [Date]] = [:], nextExpiry: Date? = nil
    ) {
        self.nextExpiry = nextExpiry
        self.key = key
        self.workspaceId = workspaceId
        self.anonymousIds = anonymousIds
        self.traits = traits
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.audienceIds = audienceIds
        self.counters = counters
    }

    /// The profile as conditions and templates see it under `profile`.
    public var document: JSONValue {
        [
            "userId": key.userId.map(JSONValue.string) ?? .null,
            "anonymousIds": .array(anonymousIds.map(JSONValue.string)),
            "traits": .object(traits),
            "firstSeen": .string(Timestamp.format(firstSeen)),
            "lastSeen": .string(Timestamp.format(lastSeen)),
        ]
    }

    /// The counters as stored: `{signature: [milliseconds...]}`.
    public var countersDocument: JSONValue {
        .object(counters.mapValues { times in .array(times.map { .int(Int64(flooringSaturating: $0.timeIntervalSince1970 * 1000) ?? 0) }) })
    }

    public static func counters(from document: JSONValue?) -> [String: [Date]] {
        (document?.objectValue ?? [:]).mapValues { value in
            (value.arrayValue ?? []).compactMap { $0.numberValue.map { Date(timeIntervalSince1970: $0 / 1000) } }
        }
    }
}

/// Which profile something belongs to.
public enum ProfileKey: Sendable, Hashable {
    case user(String)
    case anonymous(String)

    /// The profile an event is applied to: its user's when it has a `userId`, else its anonymous id's.
    public init?(_ event: Event) {
        if let userId = event.userId, !userId.isEmpty {
            self = .user(userId)
        } else if let anonymousId = event.anonymousId, !anonymousId.isEmpty {
            self = .anonymous(anonymousId)
        } else {
            return nil
        }
    }

    public var userId: String? {
        if case .user(let id) = self { return id }
        return nil
    }

    /// As stored: `user:<id>` or `anonymous:<id>` (the prefixes keep the two id spaces apart).
    public var stored: String {
        switch self {
        case .user(let id): "user:" + id
        case .anonymous(let id): "anonymous:" + id
        }
    }

    public init?(stored: String) {
        if stored.hasPrefix("user:") {
            self = .user(String(stored.dropFirst(5)))
        } else if stored.hasPrefix("anonymous:") {
            self = .anonymous(String(stored.dropFirst(10)))
        } else {
            return nil
        }
    }
}

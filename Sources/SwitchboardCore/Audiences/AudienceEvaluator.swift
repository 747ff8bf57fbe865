import Foundation

/// Which audiences one profile is in after a change. Pure and incremental: only the audiences
/// the change can affect are evaluated, and only for that one profile.
public enum AudienceEvaluator {
    public struct Outcome: Sendable, Equatable {
        /// The profile with its counters, `audienceIds` and `nextExpiry` brought up to date.
        public var profile: Profile
        public var entered: [Audience]
        public var exited: [Audience]
    }

    /// What changed, so that only the audiences that read it are evaluated.
    public enum Change: Sendable {
        /// An event was applied: `before` is the profile as it was (nil when new or just merged:
        /// then every audience is evaluated).
        case event(Event, before: Profile?)
        /// Time passed: counts may have dropped.
        case clock
        /// A build: these audiences are evaluated, whatever changed.
        case build(Set<String>)
    }

    /// The most event times a counter keeps: enough for any comparison users write, and a bound
    /// on a profile's size whatever a sender does.
    public static let maximumCountedEvents = 1_000

    /// A workspace's audiences with what every evaluation asks of them, worked out once (per
    /// transaction), not per event.
    public struct Context: Sendable {
        public let audiences: [Audience]
        /// Each counter's leaf (one per signature, with the longest window of those sharing it).
        let leaves: [AudienceCondition.EventCount]
        /// The leaves of each event name.
        let leavesByEvent: [String: [AudienceCondition.EventCount]]
        let windows: [String: TimeInterval]
        /// How many newest times each counter keeps, across the audiences that share it.
        public let retention: [String: Int]
        let ids: Set<String>

        public init(_ audiences: [Audience]) {
            self.audiences = audiences
            var windows: [String: TimeInterval] = [:]
            var leaves: [String: AudienceCondition.EventCount] = [:]
            for leaf in audiences.flatMap(\.countLeaves) where leaf.window > windows[leaf.signature] ?? -1 {
                windows[leaf.signature] = leaf.window
                leaves[leaf.signature] = leaf
            }
            self.windows = windows
            self.leaves = leaves.keys.sorted().compactMap { leaves[$0] }
            leavesByEvent = Dictionary(grouping: self.leaves, by: \.event)
            retention = audiences.reduce(into: [:]) { kept, audience in kept.merge(audience.countRetention, uniquingKeysWith: max) }
            ids = Set(audiences.map(\.id))
        }
    }

    public static func evaluate(_ profile: Profile, change: Change, audiences: [Audience], now: Date) -> Outcome {
        evaluate(profile, change: change, context: Context(audiences), now: now)
    }

    public static func evaluate(_ profile: Profile, change: Change, context: Context, now: Date) -> Outcome {
        var profile = profile
        var counted = Set<String>()
        if case .event(let event, _) = change, let leaves = context.leavesByEvent[event.name] {
            counted = count(event, in: &profile, leaves: leaves, keeping: context.retention)
        }
        prune(&profile, windows: context.windows, now: now)
        let changedFields = changedFields(change, profile)
        var memberships = Set(profile.audienceIds)
        var entered: [Audience] = []
        var exited: [Audience] = []
        var document: JSONValue?
        for audience in context.audiences {
            let affected: Bool
            switch change {
            case .build(let ids): affected = ids.contains(audience.id)
            case .clock: affected = !audience.countLeaves.isEmpty
            case .event:
                affected =
                    changedFields == nil || audience.countLeaves.contains { counted.contains($0.signature) }
                    || !audience.profileFields.isDisjoint(with: changedFields ?? [])
            }
            guard affected else { continue }
            // Count-only conditions never read the document: it is made for the first that does.
            if document == nil, !audience.profileFields.isEmpty { document = evaluationDocument(profile) }
            let isIn = audience.condition.matches(profile: document ?? .null) { leaf in
                EventWindow.count(profile.counters[leaf.signature] ?? [], window: leaf.window, now: now)
            }
            if isIn, memberships.insert(audience.id).inserted { entered.append(audience) }
            if !isIn, memberships.remove(audience.id) != nil { exited.append(audience) }
        }
        // Memberships of audiences that no longer exist are dropped silently.
        if !entered.isEmpty || !exited.isEmpty || !memberships.isSubset(of: context.ids) {
            profile.audienceIds = memberships.intersection(context.ids).sorted()
        }
        let expiry = nextExpiry(profile, leaves: context.leaves, now: now)
        if case .event = change, let stored = profile.nextExpiry {
            // An earlier moment already in the index stays: the sweep then finds nothing changed
            // and sets the true one. Busy users so cost no index write per event.
            profile.nextExpiry = min(stored, expiry ?? stored)
        } else {
            profile.nextExpiry = expiry
        }
        return Outcome(profile: profile, entered: entered, exited: exited)
    }

    /// What audience conditions read: the profile document, also reachable as `profile.*`.
    public static func evaluationDocument(_ profile: Profile) -> JSONValue {
        let document = profile.document
        guard case .object(var fields) = document else { return document }
        fields["profile"] = document
        return .object(fields)
    }

    /// Adds the event to every counter whose leaf counts it; returns those leaves' signatures.
    static func count(_ event: Event, in profile: inout Profile, leaves: [AudienceCondition.EventCount], keeping: [String: Int]) -> Set<String> {
        var counted = Set<String>()
        var document: JSONValue?
        for leaf in leaves where !counted.contains(leaf.signature) {
            if let filter = leaf.filter {
                if document == nil { document = event.document }
                guard filter.matches(document ?? .null) else { continue }
            }
            counted.insert(leaf.signature)
            var times = profile.counters[leaf.signature] ?? []
            // Events mostly arrive in order: append, and sort only when one did not.
            if let last = times.last, last > event.receivedAt {
                times.append(event.receivedAt)
                times.sort()
            } else {
                times.append(event.receivedAt)
            }
            let limit = keeping[leaf.signature] ?? maximumCountedEvents
            profile.counters[leaf.signature] = times.count > limit ? Array(times.suffix(limit)) : times
        }
        return counted
    }

    /// Drops times that left every window, and counters no audience counts any more.
    static func prune(_ profile: inout Profile, windows: [String: TimeInterval], now: Date) {
        for (signature, times) in profile.counters {
            guard let window = windows[signature] else {
                profile.counters[signature] = nil
                continue
            }
            let cutoff = now.addingTimeInterval(-window)
            // Times are sorted: nothing to drop unless the oldest left the window.
            guard times.first.map({ $0 <= cutoff }) ?? true else { continue }
            let kept = times.filter { $0 > cutoff }
            profile.counters[signature] = kept.isEmpty ? nil : kept
        }
    }

    /// The top-level profile fields that differ from before; nil when everything is new.
    static func changedFields(_ change: Change, _ profile: Profile) -> Set<String>? {
        guard case .event(_, let before) = change, let before else { return nil }
        var changed = Set<String>()
        if before.key != profile.key { changed.insert("userId") }
        if before.anonymousIds != profile.anonymousIds { changed.insert("anonymousIds") }
        if before.traits != profile.traits { changed.insert("traits") }
        if before.firstSeen != profile.firstSeen { changed.insert("firstSeen") }
        if before.lastSeen != profile.lastSeen { changed.insert("lastSeen") }
        return changed
    }

    static func nextExpiry(_ profile: Profile, leaves: [AudienceCondition.EventCount], now: Date) -> Date? {
        leaves.compactMap { leaf in
            EventWindow.nextExpiry(profile.counters[leaf.signature] ?? [], window: leaf.window, now: now)
        }.min()
    }
}

extension AudienceCondition {
    /// How many of the newest counted times each count leaf needs kept (by signature): a
    /// comparison with `value` is decided, now and when times leave the window, by the newest
    /// `value + 1`; older ones are dropped, so counters stay small however busy a user is.
    public var countRetention: [String: Int] {
        switch self {
        case .all(let conditions), .any(let conditions):
            conditions.reduce(into: [:]) { kept, condition in kept.merge(condition.countRetention, uniquingKeysWith: max) }
        case .not(let condition): condition.countRetention
        case .profile: [:]
        case .count(let counted, let test):
            [counted.signature: Self.retention(test)]
        }
    }

    private static func retention(_ test: Condition) -> Int {
        guard case .leaf(_, _, let value) = test, let number = value?.numberValue, let whole = Int64(flooringSaturating: number.rounded(.up)) else {
            return AudienceEvaluator.maximumCountedEvents
        }
        return Int(min(max(whole, 0), Int64(AudienceEvaluator.maximumCountedEvents - 1))) + 1
    }

    /// The top-level profile fields its profile leaves read (`traits`, `lastSeen`, ...).
    public var profileFields: Set<String> {
        switch self {
        case .all(let conditions), .any(let conditions): conditions.reduce(into: Set<String>()) { $0.formUnion($1.profileFields) }
        case .not(let condition): condition.profileFields
        case .profile(let condition): condition.topLevelFields
        case .count: []
        }
    }
}

extension Condition {
    /// The first component of each leaf's field, looking through a leading `profile.`.
    var topLevelFields: Set<String> {
        switch self {
        case .all(let conditions), .any(let conditions): return conditions.reduce(into: Set<String>()) { $0.formUnion($1.topLevelFields) }
        case .not(let condition): return condition.topLevelFields
        case .leaf(let field, _, _):
            let components = field.components.first == "profile" ? Array(field.components.dropFirst()) : field.components
            // `profile` alone reads the whole profile: any change affects it.
            return components.first.map { [$0] } ?? ["userId", "anonymousIds", "traits", "firstSeen", "lastSeen"]
        }
    }

    /// Whether any leaf reads `profile.*`: such a subscription is evaluated after the profile update.
    public var readsProfile: Bool {
        switch self {
        case .all(let conditions), .any(let conditions): conditions.contains(where: \.readsProfile)
        case .not(let condition): condition.readsProfile
        case .leaf(let field, _, _): field.components.first == "profile"
        }
    }
}

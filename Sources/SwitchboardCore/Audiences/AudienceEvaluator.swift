import Foundation

/// Which audiences one profile is in after a change. Pure and incremental: only the audiences
/// the change can affect are evaluated, and only for that one profile.
public enum AudienceEvaluator {
    public struct Outcome: Sendable, Equatable {
        /// The profile with its counters and `audienceIds` brought up to date.
        public var profile: Profile
        public var entered: [Audience]
        public var exited: [Audience]
        /// When one of its counts next drops with no new event (the expiry index's due time).
        public var nextExpiry: Date?
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

    public static func evaluate(_ profile: Profile, change: Change, audiences: [Audience], now: Date) -> Outcome {
        var profile = profile
        var counted = Set<String>()
        if case .event(let event, _) = change {
            counted = count(event, in: &profile, audiences: audiences)
        }
        prune(&profile, audiences: audiences, now: now)
        let changedFields = changedFields(change, profile)
        var memberships = Set(profile.audienceIds)
        var entered: [Audience] = []
        var exited: [Audience] = []
        let document = evaluationDocument(profile)
        for audience in audiences {
            let leaves = audience.condition.counts
            let affected: Bool
            switch change {
            case .build(let ids): affected = ids.contains(audience.id)
            case .clock: affected = !leaves.isEmpty
            case .event:
                affected =
                    changedFields == nil || leaves.contains { counted.contains($0.signature) }
                    || !audience.condition.profileFields.isDisjoint(with: changedFields ?? [])
            }
            guard affected else { continue }
            let isIn = audience.condition.matches(profile: document) { leaf in
                EventWindow.count(profile.counters[leaf.signature] ?? [], window: leaf.window, now: now)
            }
            if isIn, memberships.insert(audience.id).inserted { entered.append(audience) }
            if !isIn, memberships.remove(audience.id) != nil { exited.append(audience) }
        }
        // Memberships of audiences that no longer exist are dropped silently.
        let live = Set(audiences.map(\.id))
        profile.audienceIds = memberships.filter(live.contains).sorted()
        return Outcome(profile: profile, entered: entered, exited: exited, nextExpiry: nextExpiry(profile, audiences: audiences, now: now))
    }

    /// What audience conditions read: the profile document, also reachable as `profile.*`.
    public static func evaluationDocument(_ profile: Profile) -> JSONValue {
        guard case .object(var fields) = profile.document else { return profile.document }
        fields["profile"] = profile.document
        return .object(fields)
    }

    /// Adds the event to every counter whose leaf counts it; returns those leaves' signatures.
    static func count(_ event: Event, in profile: inout Profile, audiences: [Audience]) -> Set<String> {
        var counted = Set<String>()
        let document = event.document
        for leaf in audiences.flatMap(\.condition.counts) where leaf.event == event.name && !counted.contains(leaf.signature) {
            guard leaf.filter?.matches(document) ?? true else { continue }
            counted.insert(leaf.signature)
            var times = profile.counters[leaf.signature] ?? []
            times.append(event.receivedAt)
            times.sort()
            profile.counters[leaf.signature] = times.suffix(maximumCountedEvents)
        }
        return counted
    }

    /// Drops times that left every window, and counters no audience counts any more.
    static func prune(_ profile: inout Profile, audiences: [Audience], now: Date) {
        var windows: [String: TimeInterval] = [:]
        for leaf in audiences.flatMap(\.condition.counts) { windows[leaf.signature] = max(windows[leaf.signature] ?? 0, leaf.window) }
        profile.counters = profile.counters.reduce(into: [:]) { kept, entry in
            guard let window = windows[entry.key] else { return }
            let times = entry.value.filter { $0 > now.addingTimeInterval(-window) }
            if !times.isEmpty { kept[entry.key] = times }
        }
    }

    /// The top-level profile fields that differ from before; nil when everything is new.
    static func changedFields(_ change: Change, _ profile: Profile) -> Set<String>? {
        guard case .event(_, let before) = change, let before else { return nil }
        guard case .object(let old) = before.document, case .object(let new) = profile.document else { return nil }
        return Set(new.keys.filter { old[$0] != new[$0] })
    }

    static func nextExpiry(_ profile: Profile, audiences: [Audience], now: Date) -> Date? {
        audiences.flatMap(\.condition.counts).compactMap { leaf in
            EventWindow.nextExpiry(profile.counters[leaf.signature] ?? [], window: leaf.window, now: now)
        }.min()
    }
}

extension AudienceCondition.EventCount {
    /// Identifies what a leaf counts: audiences with the same leaf share one counter.
    public var signature: String {
        "\(event)\u{1F}\(withinDays)\u{1F}" + (filter.map { JSONCoding.string($0.json) } ?? "")
    }
}

extension AudienceCondition {
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

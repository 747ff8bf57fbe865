import Foundation

/// How an event changes profiles, Segment's way. Pure: storage reads the profiles the plan
/// names, calls `apply`, and writes what it returns (one user's events in the order received).
public enum ProfilePlanner {
    /// What applying one event needs and does.
    public struct Plan: Sendable, Equatable {
        /// The profile the event is applied to.
        public var target: ProfileKey
        /// An anonymous profile to fold into `target` first (an `alias`, or an `identify` carrying
        /// both ids); it is deleted afterwards.
        public var absorbs: ProfileKey?

        public init(target: ProfileKey, absorbs: ProfileKey?) {
            self.target = target
            self.absorbs = absorbs
        }
    }

    /// Nil when the event names no one (no `userId`, no `anonymousId`).
    public static func plan(_ event: Event) -> Plan? {
        guard let target = ProfileKey(event) else { return nil }
        guard case .user = target else { return Plan(target: target, absorbs: nil) }
        switch event.type {
        case .alias:
            // `previousId` is the anonymous id (or an older user id, which Segment also treats as anonymous).
            let previous = event.message["previousId"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            return Plan(target: target, absorbs: previous.map(ProfileKey.anonymous))
        default:
            return Plan(target: target, absorbs: event.anonymousId.flatMap { $0.isEmpty ? nil : ProfileKey.anonymous($0) })
        }
    }

    /// The target profile after the event: created if new, the absorbed profile folded in,
    /// `identify` traits merged (a trait set to null is removed), first and last seen moved.
    public static func apply(_ event: Event, plan: Plan, target: Profile?, absorbed: Profile?) -> Profile {
        var profile = target ?? Profile(key: plan.target, workspaceId: event.workspaceId, firstSeen: event.receivedAt, lastSeen: event.receivedAt)
        if let absorbed { profile = fold(absorbed, into: profile) }
        if case .anonymous(let id) = plan.target { remember(id, in: &profile) }
        if case .anonymous(let id)? = plan.absorbs { remember(id, in: &profile) }
        if event.type == .identify, let traits = event.message["traits"]?.objectValue {
            merge(traits, into: &profile.traits)
        }
        profile.firstSeen = min(profile.firstSeen, event.receivedAt)
        profile.lastSeen = max(profile.lastSeen, event.receivedAt)
        return profile
    }

    /// An anonymous profile folded into a user's: its ids join, its traits fill what the user's
    /// profile does not have (the user's own values win), and the seen times widen.
    public static func fold(_ anonymous: Profile, into user: Profile) -> Profile {
        var merged = user
        for id in anonymous.anonymousIds { remember(id, in: &merged) }
        merged.traits = anonymous.traits.merging(user.traits) { _, own in own }
        merged.firstSeen = min(user.firstSeen, anonymous.firstSeen)
        merged.lastSeen = max(user.lastSeen, anonymous.lastSeen)
        // The anonymous events count for the user too; memberships are re-evaluated after.
        merged.counters = anonymous.counters.merging(user.counters) { theirs, own in (theirs + own).sorted() }
        return merged
    }

    /// `identify` traits: each key replaces the stored one, null removes it; nested objects replace whole.
    static func merge(_ traits: [String: JSONValue], into stored: inout [String: JSONValue]) {
        for (key, value) in traits {
            if value.isNull { stored[key] = nil } else { stored[key] = value }
        }
    }

    private static func remember(_ anonymousId: String, in profile: inout Profile) {
        if !profile.anonymousIds.contains(anonymousId) { profile.anonymousIds.append(anonymousId) }
    }
}

/// An event and the subscriptions it goes to, decided before its write transaction begins.
public struct RoutedEvent: Sendable {
    public var event: Event
    /// The subscriptions whose names and conditions it matched, in candidate order. Each gets a
    /// pending delivery when the event is stored as new, if it is still enabled then.
    public var subscriptionIds: [String]
    /// Candidates whose conditions read `profile.*`: decided inside the write transaction, once
    /// the event has been applied to its profile (`matchProfileCandidates`).
    public var profileCandidates: [Subscription]

    public init(event: Event, subscriptionIds: [String], profileCandidates: [Subscription] = []) {
        self.event = event
        self.subscriptionIds = subscriptionIds
        self.profileCandidates = profileCandidates
    }

    /// Adds the profile-reading candidates the event matches, given the profile after the event
    /// (its document made only when some candidate reads it).
    public mutating func matchProfileCandidates(profile: @autoclosure () -> JSONValue?) {
        guard !profileCandidates.isEmpty else { return }
        let document = profile()
        subscriptionIds += profileCandidates.compactMap { $0.matches(event, profile: document) ? $0.id : nil }
        profileCandidates = []
    }
}

/// Which subscriptions an event goes to. Pure: storage reads the candidate subscriptions (by
/// workspace and event name), the planner decides, storage creates the deliveries.
public enum RoutePlanner {
    /// What candidate subscriptions are looked up by: an event's workspace and routing name.
    public struct Key: Hashable, Sendable {
        public var workspaceId: String
        public var name: String

        public init(_ event: Event) {
            workspaceId = event.workspaceId
            name = event.name
        }
    }

    /// Conditions evaluated between two yields: a long run of them lets other tasks run too.
    static let evaluationsPerYield = 64

    /// Routes each event against the candidates of its key, yielding now and then so that costly
    /// conditions never hold a thread others wait for.
    public static func route(_ events: [Event], candidates: [Key: [Subscription]]) async -> [RoutedEvent] {
        var routed: [RoutedEvent] = []
        routed.reserveCapacity(events.count)
        var evaluations = 0
        for event in events {
            let eventCandidates = candidates[Key(event)] ?? []
            routed.append(plan(event, candidates: eventCandidates))
            evaluations += eventCandidates.reduce(0) { $0 + ($1.condition == nil ? 0 : 1) }
            if evaluations >= evaluationsPerYield {
                evaluations = 0
                await Task.yield()
            }
        }
        return routed
    }

    /// The candidates the event matches, in order; an operational event about a destination
    /// never goes to that destination, nor to `*`. Candidates whose conditions read the profile are set aside for after the profile update.
    public static func plan(_ event: Event, candidates: [Subscription]) -> RoutedEvent {
        var routed = RoutedEvent(event: event, subscriptionIds: [])
        let concerned = SystemEvents.concernedDestination(event)
        let explicitOnly = SystemEvents.needsExplicitName(event)
        for candidate in candidates where candidate.destinationId != concerned && !(explicitOnly && !candidate.eventNames.contains(event.name)) {
            if candidate.condition?.readsProfile == true {
                routed.profileCandidates.append(candidate)
            } else if candidate.matches(event) {
                routed.subscriptionIds.append(candidate.id)
            }
        }
        return routed
    }

    /// The distinct keys of `events`, for reading their candidates in one go.
    public static func keys(_ events: [Event]) -> Set<Key> {
        Set(events.map(Key.init))
    }
}

/// An event and the subscriptions it goes to, decided before its write transaction begins.
public struct RoutedEvent: Sendable {
    public var event: Event
    /// The subscriptions whose names and conditions it matched, in candidate order. Each gets a
    /// pending delivery when the event is stored as new, if it is still enabled then.
    public var subscriptionIds: [String]

    public init(event: Event, subscriptionIds: [String]) {
        self.event = event
        self.subscriptionIds = subscriptionIds
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

    /// The candidates the event matches, in order.
    public static func plan(_ event: Event, candidates: [Subscription]) -> RoutedEvent {
        RoutedEvent(event: event, subscriptionIds: candidates.compactMap { $0.matches(event) ? $0.id : nil })
    }

    /// The distinct keys of `events`, for reading their candidates in one go.
    public static func keys(_ events: [Event]) -> Set<Key> {
        Set(events.map(Key.init))
    }
}

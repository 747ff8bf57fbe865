import SwitchboardCore

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

/// Routing that both backends share: which candidate subscriptions an event matches. It runs on
/// the ingesting request's own task, before the event joins a commit, so the time a costly
/// condition takes is never spent inside the transaction other workspaces' events wait for.
enum EventRouter {
    /// What candidate subscriptions are looked up by: an event's workspace and routing name.
    struct Key: Hashable, Sendable {
        var workspaceId: String
        var name: String

        init(_ event: Event) {
            workspaceId = event.workspaceId
            name = event.name
        }
    }

    /// Conditions evaluated between two yields: a long run of them lets other tasks run too.
    static let evaluationsPerYield = 64

    static func route(_ events: [Event], candidates: [Key: [Subscription]]) async -> [RoutedEvent] {
        var routed: [RoutedEvent] = []
        routed.reserveCapacity(events.count)
        var evaluations = 0
        for event in events {
            let eventCandidates = candidates[Key(event)] ?? []
            routed.append(RoutedEvent(event: event, subscriptionIds: matches(event, eventCandidates)))
            evaluations += eventCandidates.reduce(0) { $0 + ($1.condition == nil ? 0 : 1) }
            if evaluations >= evaluationsPerYield {
                evaluations = 0
                await Task.yield()
            }
        }
        return routed
    }

    /// The candidates the event matches, in order.
    static func matches(_ event: Event, _ candidates: [Subscription]) -> [String] {
        candidates.compactMap { $0.matches(event) ? $0.id : nil }
    }
}

extension Storage {
    /// Routes, then stores, in one call: for tests and tools. Ingest routes in each request's task
    /// and commits routed events in groups (`EventGroupCommitter`).
    @discardableResult
    public func insertEvents(_ events: [Event]) async throws -> Int {
        try await insertEvents(try await routeEvents(events))
    }
}

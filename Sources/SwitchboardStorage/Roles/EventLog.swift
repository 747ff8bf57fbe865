import Foundation
import SwitchboardCore

/// Received events: stored once per source and `messageId`, each with the deliveries it was routed to.
public protocol EventLog: Sendable {
    /// Which subscriptions each event goes to: reads the candidates (no write lock, no transaction
    /// others wait on) and evaluates their conditions. The first half of storing events.
    func routeEvents(_ events: [Event]) async throws -> [RoutedEvent]
    /// Stores routed events in one transaction, with a pending delivery for each subscription each
    /// new event matched that is still enabled; an event whose `messageId` its source already has
    /// is skipped. No condition is evaluated inside. Returns how many were new, once durable.
    @discardableResult
    func insertEvents(_ events: [RoutedEvent]) async throws -> Int
    func event(id: String, workspaceId: String) async throws -> Event?
    /// Newest first.
    func listEvents(workspaceId: String, filter: EventFilter, page: PageRequest) async throws -> Page<Event>
}

extension EventLog {
    /// Routes, then stores, in one call: for tests and tools. Ingest routes in each request's task
    /// and commits routed events in groups (`EventGroupCommitter`).
    @discardableResult
    public func insertEvents(_ events: [Event]) async throws -> Int {
        try await insertEvents(try await routeEvents(events))
    }
}

/// Filters of the event explorer.
public struct EventFilter: Sendable, Equatable {
    public var name: String?
    public var userId: String?
    public var type: EventType?
    public var sourceId: String?
    /// Only events received at or after this time.
    public var since: Date?

    public init(name: String? = nil, userId: String? = nil, type: EventType? = nil, sourceId: String? = nil, since: Date? = nil) {
        self.name = name
        self.userId = userId
        self.type = type
        self.sourceId = sourceId
        self.since = since
    }
}

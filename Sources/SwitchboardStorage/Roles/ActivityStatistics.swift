import Foundation
import SwitchboardCore

/// One workspace's recent traffic, as the admin panel's dashboard shows it: a fixed number of
/// index range scans however many destinations and deliveries there are.
public protocol ActivityStatistics: Sendable {
    /// Traffic since the time, with the `failingLimit` destinations that failed most.
    func activitySummary(workspaceId: String, since: Date, failingLimit: Int) async throws -> ActivitySummary
    /// Deliveries created since the time to the given destinations, by destination and status:
    /// a page of the destinations list, without counting the whole workspace.
    func deliveryCounts(workspaceId: String, destinationIds: [String], since: Date) async throws -> [ActivitySummary.DeliveryCount]
}

/// Events in and deliveries out since a time, and the queue as it stands.
public struct ActivitySummary: Sendable, Equatable {
    /// Events received since the time.
    public var events: Int
    /// Deliveries created since the time, by status (statuses with none left out).
    public var deliveries: [DeliveryStatus: Int]
    /// The destinations with the most failed deliveries created since the time, most first (ties by id).
    public var failing: [DeliveryCount]
    /// How many destinations have a failed delivery created since the time.
    public var failingDestinations: Int
    /// Deliveries pending now (any age).
    public var pending: Int
    /// When the oldest pending delivery was created.
    public var oldestPendingAt: Date?

    public init(events: Int, deliveries: [DeliveryStatus: Int], failing: [DeliveryCount], failingDestinations: Int, pending: Int, oldestPendingAt: Date?) {
        self.events = events
        self.deliveries = deliveries
        self.failing = failing
        self.failingDestinations = failingDestinations
        self.pending = pending
        self.oldestPendingAt = oldestPendingAt
    }

    /// Deliveries of every status.
    public var deliveryTotal: Int { deliveries.values.reduce(0) { $0 &+ $1 } }

    public struct DeliveryCount: Sendable, Equatable {
        public var destinationId: String
        public var status: DeliveryStatus
        public var count: Int

        public init(destinationId: String, status: DeliveryStatus, count: Int) {
            self.destinationId = destinationId
            self.status = status
            self.count = count
        }
    }
}

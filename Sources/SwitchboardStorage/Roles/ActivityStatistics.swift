import Foundation
import SwitchboardCore

/// One workspace's recent traffic, as the admin panel's dashboard shows it: a fixed number of
/// grouped queries however many destinations and deliveries there are.
public protocol ActivityStatistics: Sendable {
    func activitySummary(workspaceId: String, since: Date) async throws -> ActivitySummary
    /// Deliveries created since the time to the given destinations, by destination and status:
    /// a page of the destinations list, without counting the whole workspace.
    func deliveryCounts(workspaceId: String, destinationIds: [String], since: Date) async throws -> [ActivitySummary.DeliveryCount]
}

/// Events in and deliveries out since a time, and the queue as it stands.
public struct ActivitySummary: Sendable, Equatable {
    /// Events received since the time.
    public var events: Int
    /// Deliveries created since the time, counted by destination and status.
    public var deliveries: [DeliveryCount]
    /// Deliveries pending now (any age).
    public var pending: Int
    /// When the oldest pending delivery was created.
    public var oldestPendingAt: Date?

    public init(events: Int, deliveries: [DeliveryCount], pending: Int, oldestPendingAt: Date?) {
        self.events = events
        self.deliveries = deliveries
        self.pending = pending
        self.oldestPendingAt = oldestPendingAt
    }

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

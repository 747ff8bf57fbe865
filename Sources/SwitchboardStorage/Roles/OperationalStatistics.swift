import Foundation

/// Figures an operator watches (`/metrics`), each read in one query however many destinations
/// there are: a scrape costs the same with ten destinations or ten thousand.
public protocol OperationalStatistics: Sendable {
    /// Every destination with pending deliveries: how many, and how long the oldest due one has waited.
    func destinationBacklogs(now: Date) async throws -> [DestinationBacklog]
    /// Destinations that are switched off (by hand, or disabled after failing).
    func countDisabledDestinations() async throws -> Int
    /// Database connections this process holds right now (PostgreSQL's pool); nil on SQLite.
    var connectionsInUse: Int? { get }
}

/// One destination's queue.
public struct DestinationBacklog: Sendable, Equatable {
    public var destinationId: String
    /// Pending deliveries, due or waiting for a retry.
    public var pending: Int
    /// How long the oldest due delivery has been due (0 when none is due yet).
    public var oldestDueSeconds: Double

    public init(destinationId: String, pending: Int, oldestDueSeconds: Double) {
        self.destinationId = destinationId
        self.pending = pending
        self.oldestDueSeconds = oldestDueSeconds
    }

    /// From a GROUP BY row: the count and the earliest `next_attempt_at` in milliseconds.
    init(destinationId: String, pending: Int64, earliestDue: Int64?, now: Date) {
        self.destinationId = destinationId
        self.pending = Int(clamping: pending)
        let waited = earliestDue.map { now.timeIntervalSince(Date(milliseconds: $0)) } ?? 0
        oldestDueSeconds = max(0, waited)
    }
}

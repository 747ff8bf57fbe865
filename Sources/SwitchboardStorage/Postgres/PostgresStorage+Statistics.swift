import Foundation
import PostgresNIO
import SwitchboardCore
import Synchronization

extension PostgresStorage {
    public func destinationBacklogs(now: Date) async throws -> [DestinationBacklog] {
        // One pass over the pending part of `deliveries_destination_due`.
        try await rows(
            """
            SELECT destination_id, COUNT(*) AS pending, MIN(next_attempt_at) AS earliest FROM deliveries
            WHERE status = 'pending' GROUP BY destination_id
            """
        ).map { row in
            DestinationBacklog(
                destinationId: row.text("destination_id") ?? "", pending: row.integer("pending") ?? 0, earliestDue: row.integer("earliest"), now: now)
        }
    }

    public func countDisabledDestinations() async throws -> Int {
        let count = try await rows("SELECT COUNT(*) AS count FROM destinations WHERE NOT enabled").first?.integer("count") ?? 0
        return Int(clamping: count)
    }

    public var connectionsInUse: Int? { connectionGauge.value }
}

/// Connections of the pool in use by this process, counted around every `withConnection`.
final class ConnectionGauge: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
}

import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func destinationBacklogs(now: Date) async throws -> [DestinationBacklog] {
        // One pass over the pending part of `deliveries_destination_due`.
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT destination_id, COUNT(*) AS pending, MIN(next_attempt_at) AS earliest FROM deliveries
                    WHERE status = 'pending' GROUP BY destination_id
                    """
            ).map { row in
                DestinationBacklog(destinationId: row["destination_id"], pending: row["pending"], earliestDue: row["earliest"], now: now)
            }
        }
    }

    public func countDisabledDestinations() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM destinations WHERE enabled = 0") ?? 0 }
    }

    public var connectionsInUse: Int? { nil }
}

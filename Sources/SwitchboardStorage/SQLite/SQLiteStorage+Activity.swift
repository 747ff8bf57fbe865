import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func activitySummary(workspaceId: String, since: Date) async throws -> ActivitySummary {
        try await pool.read { db in
            let events = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM events WHERE workspace_id = ? AND received_at >= ?", arguments: [workspaceId, since.milliseconds]) ?? 0
            let counts = try Row.fetchAll(
                db,
                sql: """
                    SELECT destination_id, status, COUNT(*) AS n FROM deliveries
                    WHERE workspace_id = ? AND created_at >= ? GROUP BY destination_id, status
                    """,
                arguments: [workspaceId, since.milliseconds]
            ).compactMap { row -> ActivitySummary.DeliveryCount? in
                guard let status = DeliveryStatus(rawValue: row["status"]) else { return nil }
                return .init(destinationId: row["destination_id"], status: status, count: Int(clamping: row["n"] as Int64))
            }
            let pending = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries WHERE workspace_id = ? AND status = 'pending'",
                arguments: [workspaceId])
            return ActivitySummary(
                events: events, deliveries: counts, pending: Int(clamping: (pending?["n"] as Int64?) ?? 0),
                oldestPendingAt: (pending?["oldest"] as Int64?).map(Date.init(milliseconds:)))
        }
    }
}

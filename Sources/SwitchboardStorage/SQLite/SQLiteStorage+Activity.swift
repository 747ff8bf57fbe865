import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func activitySummary(workspaceId: String, since: Date, failingLimit: Int) async throws -> ActivitySummary {
        let statuses = DeliveryStatus.allCases.map(\.rawValue)
        return try await pool.read { db in
            let events = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM events INDEXED BY events_received WHERE workspace_id = ? AND received_at >= ?",
                arguments: [workspaceId, since.milliseconds]) ?? 0
            // One range of (workspace, status, created_at) per status.
            var deliveries: [DeliveryStatus: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT status, COUNT(*) AS n FROM deliveries INDEXED BY deliveries_status_created
                    WHERE workspace_id = ? AND status IN (\(Self.placeholders(statuses.count))) AND created_at >= ? GROUP BY status
                    """,
                arguments: StatementArguments([workspaceId] + statuses) + [since.milliseconds])
            {
                if let status = DeliveryStatus(rawValue: row["status"]) { deliveries[status] = Int(clamping: row["n"] as Int64) }
            }
            let failing = try Self.deliveryCounts(
                db,
                sql: """
                    SELECT destination_id, status, COUNT(*) AS n FROM deliveries INDEXED BY deliveries_status_created
                    WHERE workspace_id = ? AND status = 'failed' AND created_at >= ?
                    GROUP BY destination_id ORDER BY n DESC, destination_id LIMIT ?
                    """,
                arguments: [workspaceId, since.milliseconds, failingLimit])
            let failingDestinations = try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(DISTINCT destination_id) FROM deliveries INDEXED BY deliveries_status_created
                    WHERE workspace_id = ? AND status = 'failed' AND created_at >= ?
                    """,
                arguments: [workspaceId, since.milliseconds]) ?? 0
            let pending = try Row.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries INDEXED BY deliveries_status_created
                    WHERE workspace_id = ? AND status = 'pending'
                    """,
                arguments: [workspaceId])
            return ActivitySummary(
                events: events, deliveries: deliveries, failing: failing, failingDestinations: failingDestinations,
                pending: Int(clamping: (pending?["n"] as Int64?) ?? 0), oldestPendingAt: (pending?["oldest"] as Int64?).map(Date.init(milliseconds:)))
        }
    }

    public func deliveryCounts(workspaceId: String, destinationIds: [String], since: Date) async throws -> [ActivitySummary.DeliveryCount] {
        let ids = Array(Set(destinationIds))
        guard !ids.isEmpty else { return [] }
        return try await pool.read { db in
            try Self.deliveryCounts(
                db,
                sql: """
                    SELECT destination_id, status, COUNT(*) AS n FROM deliveries INDEXED BY deliveries_destination_created
                    WHERE destination_id IN (\(Self.placeholders(ids.count))) AND workspace_id = ? AND created_at >= ?
                    GROUP BY destination_id, status
                    """,
                arguments: StatementArguments(ids) + [workspaceId, since.milliseconds])
        }
    }

    private static func deliveryCounts(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ActivitySummary.DeliveryCount] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
            guard let status = DeliveryStatus(rawValue: row["status"]) else { return nil }
            return .init(destinationId: row["destination_id"], status: status, count: Int(clamping: row["n"] as Int64))
        }
    }
}

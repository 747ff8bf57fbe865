import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    public func activitySummary(workspaceId: String, since: Date, failingLimit: Int) async throws -> ActivitySummary {
        let sinceMs = since.milliseconds
        let events = try await rows("SELECT COUNT(*) AS n FROM events WHERE workspace_id = \(workspaceId) AND received_at >= \(sinceMs)")
            .first?.integer("n") ?? 0
        // Every status named, so that each is one range of (workspace, status, created_at).
        let statuses = DeliveryStatus.allCases.map(\.rawValue)
        var deliveries: [DeliveryStatus: Int] = [:]
        for row in try await rows(
            """
            SELECT status, COUNT(*) AS n FROM deliveries
            WHERE workspace_id = \(workspaceId) AND status = ANY(\(statuses)) AND created_at >= \(sinceMs) GROUP BY status
            """)
        {
            if let status = row.text("status").flatMap(DeliveryStatus.init(rawValue:)) { deliveries[status] = Int(clamping: row.integer("n") ?? 0) }
        }
        let failing = try await rows(
            """
            SELECT destination_id, status, COUNT(*) AS n FROM deliveries
            WHERE workspace_id = \(workspaceId) AND status = 'failed' AND created_at >= \(sinceMs)
            GROUP BY destination_id, status ORDER BY n DESC, destination_id LIMIT \(failingLimit)
            """
        ).compactMap(Self.deliveryCount)
        let failingDestinations = try await rows(
            """
            SELECT COUNT(DISTINCT destination_id) AS n FROM deliveries
            WHERE workspace_id = \(workspaceId) AND status = 'failed' AND created_at >= \(sinceMs)
            """
        ).first?.integer("n") ?? 0
        let pending = try await rows(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM deliveries WHERE workspace_id = \(workspaceId) AND status = 'pending'"
        ).first
        return ActivitySummary(
            events: Int(clamping: events), deliveries: deliveries, failing: failing, failingDestinations: Int(clamping: failingDestinations),
            pending: Int(clamping: pending?.integer("n") ?? 0), oldestPendingAt: pending?.integer("oldest").map(Date.init(milliseconds:)))
    }

    public func deliveryCounts(workspaceId: String, destinationIds: [String], since: Date) async throws -> [ActivitySummary.DeliveryCount] {
        let ids = Array(Set(destinationIds))
        guard !ids.isEmpty else { return [] }
        return try await rows(
            """
            SELECT destination_id, status, COUNT(*) AS n FROM deliveries
            WHERE destination_id = ANY(\(ids)) AND workspace_id = \(workspaceId) AND created_at >= \(since.milliseconds)
            GROUP BY destination_id, status
            """
        ).compactMap(Self.deliveryCount)
    }

    private static func deliveryCount(_ row: PostgresRandomAccessRow) -> ActivitySummary.DeliveryCount? {
        guard let status = row.text("status").flatMap(DeliveryStatus.init(rawValue:)), let destination = row.text("destination_id") else { return nil }
        return .init(destinationId: destination, status: status, count: Int(clamping: row.integer("n") ?? 0))
    }
}

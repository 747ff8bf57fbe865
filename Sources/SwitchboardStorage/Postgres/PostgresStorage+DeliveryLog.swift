import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    public func listDeliveries(workspaceId: String, filter: DeliveryFilter, page: PageRequest) async throws -> Page<Delivery> {
        var statement = Statement("SELECT * FROM deliveries WHERE workspace_id = ")
        statement.bind(.text(workspaceId))
        statement.filter("id <", .text(page.cursor))
        statement.filter("status =", .text(filter.status?.rawValue))
        statement.filter("destination_id =", .text(filter.destinationId))
        statement.filter("subscription_id =", .text(filter.subscriptionId))
        statement.filter("event_id =", .text(filter.eventId))
        statement.filter("created_at >=", .date(filter.since))
        statement.filter("created_at <", .date(filter.until))
        if let name = filter.eventName {
            // By the events' (workspace_id, name, id) index, not a join per row.
            statement.add(" AND event_id IN (SELECT id FROM events WHERE workspace_id = ")
            statement.bind(.text(workspaceId))
            statement.add(" AND name = ")
            statement.bind(.text(name))
            statement.add(")")
        }
        statement.add(" ORDER BY id DESC LIMIT ")
        statement.bind(.int(page.limit + 1))
        return try await withConnection { connection in
            let deliveries = try await withAttempts(connection, try await connection.rows(statement, logger: logger).map { Delivery(row: $0) })
            return Page(fetched: deliveries, limit: page.limit, id: \.id)
        }
    }

    public func delivery(id: String, workspaceId: String) async throws -> Delivery? {
        try await withConnection { connection in try await delivery(connection, id: id, workspaceId: workspaceId) }
    }

    public func retryDelivery(id: String, workspaceId: String, now: Date) async throws -> Delivery? {
        let requeued = DeliveryTransition.requeued(now: now)
        return try await withTransaction { connection in
            try await connection.query(
                """
                UPDATE deliveries SET status = \(requeued.status.rawValue), next_attempt_at = \(requeued.nextAttemptAt?.milliseconds), lease_until = NULL, lease_count = 0,
                    updated_at = \(now.milliseconds)
                WHERE id = \(id) AND workspace_id = \(workspaceId)
                """, logger: logger)
            return try await delivery(connection, id: id, workspaceId: workspaceId)
        }
    }

    public func recoverDeliveries(destinationId: String, workspaceId: String, since: Date, until: Date?, now: Date) async throws -> Int {
        let requeued = DeliveryTransition.requeued(now: now)
        return try await withTransaction { connection in
            let count = try await connection.rows(
                """
                UPDATE deliveries SET status = \(requeued.status.rawValue), next_attempt_at = \(requeued.nextAttemptAt?.milliseconds), lease_until = NULL, lease_count = 0,
                    updated_at = \(now.milliseconds)
                WHERE destination_id = \(destinationId) AND workspace_id = \(workspaceId) AND status = 'failed'
                    AND created_at >= \(since.milliseconds) AND created_at < \(until?.milliseconds ?? Int64.max)
                RETURNING id
                """, logger: logger
            ).count
            return count
        }
    }

    private func delivery(_ connection: PostgresConnection, id: String, workspaceId: String) async throws -> Delivery? {
        guard let row = try await connection.rows("SELECT * FROM deliveries WHERE id = \(id) AND workspace_id = \(workspaceId)", logger: logger).first
        else { return nil }
        return try await withAttempts(connection, [Delivery(row: row)]).first
    }

    private func withAttempts(_ connection: PostgresConnection, _ deliveries: [Delivery]) async throws -> [Delivery] {
        guard !deliveries.isEmpty else { return [] }
        let rows = try await connection.rows(
            "SELECT * FROM attempts WHERE delivery_id = ANY(\(deliveries.map(\.id))) ORDER BY delivery_id, number", logger: logger)
        var attempts: [String: [Attempt]] = [:]
        for row in rows { attempts[row.string("delivery_id"), default: []].append(Attempt(row: row)) }
        return deliveries.map { delivery in
            var delivery = delivery
            delivery.attempts = attempts[delivery.id] ?? []
            return delivery
        }
    }
}

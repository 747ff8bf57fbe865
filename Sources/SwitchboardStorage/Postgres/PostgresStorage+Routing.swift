import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    /// Candidates are read on a pooled connection outside any transaction; conditions are
    /// evaluated after it is handed back, holding nothing.
    public func routeEvents(_ events: [Event]) async throws -> [RoutedEvent] {
        guard !events.isEmpty else { return [] }
        let keys = Set(events.map(EventRouter.Key.init))
        let candidates = try await withConnection { connection in
            var candidates: [EventRouter.Key: [Subscription]] = [:]
            for key in keys { candidates[key] = try await candidateSubscriptions(connection, workspaceId: key.workspaceId, eventName: key.name) }
            return candidates
        }
        return await EventRouter.route(events, candidates: candidates)
    }

    @discardableResult
    public func insertEvents(_ events: [RoutedEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        return try await transaction { connection in
            let inserted = Set(try await insertNewEvents(connection, events.map(\.event)).map(\.id))
            // A duplicate is skipped, and so is its routing: it was routed when first stored.
            try await insertDeliveries(connection, events.filter { inserted.contains($0.event.id) })
            return inserted.count
        }
    }

    /// A pending delivery, due now, for each subscription each event matched that is still enabled
    /// (one deleted or paused since routing gets none), to the subscription's destination as it is
    /// now; wakes every node when there is any.
    func insertDeliveries(_ connection: PostgresConnection, _ events: [RoutedEvent]) async throws {
        var deliveries: [[ColumnValue]] = []
        for routed in events {
            let event = routed.event
            for subscriptionId in routed.subscriptionIds {
                deliveries.append([
                    .text(identifiers.make(.delivery)), .text(event.workspaceId), .text(event.id), .text(subscriptionId),
                    .date(event.receivedAt), .date(event.receivedAt), .date(event.receivedAt), .text(event.userId ?? event.anonymousId),
                ])
            }
        }
        guard !deliveries.isEmpty else { return }
        for chunk in deliveries.chunked(Self.rowsPerStatement) {
            var statement = Statement(
                """
                INSERT INTO deliveries (id, workspace_id, event_id, subscription_id, destination_id, next_attempt_at, created_at,
                    updated_at, order_key, status, attempt_count)
                SELECT v.id, v.workspace_id, v.event_id, v.subscription_id, s.destination_id, v.next_attempt_at, v.created_at,
                    v.updated_at, v.order_key, 'pending', 0
                FROM (VALUES 
                """)
            statement.values(Array(chunk), types: ["text", "text", "text", "text", "bigint", "bigint", "bigint", "text"])
            statement.add(
                """
                ) AS v (id, workspace_id, event_id, subscription_id, next_attempt_at, created_at, updated_at, order_key)
                JOIN subscriptions s ON s.id = v.subscription_id AND s.enabled
                """)
            try await connection.rows(statement, logger: logger)
        }
        try await connection.query("SELECT pg_notify(\(Self.workChannel), '')", logger: logger)
    }
}

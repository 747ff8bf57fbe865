import Foundation
import Logging
import PostgresNIO
import SwitchboardCore

/// One queue transaction on a pooled PostgreSQL connection. Rows other nodes are leasing are
/// skipped, and rows shared by every node (rate-limit slots, in-flight counts) are read under
/// row locks taken in id order, so two nodes never wait on each other in a cycle.
struct PostgresTransaction: QueueTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let identifiers: IdentifierGenerator

    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await connection.rows(query, logger: logger)
    }

    func candidateSubscriptions(_ keys: Set<RoutePlanner.Key>) async throws -> [RoutePlanner.Key: [Subscription]] {
        try await PostgresStorage.candidateSubscriptions(connection, keys, logger: logger)
    }

    func insertNewEvents(_ events: [Event]) async throws -> Set<String> {
        var inserted = Set<String>()
        for chunk in events.chunked(PostgresStorage.rowsPerStatement) {
            var statement = Statement(
                "INSERT INTO events (id, workspace_id, source_id, message_id, type, name, user_id, anonymous_id, received_at, message, trace_parent) VALUES ")
            statement.values(chunk.map(\.columnValues), types: ["text", "text", "text", "text", "text", "text", "text", "text", "bigint", "text", "text"])
            statement.add(" ON CONFLICT (source_id, message_id) DO NOTHING RETURNING id")
            inserted.formUnion(try await rows(statement.query).map { $0.string("id") })
        }
        return inserted
    }

    func insertDeliveries(_ routed: [RoutedEvent]) async throws {
        let deliveries: [[ColumnValue]] = routed.flatMap { routed in
            let event = routed.event
            return routed.subscriptionIds.map { subscriptionId -> [ColumnValue] in
                [
                    .text(identifiers.make(.delivery)), .text(event.workspaceId), .text(event.id), .text(subscriptionId),
                    .date(event.receivedAt), .date(event.receivedAt), .date(event.receivedAt), .text(event.userId ?? event.anonymousId),
                ]
            }
        }
        for chunk in deliveries.chunked(PostgresStorage.rowsPerStatement) {
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
            _ = try await rows(statement.query)
        }
    }

    /// One index range per sending destination, so a paused destination's backlog is never walked.
    func dueCandidates(now: Date, limit: Int) async throws -> [LeasePlanner.Candidate] {
        let nowMs = now.milliseconds
        return try await rows(
            """
            SELECT c.* FROM destinations t CROSS JOIN LATERAL (
                SELECT d.id, d.destination_id, d.subscription_id, d.next_attempt_at, d.lease_count, d.attempt_count FROM deliveries d
                WHERE d.destination_id = t.id AND d.status = 'pending' AND d.next_attempt_at <= \(nowMs)
                    AND (d.lease_until IS NULL OR d.lease_until <= \(nowMs))
                    AND (t.ordering <> 'per-user' OR d.order_key IS NULL OR NOT EXISTS (
                        SELECT 1 FROM deliveries p WHERE p.destination_id = d.destination_id AND p.order_key = d.order_key
                            AND p.status = 'pending' AND p.id < d.id))
                ORDER BY d.next_attempt_at, d.id LIMIT \(limit)
                FOR UPDATE OF d SKIP LOCKED
            ) c
            WHERE t.enabled AND (t.active_from IS NULL OR t.active_from <= \(nowMs))
            ORDER BY c.next_attempt_at, c.id LIMIT \(limit)
            """
        ).map { row in
            LeasePlanner.Candidate(
                deliveryId: row.string("id"), destinationId: row.string("destination_id"), subscriptionId: row.string("subscription_id"),
                dueAt: row.requiredDate("next_attempt_at"), leaseCount: row.int("lease_count") ?? 0, attemptCount: row.int("attempt_count") ?? 0)
        }
    }

    /// Destinations with a rate limit or a cap are read under a row lock: every node shares their
    /// slots and in-flight counts. The others need no lock.
    func leaseInputs(destinationIds: [String], now: Date) async throws -> [String: LeaseInput] {
        var destinations: [String: Destination] = [:]
        for row in try await rows("SELECT * FROM destinations WHERE id = ANY(\(destinationIds))") {
            destinations[row.string("id")] = Destination(row: row)
        }
        let controlled = destinationIds.filter { destinations[$0]?.rateLimitPerSecond != nil || destinations[$0]?.maxConcurrency != nil }
        var nextSendAt: [String: Date] = [:]
        var inFlight: [String: Int] = [:]
        if !controlled.isEmpty {
            for row in try await rows("SELECT id, next_send_at FROM destinations WHERE id = ANY(\(controlled)) ORDER BY id FOR UPDATE") {
                nextSendAt[row.string("id")] = row.date("next_send_at")
            }
            for row in try await rows(
                """
                SELECT destination_id, COUNT(DISTINCT lease_group) AS in_flight FROM deliveries
                WHERE destination_id = ANY(\(controlled)) AND status = 'pending' AND lease_until IS NOT NULL AND lease_until > \(now.milliseconds)
                GROUP BY destination_id
                """)
            {
                inFlight[row.string("destination_id")] = row.int("in_flight") ?? 0
            }
        }
        return destinations.mapValues { destination in
            LeaseInput(
                destination: destination,
                state: LeasePlanner.DestinationState(
                    rateLimitPerSecond: destination.rateLimitPerSecond, maxConcurrency: destination.maxConcurrency, batching: destination.batching,
                    inFlight: inFlight[destination.id] ?? 0, nextSendAt: nextSendAt[destination.id]))
        }
    }

    func reserveSendSlots(_ nextSendAt: [String: Date]) async throws {
        for (id, next) in nextSendAt {
            _ = try await rows("UPDATE destinations SET next_send_at = \(next.milliseconds) WHERE id = \(id)")
        }
    }

    func lease(_ sends: [LeasePlanner.Send], until: Date) async throws -> [String: LeasedDelivery] {
        let planned = sends.flatMap(\.deliveryIds)
        let groups = sends.flatMap { send in send.deliveryIds.map { _ in send.deliveryIds[0] } }
        var leased: [String: LeasedDelivery] = [:]
        for row in try await rows(
            """
            WITH leased AS (
                UPDATE deliveries d SET lease_until = \(until.milliseconds), lease_group = u.lease_group, lease_count = d.lease_count + 1
                FROM unnest(\(planned)::text[], \(groups)::text[]) AS u(id, lease_group) WHERE d.id = u.id
                RETURNING d.*
            )
            SELECT l.*, \(unescaped: RawEvent.joinedColumns) FROM leased l JOIN events e ON e.id = l.event_id
            """)
        {
            leased[row.string("id")] = LeasedDelivery(delivery: Delivery(row: row), event: RawEvent(row: row, prefix: "e_"))
        }
        return leased
    }

    func subscriptions(ids: [String]) async throws -> [String: Subscription] {
        var subscriptions: [String: Subscription] = [:]
        for row in try await rows("SELECT * FROM subscriptions WHERE id = ANY(\(ids))") {
            if let subscription = Subscription(row: row) { subscriptions[subscription.id] = subscription }
        }
        return subscriptions
    }

    func writeAttempts(_ attempts: [(record: AttemptRecord, state: DeliveryTransition.State)], now: Date) async throws {
        for chunk in attempts.chunked(PostgresStorage.rowsPerStatement) {
            var inserts = Statement("INSERT INTO attempts (delivery_id, number, at, duration_ms, response_status, response_body, error) VALUES ")
            inserts.values(
                chunk.map { record, _ in
                    let attempt = record.attempt
                    return [
                        .text(record.deliveryId), .int(attempt.number), .date(attempt.at), .int(attempt.durationMs), .int(attempt.responseStatus),
                        .text(attempt.responseBody), .text(attempt.error?.rawValue),
                    ]
                }, types: ["text", "bigint", "bigint", "bigint", "bigint", "text", "text"])
            inserts.add(
                """
                 ON CONFLICT (delivery_id, number) DO UPDATE SET at = excluded.at, duration_ms = excluded.duration_ms,
                    response_status = excluded.response_status, response_body = excluded.response_body, error = excluded.error
                """)
            _ = try await rows(inserts.query)

            var updates = Statement(
                """
                UPDATE deliveries d SET status = v.status, attempt_count = v.attempt_count, next_attempt_at = v.next_attempt_at,
                    lease_until = NULL, lease_group = NULL, lease_count = 0, updated_at = v.updated_at
                FROM (VALUES 
                """)
            updates.values(
                chunk.map { record, state in
                    [.text(record.deliveryId), .text(state.status.rawValue), .int(record.attempt.number), .date(state.nextAttemptAt), .date(now)]
                }, types: ["text", "text", "bigint", "bigint", "bigint"])
            updates.add(") AS v(id, status, attempt_count, next_attempt_at, updated_at) WHERE d.id = v.id")
            _ = try await rows(updates.query)
        }
    }

    func failingSince(destinationIds: [String]) async throws -> [String: Date] {
        var since: [String: Date] = [:]
        for row in try await rows("SELECT id, failing_since FROM destinations WHERE id = ANY(\(destinationIds)) AND failing_since IS NOT NULL") {
            since[row.string("id")] = row.date("failing_since")
        }
        return since
    }

    func setFailingSince(_ date: Date?, destinationId: String) async throws {
        _ = try await rows("UPDATE destinations SET failing_since = \(date?.milliseconds) WHERE id = \(destinationId)")
    }

    func destinations(ids: [String]) async throws -> [String: Destination] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await rows("SELECT * FROM destinations WHERE id = ANY(\(ids))")
        return Dictionary(rows.map(Destination.init(row:)).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func deliveriesOfSystemEvents(ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let rows = try await rows(
            """
            SELECT deliveries.id FROM deliveries JOIN events ON events.id = deliveries.event_id
            WHERE deliveries.id = ANY(\(ids)) AND events.source_id = \(SystemEvents.sourceId)
            """)
        return Set(rows.compactMap { $0.text("id") })
    }

    func disableDestination(id: String, reason: String, now: Date) async throws -> Destination? {
        try await rows(
            """
            UPDATE destinations SET enabled = false, disabled_reason = \(reason), failing_since = NULL, updated_at = \(now.milliseconds)
            WHERE id = \(id) AND enabled RETURNING *
            """
        ).first.map(Destination.init(row:))
    }
}

extension PostgresStorage {
    public func releaseLeases(deliveryIds: [String]) async throws {
        guard !deliveryIds.isEmpty else { return }
        try await rows(
            "UPDATE deliveries SET lease_until = NULL, lease_group = NULL, lease_count = GREATEST(lease_count - 1, 0) WHERE status = 'pending' AND id = ANY(\(deliveryIds))"
        )
    }
}

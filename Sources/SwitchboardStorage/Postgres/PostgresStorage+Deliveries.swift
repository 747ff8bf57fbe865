import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    /// Routes events storage emits itself (`Destination Disabled`) inside the transaction that
    /// emits them; ingested events are routed before theirs (`routeEvents(_:)`).
    func routeEvents(_ connection: PostgresConnection, _ events: [Event]) async throws {
        var candidates: [String: [Subscription]] = [:]
        var routed: [RoutedEvent] = []
        for event in events {
            let key = event.workspaceId + "\u{0}" + event.name
            if candidates[key] == nil {
                candidates[key] = try await candidateSubscriptions(connection, workspaceId: event.workspaceId, eventName: event.name)
            }
            routed.append(RoutedEvent(event: event, subscriptionIds: EventRouter.matches(event, candidates[key] ?? [])))
        }
        try await insertDeliveries(connection, routed)
    }

    // MARK: Activity log

    public func listDeliveries(workspaceId: String, filter: DeliveryFilter, page: PageRequest) async throws -> Page<Delivery> {
        var statement = Statement("SELECT * FROM deliveries WHERE workspace_id = ")
        statement.bind(.text(workspaceId))
        statement.filter("id <", .text(page.cursor))
        statement.filter("status =", .text(filter.status?.rawValue))
        statement.filter("destination_id =", .text(filter.destinationId))
        statement.filter("subscription_id =", .text(filter.subscriptionId))
        statement.filter("event_id =", .text(filter.eventId))
        statement.filter("created_at >=", .date(filter.since))
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
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE deliveries SET status = 'pending', next_attempt_at = \(now.milliseconds), lease_until = NULL, lease_count = 0,
                    updated_at = \(now.milliseconds)
                WHERE id = \(id) AND workspace_id = \(workspaceId)
                """, logger: logger)
            try await connection.query("SELECT pg_notify(\(Self.workChannel), '')", logger: logger)
            return try await delivery(connection, id: id, workspaceId: workspaceId)
        }
    }

    public func recoverDeliveries(destinationId: String, workspaceId: String, since: Date, until: Date?, now: Date) async throws -> Int {
        try await transaction { connection in
            let count = try await connection.rows(
                """
                UPDATE deliveries SET status = 'pending', next_attempt_at = \(now.milliseconds), lease_until = NULL, lease_count = 0,
                    updated_at = \(now.milliseconds)
                WHERE destination_id = \(destinationId) AND workspace_id = \(workspaceId) AND status = 'failed'
                    AND created_at >= \(since.milliseconds) AND created_at < \(until?.milliseconds ?? Int64.max)
                RETURNING id
                """, logger: logger
            ).count
            try await connection.query("SELECT pg_notify(\(Self.workChannel), '')", logger: logger)
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

    // MARK: Dispatching

    public func leaseDeliveries(now: Date, leaseSeconds: Double, limit: Int) async throws -> [DeliveryJob] {
        try await transaction(.leasing) { connection in
            let nowMs = now.milliseconds
            // Due, unleased deliveries of enabled, active destinations, oldest first; for per-user
            // destinations only the head of each user's queue. One index range per sending destination,
            // so a paused destination's backlog is never walked; rows another node is leasing are skipped.
            let candidateLimit = min(limit * 2, 2000)
            let candidates = try await connection.rows(
                """
                SELECT c.* FROM destinations t CROSS JOIN LATERAL (
                    SELECT d.id, d.destination_id, d.subscription_id, d.next_attempt_at, d.lease_count FROM deliveries d
                    WHERE d.destination_id = t.id AND d.status = 'pending' AND d.next_attempt_at <= \(nowMs)
                        AND (d.lease_until IS NULL OR d.lease_until <= \(nowMs))
                        AND (t.ordering <> 'per-user' OR d.order_key IS NULL OR NOT EXISTS (
                            SELECT 1 FROM deliveries p WHERE p.destination_id = d.destination_id AND p.order_key = d.order_key
                                AND p.status = 'pending' AND p.id < d.id))
                    ORDER BY d.next_attempt_at, d.id LIMIT \(candidateLimit)
                    FOR UPDATE OF d SKIP LOCKED
                ) c
                WHERE t.enabled AND (t.active_from IS NULL OR t.active_from <= \(nowMs))
                ORDER BY c.next_attempt_at, c.id LIMIT \(candidateLimit)
                """, logger: logger
            ).map { row in
                LeasePlanner.Candidate(
                    deliveryId: row.string("id"), destinationId: row.string("destination_id"), subscriptionId: row.string("subscription_id"),
                    dueAt: row.requiredDate("next_attempt_at"), leaseCount: row.int("lease_count") ?? 0)
            }
            guard !candidates.isEmpty else { return [] }

            // Destinations with a rate limit or a cap are read under a row lock, in id order: their
            // slots and in-flight counts are shared by every node. The others need no lock.
            let destinationIds = Array(Set(candidates.map(\.destinationId))).sorted()
            var destinations: [String: Destination] = [:]
            for row in try await connection.rows("SELECT * FROM destinations WHERE id = ANY(\(destinationIds))", logger: logger) {
                destinations[row.string("id")] = Destination(row: row)
            }
            let controlled = destinationIds.filter { destinations[$0]?.rateLimitPerSecond != nil || destinations[$0]?.maxConcurrency != nil }
            var nextSendAt: [String: Date] = [:]
            var inFlight: [String: Int] = [:]
            if !controlled.isEmpty {
                for row in try await connection.rows(
                    "SELECT id, next_send_at FROM destinations WHERE id = ANY(\(controlled)) ORDER BY id FOR UPDATE", logger: logger)
                {
                    nextSendAt[row.string("id")] = row.date("next_send_at")
                }
                for row in try await connection.rows(
                    """
                    SELECT destination_id, COUNT(DISTINCT lease_group) AS in_flight FROM deliveries
                    WHERE destination_id = ANY(\(controlled)) AND status = 'pending' AND lease_until IS NOT NULL AND lease_until > \(nowMs)
                    GROUP BY destination_id
                    """, logger: logger)
                {
                    inFlight[row.string("destination_id")] = row.int("in_flight") ?? 0
                }
            }
            var states: [String: LeasePlanner.DestinationState] = [:]
            for (id, destination) in destinations {
                states[id] = LeasePlanner.DestinationState(
                    rateLimitPerSecond: destination.rateLimitPerSecond, maxConcurrency: destination.maxConcurrency,
                    batching: destination.batching, inFlight: inFlight[id] ?? 0, nextSendAt: nextSendAt[id])
            }
            let plan = LeasePlanner.plan(candidates: candidates, destinations: states, now: now, limit: limit)
            try await setAside(connection, deliveryIds: plan.setAside, nowMs: nowMs)
            guard !plan.sends.isEmpty else { return [] }
            for (id, next) in plan.nextSendAt {
                try await connection.query("UPDATE destinations SET next_send_at = \(next.milliseconds) WHERE id = \(id)", logger: logger)
            }

            // Lease everything planned in one statement; a batch shares its first delivery's lease group.
            let planned = plan.sends.flatMap(\.deliveryIds)
            let groups = plan.sends.flatMap { send in send.deliveryIds.map { _ in send.deliveryIds[0] } }
            let slowest = plan.sends.compactMap { destinations[$0.destinationId]?.timeoutMs }.max() ?? 0
            let leaseMs = Int64(LeasePlanner.leaseDuration(leaseSeconds, timeoutMs: slowest) * 1000)
            var rows: [String: PostgresRandomAccessRow] = [:]
            for row in try await connection.rows(
                """
                WITH leased AS (
                    UPDATE deliveries d SET lease_until = \(nowMs + leaseMs), lease_group = u.lease_group, lease_count = d.lease_count + 1
                    FROM unnest(\(planned)::text[], \(groups)::text[]) AS u(id, lease_group) WHERE d.id = u.id
                    RETURNING d.*
                )
                SELECT l.*, e.id AS e_id, e.workspace_id AS e_workspace_id, e.source_id AS e_source_id, e.message_id AS e_message_id,
                    e.type AS e_type, e.name AS e_name, e.user_id AS e_user_id, e.anonymous_id AS e_anonymous_id,
                    e.received_at AS e_received_at, e.message AS e_message
                FROM leased l JOIN events e ON e.id = l.event_id
                """, logger: logger)
            {
                rows[row.string("id")] = row
            }
            var subscriptions: [String: Subscription] = [:]
            let subscriptionIds = Array(Set(rows.values.map { $0.string("subscription_id") }))
            for row in try await connection.rows("SELECT * FROM subscriptions WHERE id = ANY(\(subscriptionIds))", logger: logger) {
                if let subscription = Subscription(row: row) { subscriptions[subscription.id] = subscription }
            }
            return plan.sends.compactMap { send -> DeliveryJob? in
                let sendRows = send.deliveryIds.compactMap { rows[$0] }
                guard let first = sendRows.first, let destination = destinations[send.destinationId],
                    let subscription = subscriptions[first.string("subscription_id")]
                else { return nil }
                // Events' JSON is parsed later, by the task that sends them.
                return DeliveryJob(
                    deliveries: sendRows.map { Delivery(row: $0) }, storedEvents: sendRows.map { RawEvent(row: $0, prefix: "e_") },
                    subscription: subscription, destination: destination, startAt: send.startAt)
            }
        }
    }

    public func recordAttempts(_ records: [AttemptRecord], now: Date, disableAfter: TimeInterval) async throws {
        guard !records.isEmpty else { return }
        try await transaction(.bookkeeping) { connection in
            for chunk in records.chunked(Self.rowsPerStatement) {
                var attempts = Statement("INSERT INTO attempts (delivery_id, number, at, duration_ms, response_status, response_body, error) VALUES ")
                attempts.values(
                    chunk.map { record in
                        let attempt = record.attempt
                        return [
                            .text(record.deliveryId), .int(attempt.number), .date(attempt.at), .int(attempt.durationMs), .int(attempt.responseStatus),
                            .text(attempt.responseBody), .text(attempt.error?.rawValue),
                        ]
                    }, types: ["text", "bigint", "bigint", "bigint", "bigint", "text", "text"])
                attempts.add(
                    """
                     ON CONFLICT (delivery_id, number) DO UPDATE SET at = excluded.at, duration_ms = excluded.duration_ms,
                        response_status = excluded.response_status, response_body = excluded.response_body, error = excluded.error
                    """)
                try await connection.rows(attempts, logger: logger)

                var deliveries = Statement(
                    """
                    UPDATE deliveries d SET status = v.status, attempt_count = v.attempt_count, next_attempt_at = v.next_attempt_at,
                        lease_until = NULL, lease_group = NULL, lease_count = 0, updated_at = v.updated_at
                    FROM (VALUES 
                    """)
                deliveries.values(
                    chunk.map { record in
                        let (status, next) = record.nextState
                        return [.text(record.deliveryId), .text(status.rawValue), .int(record.attempt.number), .date(next), .date(now)]
                    }, types: ["text", "text", "bigint", "bigint", "bigint"])
                deliveries.add(") AS v(id, status, attempt_count, next_attempt_at, updated_at) WHERE d.id = v.id")
                try await connection.rows(deliveries, logger: logger)
            }
            // In id order, as leases lock them, so two nodes never wait on each other in a cycle.
            for (destinationId, outcome) in DestinationOutcome.summarize(records).sorted(by: { $0.key < $1.key }) {
                if outcome.gone {
                    try await disable(connection, destinationId: destinationId, reason: DestinationOutcome.goneReason, now: now)
                } else if outcome.succeeded {
                    try await connection.query(
                        "UPDATE destinations SET failing_since = NULL WHERE id = \(destinationId) AND failing_since IS NOT NULL", logger: logger)
                } else {
                    let failingSince = try await connection.rows(
                        """
                        UPDATE destinations SET failing_since = COALESCE(failing_since, \(outcome.firstFailureAt.milliseconds))
                        WHERE id = \(destinationId) RETURNING failing_since
                        """, logger: logger
                    ).first?.date("failing_since")
                    if let failingSince, now.timeIntervalSince(failingSince) >= disableAfter {
                        try await disable(connection, destinationId: destinationId, reason: DestinationOutcome.failingReason(disableAfter), now: now)
                    }
                }
            }
        }
    }

    public func releaseLeases(deliveryIds: [String]) async throws {
        guard !deliveryIds.isEmpty else { return }
        try await rows("UPDATE deliveries SET lease_until = NULL, lease_group = NULL, lease_count = GREATEST(lease_count - 1, 0) WHERE status = 'pending' AND id = ANY(\(deliveryIds))")
    }

    /// Fails deliveries the planner set aside, each with a `crashed` attempt in the activity log.
    private func setAside(_ connection: PostgresConnection, deliveryIds: [String], nowMs: Int64) async throws {
        guard !deliveryIds.isEmpty else { return }
        try await connection.query(
            """
            WITH failed AS (
                UPDATE deliveries SET status = 'failed', attempt_count = attempt_count + 1, next_attempt_at = NULL, lease_until = NULL,
                    lease_group = NULL, lease_count = 0, updated_at = \(nowMs)
                WHERE id = ANY(\(deliveryIds)) RETURNING id, attempt_count
            )
            INSERT INTO attempts (delivery_id, number, at, duration_ms, response_status, response_body, error)
            SELECT id, attempt_count, \(nowMs), 0, NULL, \(LeasePlanner.crashedMessage), \(DeliveryErrorKind.crashed.rawValue) FROM failed
            ON CONFLICT (delivery_id, number) DO UPDATE SET at = excluded.at, response_body = excluded.response_body, error = excluded.error
            """, logger: logger)
    }

    /// Disables a destination (its pending deliveries wait) and emits `Destination Disabled`.
    private func disable(_ connection: PostgresConnection, destinationId: String, reason: String, now: Date) async throws {
        guard
            let destination = try await connection.rows(
                """
                UPDATE destinations SET enabled = false, disabled_reason = \(reason), failing_since = NULL, updated_at = \(now.milliseconds)
                WHERE id = \(destinationId) AND enabled RETURNING *
                """, logger: logger
            ).first.map(Destination.init(row:))
        else { return }
        let event = SystemEvents.destinationDisabled(destination, reason: reason, at: now, id: identifiers.make(.event))
        try await routeEvents(connection, try await insertNewEvents(connection, [event]))
    }
}

import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    /// Routes an event storage emits itself (`Destination Disabled`) inside the transaction that
    /// emits it; ingested events are routed before theirs (`routeEvents`).
    func routeEvent(_ db: Database, _ event: Event, cache: inout [String: [Subscription]]) throws {
        let key = event.workspaceId + "\u{0}" + event.name
        let candidates = try cache[key] ?? Self.candidateSubscriptions(db, workspaceId: event.workspaceId, eventName: event.name)
        cache[key] = candidates
        try insertDeliveries(db, RoutedEvent(event: event, subscriptionIds: EventRouter.matches(event, candidates)))
    }

    // MARK: Activity log

    public func listDeliveries(workspaceId: String, filter: DeliveryFilter, page: PageRequest) async throws -> Page<Delivery> {
        var conditions = ["workspace_id = ?"]
        var arguments: StatementArguments = [workspaceId]
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(condition)
            arguments += [value]
        }
        add("id < ?", page.cursor)
        add("status = ?", filter.status?.rawValue)
        add("destination_id = ?", filter.destinationId)
        add("subscription_id = ?", filter.subscriptionId)
        add("event_id = ?", filter.eventId)
        add("created_at >= ?", filter.since?.milliseconds)
        arguments += [page.limit + 1]
        let sql = "SELECT * FROM deliveries WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?"
        return try await pool.read { [arguments] db in
            let deliveries = try Self.withAttempts(db, try Row.mapAll(db, sql: sql, arguments: arguments, Delivery.init(row:)))
            return Page(fetched: deliveries, limit: page.limit, id: \.id)
        }
    }

    public func delivery(id: String, workspaceId: String) async throws -> Delivery? {
        try await pool.read { db in try Self.delivery(db, id: id, workspaceId: workspaceId) }
    }

    public func retryDelivery(id: String, workspaceId: String, now: Date) async throws -> Delivery? {
        try await write { db in
            try db.execute(
                sql: "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL, lease_count = 0, updated_at = ? WHERE id = ? AND workspace_id = ?",
                arguments: [now.milliseconds, now.milliseconds, id, workspaceId])
            return try Self.delivery(db, id: id, workspaceId: workspaceId)
        }
    }

    public func recoverDeliveries(destinationId: String, workspaceId: String, since: Date, until: Date?, now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET status = 'pending', next_attempt_at = ?, lease_until = NULL, lease_count = 0, updated_at = ?
                    WHERE destination_id = ? AND workspace_id = ? AND status = 'failed' AND created_at >= ? AND created_at < ?
                    """,
                arguments: [now.milliseconds, now.milliseconds, destinationId, workspaceId, since.milliseconds, until?.milliseconds ?? Int64.max])
            return db.changesCount
        }
    }

    private static func delivery(_ db: Database, id: String, workspaceId: String) throws -> Delivery? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM deliveries WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId]) else {
            return nil
        }
        return try withAttempts(db, [Delivery(row: row)]).first
    }

    private static func withAttempts(_ db: Database, _ deliveries: [Delivery]) throws -> [Delivery] {
        guard !deliveries.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: deliveries.count).joined(separator: ",")
        let rows = try Row.mapAll(
            db, sql: "SELECT * FROM attempts WHERE delivery_id IN (\(placeholders)) ORDER BY delivery_id, number",
            arguments: StatementArguments(deliveries.map(\.id))
        ) { row in (deliveryId: row.string("delivery_id"), attempt: Attempt(row: row)) }
        var attempts: [String: [Attempt]] = [:]
        for row in rows { attempts[row.deliveryId, default: []].append(row.attempt) }
        return deliveries.map { delivery in
            var delivery = delivery
            delivery.attempts = attempts[delivery.id] ?? []
            return delivery
        }
    }

    // MARK: Dispatching

    public func leaseDeliveries(now: Date, leaseSeconds: Double, limit: Int) async throws -> [DeliveryJob] {
        try await writeWithoutSync { db in
            let nowMs = now.milliseconds
            let candidates = try Self.dueCandidates(db, nowMs: nowMs, limit: min(limit * 2, 2000))
            guard !candidates.isEmpty else { return [] }

            var destinations: [String: Destination] = [:]
            var states: [String: LeasePlanner.DestinationState] = [:]
            let destinationIds = Array(Set(candidates.map(\.destinationId)))
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM destinations WHERE id IN (\(Self.placeholders(destinationIds.count)))", arguments: StatementArguments(destinationIds))
            {
                let destination = Destination(row: row)
                // In-flight requests matter only under a cap: count them only then.
                let inFlight =
                    destination.maxConcurrency == nil
                    ? 0
                    : try Int.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT COUNT(DISTINCT lease_group) FROM deliveries
                                WHERE destination_id = ? AND status = 'pending' AND lease_until IS NOT NULL AND lease_until > ?
                                """),
                        arguments: [destination.id, nowMs]) ?? 0
                destinations[destination.id] = destination
                states[destination.id] = LeasePlanner.DestinationState(
                    rateLimitPerSecond: destination.rateLimitPerSecond, maxConcurrency: destination.maxConcurrency, batching: destination.batching,
                    inFlight: inFlight, nextSendAt: (row["next_send_at"] as Int64?).map(Date.init(milliseconds:)))
            }
            let plan = LeasePlanner.plan(candidates: candidates, destinations: states, now: now, limit: limit)
            try Self.setAside(db, deliveryIds: plan.setAside, nowMs: nowMs)
            guard !plan.sends.isEmpty else { return [] }
            for (id, next) in plan.nextSendAt {
                try db.execute(sql: "UPDATE destinations SET next_send_at = ? WHERE id = ?", arguments: [next.milliseconds, id])
            }

            // Lease everything planned in one statement; a batch shares its first delivery's lease group.
            let planned = plan.sends.flatMap(\.deliveryIds)
            let slowest = plan.sends.compactMap { destinations[$0.destinationId]?.timeoutMs }.max() ?? 0
            let leaseMs = Int64(LeasePlanner.leaseDuration(leaseSeconds, timeoutMs: slowest) * 1000)
            try db.execute(
                sql: "UPDATE deliveries SET lease_until = ?, lease_group = id, lease_count = lease_count + 1 WHERE id IN (\(Self.placeholders(planned.count)))",
                arguments: [nowMs + leaseMs] + StatementArguments(planned))
            for send in plan.sends where send.deliveryIds.count > 1 {
                try db.execute(
                    sql: "UPDATE deliveries SET lease_group = ? WHERE id IN (\(Self.placeholders(send.deliveryIds.count)))",
                    arguments: [send.deliveryIds[0]] + StatementArguments(send.deliveryIds))
            }
            var leased: [String: (delivery: Delivery, event: RawEvent)] = [:]
            for lease in try Row.mapAll(
                db,
                sql: """
                    SELECT d.*, e.id AS e_id, e.workspace_id AS e_workspace_id, e.source_id AS e_source_id, e.message_id AS e_message_id,
                        e.type AS e_type, e.name AS e_name, e.user_id AS e_user_id, e.anonymous_id AS e_anonymous_id,
                        e.received_at AS e_received_at, e.message AS e_message
                    FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id IN (\(Self.placeholders(planned.count)))
                    """,
                arguments: StatementArguments(planned),
                { row in (delivery: Delivery(row: row), event: RawEvent(row: row, prefix: "e_")) })
            {
                leased[lease.delivery.id] = lease
            }
            var subscriptions: [String: Subscription] = [:]
            var jobs: [DeliveryJob] = []
            for send in plan.sends {
                let sendRows = send.deliveryIds.compactMap { leased[$0] }
                guard let first = sendRows.first, let destination = destinations[send.destinationId] else { continue }
                let subscriptionId = first.delivery.subscriptionId
                if subscriptions[subscriptionId] == nil {
                    subscriptions[subscriptionId] = try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE id = ?", arguments: [subscriptionId])
                        .flatMap(Subscription.init(row:))
                }
                guard let subscription = subscriptions[subscriptionId] else { continue }
                // Events' JSON is parsed later, by the task that sends them, not on the writer.
                jobs.append(
                    DeliveryJob(
                        deliveries: sendRows.map(\.delivery), storedEvents: sendRows.map(\.event),
                        subscription: subscription, destination: destination, startAt: send.startAt))
            }
            return jobs
        }
    }

    /// Due, unleased deliveries of enabled, active destinations, in (due time, id) order; for
    /// per-user destinations only the head of each user's queue (no earlier pending delivery of
    /// that user). One index range per sending destination: a paused destination's backlog is
    /// never walked, however long it is.
    static func dueCandidates(_ db: Database, nowMs: Int64, limit: Int) throws -> [LeasePlanner.Candidate] {
        let sending = try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM destinations WHERE enabled = 1 AND (active_from IS NULL OR active_from <= ?)"),
            arguments: [nowMs])
        var candidates: [LeasePlanner.Candidate] = []
        for destinationId in sending {
            candidates += try Row.mapAll(
                db.cachedStatement(
                    sql: """
                        SELECT d.id, d.subscription_id, d.next_attempt_at, d.lease_count FROM deliveries d INDEXED BY deliveries_destination_due
                        JOIN destinations t ON t.id = d.destination_id
                        WHERE d.destination_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ?
                            AND (d.lease_until IS NULL OR d.lease_until <= ?)
                            AND (t.ordering != 'per-user' OR d.order_key IS NULL OR NOT EXISTS (
                                SELECT 1 FROM deliveries p WHERE p.destination_id = d.destination_id AND p.order_key = d.order_key
                                    AND p.status = 'pending' AND p.id < d.id))
                        ORDER BY d.next_attempt_at, d.id LIMIT ?
                        """),
                arguments: [destinationId, nowMs, nowMs, limit]
            ) { row in
                LeasePlanner.Candidate(
                    deliveryId: row["id"], destinationId: destinationId, subscriptionId: row["subscription_id"],
                    dueAt: Date(milliseconds: row["next_attempt_at"]), leaseCount: row["lease_count"])
            }
        }
        // The oldest due work first, across destinations, as one query over all of them would give.
        candidates.sort { ($0.dueAt, $0.deliveryId) < ($1.dueAt, $1.deliveryId) }
        return Array(candidates.prefix(limit))
    }

    /// Fails deliveries the planner set aside, each with a `crashed` attempt in the activity log.
    static func setAside(_ db: Database, deliveryIds: [String], nowMs: Int64) throws {
        guard !deliveryIds.isEmpty else { return }
        let ids = StatementArguments(deliveryIds)
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO attempts (delivery_id, number, at, duration_ms, response_status, response_body, error)
                SELECT id, attempt_count + 1, ?, 0, NULL, ?, ? FROM deliveries WHERE id IN (\(placeholders(deliveryIds.count)))
                """,
            arguments: [nowMs, LeasePlanner.crashedMessage, DeliveryErrorKind.crashed.rawValue] + ids)
        try db.execute(
            sql: """
                UPDATE deliveries SET status = 'failed', attempt_count = attempt_count + 1, next_attempt_at = NULL, lease_until = NULL,
                    lease_group = NULL, lease_count = 0, updated_at = ? WHERE id IN (\(placeholders(deliveryIds.count)))
                """,
            arguments: [nowMs] + ids)
    }

    private static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    public func recordAttempts(_ records: [AttemptRecord], now: Date, disableAfter: TimeInterval) async throws {
        guard !records.isEmpty else { return }
        try await writeWithoutSync { db in
            for record in records {
                let attempt = record.attempt
                try db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO attempts (delivery_id, number, at, duration_ms, response_status, response_body, error)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    record.deliveryId, attempt.number, attempt.at.milliseconds, attempt.durationMs, attempt.responseStatus,
                    attempt.responseBody, attempt.error?.rawValue,
                ])
                let (status, next) = record.nextState
                try db.cachedStatement(
                    sql: """
                        UPDATE deliveries SET status = ?, attempt_count = ?, next_attempt_at = ?, lease_until = NULL, lease_group = NULL,
                            lease_count = 0, updated_at = ?
                        WHERE id = ?
                        """
                ).execute(arguments: [status.rawValue, attempt.number, next?.milliseconds, now.milliseconds, record.deliveryId])
            }
            for (destinationId, outcome) in DestinationOutcome.summarize(records) {
                if outcome.gone {
                    try disable(db, destinationId: destinationId, reason: DestinationOutcome.goneReason, now: now)
                } else if outcome.succeeded {
                    try db.execute(
                        sql: "UPDATE destinations SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL", arguments: [destinationId])
                } else {
                    try db.execute(
                        sql: "UPDATE destinations SET failing_since = COALESCE(failing_since, ?) WHERE id = ?",
                        arguments: [outcome.firstFailureAt.milliseconds, destinationId])
                    let failingSince = try Int64.fetchOne(db, sql: "SELECT failing_since FROM destinations WHERE id = ?", arguments: [destinationId])
                    if let failingSince, now.timeIntervalSince(Date(milliseconds: failingSince)) >= disableAfter {
                        try disable(db, destinationId: destinationId, reason: DestinationOutcome.failingReason(disableAfter), now: now)
                    }
                }
            }
        }
    }

    public func releaseLeases(deliveryIds: [String]) async throws {
        guard !deliveryIds.isEmpty else { return }
        try await writeWithoutSync { db in
            try db.execute(
                sql: "UPDATE deliveries SET lease_until = NULL, lease_group = NULL, lease_count = MAX(lease_count - 1, 0) WHERE status = 'pending' AND id IN (\(Self.placeholders(deliveryIds.count)))",
                arguments: StatementArguments(deliveryIds))
        }
    }

    /// Disables a destination (its pending deliveries wait) and emits `Destination Disabled`.
    private func disable(_ db: Database, destinationId: String, reason: String, now: Date) throws {
        try db.execute(
            sql: "UPDATE destinations SET enabled = 0, disabled_reason = ?, failing_since = NULL, updated_at = ? WHERE id = ? AND enabled = 1",
            arguments: [reason, now.milliseconds, destinationId])
        guard db.changesCount > 0,
            let destination = try Row.fetchOne(db, sql: "SELECT * FROM destinations WHERE id = ?", arguments: [destinationId]).map(Destination.init(row:))
        else { return }
        let event = SystemEvents.destinationDisabled(destination, reason: reason, at: now, id: identifiers.make(.event))
        var subscriptions: [String: [Subscription]] = [:]
        if try insertEvent(db, event) { try routeEvent(db, event, cache: &subscriptions) }
    }
}

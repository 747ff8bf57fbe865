import Foundation
import GRDB
import SwitchboardCore

/// One queue transaction on the SQLite writer: each step runs on the writer connection, inside
/// the transaction `SQLiteStorage.transaction` opened there.
struct SQLiteTransaction: QueueTransaction {
    let pool: DatabasePool
    let identifiers: IdentifierGenerator

    /// On the calling thread: the writer is this transaction's alone (`SQLiteStorage.writer`), so
    /// this never waits for another write, and no thread hop is paid per step.
    func step<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(work)
    }

    /// `synchronous` is set outside the transaction: SQLite takes no change to it inside one.
    func begin(synchronous: String) throws {
        try step { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "BEGIN IMMEDIATE")
        }
    }

    /// On the writer's own thread: a durable commit waits for the disk, and must not hold one of
    /// the few threads every task shares while it does.
    func commit() async throws {
        try await pool.writeWithoutTransaction { db in
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            try db.execute(sql: "COMMIT")
        }
    }

    func rollback() {
        try? step { db in
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
    }

    func candidateSubscriptions(_ keys: Set<RoutePlanner.Key>) async throws -> [RoutePlanner.Key: [Subscription]] {
        try step { db in try SQLiteStorage.candidateSubscriptions(db, keys) }
    }

    func insertNewEvents(_ events: [Event]) async throws -> Set<String> {
        try step { db in
            var inserted = Set<String>()
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO events (id, workspace_id, source_id, message_id, type, name, user_id, anonymous_id, received_at, message, trace_parent)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (source_id, message_id) DO NOTHING
                    """)
            for event in events {
                try statement.execute(arguments: StatementArguments(event.columnValues))
                if db.changesCount > 0 { inserted.insert(event.id) }
            }
            return inserted
        }
    }

    func insertDeliveries(_ routed: [RoutedEvent]) async throws {
        let rows = routed.flatMap { routed in routed.subscriptionIds.map { (event: routed.event, subscriptionId: $0) } }
        guard !rows.isEmpty else { return }
        let ids = rows.map { _ in identifiers.make(.delivery) }
        try step { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO deliveries (id, workspace_id, event_id, subscription_id, destination_id, status, attempt_count,
                        next_attempt_at, created_at, updated_at, order_key)
                    SELECT ?, ?, ?, id, destination_id, 'pending', 0, ?, ?, ?, ? FROM subscriptions WHERE id = ? AND enabled = 1
                    """)
            for (row, id) in zip(rows, ids) {
                let event = row.event
                let at = event.receivedAt.milliseconds
                try statement.execute(arguments: [id, event.workspaceId, event.id, at, at, at, event.userId ?? event.anonymousId, row.subscriptionId])
            }
        }
    }

    func dueCandidates(now: Date, limit: Int) async throws -> [LeasePlanner.Candidate] {
        try step { db in try Self.dueCandidates(db, nowMs: now.milliseconds, limit: limit) }
    }

    /// One index range per sending destination: a paused destination's backlog is never walked.
    private static func dueCandidates(_ db: Database, nowMs: Int64, limit: Int) throws -> [LeasePlanner.Candidate] {
        let sending = try String.fetchAll(
            db.cachedStatement(sql: "SELECT id FROM destinations WHERE enabled = 1 AND (active_from IS NULL OR active_from <= ?)"),
            arguments: [nowMs])
        var candidates: [LeasePlanner.Candidate] = []
        for destinationId in sending {
            candidates += try Row.mapAll(
                db.cachedStatement(
                    sql: """
                        SELECT d.id, d.subscription_id, d.next_attempt_at, d.lease_count, d.attempt_count
                        FROM deliveries d INDEXED BY deliveries_destination_due
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
                    dueAt: Date(milliseconds: row["next_attempt_at"]), leaseCount: row["lease_count"], attemptCount: row["attempt_count"])
            }
        }
        // The oldest due work first, across destinations, as one query over all of them would give.
        candidates.sort { ($0.dueAt, $0.deliveryId) < ($1.dueAt, $1.deliveryId) }
        return Array(candidates.prefix(limit))
    }

    func leaseInputs(destinationIds: [String], now: Date) async throws -> [String: LeaseInput] {
        try step { db in
            var inputs: [String: LeaseInput] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM destinations WHERE id IN (\(SQLiteStorage.placeholders(destinationIds.count)))",
                arguments: StatementArguments(destinationIds))
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
                        arguments: [destination.id, now.milliseconds]) ?? 0
                inputs[destination.id] = LeaseInput(
                    destination: destination,
                    state: LeasePlanner.DestinationState(
                        rateLimitPerSecond: destination.rateLimitPerSecond, maxConcurrency: destination.maxConcurrency,
                        batching: destination.batching, inFlight: inFlight, nextSendAt: (row["next_send_at"] as Int64?).map(Date.init(milliseconds:))))
            }
            return inputs
        }
    }

    func reserveSendSlots(_ nextSendAt: [String: Date]) async throws {
        try step { db in
            for (id, next) in nextSendAt {
                try db.execute(sql: "UPDATE destinations SET next_send_at = ? WHERE id = ?", arguments: [next.milliseconds, id])
            }
        }
    }

    func lease(_ sends: [LeasePlanner.Send], until: Date) async throws -> [String: LeasedDelivery] {
        let planned = sends.flatMap(\.deliveryIds)
        let placeholders = SQLiteStorage.placeholders(planned.count)
        return try step { db in
            try db.execute(
                sql: "UPDATE deliveries SET lease_until = ?, lease_group = id, lease_count = lease_count + 1 WHERE id IN (\(placeholders))",
                arguments: [until.milliseconds] + StatementArguments(planned))
            for send in sends where send.deliveryIds.count > 1 {
                try db.execute(
                    sql: "UPDATE deliveries SET lease_group = ? WHERE id IN (\(SQLiteStorage.placeholders(send.deliveryIds.count)))",
                    arguments: [send.deliveryIds[0]] + StatementArguments(send.deliveryIds))
            }
            var leased: [String: LeasedDelivery] = [:]
            for lease in try Row.mapAll(
                db, sql: "SELECT d.*, \(RawEvent.joinedColumns) FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.id IN (\(placeholders))",
                arguments: StatementArguments(planned), { row in LeasedDelivery(delivery: Delivery(row: row), event: RawEvent(row: row, prefix: "e_")) })
            {
                leased[lease.delivery.id] = lease
            }
            return leased
        }
    }

    func subscriptions(ids: [String]) async throws -> [String: Subscription] {
        try step { db in
            var subscriptions: [String: Subscription] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM subscriptions WHERE id IN (\(SQLiteStorage.placeholders(ids.count)))", arguments: StatementArguments(ids))
            {
                if let subscription = Subscription(row: row) { subscriptions[subscription.id] = subscription }
            }
            return subscriptions
        }
    }

    func writeAttempts(_ attempts: [(record: AttemptRecord, state: DeliveryTransition.State)], now: Date) async throws {
        try step { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO attempts (delivery_id, number, at, duration_ms, response_status, response_body, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            let update = try db.cachedStatement(
                sql: """
                    UPDATE deliveries SET status = ?, attempt_count = ?, next_attempt_at = ?, lease_until = NULL, lease_group = NULL,
                        lease_count = 0, updated_at = ?
                    WHERE id = ?
                    """)
            for (record, state) in attempts {
                let attempt = record.attempt
                try insert.execute(arguments: [
                    record.deliveryId, attempt.number, attempt.at.milliseconds, attempt.durationMs, attempt.responseStatus,
                    attempt.responseBody, attempt.error?.rawValue,
                ])
                try update.execute(arguments: [
                    state.status.rawValue, attempt.number, state.nextAttemptAt?.milliseconds, now.milliseconds, record.deliveryId,
                ])
            }
        }
    }

    func failingSince(destinationIds: [String]) async throws -> [String: Date] {
        try step { db in
            var since: [String: Date] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, failing_since FROM destinations WHERE failing_since IS NOT NULL AND id IN (\(SQLiteStorage.placeholders(destinationIds.count)))",
                arguments: StatementArguments(destinationIds))
            {
                since[row["id"]] = Date(milliseconds: row["failing_since"])
            }
            return since
        }
    }

    func setFailingSince(_ date: Date?, destinationId: String) async throws {
        try step { db in
            try db.execute(sql: "UPDATE destinations SET failing_since = ? WHERE id = ?", arguments: [date?.milliseconds, destinationId])
        }
    }

    func destinations(ids: [String]) async throws -> [String: Destination] {
        guard !ids.isEmpty else { return [:] }
        return try step { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM destinations WHERE id IN (\(SQLiteStorage.placeholders(ids.count)))", arguments: StatementArguments(ids))
            return Dictionary(rows.map(Destination.init(row:)).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    func deliveriesOfSystemEvents(ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try step { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT deliveries.id FROM deliveries JOIN events ON events.id = deliveries.event_id
                        WHERE deliveries.id IN (\(SQLiteStorage.placeholders(ids.count))) AND events.source_id = ?
                        """, arguments: StatementArguments(ids + [SystemEvents.sourceId])))
        }
    }

    func disableDestination(id: String, reason: String, now: Date) async throws -> Destination? {
        try step { db in
            try db.execute(
                sql: "UPDATE destinations SET enabled = 0, disabled_reason = ?, failing_since = NULL, updated_at = ? WHERE id = ? AND enabled = 1",
                arguments: [reason, now.milliseconds, id])
            guard db.changesCount > 0 else { return nil }
            return try Row.fetchOne(db, sql: "SELECT * FROM destinations WHERE id = ?", arguments: [id]).map(Destination.init(row:))
        }
    }
}

extension SQLiteStorage {
    public func releaseLeases(deliveryIds: [String]) async throws {
        guard !deliveryIds.isEmpty else { return }
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET lease_until = NULL, lease_group = NULL, lease_count = MAX(lease_count - 1, 0)
                    WHERE status = 'pending' AND id IN (\(Self.placeholders(deliveryIds.count)))
                    """,
                arguments: StatementArguments(deliveryIds))
        }
    }
}

import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
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
        add("created_at < ?", filter.until?.milliseconds)
        if let name = filter.eventName {
            // By the events' (workspace_id, name, id) index, not a join per row.
            conditions.append("event_id IN (SELECT id FROM events WHERE workspace_id = ? AND name = ?)")
            arguments += [workspaceId, name]
        }
        arguments += [page.limit + 1]
        return try await pool.read { [arguments, conditions] db in
            // The most selective filter's index: left alone, SQLite walks the workspace's index for
            // its order, which finds a rare event name's deliveries only after most of the log.
            let index =
                if filter.eventId != nil { " INDEXED BY deliveries_event" }
                else if filter.destinationId != nil { " INDEXED BY deliveries_destination" }
                else if filter.subscriptionId != nil { " INDEXED BY deliveries_subscription" }
                else if let name = filter.eventName, try Self.isRare(db, eventName: name, workspaceId: workspaceId) { " INDEXED BY deliveries_event" }
                else { "" }
            let sql = "SELECT * FROM deliveries\(index) WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?"
            let deliveries = try Self.withAttempts(db, try Row.mapAll(db, sql: sql, arguments: arguments, Delivery.init(row:)))
            return Page(fetched: deliveries, limit: page.limit, id: \.id)
        }
    }

    /// Whether so few events have the name that their deliveries are found faster through them
    /// (then sorted) than by walking the log newest first: one count on the events' name index.
    private static func isRare(_ db: Database, eventName: String, workspaceId: String) throws -> Bool {
        let fewest = 2000
        let count = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE workspace_id = ? AND name = ? LIMIT ?)", arguments: [workspaceId, eventName, fewest + 1])
        return (count ?? 0) <= fewest
    }

    public func delivery(id: String, workspaceId: String) async throws -> Delivery? {
        try await pool.read { db in try Self.delivery(db, id: id, workspaceId: workspaceId) }
    }

    public func retryDelivery(id: String, workspaceId: String, now: Date) async throws -> Delivery? {
        try await write { db in
            try db.execute(
                sql: "UPDATE deliveries SET status = ?, next_attempt_at = ?, lease_until = NULL, lease_count = 0, updated_at = ? WHERE id = ? AND workspace_id = ?",
                arguments: Self.requeued(now) + [now.milliseconds, id, workspaceId])
            return try Self.delivery(db, id: id, workspaceId: workspaceId)
        }
    }

    public func recoverDeliveries(destinationId: String, workspaceId: String, since: Date, until: Date?, now: Date) async throws -> Int {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE deliveries SET status = ?, next_attempt_at = ?, lease_until = NULL, lease_count = 0, updated_at = ?
                    WHERE destination_id = ? AND workspace_id = ? AND status = 'failed' AND created_at >= ? AND created_at < ?
                    """,
                arguments: Self.requeued(now) + [now.milliseconds, destinationId, workspaceId, since.milliseconds, until?.milliseconds ?? Int64.max])
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

    /// `status, next_attempt_at` of a delivery sent again by hand.
    private static func requeued(_ now: Date) -> StatementArguments {
        let state = DeliveryTransition.requeued(now: now)
        return [state.status.rawValue, state.nextAttemptAt?.milliseconds]
    }
}

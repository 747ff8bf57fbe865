import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    // MARK: Event types

    static func insertPresetEventTypes(_ db: Database, workspaceId: String, at date: Date) throws {
        for name in OpenLoyaltyNames.presetEventTypes {
            try db.execute(
                sql: "INSERT OR IGNORE INTO event_types (workspace_id, name, description, schema, created_at) VALUES (?, ?, NULL, NULL, ?)",
                arguments: [workspaceId, name, date.milliseconds])
        }
    }

    public func listEventTypes(workspaceId: String) async throws -> [EventTypeRecord] {
        try await pool.read { db in
            try Row.mapAll(db, sql: "SELECT * FROM event_types WHERE workspace_id = ? ORDER BY name", arguments: [workspaceId]) { EventTypeRecord(row: $0) }
        }
    }

    public func createEventType(_ type: EventTypeRecord) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO event_types (workspace_id, name, description, schema, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [type.workspaceId, type.name, type.description, type.schema.map(JSONCoding.string), type.createdAt.milliseconds])
        }
    }

    public func deleteEventType(workspaceId: String, name: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM event_types WHERE workspace_id = ? AND name = ?", arguments: [workspaceId, name])
            return db.changesCount > 0
        }
    }

    // MARK: Destinations

    public func createDestination(_ destination: Destination) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO destinations (id, workspace_id, name, url, method, headers, signing, secret, previous_secret,
                        previous_secret_expires_at, timeout_ms, retry_schedule, rate_limit_per_second, max_concurrency, batching,
                        ordering, active_from, enabled, disabled_reason, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments([destination.id, destination.workspaceId]) + StatementArguments(destination.columnValues))
        }
    }

    public func destination(id: String, workspaceId: String) async throws -> Destination? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM destinations WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
                .map(Destination.init(row:))
        }
    }

    public func listDestinations(workspaceId: String, search: String?, page: PageRequest) async throws -> Page<Destination> {
        try await pool.read { db in
            let pattern = search.map { "%" + $0.replacingOccurrences(of: "%", with: "") + "%" } ?? "%"
            let rows = try Row.mapAll(
                db,
                sql: """
                    SELECT * FROM destinations WHERE workspace_id = ? AND id > ? AND (name LIKE ? OR url LIKE ?)
                    ORDER BY id LIMIT ?
                    """,
                arguments: [workspaceId, page.cursor ?? "", pattern, pattern, page.limit + 1], Destination.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func updateDestination(_ destination: Destination) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE destinations SET name = ?, url = ?, method = ?, headers = ?, signing = ?, secret = ?, previous_secret = ?,
                        previous_secret_expires_at = ?, timeout_ms = ?, retry_schedule = ?, rate_limit_per_second = ?,
                        max_concurrency = ?, batching = ?, ordering = ?, active_from = ?, enabled = ?, disabled_reason = ?,
                        created_at = ?, updated_at = ?
                    WHERE id = ? AND workspace_id = ?
                    """,
                arguments: StatementArguments(destination.columnValues) + [destination.id, destination.workspaceId])
            return db.changesCount > 0
        }
    }

    public func deleteDestination(id: String, workspaceId: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM destinations WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
            return db.changesCount > 0
        }
    }

    // MARK: Subscriptions

    public func createSubscription(_ subscription: Subscription) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO subscriptions (destination_id, name, event_names, condition, mapping, format, enabled, updated_at, created_at, id, workspace_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(subscription.columnValues) + [subscription.createdAt.milliseconds, subscription.id, subscription.workspaceId])
            try Self.writeRoutes(db, subscription)
        }
    }

    public func subscription(id: String, workspaceId: String) async throws -> Subscription? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
                .flatMap(Subscription.init(row:))
        }
    }

    public func listSubscriptions(workspaceId: String, destinationId: String?, page: PageRequest) async throws -> Page<Subscription> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: "SELECT * FROM subscriptions WHERE workspace_id = ? AND id > ? AND (? IS NULL OR destination_id = ?) ORDER BY id LIMIT ?",
                arguments: [workspaceId, page.cursor ?? "", destinationId, destinationId, page.limit + 1], Subscription.init(row:))
            return Page(fetched: rows.compactMap { $0 }, limit: page.limit, id: \.id)
        }
    }

    public func updateSubscription(_ subscription: Subscription) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE subscriptions SET destination_id = ?, name = ?, event_names = ?, condition = ?, mapping = ?, format = ?,
                        enabled = ?, updated_at = ?
                    WHERE id = ? AND workspace_id = ?
                    """,
                arguments: StatementArguments(subscription.columnValues) + [subscription.id, subscription.workspaceId])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM subscription_routes WHERE subscription_id = ?", arguments: [subscription.id])
            try Self.writeRoutes(db, subscription)
            return true
        }
    }

    public func deleteSubscription(id: String, workspaceId: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM subscriptions WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
            return db.changesCount > 0
        }
    }

    private static func writeRoutes(_ db: Database, _ subscription: Subscription) throws {
        for name in Set(subscription.eventNames) {
            try db.execute(
                sql: "INSERT INTO subscription_routes (workspace_id, event_name, subscription_id) VALUES (?, ?, ?)",
                arguments: [subscription.workspaceId, name, subscription.id])
        }
    }

    /// Enabled subscriptions listening to this name or to `*`: an index lookup, whatever the number of others.
    static func candidateSubscriptions(_ db: Database, workspaceId: String, eventName: String) throws -> [Subscription] {
        try Row.mapAll(
            db.cachedStatement(
                sql: """
                    SELECT s.* FROM subscription_routes r JOIN subscriptions s ON s.id = r.subscription_id
                    WHERE r.workspace_id = ? AND r.event_name IN (?, '*') AND s.enabled = 1
                    """),
            arguments: [workspaceId, eventName], Subscription.init(row:)
        ).compactMap { $0 }
    }
}

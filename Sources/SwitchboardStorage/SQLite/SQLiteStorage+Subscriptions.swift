import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func createSubscription(_ subscription: Subscription) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO subscriptions (destination_id, name, event_names, condition, mapping, format, enabled, updated_at, connector, created_at, id,
                        workspace_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(subscription.columnValues) + [subscription.createdAt.milliseconds, subscription.id, subscription.workspaceId])
            try Self.writeRoutes(db, subscription)
        }
    }

    public func subscription(id: String, workspaceId: String) async throws -> Subscription? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subscriptions WHERE id = ? AND workspace_id = ? AND sync_id IS NULL", arguments: [id, workspaceId])
                .flatMap(Subscription.init(row:))
        }
    }

    public func listSubscriptions(workspaceId: String, destinationId: String?, page: PageRequest) async throws -> Page<Subscription> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: "SELECT * FROM subscriptions WHERE workspace_id = ? AND id > ? AND (? IS NULL OR destination_id = ?) AND sync_id IS NULL ORDER BY id LIMIT ?",
                arguments: [workspaceId, page.cursor ?? "", destinationId, destinationId, page.limit + 1], Subscription.init(row:))
            return Page(fetched: rows.compactMap { $0 }, limit: page.limit, id: \.id)
        }
    }

    public func updateSubscription(_ subscription: Subscription) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE subscriptions SET destination_id = ?, name = ?, event_names = ?, condition = ?, mapping = ?, format = ?,
                        enabled = ?, updated_at = ?, connector = ?
                    WHERE id = ? AND workspace_id = ? AND sync_id IS NULL
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
            try db.execute(sql: "DELETE FROM subscriptions WHERE id = ? AND workspace_id = ? AND sync_id IS NULL", arguments: [id, workspaceId])
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

    static func candidateSubscriptions(_ db: Database, _ keys: Set<RoutePlanner.Key>) throws -> [RoutePlanner.Key: [Subscription]] {
        var candidates: [RoutePlanner.Key: [Subscription]] = [:]
        for key in keys { candidates[key] = try candidateSubscriptions(db, workspaceId: key.workspaceId, eventName: key.name) }
        return candidates
    }
}

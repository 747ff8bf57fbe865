import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    /// The columns of `Subscription.columnValues`.
    private static let subscriptionColumns = ["destination_id", "name", "event_names", "condition", "mapping", "format", "enabled", "updated_at", "connector"]

    /// Column types of `Subscription.columnValues`.
    private static let subscriptionTypes = ["text", "text", "text", "text", "text", "text", "boolean", "bigint", "text"]

    public func createSubscription(_ subscription: Subscription) async throws {
        try await withTransaction { connection in
            var statement = Statement(
                "INSERT INTO subscriptions (\(Self.subscriptionColumns.joined(separator: ", ")), created_at, id, workspace_id) VALUES ")
            statement.values(
                [subscription.columnValues + [.date(subscription.createdAt), .text(subscription.id), .text(subscription.workspaceId)]],
                types: Self.subscriptionTypes + ["bigint", "text", "text"])
            try await connection.rows(statement, logger: logger)
            try await writeRoutes(connection, subscription)
        }
    }

    public func subscription(id: String, workspaceId: String) async throws -> Subscription? {
        try await rows("SELECT * FROM subscriptions WHERE id = \(id) AND workspace_id = \(workspaceId) AND sync_id IS NULL").first.flatMap(Subscription.init(row:))
    }

    public func listSubscriptions(workspaceId: String, destinationId: String?, page: PageRequest) async throws -> Page<Subscription> {
        var statement = Statement("SELECT * FROM subscriptions WHERE workspace_id = ")
        statement.bind(.text(workspaceId))
        statement.filter("id >", .text(page.cursor ?? ""))
        statement.filter("destination_id =", .text(destinationId))
        statement.add(" AND sync_id IS NULL ORDER BY id LIMIT ")
        statement.bind(.int(page.limit + 1))
        return Page(fetched: try await rows(statement).compactMap(Subscription.init(row:)), limit: page.limit, id: \.id)
    }

    public func updateSubscription(_ subscription: Subscription) async throws -> Bool {
        try await withTransaction { connection in
            let statement = Statement.update(
                "subscriptions", columns: Self.subscriptionColumns, values: subscription.columnValues, types: Self.subscriptionTypes, id: subscription.id,
                workspaceId: subscription.workspaceId, extraCondition: "sync_id IS NULL")
            guard try await !connection.rows(statement, logger: logger).isEmpty else { return false }
            try await connection.query("DELETE FROM subscription_routes WHERE subscription_id = \(subscription.id)", logger: logger)
            try await writeRoutes(connection, subscription)
            return true
        }
    }

    public func deleteSubscription(id: String, workspaceId: String) async throws -> Bool {
        try await !rows("DELETE FROM subscriptions WHERE id = \(id) AND workspace_id = \(workspaceId) AND sync_id IS NULL RETURNING id").isEmpty
    }

    private func writeRoutes(_ connection: PostgresConnection, _ subscription: Subscription) async throws {
        let names = Set(subscription.eventNames)
        guard !names.isEmpty else { return }
        var statement = Statement("INSERT INTO subscription_routes (workspace_id, event_name, subscription_id) VALUES ")
        statement.values(names.map { [.text(subscription.workspaceId), .text($0), .text(subscription.id)] }, types: ["text", "text", "text"])
        try await connection.rows(statement, logger: logger)
    }

    /// Enabled subscriptions listening to this name or to `*`: an index lookup, whatever the number of others.
    static func candidateSubscriptions(
        _ connection: PostgresConnection, _ keys: Set<RoutePlanner.Key>, logger: Logger
    ) async throws -> [RoutePlanner.Key: [Subscription]] {
        var candidates: [RoutePlanner.Key: [Subscription]] = [:]
        for key in keys {
            candidates[key] = try await connection.rows(
                """
                SELECT s.* FROM subscription_routes r JOIN subscriptions s ON s.id = r.subscription_id
                WHERE r.workspace_id = \(key.workspaceId) AND r.event_name IN (\(key.name), '*') AND s.enabled
                """, logger: logger
            ).compactMap(Subscription.init(row:))
        }
        return candidates
    }
}

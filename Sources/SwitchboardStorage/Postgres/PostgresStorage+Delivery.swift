import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    // MARK: Event types

    static func insertPresetEventTypes(_ connection: PostgresConnection, workspaceId: String, at date: Date, logger: Logger) async throws {
        var statement = Statement("INSERT INTO event_types (workspace_id, name, created_at) VALUES ")
        statement.values(
            OpenLoyaltyNames.presetEventTypes.map { [.text(workspaceId), .text($0), .date(date)] }, types: ["text", "text", "bigint"])
        statement.add(" ON CONFLICT DO NOTHING")
        try await connection.rows(statement, logger: logger)
    }

    public func listEventTypes(workspaceId: String) async throws -> [EventTypeRecord] {
        try await rows("SELECT * FROM event_types WHERE workspace_id = \(workspaceId) ORDER BY name").map { EventTypeRecord(row: $0) }
    }

    public func createEventType(_ type: EventTypeRecord) async throws {
        let schema = type.schema.map(JSONCoding.string)
        try await rows(
            """
            INSERT INTO event_types (workspace_id, name, description, schema, created_at)
            VALUES (\(type.workspaceId), \(type.name), \(type.description), \(schema), \(type.createdAt.milliseconds))
            """)
    }

    public func deleteEventType(workspaceId: String, name: String) async throws -> Bool {
        try await !rows("DELETE FROM event_types WHERE workspace_id = \(workspaceId) AND name = \(name) RETURNING name").isEmpty
    }

    // MARK: Destinations

    /// Column types of `Destination.columnValues`.
    private static let destinationTypes = [
        "text", "text", "text", "text", "text", "text", "text", "bigint", "bigint", "text", "bigint", "bigint", "text", "text", "bigint",
        "boolean", "text", "bigint", "bigint",
    ]

    /// The columns of `Destination.columnValues`.
    private static let destinationColumns = [
        "name", "url", "method", "headers", "signing", "secret", "previous_secret", "previous_secret_expires_at", "timeout_ms",
        "retry_schedule", "rate_limit_per_second", "max_concurrency", "batching", "ordering", "active_from", "enabled", "disabled_reason",
        "created_at", "updated_at",
    ]

    public func createDestination(_ destination: Destination) async throws {
        var statement = Statement("INSERT INTO destinations (id, workspace_id, \(Self.destinationColumns.joined(separator: ", "))) VALUES ")
        statement.values([[.text(destination.id), .text(destination.workspaceId)] + destination.columnValues], types: ["text", "text"] + Self.destinationTypes)
        try await rows(statement)
    }

    public func destination(id: String, workspaceId: String) async throws -> Destination? {
        try await rows("SELECT * FROM destinations WHERE id = \(id) AND workspace_id = \(workspaceId)").first.map(Destination.init(row:))
    }

    public func listDestinations(workspaceId: String, search: String?, page: PageRequest) async throws -> Page<Destination> {
        let pattern = search.map { "%" + $0.replacingOccurrences(of: "%", with: "") + "%" } ?? "%"
        let rows = try await rows(
            """
            SELECT * FROM destinations WHERE workspace_id = \(workspaceId) AND id > \(page.cursor ?? "")
                AND (name ILIKE \(pattern) OR url ILIKE \(pattern)) ORDER BY id LIMIT \(page.limit + 1)
            """)
        return Page(fetched: rows.map(Destination.init(row:)), limit: page.limit, id: \.id)
    }

    public func updateDestination(_ destination: Destination) async throws -> Bool {
        var statement = Statement.update(
            "destinations", columns: Self.destinationColumns, values: destination.columnValues, types: Self.destinationTypes, id: destination.id,
            workspaceId: destination.workspaceId)
        // Re-enabling resumes what waited: wake every node.
        statement.add(", pg_notify('\(Self.workChannel)', '')")
        return try await !rows(statement).isEmpty
    }

    public func deleteDestination(id: String, workspaceId: String) async throws -> Bool {
        try await !rows("DELETE FROM destinations WHERE id = \(id) AND workspace_id = \(workspaceId) RETURNING id").isEmpty
    }

    // MARK: Subscriptions

    /// The columns of `Subscription.columnValues`.
    private static let subscriptionColumns = ["destination_id", "name", "event_names", "condition", "mapping", "format", "enabled", "updated_at"]

    /// Column types of `Subscription.columnValues`.
    private static let subscriptionTypes = ["text", "text", "text", "text", "text", "text", "boolean", "bigint"]

    public func createSubscription(_ subscription: Subscription) async throws {
        try await transaction { connection in
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
        try await rows("SELECT * FROM subscriptions WHERE id = \(id) AND workspace_id = \(workspaceId)").first.flatMap(Subscription.init(row:))
    }

    public func listSubscriptions(workspaceId: String, destinationId: String?, page: PageRequest) async throws -> Page<Subscription> {
        var statement = Statement("SELECT * FROM subscriptions WHERE workspace_id = ")
        statement.bind(.text(workspaceId))
        statement.filter("id >", .text(page.cursor ?? ""))
        statement.filter("destination_id =", .text(destinationId))
        statement.add(" ORDER BY id LIMIT ")
        statement.bind(.int(page.limit + 1))
        return Page(fetched: try await rows(statement).compactMap(Subscription.init(row:)), limit: page.limit, id: \.id)
    }

    public func updateSubscription(_ subscription: Subscription) async throws -> Bool {
        try await transaction { connection in
            let statement = Statement.update(
                "subscriptions", columns: Self.subscriptionColumns, values: subscription.columnValues, types: Self.subscriptionTypes, id: subscription.id,
                workspaceId: subscription.workspaceId)
            guard try await !connection.rows(statement, logger: logger).isEmpty else { return false }
            try await connection.query("DELETE FROM subscription_routes WHERE subscription_id = \(subscription.id)", logger: logger)
            try await writeRoutes(connection, subscription)
            return true
        }
    }

    public func deleteSubscription(id: String, workspaceId: String) async throws -> Bool {
        try await !rows("DELETE FROM subscriptions WHERE id = \(id) AND workspace_id = \(workspaceId) RETURNING id").isEmpty
    }

    private func writeRoutes(_ connection: PostgresConnection, _ subscription: Subscription) async throws {
        let names = Set(subscription.eventNames)
        guard !names.isEmpty else { return }
        var statement = Statement("INSERT INTO subscription_routes (workspace_id, event_name, subscription_id) VALUES ")
        statement.values(names.map { [.text(subscription.workspaceId), .text($0), .text(subscription.id)] }, types: ["text", "text", "text"])
        try await connection.rows(statement, logger: logger)
    }

    /// Enabled subscriptions listening to this name or to `*`: an index lookup, whatever the number of others.
    func candidateSubscriptions(_ connection: PostgresConnection, workspaceId: String, eventName: String) async throws -> [Subscription] {
        try await connection.rows(
            """
            SELECT s.* FROM subscription_routes r JOIN subscriptions s ON s.id = r.subscription_id
            WHERE r.workspace_id = \(workspaceId) AND r.event_name IN (\(eventName), '*') AND s.enabled
            """, logger: logger
        ).compactMap(Subscription.init(row:))
    }
}

import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    /// Column types of `Destination.columnValues`.
    private static let destinationTypes = [
        "text", "text", "text", "text", "text", "text", "text", "bigint", "bigint", "text", "bigint", "bigint", "text", "text", "bigint",
        "boolean", "text", "bigint", "bigint", "text",
    ]

    /// The columns of `Destination.columnValues`.
    private static let destinationColumns = [
        "name", "url", "method", "headers", "signing", "secret", "previous_secret", "previous_secret_expires_at", "timeout_ms",
        "retry_schedule", "rate_limit_per_second", "max_concurrency", "batching", "ordering", "active_from", "enabled", "disabled_reason",
        "created_at", "updated_at", "connector",
    ]

    public func createDestination(_ destination: Destination) async throws {
        var statement = Statement("INSERT INTO destinations (id, workspace_id, \(Self.destinationColumns.joined(separator: ", "))) VALUES ")
        statement.values([[.text(destination.id), .text(destination.workspaceId)] + destination.columnValues], types: ["text", "text"] + Self.destinationTypes)
        try await rows(statement)
    }

    public func destination(id: String, workspaceId: String) async throws -> Destination? {
        try await rows("SELECT * FROM destinations WHERE id = \(id) AND workspace_id = \(workspaceId)").first.map(Destination.init(row:))
    }

    public func listDestinations(workspaceId: String, filter: DestinationFilter, page: PageRequest) async throws -> Page<Destination> {
        let pattern = filter.search.map { "%" + $0.replacingOccurrences(of: "%", with: "") + "%" } ?? "%"
        var statement = Statement("SELECT * FROM destinations WHERE workspace_id = ")
        statement.bind(.text(workspaceId))
        statement.add(" AND id > ")
        statement.bind(.text(page.cursor ?? ""))
        statement.add(" AND (name ILIKE ")
        statement.bind(.text(pattern))
        statement.add(" OR url ILIKE ")
        statement.bind(.text(pattern))
        statement.add(")")
        if let enabled = filter.enabled {
            statement.add(" AND enabled = ")
            statement.bind(.flag(enabled))
        }
        if let legacy = filter.legacy { statement.add(legacy ? " AND " + DestinationFilter.legacyCondition : " AND NOT " + DestinationFilter.legacyCondition) }
        statement.add(" ORDER BY id LIMIT ")
        statement.bind(.int(page.limit + 1))
        let rows = try await rows(statement)
        return Page(fetched: rows.map(Destination.init(row:)), limit: page.limit, id: \.id)
    }

    public func destinationNames(ids: [String], workspaceId: String) async throws -> [String: String] {
        let ids = Array(Set(ids))
        guard !ids.isEmpty else { return [:] }
        let rows = try await rows("SELECT id, name FROM destinations WHERE workspace_id = \(workspaceId) AND id = ANY(\(ids))")
        var names: [String: String] = [:]
        for row in rows {
            if let id = row.text("id"), let name = row.text("name") { names[id] = name }
        }
        return names
    }

    public func updateDestination(_ destination: Destination) async throws -> Bool {
        var statement = Statement.update(
            "destinations", columns: Self.destinationColumns, values: destination.columnValues, types: Self.destinationTypes, id: destination.id,
            workspaceId: destination.workspaceId)
        return try await !rows(statement).isEmpty
    }

    public func deleteDestination(id: String, workspaceId: String) async throws -> Bool {
        try await !rows("DELETE FROM destinations WHERE id = \(id) AND workspace_id = \(workspaceId) RETURNING id").isEmpty
    }
}

import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func createDestination(_ destination: Destination) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO destinations (id, workspace_id, name, url, method, headers, signing, secret, previous_secret,
                        previous_secret_expires_at, timeout_ms, retry_schedule, rate_limit_per_second, max_concurrency, batching,
                        ordering, active_from, enabled, disabled_reason, created_at, updated_at, connector)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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

    public func listDestinations(workspaceId: String, filter: DestinationFilter, page: PageRequest) async throws -> Page<Destination> {
        try await pool.read { db in
            let pattern = filter.search.map { "%" + $0.replacingOccurrences(of: "%", with: "") + "%" } ?? "%"
            var sql = "SELECT * FROM destinations WHERE workspace_id = ? AND id > ? AND (name LIKE ? OR url LIKE ?)"
            var arguments: StatementArguments = [workspaceId, page.cursor ?? "", pattern, pattern]
            if let enabled = filter.enabled {
                sql += " AND enabled = ?"
                arguments += [enabled]
            }
            if let legacy = filter.legacy { sql += legacy ? " AND " + DestinationFilter.legacyCondition : " AND NOT " + DestinationFilter.legacyCondition }
            sql += " ORDER BY id LIMIT ?"
            arguments += [page.limit + 1]
            let rows = try Row.mapAll(db, sql: sql, arguments: arguments, Destination.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func destinationNames(ids: [String], workspaceId: String) async throws -> [String: String] {
        let ids = Array(Set(ids))
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, name FROM destinations WHERE workspace_id = ? AND id IN (\(Self.placeholders(ids.count)))",
                arguments: StatementArguments([workspaceId] + ids))
            return Dictionary(rows.map { ($0["id"], $0["name"]) }, uniquingKeysWith: { first, _ in first })
        }
    }

    public func updateDestination(_ destination: Destination) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE destinations SET name = ?, url = ?, method = ?, headers = ?, signing = ?, secret = ?, previous_secret = ?,
                        previous_secret_expires_at = ?, timeout_ms = ?, retry_schedule = ?, rate_limit_per_second = ?,
                        max_concurrency = ?, batching = ?, ordering = ?, active_from = ?, enabled = ?, disabled_reason = ?,
                        created_at = ?, updated_at = ?, connector = ?
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
}

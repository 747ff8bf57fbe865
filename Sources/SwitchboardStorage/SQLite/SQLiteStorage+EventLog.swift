import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func event(id: String, workspaceId: String) async throws -> Event? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
                .map { Event(row: $0) }
        }
    }

    public func listEvents(workspaceId: String, filter: EventFilter, page: PageRequest) async throws -> Page<Event> {
        var conditions = ["workspace_id = ?"]
        var arguments: StatementArguments = [workspaceId]
        if let cursor = page.cursor {
            conditions.append("id < ?")
            arguments += [cursor]
        }
        if let name = filter.name {
            conditions.append("name = ?")
            arguments += [name]
        }
        if let userId = filter.userId {
            conditions.append("user_id = ?")
            arguments += [userId]
        }
        if let type = filter.type {
            conditions.append("type = ?")
            arguments += [type.rawValue]
        }
        if let sourceId = filter.sourceId {
            conditions.append("source_id = ?")
            arguments += [sourceId]
        }
        if let since = filter.since {
            conditions.append("received_at >= ?")
            arguments += [since.milliseconds]
        }
        arguments += [page.limit + 1]
        let sql = "SELECT * FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?"
        return try await pool.read { [arguments] db in
            return Page(fetched: try Row.mapAll(db, sql: sql, arguments: arguments) { Event(row: $0) }, limit: page.limit, id: \.id)
        }
    }
}

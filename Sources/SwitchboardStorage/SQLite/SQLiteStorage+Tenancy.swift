import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func createWorkspace(_ workspace: Workspace) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO workspaces (id, name, parent_id, created_at) VALUES (?, ?, ?, ?)",
                arguments: [workspace.id, workspace.name, workspace.parentId, workspace.createdAt.milliseconds]
            )
            try Self.insertPresetEventTypes(db, workspaceId: workspace.id, at: workspace.createdAt)
        }
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workspaces WHERE id = ?", arguments: [id]).map(Workspace.init(row:))
        }
    }

    public func listWorkspaces(visibleTo workspaceId: String, page: PageRequest) async throws -> Page<Workspace> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: """
                    SELECT * FROM workspaces WHERE (id = ? OR parent_id = ?) AND id > ?
                    ORDER BY id LIMIT ?
                    """,
                arguments: [workspaceId, workspaceId, page.cursor ?? "", page.limit + 1], Workspace.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func rootWorkspace() async throws -> Workspace? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workspaces WHERE parent_id IS NULL ORDER BY id LIMIT 1")
                .map(Workspace.init(row:))
        }
    }

    // MARK: API keys

    public func createAPIKey(_ key: APIKey) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, workspace_id, name, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [key.id, key.workspaceId, key.name, key.role.rawValue, key.keyHash, key.createdAt.milliseconds]
            )
        }
    }

    public func apiKey(hash: String) async throws -> APIKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE key_hash = ?", arguments: [hash]).map(APIKey.init(row:))
        }
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(APIKey.init(row:))
        }
    }

    public func listAPIKeys(workspaceId: String, page: PageRequest) async throws -> Page<APIKey> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: "SELECT * FROM api_keys WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [workspaceId, page.cursor ?? "", page.limit + 1], APIKey.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func deleteAPIKey(id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM api_keys WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func countAPIKeys() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys") ?? 0 }
    }
}

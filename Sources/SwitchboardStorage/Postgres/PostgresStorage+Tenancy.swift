import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    public func createWorkspace(_ workspace: Workspace) async throws {
        try await withTransaction { connection in
            try await connection.rows(
                "INSERT INTO workspaces (id, name, parent_id, created_at) VALUES (\(workspace.id), \(workspace.name), \(workspace.parentId), \(workspace.createdAt.milliseconds))",
                logger: logger)
            try await Self.insertPresetEventTypes(connection, workspaceId: workspace.id, at: workspace.createdAt, logger: logger)
        }
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await rows("SELECT * FROM workspaces WHERE id = \(id)").first.map(Workspace.init(row:))
    }

    public func listWorkspaces(visibleTo workspaceId: String, page: PageRequest) async throws -> Page<Workspace> {
        let rows = try await rows(
            "SELECT * FROM workspaces WHERE (id = \(workspaceId) OR parent_id = \(workspaceId)) AND id > \(page.cursor ?? "") ORDER BY id LIMIT \(page.limit + 1)")
        return Page(fetched: rows.map(Workspace.init(row:)), limit: page.limit, id: \.id)
    }

    public func rootWorkspace() async throws -> Workspace? {
        try await rows("SELECT * FROM workspaces WHERE parent_id IS NULL ORDER BY id LIMIT 1").first.map(Workspace.init(row:))
    }

    // MARK: API keys

    public func createAPIKey(_ key: APIKey) async throws {
        try await rows(
            "INSERT INTO api_keys (id, workspace_id, name, role, key_hash, created_at) VALUES (\(key.id), \(key.workspaceId), \(key.name), \(key.role.rawValue), \(key.keyHash), \(key.createdAt.milliseconds))"
        )
    }

    public func apiKey(hash: String) async throws -> APIKey? {
        try await rows("SELECT * FROM api_keys WHERE key_hash = \(hash)").first.map(APIKey.init(row:))
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await rows("SELECT * FROM api_keys WHERE id = \(id)").first.map(APIKey.init(row:))
    }

    public func listAPIKeys(workspaceId: String, page: PageRequest) async throws -> Page<APIKey> {
        let rows = try await rows(
            "SELECT * FROM api_keys WHERE workspace_id = \(workspaceId) AND id > \(page.cursor ?? "") ORDER BY id LIMIT \(page.limit + 1)")
        return Page(fetched: rows.map(APIKey.init(row:)), limit: page.limit, id: \.id)
    }

    public func deleteAPIKey(id: String) async throws -> Bool {
        try await !rows("DELETE FROM api_keys WHERE id = \(id) RETURNING id").isEmpty
    }

    public func countAPIKeys() async throws -> Int {
        try await rows("SELECT COUNT(*) AS count FROM api_keys").first?.int("count") ?? 0
    }
}

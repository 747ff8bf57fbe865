import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    public func createSource(_ source: Source) async throws {
        let verification = source.verification.map(JSONCoding.string)
        try await rows(
            """
            INSERT INTO sources (id, workspace_id, name, type, verification, event_name_prefix, settings, write_key, created_at, updated_at)
            VALUES (\(source.id), \(source.workspaceId), \(source.name), \(source.type.rawValue), \(verification), \(source.eventNamePrefix),
                \(source.storedSettings), \(source.writeKey), \(source.createdAt.milliseconds), \(source.updatedAt.milliseconds))
            """)
    }

    public func source(id: String, workspaceId: String) async throws -> Source? {
        try await rows("SELECT * FROM sources WHERE id = \(id) AND workspace_id = \(workspaceId)").first.map(Source.init(row:))
    }

    public func source(writeKey: String) async throws -> Source? {
        try await rows("SELECT * FROM sources WHERE write_key = \(writeKey)").first.map(Source.init(row:))
    }

    public func source(id: String) async throws -> Source? {
        try await rows("SELECT * FROM sources WHERE id = \(id)").first.map(Source.init(row:))
    }

    public func listSources(workspaceId: String, page: PageRequest) async throws -> Page<Source> {
        let rows = try await rows(
            "SELECT * FROM sources WHERE workspace_id = \(workspaceId) AND id > \(page.cursor ?? "") ORDER BY id LIMIT \(page.limit + 1)")
        return Page(fetched: rows.map(Source.init(row:)), limit: page.limit, id: \.id)
    }

    public func updateSource(_ source: Source) async throws -> Bool {
        let verification = source.verification.map(JSONCoding.string)
        return try await !rows(
            """
            UPDATE sources SET name = \(source.name), verification = \(verification), event_name_prefix = \(source.eventNamePrefix),
                settings = \(source.storedSettings), updated_at = \(source.updatedAt.milliseconds)
            WHERE id = \(source.id) AND workspace_id = \(source.workspaceId) RETURNING id
            """
        ).isEmpty
    }

    public func deleteSource(id: String, workspaceId: String) async throws -> Bool {
        try await !rows("DELETE FROM sources WHERE id = \(id) AND workspace_id = \(workspaceId) RETURNING id").isEmpty
    }

    public func claimInboundReplay(sourceId: String, id: String, expiresAt: Date, now: Date) async throws -> Bool {
        _ = try await rows("DELETE FROM inbound_replays WHERE expires_at <= \(now.milliseconds)")
        return try await !rows(
            """
            INSERT INTO inbound_replays (source_id, replay_id, expires_at) VALUES (\(sourceId), \(id), \(expiresAt.milliseconds))
            ON CONFLICT DO NOTHING RETURNING replay_id
            """
        ).isEmpty
    }

    public func releaseInboundReplay(sourceId: String, id: String) async throws {
        _ = try await rows("DELETE FROM inbound_replays WHERE source_id = \(sourceId) AND replay_id = \(id)")
    }
}

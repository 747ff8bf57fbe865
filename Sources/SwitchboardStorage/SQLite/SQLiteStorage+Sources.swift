import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func createSource(_ source: Source) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO sources (id, workspace_id, name, type, verification, event_name_prefix, settings, write_key, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    source.id, source.workspaceId, source.name, source.type.rawValue,
                    source.verification.map(JSONCoding.string), source.eventNamePrefix, source.storedSettings, source.writeKey,
                    source.createdAt.milliseconds, source.updatedAt.milliseconds,
                ]
            )
        }
    }

    public func source(id: String, workspaceId: String) async throws -> Source? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
                .map(Source.init(row:))
        }
    }

    public func source(writeKey: String) async throws -> Source? {
        if let cached = configuration?.source(writeKey: writeKey) { return cached }
        let generation = configuration?.current
        // Every ingest request asks: a cached statement, stepped in place (no compile, no row copy).
        let source = try await pool.read { db in
            try Row.mapAll(db.cachedStatement(sql: "SELECT * FROM sources WHERE write_key = ?"), arguments: [writeKey], Source.init(row:)).first
        }
        if let source, let generation { configuration?.remember(source, writeKey: writeKey, readAt: generation) }
        return source
    }

    public func source(id: String) async throws -> Source? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE id = ?", arguments: [id]).map(Source.init(row:))
        }
    }

    public func listSources(workspaceId: String, page: PageRequest) async throws -> Page<Source> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: "SELECT * FROM sources WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [workspaceId, page.cursor ?? "", page.limit + 1], Source.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func updateSource(_ source: Source) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE sources SET name = ?, verification = ?, event_name_prefix = ?, settings = ?, updated_at = ?
                    WHERE id = ? AND workspace_id = ?
                    """,
                arguments: [
                    source.name, source.verification.map(JSONCoding.string), source.eventNamePrefix, source.storedSettings,
                    source.updatedAt.milliseconds, source.id, source.workspaceId,
                ]
            )
            return db.changesCount > 0
        }
    }

    public func deleteSource(id: String, workspaceId: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM sources WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
            return db.changesCount > 0
        }
    }

    public func claimInboundReplay(sourceId: String, id: String, expiresAt: Date, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM inbound_replays WHERE expires_at <= ?", arguments: [now.milliseconds])
            try db.execute(
                sql: "INSERT INTO inbound_replays (source_id, replay_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [sourceId, id, expiresAt.milliseconds])
            return db.changesCount > 0
        }
    }

    public func releaseInboundReplay(sourceId: String, id: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM inbound_replays WHERE source_id = ? AND replay_id = ?", arguments: [sourceId, id])
        }
    }
}

import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    public func profile(workspaceId: String, id: String) async throws -> ProfileView? {
        try await pool.read { db in
            let owner = try String.fetchOne(
                db, sql: "SELECT profile_key FROM profile_identities WHERE workspace_id = ? AND anonymous_id = ?", arguments: [workspaceId, id])
            for key in [ProfileKey.user(id).stored, owner, ProfileKey.anonymous(id).stored].compactMap({ $0 }) {
                if let profile = try Row.fetchOne(db, sql: "SELECT * FROM profiles WHERE workspace_id = ? AND profile_key = ?", arguments: [workspaceId, key])
                    .flatMap(Profile.init(row:))
                {
                    return try Self.views([profile], db)[0]
                }
            }
            return nil
        }
    }

    public func listProfiles(workspaceId: String, audienceId: String?, search: String?, page: PageRequest) async throws -> Page<ProfileView> {
        try await pool.read { db in
            let pattern = search.map(LikePattern.prefix)
            let profiles = try Row.fetchAll(
                db,
                sql: """
                    SELECT p.* FROM profiles p
                    WHERE p.workspace_id = ? AND p.profile_key > ?
                        AND (? IS NULL OR EXISTS (SELECT 1 FROM audience_members m WHERE m.audience_id = ? AND m.profile_key = p.profile_key))
                        AND (? IS NULL OR p.user_id LIKE ? ESCAPE '\\' OR EXISTS (
                            SELECT 1 FROM json_each(p.traits) t WHERE t.type = 'text' AND t.value LIKE ? ESCAPE '\\'))
                    ORDER BY p.profile_key LIMIT ?
                    """,
                arguments: [workspaceId, page.cursor ?? "", audienceId, audienceId, pattern, pattern, pattern, page.limit + 1]
            ).compactMap(Profile.init(row:))
            let fetched = Page(fetched: profiles, limit: page.limit, id: \.key.stored)
            return Page(items: try Self.views(fetched.items, db), nextCursor: fetched.nextCursor)
        }
    }

    private static func views(_ profiles: [Profile], _ db: Database) throws -> [ProfileView] {
        let ids = Set(profiles.flatMap(\.audienceIds))
        var keys: [String: String] = [:]
        if !ids.isEmpty {
            for row in try Row.fetchAll(
                db, sql: "SELECT id, key FROM audiences WHERE deleted_at IS NULL AND id IN (\(placeholders(ids.count)))", arguments: StatementArguments(Array(ids)))
            {
                keys[row["id"]] = row["key"]
            }
        }
        return profiles.map { ProfileView(profile: $0, audienceKeys: $0.audienceIds.compactMap { keys[$0] }.sorted()) }
    }

    public func createAudience(_ audience: Audience, now: Date) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO audiences (id, workspace_id, key, name, condition, emit_on_build, status, build_started_at, build_total, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, 'building', ?, (SELECT COUNT(*) FROM profiles WHERE workspace_id = ?), ?, ?)
                    """,
                arguments: [
                    audience.id, audience.workspaceId, audience.key, audience.name, JSONCoding.string(audience.conditionJSON), audience.emitOnBuild,
                    now.milliseconds, audience.workspaceId, audience.createdAt.milliseconds, audience.updatedAt.milliseconds,
                ])
        }
    }

    public func audience(id: String, workspaceId: String) async throws -> AudienceView? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audiences WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL", arguments: [id, workspaceId])
                .flatMap { try Self.audienceView($0, db) }
        }
    }

    public func listAudiences(workspaceId: String, page: PageRequest) async throws -> Page<AudienceView> {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM audiences WHERE workspace_id = ? AND deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?",
                arguments: [workspaceId, page.cursor ?? "", page.limit + 1])
            return Page(fetched: try rows.compactMap { try Self.audienceView($0, db) }, limit: page.limit, id: \.audience.id)
        }
    }

    private static func audienceView(_ row: Row, _ db: Database) throws -> AudienceView? {
        guard let audience = Audience(row: row) else { return nil }
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audience_members WHERE audience_id = ?", arguments: [audience.id]) ?? 0
        let build = audience.status == .building ? AudienceBuild(processed: row["build_processed"] ?? 0, total: row["build_total"] ?? 0) : nil
        return AudienceView(audience: audience, memberCount: count, build: build)
    }

    public func updateAudience(_ audience: Audience, rebuild: Bool, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE audiences SET name = ?, condition = ?, emit_on_build = ?, updated_at = ?,
                        status = CASE WHEN ? THEN 'building' ELSE status END,
                        build_started_at = CASE WHEN ? THEN ? ELSE build_started_at END,
                        build_cursor = CASE WHEN ? THEN NULL ELSE build_cursor END,
                        build_processed = CASE WHEN ? THEN 0 ELSE build_processed END,
                        build_total = CASE WHEN ? THEN (SELECT COUNT(*) FROM profiles WHERE workspace_id = ?) ELSE build_total END
                    WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL
                    """,
                arguments: [
                    audience.name, JSONCoding.string(audience.conditionJSON), audience.emitOnBuild, audience.updatedAt.milliseconds,
                    rebuild, rebuild, now.milliseconds, rebuild, rebuild, rebuild, audience.workspaceId, audience.id, audience.workspaceId,
                ])
            return db.changesCount > 0
        }
    }

    public func deleteAudience(id: String, workspaceId: String, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE audiences SET deleted_at = ?, status = 'ready' WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL",
                arguments: [now.milliseconds, id, workspaceId])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM audience_members WHERE audience_id = ?", arguments: [id])
            return true
        }
    }
}

import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresStorage {
    public func profile(workspaceId: String, id: String) async throws -> ProfileView? {
        let owner = try await rows("SELECT profile_key FROM profile_identities WHERE workspace_id = \(workspaceId) AND anonymous_id = \(id)").first?
            .text("profile_key")
        for key in [ProfileKey.user(id).stored, owner, ProfileKey.anonymous(id).stored].compactMap({ $0 }) {
            if let profile = try await rows("SELECT * FROM profiles WHERE workspace_id = \(workspaceId) AND profile_key = \(key)").first
                .flatMap(Profile.init(row:))
            {
                return try await views([profile])[0]
            }
        }
        return nil
    }

    public func listProfiles(workspaceId: String, audienceId: String?, search: String?, page: PageRequest) async throws -> Page<ProfileView> {
        let pattern = search.map(LikePattern.prefix)
        let profiles = try await rows(
            """
            SELECT p.* FROM profiles p
            WHERE p.workspace_id = \(workspaceId) AND p.profile_key > \(page.cursor ?? "")
                AND (\(audienceId)::text IS NULL OR EXISTS (
                    SELECT 1 FROM audience_members m WHERE m.audience_id = \(audienceId) AND m.profile_key = p.profile_key))
                AND (\(pattern)::text IS NULL OR p.user_id LIKE \(pattern) OR EXISTS (
                    SELECT 1 FROM jsonb_each_text(p.traits::jsonb) t WHERE t.value LIKE \(pattern)))
            ORDER BY p.profile_key LIMIT \(page.limit + 1)
            """
        ).compactMap(Profile.init(row:))
        let fetched = Page(fetched: profiles, limit: page.limit, id: \.key.stored)
        return Page(items: try await views(fetched.items), nextCursor: fetched.nextCursor)
    }

    private func views(_ profiles: [Profile]) async throws -> [ProfileView] {
        let ids = Array(Set(profiles.flatMap(\.audienceIds)))
        var keys: [String: String] = [:]
        if !ids.isEmpty {
            for row in try await rows("SELECT id, key FROM audiences WHERE deleted_at IS NULL AND id = ANY(\(ids))") {
                keys[row.string("id")] = row.string("key")
            }
        }
        return profiles.map { ProfileView(profile: $0, audienceKeys: $0.audienceIds.compactMap { keys[$0] }.sorted()) }
    }

    public func createAudience(_ audience: Audience, now: Date) async throws {
        try await rows(
            """
            INSERT INTO audiences (id, workspace_id, key, name, condition, emit_on_build, status, build_started_at, build_total, created_at, updated_at)
            VALUES (\(audience.id), \(audience.workspaceId), \(audience.key), \(audience.name), \(JSONCoding.string(audience.conditionJSON)),
                \(audience.emitOnBuild), 'building', \(now.milliseconds), (SELECT COUNT(*) FROM profiles WHERE workspace_id = \(audience.workspaceId)),
                \(audience.createdAt.milliseconds), \(audience.updatedAt.milliseconds))
            """)
    }

    public func audience(id: String, workspaceId: String) async throws -> AudienceView? {
        guard let row = try await rows("SELECT * FROM audiences WHERE id = \(id) AND workspace_id = \(workspaceId) AND deleted_at IS NULL").first
        else { return nil }
        return try await audienceView(row)
    }

    public func listAudiences(workspaceId: String, page: PageRequest) async throws -> Page<AudienceView> {
        var views: [AudienceView] = []
        for row in try await rows(
            "SELECT * FROM audiences WHERE workspace_id = \(workspaceId) AND deleted_at IS NULL AND id > \(page.cursor ?? "") ORDER BY id LIMIT \(page.limit + 1)")
        {
            if let view = try await audienceView(row) { views.append(view) }
        }
        return Page(fetched: views, limit: page.limit, id: \.audience.id)
    }

    private func audienceView(_ row: PostgresRandomAccessRow) async throws -> AudienceView? {
        guard let audience = Audience(row: row) else { return nil }
        let count = try await rows("SELECT COUNT(*) AS n FROM audience_members WHERE audience_id = \(audience.id)").first?.int("n") ?? 0
        let build = audience.status == .building ? AudienceBuild(processed: row.int("build_processed") ?? 0, total: row.int("build_total") ?? 0) : nil
        return AudienceView(audience: audience, memberCount: count, build: build)
    }

    public func updateAudience(_ audience: Audience, rebuild: Bool, now: Date) async throws -> Bool {
        try await !rows(
            """
            UPDATE audiences SET name = \(audience.name), condition = \(JSONCoding.string(audience.conditionJSON)), emit_on_build = \(audience.emitOnBuild),
                updated_at = \(audience.updatedAt.milliseconds),
                status = CASE WHEN \(rebuild) THEN 'building' ELSE status END,
                build_started_at = CASE WHEN \(rebuild) THEN \(now.milliseconds) ELSE build_started_at END,
                build_cursor = CASE WHEN \(rebuild) THEN NULL ELSE build_cursor END,
                build_processed = CASE WHEN \(rebuild) THEN 0 ELSE build_processed END,
                build_total = CASE WHEN \(rebuild) THEN (SELECT COUNT(*) FROM profiles WHERE workspace_id = \(audience.workspaceId)) ELSE build_total END
            WHERE id = \(audience.id) AND workspace_id = \(audience.workspaceId) AND deleted_at IS NULL RETURNING id
            """
        ).isEmpty
    }

    public func deleteAudience(id: String, workspaceId: String, now: Date) async throws -> Bool {
        try await withTransaction { connection in
            let deleted = try await connection.rows(
                """
                UPDATE audiences SET deleted_at = \(now.milliseconds), status = 'ready'
                WHERE id = \(id) AND workspace_id = \(workspaceId) AND deleted_at IS NULL RETURNING id
                """, logger: logger)
            guard !deleted.isEmpty else { return false }
            try await connection.rows("DELETE FROM audience_members WHERE audience_id = \(id)", logger: logger)
            return true
        }
    }
}

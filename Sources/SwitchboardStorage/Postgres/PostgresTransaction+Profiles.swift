import Foundation
import PostgresNIO
import SwitchboardCore

extension PostgresTransaction: SQLTransaction {
    var dialect: SQLDialect { .postgres }

    func execute(_ sql: String, _ arguments: [ColumnValue]) async throws -> [any StoredRow] {
        var statement = Statement()
        var rest = sql[...]
        var values = arguments.makeIterator()
        while let mark = rest.firstIndex(of: "?") {
            statement.add(String(rest[..<mark]))
            statement.bind(values.next() ?? .text(nil))
            rest = rest[rest.index(after: mark)...]
        }
        statement.add(String(rest))
        return try await rows(statement.query)
    }
}

extension PostgresTransaction: ProfileTransaction {
    /// Transaction-scoped advisory locks, taken in sorted order so two nodes never wait in a cycle;
    /// they also cover profiles that do not exist yet, which a row lock could not.
    func lockProfiles(_ profiles: Set<ProfileRef>) async throws {
        guard !profiles.isEmpty else { return }
        let names = profiles.map(\.lockName)
        try await rows(
            """
            SELECT pg_advisory_xact_lock(\(PostgresStorage.profileLockSpace), hashtext(n))
            FROM (SELECT DISTINCT hashtext(n) AS h, n FROM unnest(\(names)::text[]) AS n ORDER BY h) AS s
            """)
    }

    func profiles(_ refs: Set<ProfileRef>) async throws -> [ProfileRef: Profile] {
        guard !refs.isEmpty else { return [:] }
        let list = Array(refs)
        var profiles: [ProfileRef: Profile] = [:]
        for row in try await rows(
            """
            SELECT p.* FROM profiles p JOIN unnest(\(list.map(\.workspaceId))::text[], \(list.map(\.key.stored))::text[]) AS r(w, k)
                ON p.workspace_id = r.w AND p.profile_key = r.k
            """)
        {
            if let profile = Profile(row: row) { profiles[profile.ref] = profile }
        }
        return profiles
    }

    func identityOwners(workspaceId: String, anonymousIds: Set<String>) async throws -> [String: ProfileKey] {
        var owners: [String: ProfileKey] = [:]
        for row in try await rows(
            "SELECT anonymous_id, profile_key FROM profile_identities WHERE workspace_id = \(workspaceId) AND anonymous_id = ANY(\(Array(anonymousIds)))")
        {
            if let key = ProfileKey(stored: row.string("profile_key")) { owners[row.string("anonymous_id")] = key }
        }
        return owners
    }

    func saveProfiles(_ profiles: [ProfileWrite], deleting: [ProfileRef]) async throws {
        if !deleting.isEmpty {
            try await rows(
                """
                DELETE FROM profiles t USING unnest(\(deleting.map(\.workspaceId))::text[], \(deleting.map(\.key.stored))::text[]) AS r(w, k)
                WHERE t.workspace_id = r.w AND t.profile_key = r.k
                """)
        }
        for chunk in profiles.chunked(PostgresStorage.rowsPerStatement / 10) {
            var upsert = Statement(
                "INSERT INTO profiles (workspace_id, profile_key, user_id, anonymous_ids, traits, audience_ids, counters, first_seen, last_seen, next_expiry) VALUES ")
            upsert.values(chunk.map(\.profile.columnValues), types: ["text", "text", "text", "text", "text", "text", "text", "bigint", "bigint", "bigint"])
            upsert.add(
                """
                 ON CONFLICT (workspace_id, profile_key) DO UPDATE SET user_id = excluded.user_id, anonymous_ids = excluded.anonymous_ids,
                    traits = excluded.traits, audience_ids = excluded.audience_ids, counters = excluded.counters,
                    first_seen = excluded.first_seen, last_seen = excluded.last_seen, next_expiry = excluded.next_expiry
                """)
            try await rows(upsert.query)
            let identities = chunk.flatMap { write in
                write.newAnonymousIds.map { [ColumnValue.text(write.profile.workspaceId), .text($0), .text(write.profile.key.stored)] }
            }
            if !identities.isEmpty {
                var statement = Statement("INSERT INTO profile_identities (workspace_id, anonymous_id, profile_key) VALUES ")
                statement.values(identities, types: ["text", "text", "text"])
                statement.add(" ON CONFLICT (workspace_id, anonymous_id) DO UPDATE SET profile_key = excluded.profile_key")
                try await rows(statement.query)
            }
        }
    }

    func liveAudiences(workspaceIds: Set<String>) async throws -> [String: [Audience]] {
        var audiences: [String: [Audience]] = [:]
        for workspaceId in workspaceIds { audiences[workspaceId] = [] }
        for row in try await rows("SELECT * FROM audiences WHERE workspace_id = ANY(\(Array(workspaceIds))) AND deleted_at IS NULL ORDER BY id") {
            if let audience = Audience(row: row) { audiences[audience.workspaceId, default: []].append(audience) }
        }
        return audiences
    }

    func applyMemberships(_ changes: [MembershipChange]) async throws {
        for change in changes {
            if change.isMember {
                try await rows(
                    """
                    INSERT INTO audience_members (audience_id, profile_key, user_id, entered_at)
                    VALUES (\(change.audienceId), \(change.profile.key.stored), \(change.userId), \(change.at.milliseconds)) ON CONFLICT DO NOTHING
                    """)
            } else {
                try await rows("DELETE FROM audience_members WHERE audience_id = \(change.audienceId) AND profile_key = \(change.profile.key.stored)")
            }
        }
    }

    func dueExpiries(now: Date, limit: Int) async throws -> [ProfileRef] {
        try await rows(
            """
            SELECT workspace_id, profile_key FROM profiles WHERE next_expiry <= \(now.milliseconds) ORDER BY next_expiry LIMIT \(limit)
            """
        ).compactMap { row in ProfileKey(stored: row.string("profile_key")).map { ProfileRef(workspaceId: row.string("workspace_id"), key: $0) } }
    }

    func profilePage(workspaceId: String, after cursor: String?, limit: Int) async throws -> [ProfileKey] {
        try await rows(
            """
            SELECT profile_key FROM profiles WHERE workspace_id = \(workspaceId) AND profile_key > \(cursor ?? "")
            ORDER BY profile_key LIMIT \(limit)
            """
        ).compactMap { ProfileKey(stored: $0.string("profile_key")) }
    }

    func recordBuildProgress(audienceId: String, cursor: String?, processed: Int, finished: Bool, now: Date) async throws {
        try await rows(
            """
            UPDATE audiences SET build_cursor = \(cursor), build_processed = \(processed),
                status = CASE WHEN \(finished) THEN 'ready' ELSE status END
            WHERE id = \(audienceId) AND status = 'building'
            """)
    }

    func events(workspaceId: String, userIds: [String], names: Set<String>, since: Date, until: Date) async throws -> [Event] {
        try await rows(
            """
            SELECT * FROM events WHERE workspace_id = \(workspaceId) AND user_id = ANY(\(userIds)) AND name = ANY(\(Array(names)))
                AND received_at >= \(since.milliseconds) AND received_at < \(until.milliseconds)
            """
        ).map(Event.init(row:))
    }
}

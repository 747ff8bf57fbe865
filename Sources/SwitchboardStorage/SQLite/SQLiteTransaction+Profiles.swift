import Foundation
import GRDB
import SwitchboardCore

extension SQLiteTransaction: SQLTransaction {
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [ColumnValue]) async throws -> [any StoredRow] {
        try step { db in try Row.fetchAll(db.makeStatement(sql: sql), arguments: StatementArguments(arguments)) }
    }
}

extension SQLiteTransaction: ProfileTransaction {
    /// SQLite has one writer: this transaction already holds every profile.
    func lockProfiles(_ profiles: Set<ProfileRef>) async throws {}

    func profiles(_ refs: Set<ProfileRef>) async throws -> [ProfileRef: Profile] {
        try step { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM profiles WHERE workspace_id = ? AND profile_key = ?")
            var profiles: [ProfileRef: Profile] = [:]
            for ref in refs {
                if let profile = try Row.fetchOne(statement, arguments: [ref.workspaceId, ref.key.stored]).flatMap(Profile.init(row:)) {
                    profiles[ref] = profile
                }
            }
            return profiles
        }
    }

    func identityOwners(workspaceId: String, anonymousIds: Set<String>) async throws -> [String: ProfileKey] {
        try step { db in
            let statement = try db.cachedStatement(sql: "SELECT profile_key FROM profile_identities WHERE workspace_id = ? AND anonymous_id = ?")
            var owners: [String: ProfileKey] = [:]
            for id in anonymousIds {
                if let key = try String.fetchOne(statement, arguments: [workspaceId, id]).flatMap(ProfileKey.init(stored:)) { owners[id] = key }
            }
            return owners
        }
    }

    func saveProfiles(_ profiles: [ProfileWrite], deleting: [ProfileRef]) async throws {
        try step { db in
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO profiles (workspace_id, profile_key, user_id, anonymous_ids, traits, audience_ids, counters,
                        first_seen, last_seen, next_expiry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let identity = try db.cachedStatement(sql: "INSERT OR REPLACE INTO profile_identities (workspace_id, anonymous_id, profile_key) VALUES (?, ?, ?)")
            let delete = try db.cachedStatement(sql: "DELETE FROM profiles WHERE workspace_id = ? AND profile_key = ?")
            for ref in deleting {
                try delete.execute(arguments: [ref.workspaceId, ref.key.stored])
            }
            for write in profiles {
                try upsert.execute(arguments: StatementArguments(write.profile.columnValues))
                for id in write.newAnonymousIds {
                    try identity.execute(arguments: [write.profile.workspaceId, id, write.profile.key.stored])
                }
            }
        }
    }

    func liveAudiences(workspaceIds: Set<String>) async throws -> [String: [Audience]] {
        try step { db in
            let statement = try db.cachedStatement(sql: "SELECT * FROM audiences WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY id")
            var audiences: [String: [Audience]] = [:]
            for workspaceId in workspaceIds {
                audiences[workspaceId] = try Row.fetchAll(statement, arguments: [workspaceId]).compactMap { Audience(row: $0) }
            }
            return audiences
        }
    }

    func applyMemberships(_ changes: [MembershipChange]) async throws {
        try step { db in
            let enter = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO audience_members (audience_id, profile_key, user_id, entered_at) VALUES (?, ?, ?, ?)")
            let leave = try db.cachedStatement(sql: "DELETE FROM audience_members WHERE audience_id = ? AND profile_key = ?")
            for change in changes {
                if change.isMember {
                    try enter.execute(arguments: [change.audienceId, change.profile.key.stored, change.userId, change.at.milliseconds])
                } else {
                    try leave.execute(arguments: [change.audienceId, change.profile.key.stored])
                }
            }
        }
    }

    func dueExpiries(now: Date, limit: Int) async throws -> [ProfileRef] {
        try step { db in
            try Row.fetchAll(
                db, sql: "SELECT workspace_id, profile_key FROM profiles WHERE next_expiry <= ? ORDER BY next_expiry LIMIT ?",
                arguments: [now.milliseconds, limit]
            ).compactMap { row in
                ProfileKey(stored: row["profile_key"]).map { ProfileRef(workspaceId: row["workspace_id"], key: $0) }
            }
        }
    }

    func profilePage(workspaceId: String, after cursor: String?, limit: Int) async throws -> [ProfileKey] {
        try step { db in
            try String.fetchAll(
                db, sql: "SELECT profile_key FROM profiles WHERE workspace_id = ? AND profile_key > ? ORDER BY profile_key LIMIT ?",
                arguments: [workspaceId, cursor ?? "", limit]
            ).compactMap(ProfileKey.init(stored:))
        }
    }

    func recordBuildProgress(audienceId: String, cursor: String?, processed: Int, finished: Bool, now: Date) async throws {
        try step { db in
            try db.execute(
                sql: """
                    UPDATE audiences SET build_cursor = ?, build_processed = ?, status = CASE WHEN ? THEN 'ready' ELSE status END
                    WHERE id = ? AND status = 'building'
                    """,
                arguments: [cursor, processed, finished, audienceId])
        }
    }

    func events(workspaceId: String, userIds: [String], names: Set<String>, since: Date, until: Date) async throws -> [Event] {
        try step { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM events WHERE workspace_id = ? AND user_id IN (\(SQLiteStorage.placeholders(userIds.count)))
                        AND name IN (\(SQLiteStorage.placeholders(names.count))) AND received_at >= ? AND received_at < ?
                    """,
                arguments: [workspaceId] + StatementArguments(userIds) + StatementArguments(Array(names)) + [since.milliseconds, until.milliseconds]
            ).map(Event.init(row:))
        }
    }
}

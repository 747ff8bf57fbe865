import Foundation
import GRDB

extension SQLiteStorage {
    public func persistedValue(key: String, now: Date) async throws -> PersistedValue? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT value, expires_at FROM persist WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)",
                arguments: [key, now.milliseconds]
            ).map { row in
                PersistedValue(value: row["value"], expiresAt: (row["expires_at"] as Int64?).map(Date.init(milliseconds:)))
            }
        }
    }

    public func createPersistedValue(key: String, value: String, expiresAt: Date?, now: Date) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM persist WHERE expires_at <= ?", arguments: [now.milliseconds])
            try db.execute(
                sql: "INSERT INTO persist (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                arguments: [key, value, expiresAt?.milliseconds])
            return db.changesCount > 0
        }
    }

    public func setPersistedValue(key: String, value: String, expiresAt: Date?, now: Date) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM persist WHERE expires_at <= ?", arguments: [now.milliseconds])
            try db.execute(
                sql: """
                    INSERT INTO persist (key, value, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = COALESCE(excluded.expires_at, persist.expires_at)
                    """,
                arguments: [key, value, expiresAt?.milliseconds])
        }
    }

    public func removePersistedValue(key: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM persist WHERE key = ?", arguments: [key])
        }
    }
}

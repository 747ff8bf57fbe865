import Foundation
import PostgresNIO

extension PostgresStorage {
    public func persistedValue(key: String, now: Date) async throws -> PersistedValue? {
        try await rows("SELECT value, expires_at FROM persist WHERE key = \(key) AND (expires_at IS NULL OR expires_at > \(now.milliseconds))")
            .first.map { row in
                PersistedValue(
                    value: row.text("value") ?? "", expiresAt: row.integer("expires_at").map(Date.init(milliseconds:)))
            }
    }

    public func createPersistedValue(key: String, value: String, expiresAt: Date?, now: Date) async throws -> Bool {
        _ = try await rows("DELETE FROM persist WHERE expires_at <= \(now.milliseconds)")
        return try await !rows(
            "INSERT INTO persist (key, value, expires_at) VALUES (\(key), \(value), \(expiresAt?.milliseconds)) ON CONFLICT DO NOTHING RETURNING key"
        ).isEmpty
    }

    public func setPersistedValue(key: String, value: String, expiresAt: Date?, now: Date) async throws {
        _ = try await rows("DELETE FROM persist WHERE expires_at <= \(now.milliseconds)")
        _ = try await rows(
            """
            INSERT INTO persist (key, value, expires_at) VALUES (\(key), \(value), \(expiresAt?.milliseconds))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = COALESCE(excluded.expires_at, persist.expires_at)
            """)
    }

    public func removePersistedValue(key: String) async throws {
        _ = try await rows("DELETE FROM persist WHERE key = \(key)")
    }
}

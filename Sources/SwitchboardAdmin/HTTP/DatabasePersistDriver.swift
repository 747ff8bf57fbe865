import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// hummingbird-auth's session persistence over the database's `persist` table, so that every node
/// serves every session. Expiry is judged by the injected clock (tests move it instead of sleeping).
struct DatabasePersistDriver: PersistDriver {
    let store: any PersistStore
    let now: @Sendable () -> Date

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let now = now()
        guard try await store.createPersistedValue(key: key, value: try encode(value), expiresAt: expiry(expires, from: now), now: now) else {
            throw PersistError.duplicate
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let now = now()
        try await store.setPersistedValue(key: key, value: try encode(value), expiresAt: expiry(expires, from: now), now: now)
    }

    func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = now()
        guard let stored = try await store.persistedValue(key: key, now: now) else { return nil }
        guard let object = try? JSONDecoder().decode(Object.self, from: Data(stored.value.utf8)) else { throw PersistError.invalidConversion }
        // Saturating: an expiry read back from the database may lie as far off as a date can.
        let ttl = stored.expiresAt.map { Duration.milliseconds(max(0, Int64(flooringSaturating: $0.timeIntervalSince(now) * 1000) ?? 0)) }
        return (object, ttl)
    }

    func remove(key: String) async throws {
        try await store.removePersistedValue(key: key)
    }

    private func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    private func expiry(_ duration: Duration?, from now: Date) -> Date? {
        duration.map { now.addingTimeInterval(TimeInterval($0.components.seconds)) }
    }
}

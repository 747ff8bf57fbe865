import Foundation
import SwitchboardStorage
import Testing

/// `PersistStore`: values by key with an expiry, as the admin panel's sessions use them, for every backend.
@Suite struct PersistStoreContractTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func at(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(seconds) }

    @Test(arguments: StorageBackend.allCases)
    func aValueIsServedUntilItExpires(backend: StorageBackend) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        do {
            #expect(try await storage.createPersistedValue(key: "s.1", value: "{\"a\":1}", expiresAt: at(60), now: now))
            #expect(try await storage.persistedValue(key: "s.1", now: now) == PersistedValue(value: "{\"a\":1}", expiresAt: at(60)))
            #expect(try await storage.persistedValue(key: "s.1", now: at(60)) == nil)
            #expect(try await storage.persistedValue(key: "s.2", now: now) == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func createRefusesAHeldKeyButNotAnExpiredOne(backend: StorageBackend) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        do {
            #expect(try await storage.createPersistedValue(key: "k", value: "1", expiresAt: at(10), now: now))
            #expect(try await !storage.createPersistedValue(key: "k", value: "2", expiresAt: at(10), now: now))
            #expect(try await storage.persistedValue(key: "k", now: now)?.value == "1")
            #expect(try await storage.createPersistedValue(key: "k", value: "3", expiresAt: nil, now: at(10)))
            #expect(try await storage.persistedValue(key: "k", now: at(1000)) == PersistedValue(value: "3", expiresAt: nil))
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func setReplacesAndKeepsTheExpiryWhenNoneIsGiven(backend: StorageBackend) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        do {
            try await storage.setPersistedValue(key: "k", value: "1", expiresAt: at(30), now: now)
            try await storage.setPersistedValue(key: "k", value: "2", expiresAt: nil, now: at(0))
            #expect(try await storage.persistedValue(key: "k", now: now) == PersistedValue(value: "2", expiresAt: at(30)))
            try await storage.setPersistedValue(key: "k", value: "3", expiresAt: at(90), now: now)
            #expect(try await storage.persistedValue(key: "k", now: at(60))?.value == "3")
            try await storage.removePersistedValue(key: "k")
            #expect(try await storage.persistedValue(key: "k", now: now) == nil)
        }
    }
}

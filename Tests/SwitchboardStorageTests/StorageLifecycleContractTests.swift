import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `Storage` itself: migrate, ping and close, for every backend.
@Suite struct StorageLifecycleContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StorageBackend.allCases)
    func migrationIsRepeatable(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            try await storage.migrate()
            try await storage.ping()
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func migratingAgainKeepsWhatIsStored(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            let root = try await workspace(first)
            let source = try await source(first, in: root, writeKey: "wk-kept")
            try await first.insertEvents([event(source, messageId: "kept")])
            // A node starting later migrates the same database again: nothing is lost or doubled.
            try await second.migrate()
            try await first.migrate()
            #expect(try await second.workspace(id: root.id) == root)
            #expect(try await second.source(writeKey: "wk-kept") == source)
            let events = try await second.listEvents(workspaceId: root.id, filter: EventFilter(), page: PageRequest())
            #expect(events.items.map(\.messageId) == ["kept"])
            #expect(try await second.listEventTypes(workspaceId: root.id).count == OpenLoyaltyNames.presetEventTypes.count)
        }
    }
}

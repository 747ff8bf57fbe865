import Foundation
import SwitchboardCore
import Testing

@testable import SwitchboardStorage

/// A server's SQLite storage answers write keys and routes from memory: every commit that
/// changes a source or a subscription, directly or by a cascading delete, is seen by the next read.
@Suite struct ConfigurationCacheContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func withCachingStorage(_ body: (SQLiteStorage) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-cache-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteStorage(path: directory.appendingPathComponent("db.sqlite").path, cachesConfiguration: true)
        defer { storage.close() }
        try await storage.migrate()
        try await body(storage)
    }

    @Test func aDeletedDestinationTakesItsSubscriptionsOutOfRoutingAtOnce() async throws {
        try await withCachingStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            #expect(try await storage.routeEvents([event(source)]).first?.subscriptionIds == [subscription.id])
            #expect(try await storage.routeEvents([event(source)]).first?.subscriptionIds == [subscription.id])  // from memory
            // The subscription goes by the destination's cascade, not by a statement naming it.
            #expect(try await storage.deleteDestination(id: destination.id, workspaceId: destination.workspaceId))
            #expect(try await storage.routeEvents([event(source)]).first?.subscriptionIds == [])
        }
    }

    @Test func aDeletedSourceIsNotFoundByItsWriteKey() async throws {
        try await withCachingStorage { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let writeKey = try #require(source.writeKey)
            #expect(try await storage.source(writeKey: writeKey)?.id == source.id)
            #expect(try await storage.source(writeKey: writeKey)?.id == source.id)  // from memory
            #expect(try await storage.deleteSource(id: source.id, workspaceId: source.workspaceId))
            #expect(try await storage.source(writeKey: writeKey) == nil)
        }
    }
}

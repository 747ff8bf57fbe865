import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `ProfileStore`, `AudienceStore` and `AudienceMaintenance`: profiles written by ingest,
/// audiences kept current, for every backend.
@Suite struct ProfileStoreContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func segment(_ source: Source, _ type: EventType, userId: String? = nil, anonymousId: String? = nil, name: String? = nil, _ fields: [String: JSONValue] = [:], at offset: TimeInterval = 0) -> Event {
        var message = fields
        message["type"] = .string(type.rawValue)
        message["userId"] = userId.map(JSONValue.string)
        message["anonymousId"] = anonymousId.map(JSONValue.string)
        if let name { message["event"] = .string(name) }
        let messageId = UUID().uuidString
        message["messageId"] = .string(messageId)
        return Event(
            id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: type, name: name ?? type.rawValue, messageId: messageId,
            userId: userId, anonymousId: anonymousId, receivedAt: at(offset), message: message)
    }

    func audience(_ workspaceId: String, key: String, _ condition: JSONValue) throws -> Audience {
        Audience(
            id: ids.make(.audience), workspaceId: workspaceId, key: key, name: key.uppercased(), condition: try AudienceCondition(validating: condition),
            conditionJSON: condition, createdAt: now, updatedAt: now)
    }

    @Test(arguments: StorageBackend.allCases)
    func eventsBuildProfilesAndMergeAnonymousOnes(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            try await storage.insertEvents([
                segment(source, .track, anonymousId: "a1", name: "Viewed", at: 0),
                segment(source, .identify, userId: "u1", anonymousId: "a1", ["traits": ["tier": "gold", "age": 30]], at: 10),
                segment(source, .identify, userId: "u1", ["traits": ["age": .null]], at: 20),
            ])
            let profile = try #require(try await storage.profile(workspaceId: source.workspaceId, id: "u1")).profile
            #expect(profile.traits == ["tier": "gold"])
            #expect(profile.anonymousIds == ["a1"])
            #expect(profile.firstSeen == at(0))
            #expect(profile.lastSeen == at(20))
            #expect(try await storage.profile(workspaceId: source.workspaceId, id: "a1")?.profile.key == .user("u1"))
            let all = try await storage.listProfiles(workspaceId: source.workspaceId, audienceId: nil, search: nil, page: PageRequest())
            #expect(all.items.map(\.profile.key) == [.user("u1")])
            #expect(try await storage.listProfiles(workspaceId: source.workspaceId, audienceId: nil, search: "gol", page: PageRequest()).items.count == 1)
            #expect(try await storage.listProfiles(workspaceId: source.workspaceId, audienceId: nil, search: "silver", page: PageRequest()).items.isEmpty)
        }
    }

    /// Two nodes applying events of one user at the same moment: neither's trait update is lost.
    @Test(arguments: StorageBackend.allCases)
    func twoNodesChangingOneProfileLoseNoUpdate(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            let (source, _, _) = try await DeliverySetUp.make(first, ids: ids, now: now)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (node, storage) in [first, second].enumerated() {
                    for index in 0..<20 {
                        let event = segment(source, .identify, userId: "u1", ["traits": [.init("n\(node)-\(index)"): .int(Int64(index))]], at: Double(index))
                        group.addTask { try await storage.insertEvents([event]) }
                    }
                }
                try await group.waitForAll()
            }
            let profile = try #require(try await first.profile(workspaceId: source.workspaceId, id: "u1")).profile
            #expect(profile.traits.count == 40)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func audiencesAreBuiltKeptCurrentAndExpire(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let workspaceId = source.workspaceId
            try await storage.insertEvents([
                segment(source, .identify, userId: "u1", ["traits": ["spend": 600]]),
                segment(source, .identify, userId: "u2", ["traits": ["spend": 100]]),
                segment(source, .track, userId: "u2", name: "Order Completed", at: 1),
            ])
            let big = try audience(workspaceId, key: "big", ["field": "traits.spend", "op": "gt", "value": 500])
            let buyers = try audience(workspaceId, key: "buyers", ["count": ["event": "Order Completed", "withinDays": 1], "op": "gte", "value": 1])
            try await storage.createAudience(big, now: at(2))
            try await storage.createAudience(buyers, now: at(2))
            await #expect(throws: StorageError.self) { try await storage.createAudience(try audience(workspaceId, key: "big", ["field": "x", "op": "exists"]), now: at(2)) }
            #expect(try await storage.audience(id: big.id, workspaceId: workspaceId)?.build == AudienceBuild(processed: 0, total: 2))
            while try await storage.buildAudiences(now: at(3), pageSize: 1) {}
            #expect(try await storage.audience(id: big.id, workspaceId: workspaceId)?.audience.status == .ready)
            #expect(try await storage.audience(id: big.id, workspaceId: workspaceId)?.memberCount == 1)
            #expect(try await storage.audience(id: buyers.id, workspaceId: workspaceId)?.memberCount == 1)
            #expect(try await storage.listProfiles(workspaceId: workspaceId, audienceId: buyers.id, search: nil, page: PageRequest()).items.map(\.profile.key) == [.user("u2")])
            // A build emits nothing (emitOnBuild is false); a change after it does.
            try await storage.insertEvents([segment(source, .identify, userId: "u2", ["traits": ["spend": 900]], at: 4)])
            #expect(try await storage.profile(workspaceId: workspaceId, id: "u2")?.audienceKeys == ["big", "buyers"])
            let entered = try await storage.listEvents(workspaceId: workspaceId, filter: EventFilter(name: "Audience Entered"), page: PageRequest()).items
            #expect(entered.map(\.userId) == ["u2"])
            #expect(entered.first?.message["properties"] == ["audienceKey": "big", "audienceName": "BIG"])
            // The order leaves its one-day window: found through the expiry index, no event needed.
            #expect(try await storage.expireCounts(now: at(3_600), limit: 10) == 0)
            #expect(try await storage.expireCounts(now: at(86_402), limit: 10) == 1)
            #expect(try await storage.profile(workspaceId: workspaceId, id: "u2")?.audienceKeys == ["big"])
            #expect(try await storage.listEvents(workspaceId: workspaceId, filter: EventFilter(name: "Audience Exited"), page: PageRequest()).items.count == 1)
            // Deleting keeps the key taken.
            #expect(try await storage.deleteAudience(id: big.id, workspaceId: workspaceId, now: at(5)))
            #expect(try await storage.profile(workspaceId: workspaceId, id: "u2")?.audienceKeys == [])
            await #expect(throws: StorageError.self) { try await storage.createAudience(try audience(workspaceId, key: "big", ["field": "x", "op": "exists"]), now: at(6)) }
        }
    }
}

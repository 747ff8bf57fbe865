import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `SyncStore`, `DateTriggerStore` and `ScheduleMaintenance`, for every backend: runs take
/// effect only when all their requests succeeded; triggers fire once per (trigger, profile, date).
@Suite struct ScheduleContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func identify(_ source: Source, _ userId: String, _ traits: [String: JSONValue], at offset: TimeInterval = 0) -> Event {
        let messageId = UUID().uuidString
        return Event(
            id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: .identify, name: "identify", messageId: messageId,
            userId: userId, anonymousId: nil, receivedAt: at(offset),
            message: ["type": "identify", "userId": .string(userId), "messageId": .string(messageId), "traits": .object(traits)])
    }

    /// A workspace with a ready `vip` audience (`traits.spend gt 500`) and a destination.
    func setUp(_ storage: any Storage) async throws -> (source: Source, audience: Audience, destination: Destination) {
        let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
        let condition: JSONValue = ["field": "traits.spend", "op": "gt", "value": 500]
        let audience = Audience(
            id: ids.make(.audience), workspaceId: source.workspaceId, key: "vip", name: "VIP", condition: try AudienceCondition(validating: condition),
            conditionJSON: condition, createdAt: now, updatedAt: now)
        try await storage.createAudience(audience, now: now)
        while try await storage.buildAudiences(now: now, pageSize: 100) {}
        return (source, audience, destination)
    }

    func sync(_ audience: Audience, _ destination: Destination, interval: Int? = nil, batchSize: Int = 1000) -> AudienceSync {
        AudienceSync(
            id: ids.make(.sync), workspaceId: audience.workspaceId, audienceId: audience.id, destinationId: destination.id, intervalSeconds: interval,
            batchSize: batchSize, mapping: nil, createdAt: now, updatedAt: now)
    }

    /// Sends every pending delivery with the given outcome.
    func deliverAll(_ storage: any Storage, succeeding: Bool, at offset: TimeInterval) async throws {
        let leased = try await storage.leaseDeliveries(now: at(offset), leaseSeconds: 15, limit: 100)
        let records = leased.flatMap(\.deliveries).map { delivery in
            record(delivery, succeeding ? .succeeded : .failed, status: succeeding ? 200 : 500, at: offset)
        }
        try await storage.recordAttempts(records, now: at(offset), disableAfter: 1_000_000)
    }

    @Test(arguments: StorageBackend.allCases)
    func diffRunsTakeEffectOnlyWhenEveryRequestSucceeded(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, audience, destination) = try await setUp(storage)
            try await storage.insertEvents([identify(source, "u1", ["spend": 600]), identify(source, "u2", ["spend": 700])])
            let sync = sync(audience, destination, batchSize: 1)
            try await storage.createSync(sync, maximumRecurring: 30, now: now)
            let first = try #require(try await storage.runSync(id: sync.id, workspaceId: sync.workspaceId, now: at(1)))
            #expect((first.added, first.removed, first.requests, first.status) == (2, 0, 2, .running))
            // A second "Sync now" while one runs is that same run.
            #expect(try await storage.runSync(id: sync.id, workspaceId: sync.workspaceId, now: at(2))?.id == first.id)
            #expect(try await storage.settleSyncRuns(now: at(3)) == [])
            try await deliverAll(storage, succeeding: false, at: 4)
            #expect(try await storage.settleSyncRuns(now: at(5)) == [.failed])
            #expect(try await storage.sync(id: sync.id, workspaceId: sync.workspaceId)?.lastRun?.status == .failed)
            // Nothing reached the destination: the next run sends the same changes again.
            let again = try #require(try await storage.runSync(id: sync.id, workspaceId: sync.workspaceId, now: at(6)))
            #expect((again.added, again.removed) == (2, 0))
            try await deliverAll(storage, succeeding: true, at: 7)
            #expect(try await storage.settleSyncRuns(now: at(8)) == [.succeeded])
            // u2 leaves: only that goes next.
            try await storage.insertEvents([identify(source, "u2", ["spend": 1], at: 9)])
            let third = try #require(try await storage.runSync(id: sync.id, workspaceId: sync.workspaceId, now: at(10)))
            #expect((third.added, third.removed, third.requests) == (0, 1, 1))
            let runs = try await storage.listSyncRuns(syncId: sync.id, workspaceId: sync.workspaceId, page: PageRequest())
            #expect(runs.items.map(\.status) == [.running, .succeeded, .failed])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func recurringSyncsRunOnScheduleOnceAcrossNodes(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            let (_, audience, destination) = try await setUp(first)
            let recurring = sync(audience, destination, interval: 60)
            try await first.createSync(recurring, maximumRecurring: 1, now: now)
            await #expect(throws: SyncStoreError.tooManyRecurring(1)) {
                try await first.createSync(sync(audience, destination, interval: 60), maximumRecurring: 1, now: now)
            }
            async let started = first.startDueSyncs(now: at(1))
            async let alsoStarted = second.startDueSyncs(now: at(1))
            #expect(try await started + alsoStarted == 1)
            #expect(try await first.startDueSyncs(now: at(30)) == 0)
            #expect(try await second.startDueSyncs(now: at(62)) == 1)
            let runs = try await first.listSyncRuns(syncId: recurring.id, workspaceId: recurring.workspaceId, page: PageRequest())
            // An empty audience: each run sends nothing and succeeds at once.
            #expect(runs.items.map(\.status) == [.succeeded, .succeeded])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func dateTriggersFireOncePerProfileAndDate(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await setUp(storage)
            // A profile from before the trigger: armed in the background.
            try await storage.insertEvents([identify(source, "old", ["expires": "2027-01-20"])])
            let trigger = DateTrigger(
                id: ids.make(.dateTrigger), workspaceId: source.workspaceId, name: "t", field: "traits.expires", daysBefore: 2, eventName: "PointsWillExpire",
                atTime: TimeOfDay("09:00") ?? .nine, createdAt: now)
            try await storage.createDateTrigger(trigger)
            while try await storage.armDateTriggers(now: now, pageSize: 1) {}
            try await storage.insertEvents([identify(source, "new", ["expires": "2027-01-20T18:00:00Z"]), identify(source, "gone", ["expires": "2020-01-01"])])
            let dueAt = try #require(Timestamp.parse("2027-01-18T09:00:00Z"))
            #expect(try await storage.fireDateTriggers(now: dueAt.addingTimeInterval(-1), limit: 10) == 0)
            #expect(try await storage.fireDateTriggers(now: dueAt, limit: 10) == 2)
            #expect(try await storage.fireDateTriggers(now: dueAt.addingTimeInterval(3600), limit: 10) == 0)
            let fired = try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(name: "PointsWillExpire"), page: PageRequest()).items
            #expect(Set(fired.compactMap(\.userId)) == ["old", "new"])
            // A new date arms it again.
            try await storage.insertEvents([identify(source, "old", ["expires": "2027-02-20"], at: 10)])
            #expect(try await storage.fireDateTriggers(now: try #require(Timestamp.parse("2027-02-18T09:00:00Z")), limit: 10) == 1)
            #expect(try await storage.deleteDateTrigger(id: trigger.id, workspaceId: source.workspaceId))
            #expect(try await storage.listDateTriggers(workspaceId: source.workspaceId, page: PageRequest()).items.isEmpty)
        }
    }
}

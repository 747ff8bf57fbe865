import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `OperationalStatistics` (what `/metrics` reads) and the operational events attempts emit, for every backend.
@Suite struct OperationalStatisticsContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StorageBackend.allCases)
    func backlogsArePerDestinationWithTheAgeOfTheOldestDueDelivery(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, first, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let second = try await destination(storage, in: source.workspaceId, name: "second")
            _ = try await subscription(storage, to: second)
            let waiting = try await destination(storage, in: source.workspaceId, name: "waiting")
            _ = try await subscription(storage, to: waiting)
            _ = try await destination(storage, in: source.workspaceId, name: "off") { $0.enabled = false }
            #expect(try await storage.destinationBacklogs(now: now).isEmpty)
            #expect(try await storage.countDisabledDestinations() == 1)

            try await storage.insertEvents([event(source, at: 0), event(source, at: 1), event(source, at: 2)])
            let toSecond = try await deliveries(storage, in: source.workspaceId, DeliveryFilter(destinationId: second.id)).sorted { $0.id < $1.id }
            let toWaiting = try await deliveries(storage, in: source.workspaceId, DeliveryFilter(destinationId: waiting.id))
            // The second destination: one sent, one waiting for a retry, one due since +2 s.
            try await storage.recordAttempts(
                [record(toSecond[0], .retry(at: at(100))), record(toSecond[1], .succeeded, status: 200)], now: at(3), disableAfter: 86_400)
            // The third: every delivery waits for a retry, none is due.
            try await storage.recordAttempts(toWaiting.map { record($0, .retry(at: at(50))) }, now: at(3), disableAfter: 86_400)

            let backlogs = Dictionary(uniqueKeysWithValues: try await storage.destinationBacklogs(now: at(10)).map { ($0.destinationId, $0) })
            #expect(backlogs.count == 3)
            #expect(backlogs[first.id] == DestinationBacklog(destinationId: first.id, pending: 3, oldestDueSeconds: 10))
            #expect(backlogs[second.id] == DestinationBacklog(destinationId: second.id, pending: 2, oldestDueSeconds: 8))
            #expect(backlogs[waiting.id] == DestinationBacklog(destinationId: waiting.id, pending: 3, oldestDueSeconds: 0))
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func manyDestinationsAreReadInOneQuery(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            for index in 0..<200 {
                _ = try await subscription(storage, to: try await destination(storage, in: source.workspaceId, name: "d\(index)"))
            }
            try await storage.insertEvents([event(source, at: 0)])
            let backlogs = try await storage.destinationBacklogs(now: at(1))
            #expect(backlogs.count == 201)
            #expect(backlogs.allSatisfy { $0.pending == 1 && $0.oldestDueSeconds == 1 })
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aFinalFailureEmitsDeliveryFailedAndASuccessAfterFailuresDestinationRecovered(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now, names: ["Signed Up"])
            try await storage.insertEvents([event(source, at: 0), event(source, at: 1)])
            let pending = try await deliveries(storage, in: source.workspaceId).sorted { $0.id < $1.id }
            try await storage.recordAttempts([record(pending[0], .failed, status: 503, number: 4)], now: at(5), disableAfter: 86_400)
            try await storage.recordAttempts([record(pending[1], .succeeded, status: 200, at: 6)], now: at(6), disableAfter: 86_400)

            let events = try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(), page: PageRequest(limit: 100)).items
            let failed = try #require(events.first { $0.name == SystemEvents.deliveryFailedName })
            #expect(failed.sourceId == SystemEvents.sourceId)
            let properties = failed.message["properties"]
            #expect(properties?["deliveryId"]?.stringValue == pending[0].id)
            #expect(properties?["destinationId"]?.stringValue == destination.id)
            #expect(properties?["attempts"] == 4)
            #expect(properties?["responseStatus"] == 503)
            #expect(properties?["lastError"]?.stringValue == "the destination answered HTTP 503")
            let recovered = try #require(events.first { $0.name == SystemEvents.destinationRecoveredName })
            #expect(recovered.message["properties"]?["reason"] == "succeeded")
            #expect(recovered.message["properties"]?["destinationId"]?.stringValue == destination.id)
            #expect(events.filter { $0.sourceId == SystemEvents.sourceId }.count == 2)
        }
    }
}

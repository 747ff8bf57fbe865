import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `ActivityStatistics`: one workspace's recent traffic (the admin dashboard), for every backend.
@Suite struct ActivityStatisticsContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StorageBackend.allCases)
    func eventsAndDeliveriesAreCountedInTheWindowAndTheQueueAsItStands(backend: StorageBackend) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
        let (otherSource, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
        try await storage.insertEvents([
            event(source, name: "Old", at: -7200), event(source, name: "Recent", at: -600), event(source, name: "Latest", at: -60),
            event(otherSource, name: "Elsewhere", at: -60),
        ])
        let recent = try await deliveries(storage, in: source.workspaceId).filter { $0.createdAt >= at(-3600) }
        #expect(recent.count == 2)
        try await storage.recordAttempts([record(try #require(recent.first), .failed)], now: at(0), disableAfter: 86_400)

        let hour = try await storage.activitySummary(workspaceId: source.workspaceId, since: at(-3600), failingLimit: 20)
        // The two recent track events, and the operational event the failed attempt made: as the event log has them.
        let logged = try await storage.listEvents(
            workspaceId: source.workspaceId, filter: EventFilter(since: at(-3600)), page: PageRequest(limit: PageRequest.maximumLimit))
        #expect(hour.events == logged.items.count && logged.items.count == 3)
        #expect(Set(logged.items.map(\.name)).isSuperset(of: ["Recent", "Latest"]) && !logged.items.contains { $0.name == "Old" })
        #expect(hour.deliveries == [.pending: 1, .failed: 1])
        #expect(hour.failing == [.init(destinationId: destination.id, status: .failed, count: 1)])
        #expect(hour.failingDestinations == 1)
        #expect(hour.pending == 2)
        #expect(hour.oldestPendingAt == at(-7200))

        // Without the list of failing destinations, still how many there are.
        let day = try await storage.activitySummary(workspaceId: source.workspaceId, since: at(-86_400), failingLimit: 0)
        #expect(day.events == hour.events + 1)
        #expect(day.deliveryTotal == 3)
        #expect(day.failing.isEmpty && day.failingDestinations == 1)

        let empty = try await storage.activitySummary(workspaceId: "ws_nobody", since: at(-86_400), failingLimit: 20)
        #expect(empty == ActivitySummary(events: 0, deliveries: [:], failing: [], failingDestinations: 0, pending: 0, oldestPendingAt: nil))

        // A page of destinations: the same counts, for those destinations only, and none of another workspace's.
        let counted = try await storage.deliveryCounts(workspaceId: source.workspaceId, destinationIds: [destination.id, "dst_unknown"], since: at(-3600))
        #expect(Set(counted.map { "\($0.status.rawValue):\($0.count)" }) == ["pending:1", "failed:1"])
        #expect(try await storage.deliveryCounts(workspaceId: source.workspaceId, destinationIds: [destination.id], since: at(-86_400)).reduce(0) { $0 + $1.count } == 3)
        #expect(try await storage.deliveryCounts(workspaceId: "ws_nobody", destinationIds: [destination.id], since: at(-86_400)).isEmpty)
        #expect(try await storage.deliveryCounts(workspaceId: source.workspaceId, destinationIds: [], since: at(-86_400)).isEmpty)
    }

    @Test(arguments: StorageBackend.allCases)
    func theMostFailingDestinationsComeFirstAndTheRestAreCounted(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let space = try await workspace(storage)
            let source = try await source(storage, in: space)
            // Three destinations on every event; two events fail at "b", one at "a" and "c", none at "d".
            var destinations: [String: Destination] = [:]
            for name in ["a", "b", "c", "d"] {
                let destination = try await destination(storage, in: space.id, name: name)
                _ = try await subscription(storage, to: destination)
                destinations[name] = destination
            }
            try await storage.insertEvents([event(source, at: -60), event(source, at: -30)])
            let all = try await deliveries(storage, in: space.id)
            func failing(_ name: String, _ count: Int) throws -> [AttemptRecord] {
                let id = try #require(destinations[name]).id
                return all.filter { $0.destinationId == id }.prefix(count).map { record($0, .failed) }
            }
            try await storage.recordAttempts(try failing("b", 2) + failing("a", 1) + failing("c", 1), now: now, disableAfter: 86_400)

            let summary = try await storage.activitySummary(workspaceId: space.id, since: at(-3600), failingLimit: 2)
            let a = try #require(destinations["a"]).id
            let b = try #require(destinations["b"]).id
            let c = try #require(destinations["c"]).id
            #expect(summary.failing.map(\.destinationId) == [b, min(a, c)])
            #expect(summary.failing.map(\.count) == [2, 1])
            #expect(summary.failingDestinations == 3)
            #expect(summary.deliveries == [.failed: 4, .pending: 4])
        }
    }
}

import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `DeliveryLog`: the activity log, and putting failed deliveries back in the queue, for every backend.
@Suite struct DeliveryLogContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Events named by `names`, received one second apart from `now`; returns their pending
    /// deliveries to `destination`, in the same order.
    private func pending(_ storage: any Storage, _ source: Source, to destination: Destination, _ names: [String]) async throws -> [Delivery] {
        let events = names.enumerated().map { index, name in event(source, name: name, at: Double(index)) }
        try await storage.insertEvents(events)
        let all = try await deliveries(storage, in: source.workspaceId, DeliveryFilter(destinationId: destination.id))
        return try events.map { event in try #require(all.first { $0.eventId == event.id }) }
    }

    /// Records `decision` for each delivery, all at `now + offset`.
    private func decide(_ storage: any Storage, _ deliveries: [Delivery], _ decision: DeliveryDecision, at offset: TimeInterval = 0) async throws {
        try await storage.recordAttempts(deliveries.map { record($0, decision, at: offset) }, now: at(offset), disableAfter: 86_400)
    }

    @Test(arguments: StorageBackend.allCases)
    func deliveriesAreListedNewestFirstAndFiltered(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, orders, everything) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let crm = try await destination(storage, in: source.workspaceId, name: "crm")
            let onlyB = try await subscription(storage, to: crm, names: ["B"])
            let first = try await pending(storage, source, to: orders, ["A"])
            try await storage.insertEvents([event(source, name: "B", at: 10)])
            try await decide(storage, first, .failed)

            func list(_ filter: DeliveryFilter) async throws -> [String] {
                try await deliveries(storage, in: source.workspaceId, filter).map { "\($0.subscriptionId == onlyB.id ? "crm" : "all"):\($0.status)" }
            }
            #expect(try await list(DeliveryFilter()).count == 3)
            #expect(try await deliveries(storage, in: source.workspaceId).last?.eventId == first[0].eventId)
            #expect(try await list(DeliveryFilter(status: .failed)) == ["all:failed"])
            #expect(try await list(DeliveryFilter(status: .pending)).sorted() == ["all:pending", "crm:pending"])
            #expect(try await list(DeliveryFilter(destinationId: crm.id)) == ["crm:pending"])
            #expect(try await list(DeliveryFilter(destinationId: orders.id)) == ["all:pending", "all:failed"])
            #expect(try await list(DeliveryFilter(subscriptionId: everything.id)) == ["all:pending", "all:failed"])
            #expect(try await list(DeliveryFilter(eventId: first[0].eventId)) == ["all:failed"])
            #expect(try await list(DeliveryFilter(since: at(10))).sorted() == ["all:pending", "crm:pending"])
            #expect(try await list(DeliveryFilter(since: at(11))).isEmpty)
            #expect(try await list(DeliveryFilter(status: .pending, destinationId: orders.id, since: at(5))) == ["all:pending"])
            #expect(try await list(DeliveryFilter(status: .succeeded)).isEmpty)
            // The admin panel's filters: before a time, and by the event's name.
            #expect(try await list(DeliveryFilter(until: at(10))) == ["all:failed"])
            #expect(try await list(DeliveryFilter(since: at(5), until: at(11))).sorted() == ["all:pending", "crm:pending"])
            #expect(try await list(DeliveryFilter(eventName: "B")).sorted() == ["all:pending", "crm:pending"])
            #expect(try await list(DeliveryFilter(status: .failed, eventName: "A")) == ["all:failed"])
            #expect(try await list(DeliveryFilter(eventName: "C")).isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func deliveriesComeInPagesAndStayInTheirWorkspace(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let created = try await pending(storage, source, to: destination, ["A", "B", "C"])
            let first = try await storage.listDeliveries(workspaceId: source.workspaceId, filter: DeliveryFilter(), page: PageRequest(limit: 2))
            #expect(first.items.map(\.id) == [created[2].id, created[1].id])
            #expect(first.nextCursor == created[1].id)
            let second = try await storage.listDeliveries(
                workspaceId: source.workspaceId, filter: DeliveryFilter(), page: PageRequest(limit: 2, cursor: first.nextCursor))
            #expect(second.items.map(\.id) == [created[0].id])
            #expect(second.nextCursor == nil)

            let theirs = try await workspace(storage)
            #expect(try await deliveries(storage, in: theirs.id).isEmpty)
            #expect(try await storage.delivery(id: created[0].id, workspaceId: theirs.id) == nil)
            #expect(try await storage.retryDelivery(id: created[0].id, workspaceId: theirs.id, now: now) == nil)
            #expect(try await storage.delivery(id: "dlv_missing", workspaceId: source.workspaceId) == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func attemptsComeWithTheirDeliveries(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let created = try await pending(storage, source, to: destination, ["A", "B"])
            let first = record(created[0], .retry(at: at(30)), status: 503, number: 1, at: 1)
            let second = record(created[0], .succeeded, status: 204, number: 2, at: 30)
            try await storage.recordAttempts([first], now: at(1), disableAfter: 86_400)
            try await storage.recordAttempts([second], now: at(30), disableAfter: 86_400)

            let delivered = try #require(try await storage.delivery(id: created[0].id, workspaceId: source.workspaceId))
            #expect(delivered.attempts == [first.attempt, second.attempt])
            #expect(delivered.attemptCount == 2)
            #expect(delivered.status == .succeeded)
            let listed = try await deliveries(storage, in: source.workspaceId)
            #expect(listed.first { $0.id == created[0].id } == delivered)
            #expect(listed.first { $0.id == created[1].id }?.attempts == [])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func retryingPutsAFailedDeliveryBackDueNow(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let failed = try await pending(storage, source, to: destination, ["A"])[0]
            try await decide(storage, [failed], .failed)
            let retried = try #require(try await storage.retryDelivery(id: failed.id, workspaceId: source.workspaceId, now: at(100)))
            #expect(retried.status == .pending)
            #expect(retried.nextAttemptAt == at(100))
            // The failed attempt stays in the log.
            #expect(retried.attempts.count == 1)
            #expect(try await storage.delivery(id: failed.id, workspaceId: source.workspaceId) == retried)
            #expect(try await storage.leaseDeliveries(now: at(99), leaseSeconds: 30, limit: 10).isEmpty)
            let leased = try await storage.leaseDeliveries(now: at(100), leaseSeconds: 30, limit: 10)
            #expect(leased.flatMap { $0.deliveries.map(\.id) } == [failed.id])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func recoveryRequeuesOnlyFailedDeliveriesCreatedInTheWindow(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let other = try await self.destination(storage, in: source.workspaceId, name: "other")
            _ = try await subscription(storage, to: other, names: ["B"])
            // Events at now+0 ... now+4: A, B, C, D, E; B also goes to the other destination.
            let created = try await pending(storage, source, to: destination, ["A", "B", "C", "D", "E"])
            let otherFailed = try #require(try await deliveries(storage, in: source.workspaceId, DeliveryFilter(destinationId: other.id)).first)
            try await decide(storage, [created[0], created[1], created[3], created[4], otherFailed], .failed)
            try await decide(storage, [created[2]], .succeeded)

            /// A to E, then the other destination's B.
            func statuses() async throws -> [DeliveryStatus?] {
                var statuses: [DeliveryStatus?] = []
                for delivery in created + [otherFailed] { statuses.append(try await storage.delivery(id: delivery.id, workspaceId: source.workspaceId)?.status) }
                return statuses
            }
            // [now+1, now+4): B and D (failed); not C (succeeded), not A nor E (outside), not the other destination's B.
            let recovered = try await storage.recoverDeliveries(
                destinationId: destination.id, workspaceId: source.workspaceId, since: at(1), until: at(4), now: at(60))
            #expect(recovered == 2)
            #expect(try await statuses() == [.failed, .pending, .succeeded, .pending, .failed, .failed])
            #expect(try await storage.delivery(id: created[1].id, workspaceId: source.workspaceId)?.nextAttemptAt == at(60))
            // No end: everything failed from `since` on.
            #expect(try await storage.recoverDeliveries(destinationId: destination.id, workspaceId: source.workspaceId, since: at(0), until: nil, now: at(60)) == 2)
            #expect(try await statuses() == [.pending, .pending, .succeeded, .pending, .pending, .failed])
            let theirs = try await workspace(storage)
            #expect(try await storage.recoverDeliveries(destinationId: other.id, workspaceId: theirs.id, since: at(0), until: nil, now: at(60)) == 0)
            #expect(try await statuses().last == .failed)
        }
    }
}

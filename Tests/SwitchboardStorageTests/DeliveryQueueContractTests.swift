import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// Routing and delivery state, for every storage backend.
@Suite struct DeliveryStorageContractTests {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A workspace with a source, a destination and a subscription to `names`.
    private func setUp(_ storage: any Storage, names: [String] = ["*"], condition: Condition? = nil, destination configure: (inout Destination) -> Void = { _ in })
        async throws -> (source: Source, destination: Destination, subscription: Subscription)
    {
        try await DeliverySetUp.make(
            storage, ids: ids, now: now, names: names, condition: condition, mapping: try Mapping(json: ["body": ["id": "{{ userId }}"]]),
            destination: configure)
    }

    private func event(_ source: Source, name: String, userId: String = "u1") -> Event {
        Event(
            id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: .track, name: name, messageId: UUID().uuidString,
            userId: userId, anonymousId: nil, receivedAt: now, message: ["event": .string(name), "userId": .string(userId)])
    }

    private func withStorage(_ backend: StorageBackend, _ body: (any Storage) async throws -> Void) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        try await body(storage)
    }

    @Test(arguments: StorageBackend.allCases)
    func newEventsGetADeliveryPerMatchingSubscription(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, destination, subscription) = try await setUp(
                storage, names: ["Order Completed", "Signed Up"], condition: try Condition(json: ["field": "userId", "op": "starts_with", "value": "SA"]))
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId) == subscription)
            let matching = event(source, name: "Order Completed", userId: "SA-1")
            try await storage.insertEvents([matching, event(source, name: "Order Completed", userId: "XX"), event(source, name: "Other", userId: "SA-2")])
            // A duplicate of an event is not routed again.
            var duplicate = matching
            duplicate.id = ids.make(.event)
            try await storage.insertEvents([duplicate])
            let deliveries = try await storage.listDeliveries(workspaceId: source.workspaceId, filter: DeliveryFilter(), page: PageRequest())
            #expect(deliveries.items.count == 1)
            #expect(deliveries.items.first?.eventId == matching.id)
            #expect(deliveries.items.first?.destinationId == destination.id)
            #expect(deliveries.items.first?.status == .pending)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func leasesHideWorkUntilTheyExpire(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, _, _) = try await setUp(storage)
            try await storage.insertEvents([event(source, name: "A"), event(source, name: "B")])
            let first = try await storage.leaseDeliveries(now: now, leaseSeconds: 30, limit: 1)
            #expect(first.count == 1)
            #expect(first[0].events[0].name == "A")
            #expect(first[0].subscription.mapping != nil)
            let second = try await storage.leaseDeliveries(now: now, leaseSeconds: 30, limit: 10)
            #expect(second.map(\.events[0].name) == ["B"])
            #expect(try await storage.leaseDeliveries(now: now.addingTimeInterval(29), leaseSeconds: 30, limit: 10).isEmpty)
            // The node holding them died: after the lease, someone else gets them.
            let again = try await storage.leaseDeliveries(now: now.addingTimeInterval(31), leaseSeconds: 30, limit: 10)
            #expect(Set(again.map(\.deliveries[0].id)) == Set((first + second).map(\.deliveries[0].id)))
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func releasedLeasesAreDueAgainAtOnce(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, _, _) = try await setUp(storage)
            try await storage.insertEvents([event(source, name: "A")])
            let leased = try await storage.leaseDeliveries(now: now, leaseSeconds: 30, limit: 10)
            #expect(leased.count == 1)
            try await storage.releaseLeases(deliveryIds: leased.map(\.deliveries[0].id))
            let again = try await storage.leaseDeliveries(now: now, leaseSeconds: 30, limit: 10)
            #expect(again.map(\.deliveries[0].id) == leased.map(\.deliveries[0].id))
            #expect(again.first?.deliveries[0].attemptCount == 0)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func attemptsMoveDeliveriesOn(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, destination, _) = try await setUp(storage)
            try await storage.insertEvents([event(source, name: "A"), event(source, name: "B"), event(source, name: "C")])
            let jobs = try await storage.leaseDeliveries(now: now, leaseSeconds: 30, limit: 10)
            func attempt(_ status: Int?) -> Attempt {
                Attempt(number: 1, at: now, durationMs: 12, responseStatus: status, responseBody: "ok", error: status == nil ? .timeout : nil)
            }
            try await storage.recordAttempts(
                [
                    AttemptRecord(deliveryId: jobs[0].deliveries[0].id, destinationId: destination.id, attempt: attempt(200), decision: .succeeded),
                    AttemptRecord(deliveryId: jobs[1].deliveries[0].id, destinationId: destination.id, attempt: attempt(nil), decision: .retry(at: now.addingTimeInterval(5))),
                    AttemptRecord(deliveryId: jobs[2].deliveries[0].id, destinationId: destination.id, attempt: attempt(410), decision: .failedAndDisableDestination),
                ], now: now, disableAfter: 86_400)
            let succeeded = try #require(try await storage.delivery(id: jobs[0].deliveries[0].id, workspaceId: source.workspaceId))
            #expect(succeeded.status == .succeeded)
            #expect(succeeded.attempts == [attempt(200)])
            let retrying = try #require(try await storage.delivery(id: jobs[1].deliveries[0].id, workspaceId: source.workspaceId))
            #expect(retrying.status == .pending)
            #expect(retrying.nextAttemptAt == now.addingTimeInterval(5))
            #expect(retrying.attempts.first?.error == .timeout)
            #expect(try await storage.delivery(id: jobs[2].deliveries[0].id, workspaceId: source.workspaceId)?.status == .failed)
            let disabled = try #require(try await storage.destination(id: destination.id, workspaceId: source.workspaceId))
            #expect(!disabled.enabled)
            // A disabled destination's pending work waits, and resumes when enabled again.
            #expect(try await storage.leaseDeliveries(now: now.addingTimeInterval(10), leaseSeconds: 30, limit: 10).isEmpty)
            var enabled = disabled
            enabled.enabled = true
            #expect(try await storage.updateDestination(enabled))
            // The retry waited; and `Destination Disabled` was emitted and routed (to the "*" subscription).
            let resumed = try await storage.leaseDeliveries(now: now.addingTimeInterval(10), leaseSeconds: 30, limit: 10)
            #expect(resumed.map(\.events[0].name).sorted() == ["B", "Destination Disabled"])
            let notice = try #require(resumed.first { $0.events[0].name == "Destination Disabled" }?.events[0])
            #expect(notice.message["properties"]?["destinationId"] == .string(destination.id))

            #expect(try await storage.recoverDeliveries(destinationId: destination.id, workspaceId: source.workspaceId, since: now, until: nil, now: now) == 1)
            let retried = try await storage.retryDelivery(id: jobs[0].deliveries[0].id, workspaceId: source.workspaceId, now: now)
            #expect(retried?.status == .pending)
            let failedOnly = try await storage.listDeliveries(workspaceId: source.workspaceId, filter: DeliveryFilter(status: .failed), page: PageRequest())
            #expect(failedOnly.items.isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func futureActiveFromHoldsDeliveries(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, _, _) = try await setUp(storage) { $0.activeFrom = now.addingTimeInterval(3600) }
            try await storage.insertEvents([event(source, name: "A")])
            #expect(try await storage.leaseDeliveries(now: now, leaseSeconds: 30, limit: 10).isEmpty)
            #expect(try await storage.leaseDeliveries(now: now.addingTimeInterval(3601), leaseSeconds: 30, limit: 10).count == 1)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func destinationsAndSubscriptionsRoundTrip(backend: StorageBackend) async throws {
        try await withStorage(backend) { storage in
            let (source, destination, subscription) = try await setUp(storage) { destination in
                destination.headers = ["Authorization": "Bearer x"]
                destination.rateLimitPerSecond = 50
                destination.batching = .init(maxSize: 10, maxWaitMs: 500)
                destination.ordering = .perUser
                destination.retrySchedule = [1, 2, 3]
            }
            #expect(try await storage.destination(id: destination.id, workspaceId: source.workspaceId) == destination)
            let page = try await storage.listDestinations(workspaceId: source.workspaceId, search: "d", page: PageRequest())
            #expect(page.items == [destination])
            #expect(try await storage.listDestinations(workspaceId: source.workspaceId, search: "zzz", page: PageRequest()).items.isEmpty)
            var changed = subscription
            changed.eventNames = ["Only This"]
            #expect(try await storage.updateSubscription(changed))
            try await storage.insertEvents([event(source, name: "Something Else")])
            #expect(try await storage.listDeliveries(workspaceId: source.workspaceId, filter: DeliveryFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await storage.deleteDestination(id: destination.id, workspaceId: source.workspaceId))
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId) == nil)
        }
    }
}

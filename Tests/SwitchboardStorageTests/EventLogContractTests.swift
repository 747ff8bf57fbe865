import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `EventLog`: received events, stored once per source and `messageId`, each routed to the
/// subscriptions it matches, for every backend.
@Suite struct EventLogContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: StorageBackend.allCases)
    func aRepeatedMessageIdIsStoredOncePerSource(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let web = try await source(storage, in: root)
            let app = try await source(storage, in: root)
            #expect(try await storage.insertEvents([event(web, messageId: "m1"), event(web, messageId: "m1")]) == 1)
            #expect(try await storage.insertEvents([event(web, messageId: "m1"), event(web, messageId: "m2")]) == 1)
            #expect(try await storage.insertEvents([event(app, messageId: "m1")]) == 1)
            let all = try await storage.listEvents(workspaceId: root.id, filter: EventFilter(), page: PageRequest())
            #expect(all.items.count == 3)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func eventsRoundTripAndFilter(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let other = try await workspace(storage)
            let web = try await source(storage, in: root)
            let events = [
                event(web, messageId: "a", name: "Signed Up", userId: "u1", at: 0),
                event(web, messageId: "b", name: "identify", userId: "u2", at: 10),
                event(web, messageId: "c", name: "Signed Up", userId: "u2", at: 20),
            ]
            try await storage.insertEvents(events)
            #expect(try await storage.event(id: events[0].id, workspaceId: root.id) == events[0])
            #expect(try await storage.event(id: events[0].id, workspaceId: other.id) == nil)

            func list(_ filter: EventFilter, _ page: PageRequest = PageRequest()) async throws -> [String] {
                try await storage.listEvents(workspaceId: root.id, filter: filter, page: page).items.map(\.messageId)
            }
            #expect(try await list(EventFilter()) == ["c", "b", "a"])
            #expect(try await list(EventFilter(name: "Signed Up")) == ["c", "a"])
            #expect(try await list(EventFilter(userId: "u2")) == ["c", "b"])
            #expect(try await list(EventFilter(type: .identify)) == ["b"])
            #expect(try await list(EventFilter(sourceId: "src_other")) == [])
            #expect(try await list(EventFilter(since: now.addingTimeInterval(10))) == ["c", "b"])
            let first = try await storage.listEvents(workspaceId: root.id, filter: EventFilter(), page: PageRequest(limit: 2))
            #expect(first.items.map(\.messageId) == ["c", "b"])
            #expect(try await list(EventFilter(), PageRequest(limit: 2, cursor: first.nextCursor)) == ["a"])
            #expect(try await storage.listEvents(workspaceId: other.id, filter: EventFilter(), page: PageRequest()).items.isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func filtersCombineAndPageTogether(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let web = try await source(storage, in: root)
            let app = try await source(storage, in: root)
            try await storage.insertEvents([
                event(web, messageId: "w1", userId: "u1", at: 0), event(app, messageId: "a1", userId: "u1", at: 1),
                event(web, messageId: "w2", userId: "u2", at: 2), event(web, messageId: "w3", userId: "u1", at: 3),
                event(web, messageId: "w4", userId: "u1", at: 4),
            ])
            let filter = EventFilter(name: "Signed Up", userId: "u1", sourceId: web.id, since: at(0))
            let first = try await storage.listEvents(workspaceId: root.id, filter: filter, page: PageRequest(limit: 2))
            #expect(first.items.map(\.messageId) == ["w4", "w3"])
            let second = try await storage.listEvents(workspaceId: root.id, filter: filter, page: PageRequest(limit: 2, cursor: first.nextCursor))
            #expect(second.items.map(\.messageId) == ["w1"])
            #expect(second.nextCursor == nil)
            #expect(try await storage.listEvents(workspaceId: root.id, filter: EventFilter(sourceId: app.id), page: PageRequest()).items.map(\.messageId) == ["a1"])
            #expect(try await storage.event(id: "evt_missing", workspaceId: root.id) == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func newEventsGetADeliveryPerMatchingSubscription(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(
                storage, ids: ids, now: now, names: ["Order Completed", "Signed Up"],
                condition: try Condition(json: ["field": "userId", "op": "starts_with", "value": "SA"]),
                mapping: try Mapping(json: ["body": ["id": "{{ userId }}"]]))
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
    func routingReadsAndStoringWrites(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, everything) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let orders = try await subscription(storage, to: destination, names: ["Order Completed"])
            let events = [event(source, name: "Order Completed", at: 5), event(source, name: "Signed Up", at: 6)]
            let routed = try await storage.routeEvents(events)
            #expect(routed.map(\.event) == events)
            #expect(routed.map { Set($0.subscriptionIds) } == [[everything.id, orders.id], [everything.id]])
            // Routing stored nothing.
            #expect(try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(), page: PageRequest()).items.isEmpty)
            #expect(try await storage.routeEvents([]).isEmpty)

            #expect(try await storage.insertEvents(routed) == 2)
            let stored = try await deliveries(storage, in: source.workspaceId)
            #expect(stored.count == 3)
            #expect(Set(stored.map(\.eventId)) == Set(events.map(\.id)))
            // Each delivery is due when its event was received, with no attempt yet.
            let first = try #require(stored.first { $0.subscriptionId == orders.id })
            #expect(first.nextAttemptAt == at(5) && first.createdAt == at(5) && first.attemptCount == 0 && first.attempts.isEmpty)
            // Stored again, the same routed events are duplicates: nothing new, no deliveries.
            #expect(try await storage.insertEvents(routed) == 0)
            #expect(try await deliveries(storage, in: source.workspaceId).count == 3)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aSubscriptionDisabledAfterRoutingGetsNoDelivery(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let kept = try await self.subscription(storage, to: destination)
            let routed = try await storage.routeEvents([event(source, name: "A")])
            #expect(Set(routed[0].subscriptionIds) == [subscription.id, kept.id])
            var disabled = subscription
            disabled.enabled = false
            #expect(try await storage.updateSubscription(disabled))
            #expect(try await storage.insertEvents(routed) == 1)
            #expect(try await deliveries(storage, in: source.workspaceId).map(\.subscriptionId) == [kept.id])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func groupCommitStoresEveryConcurrentCaller(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let web = try await source(storage, in: root)
            let committer = EventGroupCommitter(maximumItemsPerCommit: 50) { events in try await storage.insertEvents(events) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for caller in 0..<40 {
                    let batch = (0..<10).map { event(web, messageId: "c\(caller)-\($0)") }
                    group.addTask { try await committer.commit(batch) }
                }
                try await group.waitForAll()
            }
            var count = 0
            var page = PageRequest(limit: 250)
            repeat {
                let result = try await storage.listEvents(workspaceId: root.id, filter: EventFilter(), page: page)
                count += result.items.count
                page.cursor = result.nextCursor
            } while page.cursor != nil
            #expect(count == 400)
        }
    }
}

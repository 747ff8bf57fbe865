import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `SubscriptionStore`: which events go to which destination, for every backend.
@Suite struct SubscriptionStoreContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The names of the events the subscription got deliveries for, oldest first.
    private func routedNames(_ storage: any Storage, to subscription: Subscription) async throws -> [String] {
        var names: [String] = []
        for delivery in try await deliveries(storage, in: subscription.workspaceId, DeliveryFilter(subscriptionId: subscription.id)).reversed() {
            names.append(try #require(try await storage.event(id: delivery.eventId, workspaceId: subscription.workspaceId)).name)
        }
        return names
    }

    @Test(arguments: StorageBackend.allCases)
    func subscriptionsRoundTripAndListByDestination(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            let orders = try await destination(storage, in: root.id, name: "orders")
            let crm = try await destination(storage, in: root.id, name: "crm")
            let first = try await subscription(storage, to: orders, names: ["Order Completed", "Order Refunded"]) { subscription in
                subscription.condition = try? Condition(json: ["field": "properties.total", "op": "gt", "value": 10])
                subscription.mapping = try? Mapping(json: ["body": ["id": "{{ userId }}"]])
                subscription.format = .standardWebhooks
            }
            let second = try await subscription(storage, to: orders, names: ["*"]) { $0.enabled = false }
            let third = try await subscription(storage, to: crm, names: ["identify"]) { $0.format = .openloyaltyLegacy }
            #expect(first.condition != nil && first.mapping != nil)
            #expect(try await storage.subscription(id: first.id, workspaceId: root.id) == first)
            #expect(try await storage.subscription(id: second.id, workspaceId: root.id) == second)

            func list(_ destinationId: String?, _ page: PageRequest = PageRequest()) async throws -> Page<Subscription> {
                try await storage.listSubscriptions(workspaceId: root.id, destinationId: destinationId, page: page)
            }
            #expect(try await list(orders.id).items == [first, second])
            #expect(try await list(crm.id).items == [third])
            #expect(try await list("dst_missing").items.isEmpty)
            let page = try await list(nil, PageRequest(limit: 2))
            #expect(page.items == [first, second])
            #expect(page.nextCursor == second.id)
            let rest = try await list(nil, PageRequest(limit: 2, cursor: page.nextCursor))
            #expect(rest.items == [third])
            #expect(rest.nextCursor == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func updatingEventNamesChangesWhatIsRouted(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now, names: ["A"])
            try await storage.insertEvents([event(source, name: "A"), event(source, name: "B")])
            #expect(try await routedNames(storage, to: subscription) == ["A"])
            var changed = subscription
            changed.eventNames = ["B", "C"]
            changed.updatedAt = at(5)
            #expect(try await storage.updateSubscription(changed))
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId) == changed)
            try await storage.insertEvents([event(source, name: "A", at: 10), event(source, name: "B", at: 11), event(source, name: "C", at: 12)])
            #expect(try await routedNames(storage, to: subscription) == ["A", "B", "C"])
            // Back to every event.
            changed.eventNames = ["*"]
            #expect(try await storage.updateSubscription(changed))
            try await storage.insertEvents([event(source, name: "A", at: 20), event(source, name: "Z", at: 21)])
            #expect(try await routedNames(storage, to: subscription) == ["A", "B", "C", "A", "Z"])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func disabledSubscriptionsGetNoDeliveries(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let other = try await self.subscription(storage, to: destination, names: ["A"])
            var disabled = subscription
            disabled.enabled = false
            #expect(try await storage.updateSubscription(disabled))
            try await storage.insertEvents([event(source, name: "A")])
            #expect(try await routedNames(storage, to: subscription).isEmpty)
            #expect(try await routedNames(storage, to: other) == ["A"])
            // Enabled again, it gets the events that come from then on (not the ones it missed).
            #expect(try await storage.updateSubscription(subscription))
            try await storage.insertEvents([event(source, name: "B", at: 1)])
            #expect(try await routedNames(storage, to: subscription) == ["B"])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func deletedSubscriptionsRouteNothing(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            try await storage.insertEvents([event(source, name: "A")])
            #expect(try await storage.deleteSubscription(id: subscription.id, workspaceId: source.workspaceId))
            #expect(try await !storage.deleteSubscription(id: subscription.id, workspaceId: source.workspaceId))
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId) == nil)
            #expect(try await !storage.updateSubscription(subscription))
            // Its deliveries go with it, and new events no longer route to it.
            try await storage.insertEvents([event(source, name: "B", at: 1)])
            #expect(try await deliveries(storage, in: source.workspaceId).isEmpty)
            #expect(try await storage.destination(id: destination.id, workspaceId: source.workspaceId) == destination)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func otherWorkspacesNeverSeeASubscription(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let theirs = try await workspace(storage)
            #expect(try await storage.subscription(id: subscription.id, workspaceId: theirs.id) == nil)
            #expect(try await storage.listSubscriptions(workspaceId: theirs.id, destinationId: nil, page: PageRequest()).items.isEmpty)
            #expect(try await storage.listSubscriptions(workspaceId: theirs.id, destinationId: destination.id, page: PageRequest()).items.isEmpty)
            var hijacked = subscription
            hijacked.workspaceId = theirs.id
            hijacked.eventNames = ["Nothing"]
            #expect(try await !storage.updateSubscription(hijacked))
            #expect(try await !storage.deleteSubscription(id: subscription.id, workspaceId: theirs.id))
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId) == subscription)
            // Its routing is unchanged: an event still reaches it.
            try await storage.insertEvents([event(source, name: "A")])
            #expect(try await routedNames(storage, to: subscription) == ["A"])
        }
    }
}

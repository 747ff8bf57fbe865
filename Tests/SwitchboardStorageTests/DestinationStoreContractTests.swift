import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `DestinationStore`: where deliveries go, and how, for every backend.
@Suite struct DestinationStoreContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The names of the workspace's destinations whose name or URL contains `search`, all pages.
    private func names(_ storage: any Storage, in workspaceId: String, search: String?) async throws -> [String] {
        try await storage.listDestinations(workspaceId: workspaceId, search: search, page: PageRequest()).items.map(\.name)
    }

    @Test(arguments: StorageBackend.allCases)
    func destinationsAreFilteredByStatusAndLegacyFormat(backend: StorageBackend) async throws {
        let (storage, cleanUp) = try await backend.make()
        defer { cleanUp() }
        let space = try await workspace(storage)
        let on = try await destination(storage, in: space.id, name: "on")
        let off = try await destination(storage, in: space.id, name: "off") { $0.enabled = false }
        _ = try await subscription(storage, to: on) { $0.format = .openloyaltyLegacy }
        _ = try await subscription(storage, to: off)
        func names(_ filter: DestinationFilter) async throws -> [String] {
            try await storage.listDestinations(workspaceId: space.id, filter: filter, page: PageRequest()).items.map(\.name).sorted()
        }
        #expect(try await names(DestinationFilter()) == ["off", "on"])
        // Named by id, in one query; an id of no destination (or of another workspace) is left out.
        let other = try await workspace(storage)
        #expect(try await storage.destinationNames(ids: [on.id, off.id, on.id, "dst_unknown"], workspaceId: space.id) == [on.id: "on", off.id: "off"])
        #expect(try await storage.destinationNames(ids: [on.id], workspaceId: other.id).isEmpty)
        #expect(try await storage.destinationNames(ids: [], workspaceId: space.id).isEmpty)
        #expect(try await names(DestinationFilter(enabled: true)) == ["on"])
        #expect(try await names(DestinationFilter(enabled: false)) == ["off"])
        #expect(try await names(DestinationFilter(legacy: true)) == ["on"])
        #expect(try await names(DestinationFilter(legacy: false)) == ["off"])
        #expect(try await names(DestinationFilter(search: "o", enabled: false, legacy: true)).isEmpty)
    }

    @Test(arguments: StorageBackend.allCases)
    func destinationsAndSubscriptionsRoundTrip(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(
                storage, ids: ids, now: now, mapping: try Mapping(json: ["body": ["id": "{{ userId }}"]])
            ) { destination in
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

    /// What a connector install marks (`connector`) and a merging batch (`combine`) survive storage, both ways.
    @Test(arguments: StorageBackend.allCases)
    func connectorAndMergeBatchingRoundTrip(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now) { destination in
                destination.connector = "heap-track"
                destination.batching = .init(maxSize: 1000, maxWaitMs: 1000, combine: .merge)
            }
            #expect(try await storage.destination(id: destination.id, workspaceId: source.workspaceId)?.connector == "heap-track")
            #expect(try await storage.destination(id: destination.id, workspaceId: source.workspaceId)?.batching?.combine == .merge)
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId)?.connector == nil)
            var marked = subscription
            marked.connector = "heap-track"
            #expect(try await storage.updateSubscription(marked))
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId)?.connector == "heap-track")
            var renamed = destination
            renamed.name = "renamed"
            #expect(try await storage.updateDestination(renamed))
            #expect(try await storage.destination(id: destination.id, workspaceId: source.workspaceId) == renamed)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func searchFindsNamesAndURLs(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            _ = try await destination(storage, in: root.id, name: "Orders hook", url: "https://orders.example.com/in")
            _ = try await destination(storage, in: root.id, name: "Billing", url: "https://pay.example.net/hook")
            _ = try await destination(storage, in: root.id, name: "CRM", url: "https://crm.example.org/events")
            #expect(try await names(storage, in: root.id, search: nil) == ["Orders hook", "Billing", "CRM"])
            #expect(try await names(storage, in: root.id, search: "hook") == ["Orders hook", "Billing"])
            #expect(try await names(storage, in: root.id, search: "example.net") == ["Billing"])
            #expect(try await names(storage, in: root.id, search: "bill") == ["Billing"])
            // Both backends ignore case, so the API answers the same whichever database it runs on.
            #expect(try await names(storage, in: root.id, search: "ORDERS") == ["Orders hook"])
            #expect(try await names(storage, in: root.id, search: "nowhere").isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func destinationsAreListedInPages(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            var all: [Destination] = []
            for index in 0..<5 { all.append(try await destination(storage, in: root.id, name: index == 2 ? "other" : "hook \(index)")) }
            let first = try await storage.listDestinations(workspaceId: root.id, search: nil, page: PageRequest(limit: 2))
            #expect(first.items == Array(all[0..<2]))
            #expect(first.nextCursor == all[1].id)
            let second = try await storage.listDestinations(workspaceId: root.id, search: nil, page: PageRequest(limit: 2, cursor: first.nextCursor))
            #expect(second.items == Array(all[2..<4]))
            let last = try await storage.listDestinations(workspaceId: root.id, search: nil, page: PageRequest(limit: 2, cursor: second.nextCursor))
            #expect(last.items == [all[4]])
            #expect(last.nextCursor == nil)
            // Pages of a search hold only matches.
            let matches = try await storage.listDestinations(workspaceId: root.id, search: "hook", page: PageRequest(limit: 3))
            #expect(matches.items == [all[0], all[1], all[3]])
            #expect(matches.nextCursor == all[3].id)
            let rest = try await storage.listDestinations(workspaceId: root.id, search: "hook", page: PageRequest(limit: 3, cursor: matches.nextCursor))
            #expect(rest.items == [all[4]])
            #expect(rest.nextCursor == nil)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func updatesChangeOnlyAnExistingDestination(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let root = try await workspace(storage)
            var destination = try await destination(storage, in: root.id)
            destination.name = "renamed"
            destination.url = "https://new.example.com"
            destination.maxConcurrency = 4
            destination.activeFrom = at(3600)
            destination.previousSecret = "old"
            destination.previousSecretExpiresAt = at(7200)
            destination.enabled = false
            destination.disabledReason = "by hand"
            destination.updatedAt = at(10)
            #expect(try await storage.updateDestination(destination))
            #expect(try await storage.destination(id: destination.id, workspaceId: root.id) == destination)
            var missing = destination
            missing.id = ids.make(.destination)
            #expect(try await !storage.updateDestination(missing))
            #expect(try await storage.destination(id: missing.id, workspaceId: root.id) == nil)
            #expect(try await storage.listDestinations(workspaceId: root.id, search: nil, page: PageRequest()).items == [destination])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func deletingADestinationRemovesItsSubscriptionsAndDeliveries(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, doomed, subscription) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let kept = try await destination(storage, in: source.workspaceId, name: "kept")
            let keptSubscription = try await self.subscription(storage, to: kept)
            try await storage.insertEvents([event(source, name: "A")])
            #expect(try await deliveries(storage, in: source.workspaceId).count == 2)
            #expect(try await storage.deleteDestination(id: doomed.id, workspaceId: source.workspaceId))
            #expect(try await storage.destination(id: doomed.id, workspaceId: source.workspaceId) == nil)
            #expect(try await storage.subscription(id: subscription.id, workspaceId: source.workspaceId) == nil)
            #expect(try await storage.listSubscriptions(workspaceId: source.workspaceId, destinationId: doomed.id, page: PageRequest()).items.isEmpty)
            // The other destination keeps its subscription and its delivery; the event stays.
            #expect(try await deliveries(storage, in: source.workspaceId).map(\.subscriptionId) == [keptSubscription.id])
            #expect(try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(), page: PageRequest()).items.count == 1)
            #expect(try await !storage.deleteDestination(id: doomed.id, workspaceId: source.workspaceId))
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func otherWorkspacesNeverSeeADestination(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let mine = try await workspace(storage)
            let theirs = try await workspace(storage)
            let destination = try await destination(storage, in: mine.id)
            #expect(try await storage.destination(id: destination.id, workspaceId: theirs.id) == nil)
            #expect(try await names(storage, in: theirs.id, search: nil).isEmpty)
            #expect(try await names(storage, in: theirs.id, search: "d").isEmpty)
            var hijacked = destination
            hijacked.workspaceId = theirs.id
            hijacked.url = "https://attacker.example.com"
            #expect(try await !storage.updateDestination(hijacked))
            #expect(try await !storage.deleteDestination(id: destination.id, workspaceId: theirs.id))
            #expect(try await storage.destination(id: destination.id, workspaceId: mine.id) == destination)
        }
    }
}

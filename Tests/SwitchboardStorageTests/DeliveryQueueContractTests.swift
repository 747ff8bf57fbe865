import Foundation
import SwitchboardCore
import SwitchboardStorage
import Testing

/// `DeliveryQueue`: due deliveries leased to one sender at a time (across nodes sharing one
/// database too), the attempts that move them on, and destination health, for every backend.
@Suite struct DeliveryQueueContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    /// Longer than any lease the crash-loop tests take: each lease has expired by the next step.
    let step: TimeInterval = 120

    /// A workspace with a source, a destination and a subscription (with a mapping) to `names`.
    private func setUp(_ storage: any Storage, names: [String] = ["*"], destination configure: (inout Destination) -> Void = { _ in })
        async throws -> (source: Source, destination: Destination, subscription: Subscription)
    {
        try await DeliverySetUp.make(
            storage, ids: ids, now: now, names: names, mapping: try Mapping(json: ["body": ["id": "{{ userId }}"]]), destination: configure)
    }

    /// Leases at successive expired-lease times, as nodes that keep dying would.
    private func lease(_ storage: any Storage, round: Int) async throws -> [String] {
        try await storage.leaseDeliveries(now: at(step * Double(round)), leaseSeconds: 15, limit: 10).flatMap { $0.deliveries.map(\.id) }
    }

    /// A destination configured by `configure` with `count` due deliveries, spread over `users` users.
    private func backlog(_ storage: any Storage, count: Int, users: Int? = nil, configure: (inout Destination) -> Void = { _ in }) async throws {
        let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now, destination: configure)
        try await storage.insertEvents((0..<count).map { event(source, messageId: "m\($0)", name: "Tick", userId: "user-\($0 % (users ?? count))") })
    }

    /// Both nodes lease at once, `rounds` times each; returns every request they leased.
    private func leaseTogether(_ first: any Storage, _ second: any Storage, rounds: Int = 10, limit: Int = 20) async throws -> [DeliveryJob] {
        try await withThrowingTaskGroup(of: [DeliveryJob].self) { group in
            for node in [first, second] {
                group.addTask {
                    var jobs: [DeliveryJob] = []
                    for _ in 0..<rounds { jobs += try await node.leaseDeliveries(now: now, leaseSeconds: 60, limit: limit) }
                    return jobs
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    /// Failed attempt `number` (a retry later) at `delivery`, made and recorded `offset` seconds after
    /// `now`, with `disableAfter` 60 s; returns what `recordAttempts` returned.
    private func fail(_ storage: any Storage, _ delivery: Delivery, number: Int, at offset: TimeInterval) async throws -> Bool {
        try await storage.recordAttempts([record(delivery, .retry(at: at(offset + 1)), number: number, at: offset)], now: at(offset), disableAfter: 60)
    }

    // MARK: Leasing

    @Test(arguments: StorageBackend.allCases)
    func leasesHideWorkUntilTheyExpire(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
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
        try await backend.withStorage { storage in
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
    func futureActiveFromHoldsDeliveries(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await setUp(storage) { $0.activeFrom = now.addingTimeInterval(3600) }
            try await storage.insertEvents([event(source, name: "A")])
            #expect(try await storage.leaseDeliveries(now: now, leaseSeconds: 30, limit: 10).isEmpty)
            #expect(try await storage.leaseDeliveries(now: now.addingTimeInterval(3601), leaseSeconds: 30, limit: 10).count == 1)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aLeaseLastsAtLeastTheDestinationsTimeout(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now) { $0.timeoutMs = 60_000 }
            try await storage.insertEvents([event(source, name: "Slow", userId: "u1")])
            #expect(try await storage.leaseDeliveries(now: now, leaseSeconds: 15, limit: 10).count == 1)
            // A send may take the whole 60 s: no one else may take it over meanwhile.
            #expect(try await storage.leaseDeliveries(now: now.addingTimeInterval(59), leaseSeconds: 15, limit: 10).isEmpty)
            #expect(try await storage.leaseDeliveries(now: now.addingTimeInterval(64), leaseSeconds: 15, limit: 10).count == 1)
        }
    }

    // MARK: The crash-loop breaker: a delivery leased again and again with no attempt ever
    // recorded (its send kills the process) is set aside as failed with `crashed`.

    @Test(arguments: StorageBackend.allCases)
    func aDeliveryLeasedThreeTimesWithoutAnAttemptIsSetAside(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now) { $0.ordering = .perUser }
            try await storage.insertEvents([event(source, name: "Poison", userId: "u1")])
            let poisoned = try #require(try await lease(storage, round: 0).first)
            #expect(try await lease(storage, round: 1) == [poisoned])
            #expect(try await lease(storage, round: 2) == [poisoned])
            // The fourth time it is not handed out: it is failed, with the reason in the activity log.
            try await storage.insertEvents([event(source, name: "Next", userId: "u1")])
            let fourth = try await lease(storage, round: 3)
            #expect(!fourth.contains(poisoned))
            let failed = try #require(try await storage.delivery(id: poisoned, workspaceId: source.workspaceId))
            #expect(failed.status == .failed)
            #expect(failed.attempts.map(\.error) == [.crashed])
            #expect(failed.attempts.first?.responseStatus == nil)
            #expect(failed.attempts.first?.responseBody?.contains("leased 3 times") == true)
            // The rest of the queue flows: the same user's next event is no longer held behind it.
            let rest = fourth.isEmpty ? try await lease(storage, round: 4) : fourth
            #expect(rest.count == 1)
            let next = try #require(try await storage.delivery(id: rest[0], workspaceId: source.workspaceId))
            #expect(next.status == .pending)
            // Retryable by hand: pending again and leased as any other delivery.
            #expect(try await storage.retryDelivery(id: poisoned, workspaceId: source.workspaceId, now: at(step * 5))?.status == .pending)
            #expect(try await lease(storage, round: 5).contains(poisoned))
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func recordedAttemptsAndHandedBackLeasesDoNotCount(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            try await storage.insertEvents([event(source, name: "Slow", userId: "u1")])
            let id = try #require(try await lease(storage, round: 0).first)
            // A missed rate-limit slot hands the lease back: that is no crash, however often.
            for _ in 0..<5 {
                try await storage.releaseLeases(deliveryIds: [id])
                #expect(try await lease(storage, round: 0) == [id])
            }
            #expect(try await lease(storage, round: 1) == [id])
            // An attempt recorded (a retry) starts the count again.
            let attempt = Attempt(number: 1, at: now, durationMs: 5, responseStatus: 503, responseBody: nil, error: nil)
            try await storage.recordAttempts(
                [AttemptRecord(deliveryId: id, destinationId: destination.id, attempt: attempt, decision: .retry(at: at(step)))],
                now: at(step), disableAfter: 86_400)
            for round in 2...4 { #expect(try await lease(storage, round: round) == [id]) }
            #expect(try await storage.delivery(id: id, workspaceId: source.workspaceId)?.status == .pending)
        }
    }

    // MARK: Several handles on one database stand in for several nodes: what they lease at the
    // same moment must respect every destination's controls as if one process had leased it all.

    @Test(arguments: StorageBackend.allCases)
    func noDeliveryIsLeasedByTwoNodes(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            try await backlog(first, count: 300)
            let ids = try await leaseTogether(first, second).flatMap { $0.deliveries.map(\.id) }
            #expect(ids.count == 300)
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func concurrencyCapHoldsAcrossNodes(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            try await backlog(first, count: 50) { $0.maxConcurrency = 3 }
            #expect(try await leaseTogether(first, second).count == 3)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func perUserOrderHoldsAcrossNodes(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            try await backlog(first, count: 60, users: 6) { $0.ordering = .perUser }
            // Only the head of each user's queue is leasable, whichever node asks.
            let users = try await leaseTogether(first, second).map { $0.events[0].userId }
            #expect(users.count == 6)
            #expect(Set(users).count == 6)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func rateLimitSlotsAreSharedAcrossNodes(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            try await backlog(first, count: 50) { $0.rateLimitPerSecond = 10 }
            let starts = try await leaseTogether(first, second).compactMap(\.startAt).sorted()
            // One second of slots, 1.1/10 s apart, reserved once between the two nodes.
            #expect(starts.count == 10)
            for (earlier, later) in zip(starts, starts.dropFirst()) {
                #expect(later.timeIntervalSince(earlier) >= LeasePlanner.spacing(perSecond: 10) - 0.001)
            }
        }
    }

    // MARK: Attempts and destination health

    @Test(arguments: StorageBackend.allCases)
    func attemptsMoveDeliveriesOn(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
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
    func a410DisablesTheDestinationAndAnnouncesIt(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, gone, _) = try await setUp(storage, names: ["A"])
            let alerts = try await destination(storage, in: source.workspaceId, name: "alerts")
            try await storage.insertEvents([event(source, name: "A")])
            let delivery = try #require(try await deliveries(storage, in: source.workspaceId).first)
            let emitted = try await storage.recordAttempts([record(delivery, .failedAndDisableDestination, status: 410)], now: at(5), disableAfter: 86_400)

            let disabled = try #require(try await storage.destination(id: gone.id, workspaceId: source.workspaceId))
            #expect(!disabled.enabled)
            #expect(disabled.disabledReason == "the destination answered 410 Gone")
            #expect(try await storage.destination(id: alerts.id, workspaceId: source.workspaceId)?.enabled == true)
            let notices = try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(name: "Destination Disabled"), page: PageRequest())
            let notice = try #require(notices.items.first)
            #expect(notices.items.count == 1)
            #expect(notice.sourceId == SystemEvents.sourceId && notice.receivedAt == at(5))
            #expect(notice.message["properties"]?["destinationId"] == .string(gone.id))
            #expect(notice.message["properties"]?["reason"] == .string("the destination answered 410 Gone"))
            // Nothing subscribes to it: no delivery was added, so no new work is due.
            #expect(try await deliveries(storage, in: source.workspaceId, DeliveryFilter(eventId: notice.id)).isEmpty)
            #expect(!emitted)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aDisabledNoticeWithASubscriberIsNewWork(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, gone, _) = try await setUp(storage, names: ["A"])
            let alerts = try await destination(storage, in: source.workspaceId, name: "alerts")
            let alerting = try await subscription(storage, to: alerts, names: ["Destination Disabled"])
            try await storage.insertEvents([event(source, name: "A")])
            let delivery = try #require(try await deliveries(storage, in: source.workspaceId).first)
            #expect(try await storage.recordAttempts([record(delivery, .failedAndDisableDestination, status: 410)], now: at(5), disableAfter: 86_400))
            let notice = try #require(
                try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(name: "Destination Disabled"), page: PageRequest()).items.first)
            let alert = try #require(try await deliveries(storage, in: source.workspaceId, DeliveryFilter(eventId: notice.id)).first)
            #expect(alert.subscriptionId == alerting.id && alert.status == .pending && alert.nextAttemptAt == at(5))
            let leased = try await storage.leaseDeliveries(now: at(5), leaseSeconds: 30, limit: 10)
            #expect(leased.map(\.destination.id) == [alerts.id])
            #expect(leased.first?.events.first?.message["properties"]?["destinationId"] == .string(gone.id))
            // Already disabled, it is not disabled (nor announced) again.
            #expect(try await !storage.recordAttempts([record(delivery, .failedAndDisableDestination, status: 410, number: 2, at: 6)], now: at(6), disableAfter: 86_400))
            #expect(try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(name: "Destination Disabled"), page: PageRequest()).items.count == 1)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func failingForDisableAfterDisablesTheDestination(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await setUp(storage, names: ["A"])
            try await storage.insertEvents([event(source, name: "A")])
            let delivery = try #require(try await deliveries(storage, in: source.workspaceId).first)
            func enabled() async throws -> Bool { try #require(try await storage.destination(id: destination.id, workspaceId: source.workspaceId)).enabled }
            for (number, offset) in [0.0, 30, 59].enumerated() {
                #expect(try await !fail(storage, delivery, number: number + 1, at: offset))
                #expect(try await enabled())
            }
            _ = try await fail(storage, delivery, number: 4, at: 60)
            let disabled = try #require(try await storage.destination(id: destination.id, workspaceId: source.workspaceId))
            #expect(!disabled.enabled)
            #expect(disabled.disabledReason == "every attempt failed for 60 seconds")
            let notices = try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(name: "Destination Disabled"), page: PageRequest())
            #expect(notices.items.map { $0.message["properties"]?["reason"] } == [.string("every attempt failed for 60 seconds")])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aSuccessClearsTheFailingStreak(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await setUp(storage, names: ["A"])
            try await storage.insertEvents([event(source, name: "A"), event(source, name: "A", at: 1)])
            let all = try await deliveries(storage, in: source.workspaceId)
            let (failing, succeeding) = (all[0], all[1])
            func enabled() async throws -> Bool { try #require(try await storage.destination(id: destination.id, workspaceId: source.workspaceId)).enabled }
            _ = try await fail(storage, failing, number: 1, at: 0)
            _ = try await fail(storage, failing, number: 2, at: 30)
            try await storage.recordAttempts([record(succeeding, .succeeded, status: 200, at: 40)], now: at(40), disableAfter: 60)
            // Without the success, 70 s of failures would disable it; after it, a new streak starts at 70.
            for (number, offset) in [70.0, 100, 129].enumerated() {
                _ = try await fail(storage, failing, number: number + 3, at: offset)
                #expect(try await enabled())
            }
            _ = try await fail(storage, failing, number: 6, at: 130)
            #expect(try await !enabled())
            #expect(try await storage.destination(id: destination.id, workspaceId: source.workspaceId)?.disabledReason == "every attempt failed for 60 seconds")
        }
    }
}

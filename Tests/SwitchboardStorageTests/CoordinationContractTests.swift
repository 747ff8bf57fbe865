import Foundation
import SwitchboardCore
import SwitchboardStorage
import Synchronization
import Testing

/// Several handles on one database stand in for several nodes: what they lease at the same
/// moment must respect every destination's controls as if one process had leased it all.
@Suite struct SharedDatabaseContractTests {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Two migrated handles on one fresh database, closed afterwards.
    private func withTwoNodes(_ backend: StorageBackend, _ body: (any Storage, any Storage) async throws -> Void) async throws {
        let database = try backend.makeDatabase()
        let first = try database.open()
        let second = try database.open()
        defer {
            first.close()
            second.close()
            database.cleanUp()
        }
        try await first.migrate()
        try await second.migrate()
        try await body(first, second)
    }

    /// A destination configured by `configure` with `count` due deliveries, spread over `users` users.
    private func backlog(_ storage: any Storage, count: Int, users: Int? = nil, configure: (inout Destination) -> Void = { _ in }) async throws {
        let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now, destination: configure)
        let events = (0..<count).map { index in
            Event(
                id: ids.make(.event), workspaceId: source.workspaceId, sourceId: source.id, type: .track, name: "Tick", messageId: "m\(index)",
                userId: "user-\(index % (users ?? count))", anonymousId: nil, receivedAt: now, message: ["event": "Tick"])
        }
        try await storage.insertEvents(events)
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

    @Test(arguments: StorageBackend.allCases)
    func noDeliveryIsLeasedByTwoNodes(backend: StorageBackend) async throws {
        try await withTwoNodes(backend) { first, second in
            try await backlog(first, count: 300)
            let ids = try await leaseTogether(first, second).flatMap { $0.deliveries.map(\.id) }
            #expect(ids.count == 300)
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func concurrencyCapHoldsAcrossNodes(backend: StorageBackend) async throws {
        try await withTwoNodes(backend) { first, second in
            try await backlog(first, count: 50) { $0.maxConcurrency = 3 }
            #expect(try await leaseTogether(first, second).count == 3)
        }
    }

    @Test(.enabled(if: TestPostgres.url != nil, "needs SWITCHBOARD_TEST_POSTGRES_URL"))
    func newWorkWakesTheOtherNodes() async throws {
        try await withTwoNodes(.postgres) { first, second in
            let wakes = Wakes()
            let watcher = Task { try await second.watchForWork { wakes.count.add(1, ordering: .relaxed) } }
            defer { watcher.cancel() }
            // Work announced by one node wakes the other; the first may come before it listens.
            var woken = false
            for _ in 0..<50 where !woken {
                try await first.announceWork()
                for _ in 0..<10 where !woken {
                    try await Task.sleep(for: .milliseconds(10))
                    woken = wakes.count.load(ordering: .relaxed) > 0
                }
            }
            #expect(woken)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func perUserOrderHoldsAcrossNodes(backend: StorageBackend) async throws {
        try await withTwoNodes(backend) { first, second in
            try await backlog(first, count: 60, users: 6) { $0.ordering = .perUser }
            // Only the head of each user's queue is leasable, whichever node asks.
            let users = try await leaseTogether(first, second).map { $0.events[0].userId }
            #expect(users.count == 6)
            #expect(Set(users).count == 6)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func rateLimitSlotsAreSharedAcrossNodes(backend: StorageBackend) async throws {
        try await withTwoNodes(backend) { first, second in
            try await backlog(first, count: 50) { $0.rateLimitPerSecond = 10 }
            let starts = try await leaseTogether(first, second).compactMap(\.startAt).sorted()
            // One second of slots, 1.1/10 s apart, reserved once between the two nodes.
            #expect(starts.count == 10)
            for (earlier, later) in zip(starts, starts.dropFirst()) {
                #expect(later.timeIntervalSince(earlier) >= LeasePlanner.spacing(perSecond: 10) - 0.001)
            }
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func anExclusiveJobRunsOnOneNodeAtATime(backend: StorageBackend) async throws {
        try await withTwoNodes(backend) { first, second in
            let (started, startedSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            async let firstRan = first.runExclusively("retention") {
                startedSignal.yield()
                for await _ in release { break }
            }
            for await _ in started { break }
            // While it runs, neither node starts it again.
            let secondRan = try await second.runExclusively("retention") {}
            let firstRanAgain = try await first.runExclusively("retention") {}
            #expect(!secondRan && !firstRanAgain)
            releaseSignal.yield()
            let ranFirst = try await firstRan
            #expect(ranFirst)
            // Once it has finished, the next run goes ahead.
            let ranLater = try await second.runExclusively("retention") {}
            #expect(ranLater)
        }
    }
}

/// How often `watchForWork` called back.
private final class Wakes: Sendable {
    let count = Atomic<Int>(0)
}

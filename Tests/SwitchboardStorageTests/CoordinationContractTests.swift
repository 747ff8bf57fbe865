import Foundation
import SwitchboardCore
import SwitchboardStorage
import Synchronization
import Testing

/// `Coordination`: processes sharing one database tell each other work is due, and run a job in
/// only one of them at a time. Two handles on one database stand in for two nodes.
@Suite struct CoordinationContractTests {
    /// Whether `body` finished within `seconds` (it is cancelled if not).
    private func finishes(within seconds: Double, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// A job name of this test's own: PostgreSQL's advisory locks span the whole database, so tests
    /// running at once in other schemas would otherwise hold each other's jobs.
    private func job(_ name: String) -> String { "\(name)-\(UUID().uuidString)" }

    @Test(.enabled(if: TestPostgres.url != nil, "needs SWITCHBOARD_TEST_POSTGRES_URL"))
    func newWorkWakesTheOtherNodes() async throws {
        try await StorageBackend.postgres.withTwoNodes { first, second in
            #expect(first.sharesDatabase)
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

    @Test func sqliteHasNoOtherNodeToTell() async throws {
        try await StorageBackend.sqlite.withTwoNodes { first, second in
            #expect(!first.sharesDatabase)
            let wakes = Wakes()
            try await first.announceWork()
            // One process owns a SQLite database: watching returns at once, and nothing ever wakes.
            #expect(try await finishes(within: 5) { try await second.watchForWork { wakes.count.add(1, ordering: .relaxed) } })
            #expect(try await finishes(within: 5) { try await first.watchForWork { wakes.count.add(1, ordering: .relaxed) } })
            try await first.announceWork()
            try await second.announceWork()
            #expect(wakes.count.load(ordering: .relaxed) == 0)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func watchingStopsWhenCancelled(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let watcher = Task { try await storage.watchForWork {} }
            try await Task.sleep(for: .milliseconds(50))
            watcher.cancel()
            // It ends, returning or throwing CancellationError: either way the caller is not kept waiting.
            #expect(try await finishes(within: 10) { _ = await watcher.result })
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func anExclusiveJobRunsOnOneNodeAtATime(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            let retention = job("retention")
            let (started, startedSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            async let firstRan = first.runExclusively(retention) {
                startedSignal.yield()
                for await _ in release { break }
            }
            for await _ in started { break }
            // While it runs, neither node starts it again.
            let secondRan = try await second.runExclusively(retention) {}
            let firstRanAgain = try await first.runExclusively(retention) {}
            #expect(!secondRan && !firstRanAgain)
            releaseSignal.yield()
            let ranFirst = try await firstRan
            #expect(ranFirst)
            // Once it has finished, the next run goes ahead.
            let ranLater = try await second.runExclusively(retention) {}
            #expect(ranLater)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func otherJobsRunMeanwhileAndAFailedJobLetsGo(backend: StorageBackend) async throws {
        try await backend.withTwoNodes { first, second in
            let (retention, recovery) = (job("retention"), job("recovery"))
            let runs = Wakes()
            // A different job is not held up by a running one, on either node.
            let nested = try await first.runExclusively(retention) {
                runs.count.add(1, ordering: .relaxed)
                let other = try await second.runExclusively(recovery) { runs.count.add(1, ordering: .relaxed) }
                #expect(other)
            }
            #expect(nested)
            #expect(runs.count.load(ordering: .relaxed) == 2)
            // A job that throws passes its error on and does not keep the job locked.
            await #expect(throws: JobFailed.self) { try await first.runExclusively(retention) { throw JobFailed() } }
            let after = try await second.runExclusively(retention) { runs.count.add(1, ordering: .relaxed) }
            #expect(after)
            #expect(runs.count.load(ordering: .relaxed) == 3)
        }
    }
}

/// How often a callback ran.
private final class Wakes: Sendable {
    let count = Atomic<Int>(0)
}

private struct JobFailed: Error {}

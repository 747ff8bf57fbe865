import Foundation
import Logging
import SwitchboardStorage
import Testing

@testable import SwitchboardWorkers

/// "New work is due" wakes this process's dispatcher at once, and on PostgreSQL the other nodes.
@Suite struct WorkSignalTests {
    /// Whether `wait` returned well before its timeout: woken rather than timed out.
    private func woken(_ signal: WorkSignal, within timeout: Duration = .milliseconds(500)) async -> Bool {
        let started = ContinuousClock.now
        await signal.wait(timeout: timeout)
        return ContinuousClock.now - started < timeout - .milliseconds(50)
    }

    @Test func workDueHereWakesThisProcessAtOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signal = WorkSignal(coordination: try SQLiteStorage(path: directory.database), logger: Logger(label: "test"))
        #expect(await !woken(signal))
        signal.workIsDue()
        #expect(await woken(signal))
    }

    @Test(.enabled(if: TestDatabase.postgresURL != nil, "needs SWITCHBOARD_TEST_POSTGRES_URL"), .timeLimit(.minutes(3)))
    func workDueOnOneNodeWakesTheOthers() async throws {
        let url = try #require(TestDatabase.postgresURL)
        let (first, second) = (try PostgresStorage(url: url), try PostgresStorage(url: url))
        defer { first.close(); second.close() }
        let (here, there) = (WorkSignal(coordination: first, logger: Logger(label: "test")), WorkSignal(coordination: second, logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await here.run() }
            group.addTask { await there.run() }
            defer { group.cancelAll() }
            // The other node may not listen yet when the first announcement goes out.
            var wokenThere = false
            for _ in 0..<50 where !wokenThere {
                here.workIsDue()
                wokenThere = await woken(there, within: .milliseconds(200))
            }
            #expect(wokenThere)
        }
    }
}

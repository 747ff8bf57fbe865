import Foundation
import Synchronization

/// Asks the database whether it answers, and gives up after `timeout` whatever it does: a
/// database that hangs must not hang `/readyz`. Callers at the same time share one ping, so a
/// hanging database never piles up more than one.
final class ReadinessProbe: Sendable {
    enum Outcome: Sendable, Equatable {
        case ready
        case failed
        case timedOut
    }

    private let ping: @Sendable () async throws -> Void
    private let timeout: Duration
    private let inFlight = Mutex<Task<Outcome, Never>?>(nil)

    init(timeout: Duration, ping: @escaping @Sendable () async throws -> Void) {
        self.timeout = timeout
        self.ping = ping
    }

    func check() async -> Outcome {
        let pending = inFlight.withLock { current in
            if let current { return current }
            let task = Task { [ping = self.ping] in
                let outcome: Outcome
                do {
                    try await ping()
                    outcome = .ready
                } catch {
                    outcome = .failed
                }
                // Only this task can be in the slot now: the next check starts a new ping.
                self.inFlight.withLock { $0 = nil }
                return outcome
            }
            current = task
            return task
        }
        let once = Once()
        return await withCheckedContinuation { continuation in
            let timer = Task { [timeout] in
                try? await Task.sleep(for: timeout)
                if once.claim() { continuation.resume(returning: .timedOut) }
            }
            Task {
                let outcome = await pending.value
                timer.cancel()
                if once.claim() { continuation.resume(returning: outcome) }
            }
        }
    }
}

/// True for the first caller only.
private final class Once: Sendable {
    private let claimed = Atomic<Bool>(false)
    func claim() -> Bool { claimed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged }
}

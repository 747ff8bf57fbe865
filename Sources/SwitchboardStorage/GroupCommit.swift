import SwitchboardCore

/// Gathers events from concurrent requests into one transaction: while one commit is being
/// written, the requests that arrive wait together for the next. Each caller returns only
/// after the transaction holding its events is durable.
public actor EventGroupCommitter {
    private struct Waiter {
        var events: [Event]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let storage: any Storage
    private let maximumEventsPerCommit: Int
    private var waiting: [Waiter] = []
    private var isWriting = false

    public init(storage: any Storage, maximumEventsPerCommit: Int = 20_000) {
        self.storage = storage
        self.maximumEventsPerCommit = maximumEventsPerCommit
    }

    public func commit(_ events: [Event]) async throws {
        guard !events.isEmpty else { return }
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiter(events: events, continuation: continuation))
            if !isWriting {
                isWriting = true
                Task { await self.writeWhileWaiting() }
            }
        }
    }

    private func writeWhileWaiting() async {
        while !waiting.isEmpty {
            let group = takeGroup()
            do {
                try await storage.insertEvents(group.flatMap(\.events))
                for waiter in group { waiter.continuation.resume() }
            } catch {
                for waiter in group { waiter.continuation.resume(throwing: error) }
            }
        }
        isWriting = false
    }

    /// The waiting requests, oldest first, up to the size of one commit (at least one request).
    private func takeGroup() -> [Waiter] {
        var count = 0
        var taken = 0
        for waiter in waiting {
            if taken > 0, count + waiter.events.count > maximumEventsPerCommit { break }
            count += waiter.events.count
            taken += 1
        }
        let group = Array(waiting.prefix(taken))
        waiting.removeFirst(taken)
        return group
    }
}

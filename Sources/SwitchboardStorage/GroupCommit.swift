import SwitchboardCore

/// Gathers writes from concurrent callers into one transaction: while one commit is being
/// written, the callers that arrive wait together for the next. Each caller returns only
/// after the transaction holding its items is durable.
public actor GroupCommitter<Item: Sendable> {
    private struct Waiter {
        var items: [Item]
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let write: @Sendable ([Item]) async throws -> Void
    private let maximumItemsPerCommit: Int
    private var waiting: [Waiter] = []
    private var isWriting = false

    public init(maximumItemsPerCommit: Int = 20_000, write: @escaping @Sendable ([Item]) async throws -> Void) {
        self.write = write
        self.maximumItemsPerCommit = maximumItemsPerCommit
    }

    public func commit(_ items: [Item]) async throws {
        guard !items.isEmpty else { return }
        try await withCheckedThrowingContinuation { continuation in
            waiting.append(Waiter(items: items, continuation: continuation))
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
                try await write(group.flatMap(\.items))
                for waiter in group { waiter.continuation.resume() }
            } catch {
                for waiter in group { waiter.continuation.resume(throwing: error) }
            }
        }
        isWriting = false
    }

    /// The waiting callers, oldest first, up to the size of one commit (at least one caller).
    private func takeGroup() -> [Waiter] {
        var count = 0
        var taken = 0
        for waiter in waiting {
            if taken > 0, count + waiter.items.count > maximumItemsPerCommit { break }
            count += waiter.items.count
            taken += 1
        }
        let group = Array(waiting.prefix(taken))
        waiting.removeFirst(taken)
        return group
    }
}

/// Events from concurrent ingest requests, stored together. Each caller routes its own events
/// first, in its own task (reading subscriptions, evaluating conditions, holding no lock), and
/// only then joins a commit: however costly one workspace's conditions are, the transaction every
/// other caller waits for holds nothing but inserts.
public struct EventGroupCommitter: Sendable {
    private let route: @Sendable ([Event]) async throws -> [RoutedEvent]
    private let committer: GroupCommitter<RoutedEvent>

    public init(
        maximumItemsPerCommit: Int = 20_000, route: @escaping @Sendable ([Event]) async throws -> [RoutedEvent],
        write: @escaping @Sendable ([RoutedEvent]) async throws -> Void
    ) {
        self.route = route
        committer = GroupCommitter(maximumItemsPerCommit: maximumItemsPerCommit, write: write)
    }

    /// Events committed together as they come, whatever `write` does with them (tests, tools).
    public init(maximumItemsPerCommit: Int = 20_000, write: @escaping @Sendable ([Event]) async throws -> Void) {
        self.init(
            maximumItemsPerCommit: maximumItemsPerCommit, route: { events in events.map { RoutedEvent(event: $0, subscriptionIds: []) } },
            write: { routed in try await write(routed.map(\.event)) })
    }

    /// Returns once the events are durably stored.
    public func commit(_ events: [Event]) async throws {
        guard !events.isEmpty else { return }
        try await committer.commit(try await route(events))
    }
}

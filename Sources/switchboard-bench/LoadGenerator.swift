import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// What one closed-loop load phase achieved.
struct LoadResult: Sendable {
    var succeeded: Int
    var failed: Int
    var seconds: Double

    var perSecond: Double { seconds > 0 ? Double(succeeded) / seconds : 0 }
}

/// Closed-loop load: `concurrency` workers each send a request, wait for its answer, and send
/// the next, until the time is up or `total` requests have been sent.
struct LoadGenerator: Sendable {
    let client: HTTPClient

    func run(
        concurrency: Int, duration: Duration? = nil, total: Int? = nil,
        request: @escaping @Sendable (Int) -> HTTPClientRequest
    ) async -> LoadResult {
        let next = SharedCounter()
        let succeeded = SharedCounter()
        let failed = SharedCounter()
        let start = MonotonicClock.nanoseconds()
        let deadline = duration.map { start + UInt64($0.components.seconds) * 1_000_000_000 + UInt64($0.components.attoseconds / 1_000_000_000) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let index = next.increment()
                        if let total, index >= total { return }
                        if let deadline, MonotonicClock.nanoseconds() >= deadline { return }
                        if await send(request(index)) {
                            succeeded.increment()
                        } else {
                            failed.increment()
                            // A failing target is not hammered in a tight loop.
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                    }
                }
            }
        }
        return LoadResult(
            succeeded: succeeded.value, failed: failed.value,
            seconds: MonotonicClock.seconds(since: start))
    }

    /// True when the answer was 200; the body is read and dropped.
    func send(_ request: HTTPClientRequest) async -> Bool {
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            _ = try await response.body.collect(upTo: 1 << 20)
            return response.status == .ok
        } catch {
            return false
        }
    }
}

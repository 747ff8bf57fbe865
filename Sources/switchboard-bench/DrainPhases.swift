import Foundation

/// Queueing a backlog while the destination is paused, then releasing it and timing the drain.
struct DrainPhases: Sendable {
    struct Result {
        var ingest: LoadResult
        /// Server CPU milliseconds per 1,000 events queued.
        var ingestCPUMillisecondsPerThousand: Double?
        var drain: DrainFigures
    }

    let load: LoadGenerator
    let api: SwitchboardAPI
    let receiver: ReceiverClient
    let workload: Workload
    let destinationId: String
    let options: RunOptions
    let log: @Sendable (String) -> Void
    /// The server's CPU seconds so far.
    let serverCPU: @Sendable () -> Double?

    /// Queues `backlog` events through `/v1/batch` (the destination paused), then drains them.
    func drain(backlog: Int) async throws -> Result {
        let batches = max(1, backlog / options.batchSize)
        log("backlog \(Format.count(batches * options.batchSize)): queue through /v1/batch, \(options.concurrency) connections")
        let body = workload.batchBody()
        let cpuBefore = serverCPU()
        let ingest = await load.run(concurrency: options.concurrency, total: batches) { _ in workload.batchRequest(body) }
        let cpuAfter = serverCPU()
        let events = Double(max(ingest.succeeded * options.batchSize, 1))
        let ingestCPU = cpuBefore.flatMap { before in cpuAfter.map { ($0 - before) * 1_000_000 / events } }
        try check(ingest, "ingest through /v1/batch")
        log("backlog \(Format.count(batches * options.batchSize)): release and drain")
        let drain = try await release(expecting: ingest.succeeded * options.batchSize)
        return Result(ingest: ingest, ingestCPUMillisecondsPerThousand: ingestCPU, drain: drain)
    }

    /// Enables the destination, waits until the receiver has every webhook, pauses it again.
    func release(expecting count: Int) async throws -> DrainFigures {
        try await receiver.reset()
        let cpuBefore = serverCPU()
        try await api.setEnabled(destinationId: destinationId, true)
        let stats = try await receiver.waitForCount(count, timeout: .seconds(max(60, count / 1_000)))
        let cpuAfter = serverCPU()
        try await api.setEnabled(destinationId: destinationId, false)
        guard stats.count >= count else { throw BenchError("drain stalled: \(stats.count) of \(count) webhooks received") }
        return DrainFigures(
            backlog: count, delivered: stats.count, seconds: Double(stats.lastNs &- stats.firstNs) / 1e9,
            serverCPUSeconds: cpuBefore.flatMap { before in cpuAfter.map { $0 - before } })
    }

    func check(_ result: LoadResult, _ what: String) throws {
        guard result.succeeded > 0, result.failed <= result.succeeded / 100 else {
            throw BenchError("\(what): \(result.failed) requests failed, \(result.succeeded) succeeded")
        }
    }
}

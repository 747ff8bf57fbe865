/// Everything one harness run measured; written as JSON by `--json` and printed as a table.
struct BenchFigures: Codable, Sendable {
    var mode: String
    var machine: MachineDescription
    var concurrency: Int
    var batchSize: Int
    /// Requests/s from the webhook sender's client settings straight to the receiver.
    var deliveryCeilingPerSecond: Double
    /// Requests/s to the server's no-op route (`/healthz`) at the ingest concurrency.
    var noOpRequestsPerSecond: Double
    /// Events acknowledged/s through `/v1/batch` while queueing the large backlog.
    var batchEventsPerSecond: Double
    /// Server CPU milliseconds per 1,000 events queued through `/v1/batch` (the large backlog).
    var batchCPUMillisecondsPerThousand: Double?
    /// Events acknowledged/s through `/v1/track`, one event a request.
    var trackEventsPerSecond: Double
    var smallDrain: DrainFigures
    var largeDrain: DrainFigures
    var latency: LatencyFigures
    var serverPeakResidentBytes: Int?
    /// The ingest figures wrk drives, when wrk is installed.
    var wrk: WrkFigures? = nil

    /// Batch requests/s as a share of the no-op route's requests/s.
    var batchRatioToNoOp: Double { ratio(batchEventsPerSecond / Double(max(batchSize, 1)), noOpRequestsPerSecond) }
    var trackRatioToNoOp: Double { ratio(trackEventsPerSecond, noOpRequestsPerSecond) }
    var deliveryRatioToCeiling: Double { ratio(smallDrain.perSecond, deliveryCeilingPerSecond) }
    var largeDrainRatioToCeiling: Double { ratio(largeDrain.perSecond, deliveryCeilingPerSecond) }
    var largeDrainRatioToSmall: Double { ratio(largeDrain.perSecond, smallDrain.perSecond) }
    var serverPeakResidentMB: Double? { serverPeakResidentBytes.map { Double($0) / 1_048_576 } }

    private func ratio(_ part: Double, _ whole: Double) -> Double { whole > 0 ? part / whole : 0 }
}

/// `/v1/track` against the HTTP stack's own ceiling, both driven by wrk at the same connections.
struct WrkFigures: Codable, Sendable {
    var connections: Int
    /// Requests/s to a Hummingbird route that reads the body and answers 200 (`switchboard-bench noop`).
    var noOpPostPerSecond: Double
    /// Events acknowledged/s through `/v1/track`, one event a request, each with its own messageId.
    var trackPerSecond: Double
    var trackCPUMillisecondsPerRequest: Double?

    var trackRatioToNoOpPost: Double { noOpPostPerSecond > 0 ? trackPerSecond / noOpPostPerSecond : 0 }
}

/// Draining a backlog queued while the destination was paused.
struct DrainFigures: Codable, Sendable {
    var backlog: Int
    var delivered: Int
    /// From the first to the last webhook the receiver got.
    var seconds: Double
    var perSecond: Double
    /// Server CPU time (user and system) per 1,000 deliveries: steadier than rates on a busy machine.
    var serverCPUMillisecondsPerThousand: Double?

    init(backlog: Int, delivered: Int, seconds: Double, serverCPUSeconds: Double? = nil) {
        self.backlog = backlog
        self.delivered = delivered
        self.seconds = seconds
        serverCPUMillisecondsPerThousand = serverCPUSeconds.map { delivered > 0 ? $0 * 1_000_000 / Double(delivered) : 0 }
        // n webhooks span n - 1 intervals between the first and the last.
        perSecond = seconds > 0 ? Double(max(delivered - 1, 0)) / seconds : 0
    }
}

/// Acknowledgement-to-receipt latency at a fixed offered rate.
struct LatencyFigures: Codable, Sendable {
    var offeredPerSecond: Int
    var seconds: Int
    var sent: Int
    var acknowledged: Int
    var received: Int
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var maxMs: Double
}

/// Where the figures came from.
struct MachineDescription: Codable, Sendable {
    var cores: Int
    var system: String
    var date: String
}

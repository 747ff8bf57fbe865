/// How big and how long each phase of a run is.
struct RunOptions: Sendable {
    var quick: Bool
    var concurrency: Int
    var deliveryConcurrency: Int
    var batchSize: Int
    var ceilingSeconds: Int
    var trackSeconds: Int
    var smallBacklog: Int
    var largeBacklog: Int
    var latencyRate: Int
    var latencySeconds: Int
    var serverBinary: String
    var benchBinary: String
    var keepFolder: Bool
    /// Connections of the phases wrk drives.
    var wrkConnections = 32

    var mode: String { quick ? "quick" : "full" }
}

import ArgumentParser
import Foundation

/// Runs every phase and prints the table (and writes JSON with `--json`).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start a release server and a receiver, drive load, print the figures.",
        discussion: "Build first: swift build -c release --product switchboard && swift build -c release --product switchboard-bench"
    )

    @Flag(help: "Small phases: the whole run takes under a minute.")
    var quick = false

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    @Option(help: "Concurrent ingest connections.")
    var concurrency = 8

    @Option(help: "Connections of the phases wrk drives (/v1/track and its no-op POST ceiling).")
    var wrkConnections = 32

    @Option(help: "Requests in flight when measuring the client -> receiver ceiling (the dispatcher's default).")
    var deliveryConcurrency = 128

    @Option(help: "Events in each /v1/batch request.")
    var batchSize = 100

    @Option(help: "Offered events/s while measuring latency.")
    var latencyRate = 1_000

    @Option(help: "Seconds of the latency phase (default 20, 5 with --quick).")
    var latencySeconds: Int?

    @Option(help: "The small backlog to drain (default 10,000, 2,000 with --quick).")
    var smallBacklog: Int?

    @Option(help: "The large backlog to drain (default 1,000,000, 20,000 with --quick).")
    var largeBacklog: Int?

    @Option(help: "The switchboard binary (default: next to this one).")
    var server: String?

    @Flag(help: "Keep the temporary folder (database, process logs).")
    var keep = false

    func run() async throws {
        let benchBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let serverBinary = server ?? URL(fileURLWithPath: benchBinary).deletingLastPathComponent().appendingPathComponent("switchboard").path
        guard FileManager.default.isExecutableFile(atPath: serverBinary) else {
            throw BenchError("no server binary at \(serverBinary): swift build -c release --product switchboard, or --server PATH")
        }
        let options = RunOptions(
            quick: quick, concurrency: concurrency, deliveryConcurrency: deliveryConcurrency, batchSize: batchSize,
            ceilingSeconds: quick ? 2 : 5, trackSeconds: quick ? 3 : 10,
            smallBacklog: smallBacklog ?? (quick ? 2_000 : 10_000), largeBacklog: largeBacklog ?? (quick ? 20_000 : 1_000_000),
            latencyRate: latencyRate, latencySeconds: latencySeconds ?? (quick ? 5 : 20),
            serverBinary: serverBinary, benchBinary: benchBinary, keepFolder: keep, wrkConnections: wrkConnections)
        StopOnSignal.install()
        let started = MonotonicClock.nanoseconds()
        let figures = try await BenchRun(options: options) { line in
            FileHandle.standardError.write(Data("[\(String(format: "%6.1f", MonotonicClock.seconds(since: started))) s] \(line)\n".utf8))
        }.run()
        print(ReportTable.render(figures))
        if let json {
            try BenchReport(figures: figures).encoded().write(to: URL(fileURLWithPath: json))
        }
    }
}

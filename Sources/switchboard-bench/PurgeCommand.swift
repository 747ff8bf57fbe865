import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardWorkers

/// Ingest while a large purge runs: the ingest rate before, during and after `switchboard purge`
/// deletes `--rows` old events from the same SQLite database, and the purge's own rate.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Ingest throughput during a purge of many old events (retention).",
        discussion: "Seeds --rows events, then measures ingest for --seconds, during `switchboard purge` of all of them, and for --seconds again."
    )

    @Option(help: "Old events to seed and purge.")
    var rows = 1_000_000

    @Option(help: "Seconds of each ingest phase without a purge.")
    var seconds = 10

    @Option(help: "Concurrent ingest connections.")
    var concurrency = 8

    @Option(help: "Events per purge transaction.")
    var batchSize = 1000

    @Option(help: "The switchboard binary (default: next to this one).")
    var server: String?

    @Flag(help: "Keep the temporary folder (database, process logs).")
    var keep = false

    func run() async throws {
        let benchBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let serverBinary = server ?? URL(fileURLWithPath: benchBinary).deletingLastPathComponent().appendingPathComponent("switchboard").path
        let folder = try BenchRun.makeTemporaryFolder()
        let client = WebhookSender.makeClient()
        var children: [ChildProcess] = []
        StopOnSignal.install()
        defer {
            for child in children.reversed() {
                child.stop()
                StopOnSignal.untrack(child)
            }
            if keep { log("kept \(folder)") } else { try? FileManager.default.removeItem(atPath: folder) }
        }
        do {
            try await measure(folder: folder, client: client, serverBinary: serverBinary) { child in
                children.append(child)
                StopOnSignal.track(child)
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }

    private func measure(folder: String, client: HTTPClient, serverBinary: String, started: (ChildProcess) -> Void) async throws {
        let database = "\(folder)/switchboard.sqlite"
        let adminKey = "sbk_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let server = try ChildProcess(
            name: "server", executable: serverBinary,
            arguments: ["serve", "--port", "0", "--database", database, "--retention-days", "0", "--log-level", "warning"],
            environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], folder: folder)
        started(server)
        let baseURL = "http://127.0.0.1:" + (try await server.awaitOutput(matching: #"listening on http://127\.0\.0\.1:(\d+)"#))
        let api = SwitchboardAPI(client: client, baseURL: baseURL, adminKey: adminKey)
        let workload = Workload(baseURL: baseURL, writeKey: try await api.createSource().writeKey, batchSize: 100)
        let body = workload.batchBody()
        let load = LoadGenerator(client: client)

        log("seeding \(rows) events")
        let seeded = await load.run(concurrency: concurrency, total: (rows + 99) / 100) { _ in workload.batchRequest(body) }
        guard seeded.failed == 0 else { throw BenchError("seeding: \(seeded.failed) batches failed") }
        log(String(format: "  %.0f events/s", Double(seeded.succeeded * 100) / seeded.seconds))
        // Everything seeded so far is older than this; what the phases below ingest is not.
        try await Task.sleep(for: .milliseconds(10))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let cutoff = formatter.string(from: Date())
        try await Task.sleep(for: .milliseconds(10))

        let ingest = { (label: String) async throws -> Double in
            let result = await load.run(concurrency: concurrency, duration: .seconds(seconds)) { _ in workload.batchRequest(body) }
            guard result.failed == 0 else { throw BenchError("ingest \(label): \(result.failed) batches failed") }
            let rate = Double(result.succeeded * 100) / result.seconds
            log(String(format: "ingest %@: %.0f events/s", label, rate))
            return rate
        }
        let before = try await ingest("before the purge")

        log("purging the \(rows) seeded events while ingesting")
        let purgeStart = MonotonicClock.nanoseconds()
        let purge = try ChildProcess(
            name: "purge", executable: serverBinary,
            arguments: ["purge", "--older-than", cutoff, "--batch-size", "\(batchSize)", "--database", database], folder: folder)
        started(purge)
        var during = LoadResult(succeeded: 0, failed: 0, seconds: 0)
        while purge.process.isRunning {
            let window = await load.run(concurrency: concurrency, duration: .seconds(1)) { _ in workload.batchRequest(body) }
            during.succeeded += window.succeeded
            during.failed += window.failed
            during.seconds += window.seconds
        }
        let purgeSeconds = MonotonicClock.seconds(since: purgeStart)
        purge.process.waitUntilExit()
        let summary = ((try? String(contentsOfFile: purge.outputPath, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard purge.process.terminationStatus == 0 else {
            throw BenchError("purge failed: \((try? String(contentsOfFile: purge.errorPath, encoding: .utf8)) ?? "")")
        }
        guard during.failed == 0 else { throw BenchError("ingest during the purge: \(during.failed) batches failed") }
        let duringRate = during.seconds > 0 ? Double(during.succeeded * 100) / during.seconds : 0
        log("  \(summary)")
        log(String(format: "  purge: %.1f s, %.0f events/s deleted", purgeSeconds, Double(rows) / purgeSeconds))
        log(String(format: "ingest during the purge: %.0f events/s", duringRate))
        let after = try await ingest("after the purge")
        let without = (before + after) / 2
        log(String(format: "ingest during the purge / without: %.0f%%", without > 0 ? duringRate / without * 100 : 0))
    }
}

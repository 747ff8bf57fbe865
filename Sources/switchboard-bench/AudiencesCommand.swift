import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardWorkers

/// Profiles and audiences at scale: ingest with and without ten audiences defined, the rate of
/// building one over every profile (with the server's peak memory), and a diff sync of an
/// audience of every profile after 1% churn.
struct AudiencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audiences",
        abstract: "Profiles, audiences and syncs at scale: ingest cost, build rate and memory, diff sync of 1% churn.",
        discussion: "Compare --profiles 10000 with --profiles 1000000: server CPU per event should not grow with the number of profiles."
    )

    @Option(help: "Profiles to create before measuring.")
    var profiles = 1_000_000

    @Option(help: "Track events sent in each ingest phase.")
    var events = 200_000

    @Option(help: "Concurrent ingest connections.")
    var concurrency = 8

    @Option(help: "The switchboard binary (default: next to this one).")
    var server: String?

    @Flag(help: "Events follow the 80/20 rule (80% come from 20% of profiles), as real traffic does. Default: uniform, where nearly every event is its profile's first (the worst case for audiences: most events change a membership).")
    var skewed = false

    @Flag(help: "Skip the diff sync phase.")
    var noSync = false

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
        func start(_ child: ChildProcess) {
            children.append(child)
            StopOnSignal.track(child)
        }
        do {
            try await measure(folder: folder, client: client, serverBinary: serverBinary, benchBinary: benchBinary, started: start)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func log(_ line: String) {
        FileHandle.standardError.write(Data("\(line)\n".utf8))
    }

    private func measure(folder: String, client: HTTPClient, serverBinary: String, benchBinary: String, started: (ChildProcess) -> Void) async throws {
        let load = LoadGenerator(client: client)
        let receiverProcess = try ChildProcess(name: "receiver", executable: benchBinary, arguments: ["receiver", "--port", "0"], folder: folder)
        started(receiverProcess)
        let receiverPort = try await receiverProcess.awaitOutput(matching: #"receiver listening on 127\.0\.0\.1:(\d+)"#)
        let receiver = ReceiverClient(client: client, baseURL: "http://127.0.0.1:\(receiverPort)")
        let adminKey = "sbk_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let server = try ChildProcess(
            name: "server", executable: serverBinary,
            arguments: ["serve", "--port", "0", "--database", "\(folder)/switchboard.sqlite", "--allow-private-destinations", "--log-level", "warning"],
            environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], folder: folder)
        started(server)
        let baseURL = "http://127.0.0.1:" + (try await server.awaitOutput(matching: #"listening on http://127\.0\.0\.1:(\d+)"#))
        let api = SwitchboardAPI(client: client, baseURL: baseURL, adminKey: adminKey)
        let workload = Workload(baseURL: baseURL, writeKey: try await api.createSource().writeKey, batchSize: 100)
        let batches = { (count: Int, body: @escaping @Sendable (Int) -> String) in
            await load.run(concurrency: concurrency, total: (count + 99) / 100) { batch in
                let items = (batch * 100..<min(count, batch * 100 + 100)).map(body).joined(separator: ",")
                return workload.batchRequest(ByteBuffer(string: #"{"batch":[\#(items)]}"#))
            }
        }

        log("seeding \(profiles) profiles")
        let seeded = await batches(profiles) { Self.identify($0, member: true) }
        guard seeded.failed == 0 else { throw BenchError("seeding: \(seeded.failed) batches failed") }
        log(String(format: "  %.0f profiles/s", Double(profiles) / seeded.seconds))

        let before = try await ingest(batches, server: server, label: "without audiences")
        log("building one audience over \(profiles) profiles")
        let buildStart = MonotonicClock.nanoseconds()
        let bigSpenders = try await createAudience(api, key: "big-spenders", ["field": "traits.spend", "op": "gt", "value": 500])
        try await waitUntilReady([bigSpenders], api: api)
        let buildSeconds = MonotonicClock.seconds(since: buildStart)
        let buildPeak = server.peakResidentBytes() ?? 0
        log(String(format: "  %.0f profiles/s; server peak resident memory %.0f MiB", Double(profiles) / buildSeconds, Double(buildPeak) / 1_048_576))

        log("defining nine more audiences (ten in all: traits and event counts)")
        var ids = [bigSpenders]
        let nineStart = MonotonicClock.nanoseconds()
        for (key, condition) in Self.moreAudiences { ids.append(try await createAudience(api, key: key, condition)) }
        try await waitUntilReady(ids, api: api)
        let nineSeconds = MonotonicClock.seconds(since: nineStart)
        log(String(format: "  built together in %.1f s: %.0f profiles/s; server peak resident memory %.0f MiB", nineSeconds, Double(profiles) / nineSeconds,
            Double(server.peakResidentBytes() ?? 0) / 1_048_576))
        let with = try await ingest(batches, server: server, label: "with ten audiences")
        // Without them again, on the database as large as it now is: the comparison is with the
        // mean of the runs before and after, so the tables' growth counts on both sides.
        for id in ids { _ = try await api.call("DELETE", "/v1/audiences/\(id)") }
        let after = try await ingest(batches, server: server, label: "without audiences, again")
        let without = (before.perSecond + after.perSecond) / 2
        log(String(format: "ingest with audiences / without: %.0f%%", with.perSecond / without * 100))

        guard !noSync else { return }
        log("diff sync: an audience of every profile, then 1% churn")
        let everyone = try await createAudience(api, key: "members", ["field": "traits.member", "op": "eq", "value": true])
        try await waitUntilReady([everyone], api: api)
        let destination = try await api.call("POST", "/v1/destinations", ["name": "cohorts", "url": receiver.webhookURL])
        let sync = try await api.call(
            "POST", "/v1/syncs", ["audienceId": everyone, "destinationId": destination["id"] as? String ?? "", "mode": "diff", "batchSize": 1000])
        let syncId = sync["id"] as? String ?? ""
        let first = try await runSync(api, syncId)
        log("  first run: \(first)")
        let churn = max(profiles / 200, 1)
        _ = await batches(churn) { Self.identify($0, member: false) }  // half the churn leaves
        _ = await batches(churn) { Self.identify(profiles + $0, member: true) }  // the other half joins
        let second = try await runSync(api, syncId)
        log("  after 1% churn: \(second)")
    }

    private func ingest(
        _ batches: (Int, @escaping @Sendable (Int) -> String) async -> LoadResult, server: ChildProcess, label: String
    ) async throws -> LoadResult {
        log("ingest \(label): \(events) track events of random profiles")
        let cpuBefore = server.cpuTimes() ?? (0, 0)
        let result = await batches(events) { [profiles, skewed] index in Self.order(index, user: Self.user(of: profiles, skewed: skewed)) }
        let cpuAfter = server.cpuTimes() ?? (0, 0)
        guard result.failed == 0 else { throw BenchError("ingest \(label): \(result.failed) batches failed") }
        let perSecond = Double(events) / result.seconds
        let perThousand = { (seconds: Double) in seconds * 1000 / Double(events) * 1000 }
        let user = perThousand(cpuAfter.user - cpuBefore.user), system = perThousand(cpuAfter.system - cpuBefore.system)
        log(String(format: "  %.0f events/s, server CPU %.1f ms per 1,000 events (user %.1f, kernel %.1f)", perSecond, user + system, user, system))
        return LoadResult(succeeded: events, failed: 0, seconds: result.seconds)
    }

    private func createAudience(_ api: SwitchboardAPI, key: String, _ condition: [String: Any]) async throws -> String {
        let audience = try await api.call("POST", "/v1/audiences", ["key": key, "name": key, "condition": condition])
        guard let id = audience["id"] as? String else { throw BenchError("no audience in \(audience)") }
        return id
    }

    private func waitUntilReady(_ ids: [String], api: SwitchboardAPI) async throws {
        for id in ids {
            while try await api.call("GET", "/v1/audiences/\(id)")["status"] as? String != "ready" {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Runs a sync and waits for it to finish; a summary of the run.
    private func runSync(_ api: SwitchboardAPI, _ syncId: String) async throws -> String {
        let start = MonotonicClock.nanoseconds()
        let run = try await api.call("POST", "/v1/syncs/\(syncId)/run")
        var last = run
        while last["status"] as? String == "running" {
            try await Task.sleep(for: .milliseconds(200))
            last = (try await api.call("GET", "/v1/syncs/\(syncId)"))["lastRun"] as? [String: Any] ?? [:]
        }
        return String(
            format: "%@, added %d, removed %d, %d requests, %.1f s", last["status"] as? String ?? "?", last["added"] as? Int ?? -1,
            last["removed"] as? Int ?? -1, last["requests"] as? Int ?? -1, MonotonicClock.seconds(since: start))
    }

    static func identify(_ index: Int, member: Bool) -> String {
        let tiers = ["gold", "silver", "bronze"]
        return #"{"type":"identify","userId":"p-\#(index)","traits":{"spend":\#(index % 1000),"tier":"\#(tiers[index % 3])","member":\#(member),"city":"c\#(index % 50)"}}"#
    }

    /// A random profile: uniform, or Pareto's 80/20 (u^7.21 < 0.2 exactly when u < 0.8).
    static func user(of profiles: Int, skewed: Bool) -> Int {
        let count = max(profiles, 1)
        guard skewed else { return Int.random(in: 0..<count) }
        return min(count - 1, Int(Double(count) * pow(Double.random(in: 0..<1), 7.21)))
    }

    /// An order of the given profile, or (one in five) a product view.
    static func order(_ index: Int, user: Int) -> String {
        let name = index % 5 == 0 ? "Product Viewed" : "Order Completed"
        return #"{"type":"track","userId":"p-\#(user)","event":"\#(name)","properties":{"total":\#(index % 200),"currency":"EUR"}}"#
    }

    static var moreAudiences: [(String, [String: Any])] {
        [
        ("gold", ["field": "traits.tier", "op": "eq", "value": "gold"]),
        ("gold-spenders", ["all": [["field": "traits.tier", "op": "eq", "value": "gold"], ["field": "traits.spend", "op": "gte", "value": 900]]]),
        ("not-bronze", ["not": ["field": "traits.tier", "op": "eq", "value": "bronze"]]),
        ("city-7", ["any": [["field": "traits.city", "op": "eq", "value": "c7"], ["field": "traits.city", "op": "eq", "value": "c8"]]]),
        ("buyers", ["count": ["event": "Order Completed", "withinDays": 30], "op": "gte", "value": 1]),
        ("frequent", ["count": ["event": "Order Completed", "withinDays": 30], "op": "gte", "value": 3]),
        ("big-orders", ["count": ["event": "Order Completed", "withinDays": 7, "where": ["field": "properties.total", "op": "gte", "value": 150]], "op": "gte", "value": 1]),
        ("browsers", ["count": ["event": "Product Viewed", "withinDays": 14], "op": "gte", "value": 2]),
        ("gold-buyers", ["all": [["field": "traits.tier", "op": "eq", "value": "gold"], ["count": ["event": "Order Completed", "withinDays": 30], "op": "gte", "value": 2]]]),
        ]
    }
}

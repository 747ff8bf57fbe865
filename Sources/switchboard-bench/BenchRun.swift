import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardWorkers

/// One run of the harness: ceilings first, then a release server on a fresh SQLite database
/// delivering to a receiver process, phase by phase. Every process it starts is stopped on
/// every way out.
struct BenchRun {
    let options: RunOptions
    let log: @Sendable (String) -> Void

    func run() async throws -> BenchFigures {
        let folder = try Self.makeTemporaryFolder()
        var children: [ChildProcess] = []
        let client = WebhookSender.makeClient()  // the sender's own settings: the ceiling delivery is held to
        defer {
            for child in children.reversed() {
                child.stop()
                StopOnSignal.untrack(child)
            }
            if !options.keepFolder { try? FileManager.default.removeItem(atPath: folder) }
        }
        do {
            let figures = try await measure(folder: folder, client: client) { child in
                children.append(child)
                StopOnSignal.track(child)
            }
            try await client.shutdown()
            return figures
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func measure(folder: String, client: HTTPClient, started: (ChildProcess) -> Void) async throws -> BenchFigures {
        let load = LoadGenerator(client: client)

        let receiverProcess = try ChildProcess(name: "receiver", executable: options.benchBinary, arguments: ["receiver", "--port", "0"], folder: folder)
        started(receiverProcess)
        let receiverPort = try await receiverProcess.awaitOutput(matching: #"receiver listening on 127\.0\.0\.1:(\d+)"#)
        let receiver = ReceiverClient(client: client, baseURL: "http://127.0.0.1:\(receiverPort)")

        log("ceiling: client -> receiver, \(options.deliveryConcurrency) in flight, \(options.ceilingSeconds) s")
        let deliveryCeiling = await load.run(concurrency: options.deliveryConcurrency, duration: .seconds(options.ceilingSeconds)) { index in
            Self.webhookLikeRequest(url: receiver.webhookURL, index: index)
        }
        try await receiver.reset()

        let adminKey = "sbk_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let server = try ChildProcess(
            name: "server", executable: options.serverBinary,
            arguments: ["serve", "--port", "0", "--database", "\(folder)/switchboard.sqlite", "--allow-private-destinations", "--log-level", "warning"],
            environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], folder: folder)
        started(server)
        let serverPort = try await server.awaitOutput(matching: #"listening on http://127\.0\.0\.1:(\d+)"#)
        let baseURL = "http://127.0.0.1:\(serverPort)"
        let api = SwitchboardAPI(client: client, baseURL: baseURL, adminKey: adminKey)
        let source = try await api.createSource()
        let destinationId = try await api.createDestination(url: receiver.webhookURL)
        try await api.createSubscription(destinationId: destinationId)
        let workload = Workload(baseURL: baseURL, writeKey: source.writeKey, batchSize: options.batchSize)
        let phases = DrainPhases(load: load, api: api, receiver: receiver, workload: workload, destinationId: destinationId, options: options, log: log,
            serverCPU: { server.cpuSeconds() })

        log("ceiling: no-op route, \(options.concurrency) connections, \(options.ceilingSeconds) s")
        let noOp = await load.run(concurrency: options.concurrency, duration: .seconds(options.ceilingSeconds)) { _ in workload.noOpRequest() }

        log("ingest: /v1/track, \(options.concurrency) connections, \(options.trackSeconds) s")
        let trackBody = ByteBuffer(string: Workload.event(0))
        let track = await load.run(concurrency: options.concurrency, duration: .seconds(options.trackSeconds)) { _ in workload.trackRequest(trackBody) }
        try phases.check(track, "ingest through /v1/track")
        _ = try await phases.release(expecting: track.succeeded)

        let small = try await phases.drain(backlog: options.smallBacklog)
        let large = try await phases.drain(backlog: options.largeBacklog)

        log("latency: \(options.latencyRate) events/s through /v1/track for \(options.latencySeconds) s")
        try await receiver.reset()
        try await api.setEnabled(destinationId: destinationId, true)
        let latency = try await LatencyProbe(load: load, workload: workload, receiver: receiver)
            .run(eventsPerSecond: options.latencyRate, seconds: options.latencySeconds)

        let peak = server.peakResidentBytes()
        // Last: its events queue behind a paused destination and change no other phase's figures.
        try await api.setEnabled(destinationId: destinationId, false)
        let wrk = try await wrkPhases(folder: folder, baseURL: baseURL, writeKey: source.writeKey, server: server, started: started)

        return BenchFigures(
            mode: options.mode, machine: MachineDescription.current(), concurrency: options.concurrency, batchSize: options.batchSize,
            deliveryCeilingPerSecond: deliveryCeiling.perSecond, noOpRequestsPerSecond: noOp.perSecond,
            batchEventsPerSecond: large.ingest.perSecond * Double(options.batchSize),
            batchCPUMillisecondsPerThousand: large.ingestCPUMillisecondsPerThousand, trackEventsPerSecond: track.perSecond,
            smallDrain: small.drain, largeDrain: large.drain, latency: latency, serverPeakResidentBytes: peak, wrk: wrk)
    }

    /// `/v1/track` and a Hummingbird no-op POST, both driven by wrk at the same connections; nil
    /// when wrk is not installed.
    private func wrkPhases(
        folder: String, baseURL: String, writeKey: String, server: ChildProcess, started: (ChildProcess) -> Void
    ) async throws -> WrkFigures? {
        guard let wrk = Wrk.find(folder: folder) else {
            log("wrk is not installed: the phases it drives are skipped (apt-get install wrk)")
            return nil
        }
        let connections = options.wrkConnections
        let noOpServer = try ChildProcess(name: "noop", executable: options.benchBinary, arguments: ["noop", "--port", "0"], folder: folder)
        started(noOpServer)
        let noOpPort = try await noOpServer.awaitOutput(matching: #"noop listening on 127\.0\.0\.1:(\d+)"#)
        log("ceiling: wrk -> Hummingbird no-op POST, \(connections) connections, \(options.ceilingSeconds) s")
        let noOp = try await wrk.run(
            name: "noop", url: "http://127.0.0.1:\(noOpPort)/noop", connections: connections, seconds: options.ceilingSeconds,
            script: Wrk.postScript(body: Workload.event(0)))
        noOpServer.stop()
        log("ingest: wrk -> /v1/track, \(connections) connections, \(options.trackSeconds) s")
        let cpuBefore = server.cpuSeconds()
        let track = try await wrk.run(
            name: "track", url: baseURL, connections: connections, seconds: options.trackSeconds, script: Wrk.trackScript(writeKey: writeKey))
        let cpuAfter = server.cpuSeconds()
        let cpuPerRequest = cpuBefore.flatMap { before in cpuAfter.map { ($0 - before) * 1000 / Double(max(track.requests, 1)) } }
        guard noOp.failed == 0, track.failed == 0 else {
            throw BenchError("wrk phases: \(noOp.failed) no-op and \(track.failed) track requests failed")
        }
        return WrkFigures(
            connections: connections, noOpPostPerSecond: noOp.perSecond, trackPerSecond: track.perSecond,
            trackCPUMillisecondsPerRequest: cpuPerRequest)
    }

    /// A request like a delivery: an event body, Standard Webhooks headers, the receiver's path.
    static func webhookLikeRequest(url: String, index: Int) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "webhook-id", value: "dlv_ceiling_\(index)")
        request.headers.add(name: "webhook-timestamp", value: "1795000000")
        request.headers.add(name: "webhook-signature", value: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=")
        request.body = .bytes(ByteBuffer(string: Workload.event(index)))
        return request
    }

    static func makeTemporaryFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/switchboard-bench-XXXXXX").utf8CString)
        guard let path = mkdtemp(&template) else { throw BenchError("cannot make a temporary folder") }
        return String(cString: path)
    }
}

extension MachineDescription {
    static func current() -> MachineDescription {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let system = ["Linux \(release)", model].compactMap { $0 }.joined(separator: ", ")
        return MachineDescription(
            cores: ProcessInfo.processInfo.activeProcessorCount, system: system,
            date: ISO8601DateFormatter().string(from: Date()))
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import NIOHTTP1
import SwitchboardCore
import Synchronization
import Testing

/// SIGTERM while the queue drains: the process stops taking requests, lets what it is sending
/// finish (or, past `--shutdown-timeout-seconds`, hands it back), closes its pool and exits 0;
/// started again on the same database, it delivers everything, nothing lost.
@Suite struct GracefulShutdownProcessTests {
    static let events = 120

    @Test(.timeLimit(.minutes(3)), arguments: [
        // Sends of 0.2 s finish inside the 20 s allowed.
        (replyDelay: Duration.milliseconds(200), shutdownTimeout: 20),
        // Sends of 10 s are cut off after 1 s: their deliveries are handed back, not failed.
        (replyDelay: Duration.seconds(10), shutdownTimeout: 1),
    ])
    func sigtermDuringADrainLosesNothingAndExitsZero(replyDelay: Duration, shutdownTimeout: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = TestDatabase.serverDatabase ?? directory.database
        let receiver = SlowReceiver(delay: replyDelay)
        let router = Router()
        router.post("/hook") { request, _ in try await receiver.handle(request) }
        let receiverApp = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiverApp.test(.live) { client in
            let hook = "http://127.0.0.1:\(client.port ?? 0)/hook"
            func start() async throws -> ServerProcess {
                try await ServerProcess(
                    database: database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey],
                    arguments: ["--port", "0", "--allow-private-destinations", "--shutdown-timeout-seconds", "\(shutdownTimeout)"])
            }
            let first = try await start()
            defer { first.kill() }
            let writeKey = try #require(try await first.create("/v1/sources", ["name": "web", "type": "segment"])["writeKey"]?.stringValue)
            let destination = try await first.create(
                "/v1/destinations", ["name": "hook", "url": .string(hook), "timeoutMs": 60_000, "maxConcurrency": 8])
            let destinationId = try #require(destination["id"]?.stringValue)
            _ = try await first.create("/v1/subscriptions", ["name": "all", "destinationId": .string(destinationId), "eventNames": ["*"]])
            let batch: [JSONValue] = (0..<Self.events).map { ["type": "track", "userId": .string("u\($0 % 7)"), "event": "Tick", "messageId": .string("m\($0)")] }
            #expect(try await first.call(.POST, "/v1/batch", writeKey: writeKey, json: ["batch": .array(batch)]).status == 200)

            // Mid-drain: some sends in flight, most still queued.
            try await eventually(timeout: .seconds(30)) { receiver.started >= 8 ? true : nil }
            let signalled = ContinuousClock.now
            first.process.signal(SIGTERM)
            try await eventually(timeout: .seconds(Int64(shutdownTimeout) + 15)) { first.isRunning ? nil : true }
            #expect(await first.process.exit() == .exit(0))
            #expect(ContinuousClock.now - signalled < .seconds(Int64(shutdownTimeout) + 15))
            #expect(receiver.delivered.count < Self.events, "the drain was over before SIGTERM: nothing was shown")

            // The next start sends the rest, and what was handed back, at once.
            receiver.delay.withLock { $0 = .zero }
            let second = try await start()
            defer { second.kill() }
            let delivered = try await eventually(timeout: .seconds(60)) { receiver.delivered.count >= Self.events ? receiver.delivered : nil }
            #expect(delivered == Set((0..<Self.events).map { "m\($0)" }))
            let failed = try await second.call(.GET, "/v1/deliveries?status=failed")
            #expect(failed.json["data"]?.arrayValue?.isEmpty == true, "\(failed.json)")
        }
    }
}

/// Answers each webhook after a delay; remembers which events it answered 200 to.
private final class SlowReceiver: Sendable {
    let delay: Mutex<Duration>
    private let state = Mutex<(started: Int, delivered: Set<String>)>((0, []))

    init(delay: Duration) {
        self.delay = Mutex(delay)
    }

    var started: Int { state.withLock { $0.started } }
    var delivered: Set<String> { state.withLock { $0.delivered } }

    func handle(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        state.withLock { $0.started += 1 }
        try await Task.sleep(for: delay.withLock { $0 })
        let messageId = (try? JSONCoding.parse(Array(body.readableBytesView), maximumDepth: .max))?["messageId"]?.stringValue ?? ""
        state.withLock { _ = $0.delivered.insert(messageId) }
        return Response(status: .ok)
    }
}

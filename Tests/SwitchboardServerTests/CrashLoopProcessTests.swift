import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Synchronization
import Testing

/// One poisoned delivery must not take a node down forever: the real binary, whose process is
/// killed every time it sends that delivery, sets it aside as `crashed` and the queue flows on.
@Suite struct CrashLoopProcessTests {
    /// Receives webhooks; a body that says "poison" kills the server sending it before any answer.
    final class KillingReceiver: Sendable {
        let server = Mutex<ServerProcess?>(nil)
        let kills = Atomic<Int>(0)
        let delivered = Mutex<[String]>([])

        func handle(_ request: Request) async throws -> Response {
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            if body.contains("poison") {
                // A node started again can send before the test has it in hand: kill that one, not the dead one.
                for _ in 0..<200 where server.withLock({ $0?.isRunning }) != true { try await Task.sleep(for: .milliseconds(25)) }
                server.withLock { $0 }?.kill()
                kills.add(1, ordering: .relaxed)
                return Response(status: .internalServerError)
            }
            delivered.withLock { $0.append(body) }
            return Response(status: .ok)
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aDeliveryWhoseSendKillsTheProcessIsSetAsideAndTheQueueFlows() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let receiver = KillingReceiver()
        let router = Router()
        router.post("/hook") { request, _ in try await receiver.handle(request) }
        let receiverApp = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiverApp.test(.live) { client in
            let hook = "http://127.0.0.1:\(client.port ?? 0)/hook"
            // Leases of 1 s, so the 3 s timeout plus slack: a dead node's work comes back within seconds. The
            // timeout is long enough that the receiver kills the node before it could record a timeout.
            func start() async throws -> ServerProcess {
                let server = try await ServerProcess(
                    database: directory.database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey],
                    arguments: ["--port", "0", "--allow-private-destinations", "--lease-seconds", "1"])
                receiver.server.withLock { $0 = server }
                return server
            }
            var server = try await start()
            defer { receiver.server.withLock { $0 }?.kill() }

            let writeKey = try #require(try await server.create("/v1/sources", ["name": "web", "type": "segment"])["writeKey"]?.stringValue)
            let destination = try await server.create(
                "/v1/destinations", ["name": "hook", "url": .string(hook), "ordering": "per-user", "timeoutMs": 3000])
            let destinationId = try #require(destination["id"]?.stringValue)
            _ = try await server.create("/v1/subscriptions", ["name": "all", "destinationId": .string(destinationId), "eventNames": ["*"]])
            // One request for both: the first send kills the node at once, before a second request could land.
            let batch: [JSONValue] = ["poison", "fine"].map { ["type": "track", "userId": "u1", "event": "Order", "properties": ["kind": .string($0)]] }
            do {
                #expect(try await server.call(.POST, "/v1/batch", writeKey: writeKey, json: ["batch": .array(batch)]).status == 200)
            } catch let error as HTTPClientError where error == .remoteConnectionClosed {
                // The first send can kill the node before its answer is out: the batch was stored
                // (a send needs a stored delivery), and the loop below sees it through.
            }

            // Each time the node dies it is started again, as a supervisor would, until the queue has moved on.
            let deadline = Date().addingTimeInterval(120)
            while receiver.delivered.withLock({ $0.isEmpty }), Date() < deadline {
                if !server.isRunning { server = try await start() }
                try await Task.sleep(for: .milliseconds(100))
            }
            if !server.isRunning { server = try await start() }
            #expect(receiver.delivered.withLock { $0.count } == 1)
            #expect(receiver.delivered.withLock { $0.first?.contains("fine") } == true)
            #expect(receiver.kills.load(ordering: .relaxed) == 3)

            // The activity log shows it failed with `crashed`, and it can be retried by hand.
            let failed = try await server.call(.GET, "/v1/deliveries?destinationId=\(destinationId)&status=failed").json["data"]?.arrayValue ?? []
            #expect(failed.count == 1)
            let crashed = try #require(failed.first)
            #expect(crashed["attempts"]?.arrayValue?.last?["error"] == "crashed")
            let id = try #require(crashed["id"]?.stringValue)
            do {
                let retried = try await server.call(.POST, "/v1/deliveries/\(id)/retry")
                #expect(retried.json["status"] == "pending", "\(retried.json)")
            } catch let error as HTTPClientError where error == .remoteConnectionClosed {
                // Retried and sent at once, and that send killed the node before its answer was out.
                _ = try await eventually { receiver.kills.load(ordering: .relaxed) == 4 ? true : nil }
            }
        }
    }
}

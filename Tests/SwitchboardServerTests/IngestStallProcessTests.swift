import Foundation
import NIOCore
import NIOHTTP1
import SwitchboardCore
import Synchronization
import Testing

/// Conditions used to be evaluated inside the one write transaction every ingest request waits
/// for: one workspace's event against worst-case glob leaves held another workspace's `/v1/track`
/// for seconds. Each request now routes its own events before it joins a commit, and glob is
/// linear: the real binary keeps answering the other workspace at once.
@Suite struct IngestStallProcessTests {
    /// 100 leaves (the limit), each a 1,024-byte pattern that costs backtracking glob a full pass
    /// over the pattern at every text position: about n·m steps per leaf.
    static let stallingCondition: JSONValue = [
        "any": .array(
            (0..<100).map { _ in
                ["field": "properties.text", "op": "glob", "value": .string("*" + String(repeating: "a", count: 1_021) + "b*")]
            })
    ]

    @Test(.timeLimit(.minutes(3)))
    func oneWorkspacesConditionsDoNotStallAnothersTrack() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // SQLite by default; PostgreSQL (a schema of its own) with SWITCHBOARD_TEST_SERVER_BACKEND=postgres.
        let server = try await ServerProcess(
            database: TestDatabase.serverDatabase ?? directory.database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], arguments: ["--port", "0", "--allow-private-destinations"])
        defer { server.kill() }

        // Workspace A (the admin's): a source and a subscription whose condition is at every limit.
        let writeKeyA = try #require(try await server.create("/v1/sources", ["name": "a", "type": "segment"])["writeKey"]?.stringValue)
        let destination = try await server.create("/v1/destinations", ["name": "hook", "url": "http://127.0.0.1:9/in"])
        _ = try await server.create(
            "/v1/subscriptions", ["name": "costly", "destinationId": destination["id"] ?? .null, "eventNames": ["*"], "condition": Self.stallingCondition])
        // Workspace B: its own admin key and source.
        let workspaceB = try #require(try await server.create("/v1/workspaces", ["name": "B"])["id"]?.stringValue)
        let keyB = try #require(
            try await server.create("/v1/keys", ["name": "b", "role": "admin", "workspaceId": .string(workspaceB)])["key"]?.stringValue)
        let writeKeyB = try #require(try await server.create("/v1/sources", ["name": "b", "type": "segment"], key: keyB)["writeKey"]?.stringValue)

        // A sends two events at once whose text every leaf must scan: on the old code each held
        // the write transaction for many seconds.
        let aDone = Flag()
        let stall = Task {
            defer { aDone.set() }
            return try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<2 {
                    group.addTask {
                        let properties: JSONValue = ["text": .string(String(repeating: "a", count: 5_000)), "n": .int(Int64(index))]
                        return try await server.call(
                            .POST, "/v1/track", writeKey: writeKeyA, json: ["userId": "a", "event": "Costly", "properties": properties],
                            timeout: .seconds(150)
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }

        // Meanwhile B tracks one event at a time, until A's are stored (and at least five).
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        while latencies.count < 5 || (!aDone.isSet && latencies.count < 200) {
            let started = clock.now
            let response = try await server.call(.POST, "/v1/track", writeKey: writeKeyB, json: ["userId": "b", "event": "Ping"], timeout: .seconds(5))
            latencies.append(clock.now - started)
            #expect(response.status == 200)
        }
        let slowest = try #require(latencies.max())
        // The old code held B for tens of seconds; 5 s leaves room for a test process other suites load.
        #expect(slowest < .seconds(5), "B's slowest /v1/track took \(slowest)")

        // A's events were stored too (they match nothing: every text lacks the final b).
        #expect(try await stall.value == [200, 200])
        #expect(try await server.call(.GET, "/v1/events?name=Costly").json["data"]?.arrayValue?.count == 2)
        #expect(try await server.call(.GET, "/v1/events?name=Ping&limit=250", key: keyB).json["data"]?.arrayValue?.count == latencies.count)
        #expect(try await server.call(.GET, "/v1/deliveries").json["data"]?.arrayValue?.isEmpty == true)
    }
}

/// Set once, read from other tasks.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import Testing

/// Destination controls, measured by what a live receiver saw.
@Suite struct DestinationControlsTests {
    static func withServer(disableAfter: TimeInterval = 5 * 86_400, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withSwitchboard({ settings in
            settings.dispatcher.pollInterval = .milliseconds(20)
            settings.dispatcher.disableAfter = disableAfter
        }, test)
    }

    static func send(_ client: any TestClientProtocol, writeKey: String, _ messages: [JSONValue]) async throws {
        for start in stride(from: 0, to: messages.count, by: 100) {
            let batch = JSONValue.array(Array(messages[start..<min(start + 100, messages.count)]))
            #expect(try await client.call(.post, "/v1/batch", key: nil, json: ["batch": batch], headers: basicAuth(writeKey)).status == .ok)
        }
    }

    static func tracks(_ count: Int, user: (Int) -> String = { _ in "u1" }) -> [JSONValue] {
        (0..<count).map { ["type": "track", "event": "Tick", "userId": .string(user($0)), "messageId": .string("m\($0)"), "properties": ["n": .int(Int64($0))]] }
    }

    @Test(.timeLimit(.minutes(3)))
    func rateLimitHoldsInEveryOneSecondWindow() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withServer { client in
                let writeKey = try await client.makeWriteKey()
                try await DeliveryTests.route(client, to: url, destination: ["rateLimit": ["perSecond": 20]])
                try await Self.send(client, writeKey: writeKey, Self.tracks(50))
                try await receiver.waitFor(50, timeout: .seconds(20))
                // When each request started, as the server records it: what the limit spaces (a
                // receiver's clock adds the network's and a loaded test machine's jitter).
                let deliveries = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?limit=250").json["data"]?.arrayValue ?? []
                    return list.count == 50 && list.allSatisfy({ $0["status"] == "succeeded" }) ? list : nil
                }
                let times = deliveries.compactMap { $0["attempts"]?.arrayValue?.first?["at"]?.stringValue.flatMap(Timestamp.parse) }
                    .map(\.timeIntervalSinceReferenceDate).sorted()
                #expect(times.count == 50)
                let busiest = times.map { start in times.filter { $0 >= start && $0 < start + 1 }.count }.max() ?? 0
                #expect(busiest <= 20, "\(busiest) requests in one second")
                #expect(busiest >= 15, "the limit is a rate, not a stall: \(busiest)")
                #expect(times.last! - times.first! >= 2.2)
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func concurrencyCapHolds() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withServer { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([], then: .init(delay: .milliseconds(50)))
                try await DeliveryTests.route(client, to: url, destination: ["maxConcurrency": 2])
                try await Self.send(client, writeKey: writeKey, Self.tracks(20) { "u\($0)" })
                try await receiver.waitFor(20)
                #expect(receiver.maxInFlight == 2)
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func perUserOrderHoldsUnderRandomDelaysAndRetries() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withServer { client in
                let writeKey = try await client.makeWriteKey()
                receiver.jitter(upTo: .milliseconds(30))
                receiver.script((0..<6).map { $0 % 2 == 0 ? .init(status: .internalServerError) : .init() })
                try await DeliveryTests.route(client, to: url, destination: ["ordering": "per-user", "retrySchedule": [0, 0, 0, 0, 0]])
                // Two users interleave: a0 b1 a2 b3 ...
                try await Self.send(client, writeKey: writeKey, Self.tracks(40) { $0 % 2 == 0 ? "alice" : "bob" })
                let done = try await eventually(timeout: .seconds(20)) {
                    let list = try await client.call(.get, "/v1/deliveries?status=succeeded&limit=100").json["data"]?.arrayValue ?? []
                    return list.count == 40 ? list : nil
                }
                #expect(done.count == 40)
                for user in ["alice", "bob"] {
                    let seen = receiver.requests.compactMap { $0.json }.filter { $0["userId"] == .string(user) }
                    var firstSeen: [Int64] = []
                    for request in seen {
                        if case .int(let n)? = request["properties"]?["n"], !firstSeen.contains(n) { firstSeen.append(n) }
                    }
                    #expect(firstSeen == firstSeen.sorted(), "\(user): \(firstSeen)")
                    #expect(firstSeen.count == 20)
                }
                #expect(receiver.maxInFlight == 2, "the two users proceed in parallel")
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func batchesAreArraysUpToMaxSizeSignedWhole() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withServer { client in
                let writeKey = try await client.makeWriteKey()
                let (destination, _) = try await DeliveryTests.route(client, to: url, destination: ["batching": ["maxSize": 5, "maxWaitMs": 300]])
                try await Self.send(client, writeKey: writeKey, Self.tracks(12))
                let received = try await receiver.waitFor(3)
                #expect(received.map { $0.json?.arrayValue?.count ?? 0 }.sorted() == [2, 5, 5])
                #expect(received.allSatisfy { (try? DeliveryTests.verify($0, secrets: [destination["secret"]?.stringValue ?? ""])) == true })
                let ids = received.flatMap { $0.json?.arrayValue ?? [] }.compactMap { $0["messageId"]?.stringValue }
                #expect(Set(ids).count == 12)
                let succeeded = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?status=succeeded").json["data"]?.arrayValue ?? []
                    return list.count == 12 ? list : nil
                }
                #expect(succeeded.allSatisfy { $0["attemptCount"] == 1 })
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func failingDestinationsAreDisabledAndResumeWithNothingLost() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withServer(disableAfter: 0.3) { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([], then: .init(status: .internalServerError))
                let (destination, _) = try await DeliveryTests.route(
                    client, to: url + "/hook", destination: ["retrySchedule": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]])
                let id = try #require(destination["id"]?.stringValue)
                // Alerts about disabled destinations go elsewhere.
                try await DeliveryTests.route(client, to: url + "/alerts", subscription: ["eventNames": ["Destination Disabled"]])
                try await Self.send(client, writeKey: writeKey, Self.tracks(5) { "u\($0)" })
                let disabled = try await eventually {
                    let current = try await client.call(.get, "/v1/destinations/\(id)").json
                    return current["enabled"] == false ? current : nil
                }
                #expect(disabled["disabledReason"]?.stringValue?.contains("failed") == true)
                let alert = try await eventually { receiver.requests.first { $0.uri == "/alerts" } }
                #expect(alert.json?["event"] == "Destination Disabled")
                #expect(alert.json?["properties"]?["destinationId"] == .string(id))
                let pending = try await client.call(.get, "/v1/deliveries?status=pending&destinationId=\(id)").json["data"]?.arrayValue ?? []
                #expect(pending.count >= 5)

                receiver.script([], then: .init())
                #expect(try await client.call(.patch, "/v1/destinations/\(id)", json: ["enabled": true]).json["disabledReason"] == .null)
                let delivered = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?status=succeeded&destinationId=\(id)").json["data"]?.arrayValue ?? []
                    return list.count >= 5 ? list : nil
                }
                let eventIds = Set(delivered.compactMap { $0["eventId"]?.stringValue })
                #expect(eventIds.count >= 5)
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func activeFromHoldsDeliveriesUntilThen() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withServer { client in
                let writeKey = try await client.makeWriteKey()
                let start = Date().addingTimeInterval(1.5)
                try await DeliveryTests.route(client, to: url, destination: ["activeFrom": .string(Timestamp.format(start))])
                try await Self.send(client, writeKey: writeKey, Self.tracks(3))
                let received = try await receiver.waitFor(3)
                #expect(received.allSatisfy { $0.at >= start.addingTimeInterval(-0.01) })
            }
        }
    }

    @Test func openLoyaltyLegacyBodies() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withServer { client in
                let writeKey = try await client.makeWriteKey()
                try await DeliveryTests.route(client, to: url, subscription: ["format": "openloyalty-legacy"])
                try await Self.send(client, writeKey: writeKey, [["type": "track", "event": "CustomerRegistered", "userId": "c1", "properties": ["customerId": "c1", "email": "a@b.c"]]])
                let request = try #require(try await receiver.waitFor(1).first)
                #expect(request.json == ["type": "customer.registered", "data": ["customerId": "c1", "email": "a@b.c"]])
            }
        }
    }
}

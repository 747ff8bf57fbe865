import Foundation
import NIOHTTP1
import SwitchboardCore
import Testing

/// A number in an event used to trap the real binary while rendering (and again after every
/// restart); now it renders, the delivery goes out, and the process lives on.
@Suite struct HostileNumberProcessTests {
    @Test(.timeLimit(.minutes(2)))
    func hugeNumbersInDateFiltersNeitherCrashTheServerNorStopDelivery() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await Receiver.with { receiver, url in
            let server = try await ServerProcess(
                database: directory.database, environment: ["SWITCHBOARD_ADMIN_KEY": adminKey], arguments: ["--port", "0", "--allow-private-destinations"])
            defer { server.kill() }
            let writeKey = try #require(try await server.create("/v1/sources", ["name": "web", "type": "segment"])["writeKey"]?.stringValue)
            let destinationId = try #require(try await server.create("/v1/destinations", ["name": "hook", "url": .string(url)])["id"]?.stringValue)
            let subscription = try await server.create(
                "/v1/subscriptions",
                [
                    "name": "dates", "destinationId": .string(destinationId), "eventNames": ["*"],
                    "mapping": ["body": ["s": #"{{ properties.t | date: "%s" }}"#, "y": #"{{ properties.t | date: "%Y-%m-%d %H:%M" }}"#]],
                ])
            let subscriptionId = try #require(subscription["id"]?.stringValue)

            let hostile: [JSONValue] = [.int(Int64.max), .int(Int64.min), .double(1e19), .double(-1e300), .double(1.7976931348623157e308)]
            for value in hostile {
                let preview = try await server.call(
                    .POST, "/v1/subscriptions/\(subscriptionId)/preview", json: ["event": ["type": "track", "event": "Tick", "userId": "u", "properties": ["t": value]]])
                #expect(preview.status == 200 || preview.status == 422, "preview of \(value): \(preview.json)")
                let sent = try await server.call(.POST, "/v1/track", writeKey: writeKey, json: ["userId": "u", "event": "Tick", "properties": ["t": value]])
                #expect(sent.status == 200)
            }
            // Every event was rendered and delivered, and the process never stopped.
            try await receiver.waitFor(hostile.count, timeout: .seconds(30))
            #expect(server.isRunning)
            #expect(try await server.call(.GET, "/healthz").status == 200)
        }
    }
}

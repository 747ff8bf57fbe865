import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import Testing

/// Every log line of a server, as `--log-format json` writes them.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func record(_ line: String) { lines.withLock { $0.append(line) } }

    /// A logger whose every line (down to trace) lands here, formatted by `JSONLogHandler`.
    var logger: Logger {
        Logger(label: "switchboard") { label in
            var handler = JSONLogHandler(label: label) { line in self.lines.withLock { $0.append(line) } }
            handler.logLevel = .trace
            return handler
        }
    }

    /// Each line parsed; fails the test on a line that is not a JSON object with the fields.
    func parsed() throws -> [JSONValue] {
        try all.map { line in
            let json = try JSONCoding.parse(Array(line.utf8))
            #expect(json["time"]?.stringValue != nil && json["level"]?.stringValue != nil && json["message"]?.stringValue != nil, "\(line)")
            #expect(json["metadata"]?.objectValue != nil, "\(line)")
            return json
        }
    }
}

private let requestIdHeader = HTTPField.Name("X-Request-Id")!
private let tokenHeader = HTTPField.Name("X-Token")!

@Suite struct LogsTests {
    @Test func requestIdsAreTakenOrMadeEchoedAndOnEveryLineOfTheRequest() async throws {
        let logs = CapturedLogs()
        try await withSwitchboard(logger: logs.logger) { client in
            let given = try await client.call(.get, "/v1/sources", headers: [requestIdHeader: "req-abc.123:x_y"])
            #expect(given.headers[requestIdHeader] == "req-abc.123:x_y")
            let made = try await client.call(.get, "/v1/nothing-here", headers: [requestIdHeader: "bad id\twith spaces"])
            let madeId = try #require(made.headers[requestIdHeader])
            #expect(madeId != "bad id\twith spaces")
            #expect(madeId.count == 32 && madeId.allSatisfy(\.isHexDigit))
            let tooLong = try await client.call(.get, "/healthz", key: nil, headers: [requestIdHeader: String(repeating: "a", count: 129)])
            #expect(tooLong.headers[requestIdHeader]?.count == 32)

            let lines = try logs.parsed()
            let ofGiven = lines.filter { $0["metadata"]?["hb.request.id"] == "req-abc.123:x_y" }
            #expect(ofGiven.contains { $0["message"] == "request answered" && $0["metadata"]?["http.route"] == "/v1/sources" })
            let ofMade = lines.filter { $0["metadata"]?["hb.request.id"]?.stringValue == madeId }
            #expect(ofMade.contains { $0["message"] == "request answered" && $0["metadata"]?["http.status"] == "404" })
            // The unknown path is not a label or a log value: only "unmatched".
            #expect(ofMade.allSatisfy { $0["metadata"]?["http.route"] != "/v1/nothing-here" })
        }
    }

    @Test func aFullRunLogsNoSecretHeaderValueOrBody() async throws {
        let logs = CapturedLogs()
        let signingSecret = "whsec_" + Data("destination-signing-secret-0001".utf8).base64EncodedString()
        let headerSecret = "Bearer s3cret-header-value"
        let verificationSecret = "s3cret-source-token"
        let bodyMarker = "body-marker-never-logged"
        let keys = CapturedLogs()
        try await Receiver.with { receiver, url in
            receiver.script([Receiver.Reply(status: .badRequest, body: "rejected \(bodyMarker)")])
            try await withSwitchboard({ $0.dispatcher.pollInterval = .milliseconds(20) }, logger: logs.logger) { client in
                let key = try await client.makeKey(role: .editor)
                let write = try await client.makeWriteKey(key: key)
                let (destination, _) = try await DeliveryTests.route(
                    client, to: url, destination: ["secret": .string(signingSecret), "headers": ["Authorization": .string(headerSecret)]],
                    subscription: ["eventNames": ["Order Completed"]])
                let destinationId = try #require(destination["id"]?.stringValue)
                let source = try await client.create(
                    "/v1/sources",
                    ["name": "hooks", "type": "webhook", "verification": ["type": "token", "header": "X-Token", "secret": .string(verificationSecret)]])
                let sourceId = try #require(source["id"]?.stringValue)
                // Refused (wrong token), then accepted.
                let refused = try await client.call(
                    .post, "/ingest/\(sourceId)", key: nil, json: ["event": "Order Completed", "secret": .string(bodyMarker)], headers: [tokenHeader: "wrong"])
                #expect(refused.status == .unauthorized)
                let accepted = try await client.call(
                    .post, "/ingest/\(sourceId)", key: nil, json: ["event": "Order Completed", "secret": .string(bodyMarker)],
                    headers: [tokenHeader: verificationSecret])
                #expect(accepted.status == .ok)
                try await DeliveryTests.track(client, writeKey: write, ["userId": "u1", "event": "Order Completed", "properties": ["note": .string(bodyMarker)]])
                _ = try await receiver.waitFor(1)
                _ = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?destinationId=\(destinationId)").json["data"]?.arrayValue ?? []
                    return !list.isEmpty && list.allSatisfy { $0["status"] != "pending" } ? list : nil
                }
                // A bad key, and a request that fails validation with the secret in it.
                _ = try await client.call(.get, "/v1/sources", key: "sbk_wrong_\(verificationSecret)")
                _ = try await client.call(.post, "/v1/destinations", key: key, json: ["name": "x", "url": .string("not a url \(headerSecret)")])
                keys.record(write)
                keys.record(key)
            }
        }
        let lines = logs.all
        #expect(!lines.isEmpty)
        // Delivery lines carry the delivery, destination and attempt.
        let failed = try logs.parsed().filter { $0["message"] == "delivery failed" }
        #expect(!failed.isEmpty)
        for line in failed {
            #expect(line["metadata"]?["delivery"]?.stringValue?.hasPrefix("dlv_") == true, "\(line)")
            #expect(line["metadata"]?["destination"]?.stringValue != nil)
            #expect(line["metadata"]?["attempt"] == "1")
        }
        #expect(keys.all.count == 2)
        for secret in [signingSecret, "s3cret-header-value", verificationSecret, bodyMarker, adminKey] + keys.all {
            #expect(!secret.isEmpty)
            #expect(!lines.contains { $0.contains(secret) }, "\(secret) was logged")
        }
    }

    @Test func anUnknownLogFormatStopsTheStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (status, output) = try await ServerProcess.run(["serve", "--port", "0", "--database", directory.database, "--log-format", "yaml"])
        #expect(status != 0)
        #expect(output.contains("logFormat: yaml is not text or json"))
    }
}

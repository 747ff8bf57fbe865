import Foundation
import HTTPTypes
import NIOHTTP1
import SwitchboardCore
import Testing

/// `--tracing`: the real binary exports OTLP/HTTP (JSON here, so the test can read it) to a local
/// collector, and one trace runs from the ingest request through routing to the delivery.
@Suite struct TracingProcessTests {
    @Test func oneTraceRunsFromIngestThroughRoutingToDelivery() async throws {
        try await Receiver.with { collector, collectorURL in
            try await Receiver.with { destination, destinationURL in
                collector.script([], then: Receiver.Reply(headers: [.contentType: "application/json"], body: "{}"))
                let directory = try TemporaryDirectory()
                defer { directory.remove() }
                let server = try await ServerProcess(
                    database: directory.database,
                    environment: [
                        "SWITCHBOARD_ADMIN_KEY": adminKey, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": collectorURL + "/v1/traces",
                        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/json", "OTEL_BSP_SCHEDULE_DELAY": "100",
                    ],
                    arguments: ["--port", "0", "--allow-private-destinations", "--tracing"])
                defer { server.kill() }
                let writeKey = try #require(try await server.create("/v1/sources", ["name": "web", "type": "segment"])["writeKey"]?.stringValue)
                let destinationId = try #require(
                    try await server.create("/v1/destinations", ["name": "hook", "url": .string(destinationURL + "/secret-path?token=s3cret")])["id"]?.stringValue)
                _ = try await server.create("/v1/subscriptions", ["name": "all", "destinationId": .string(destinationId), "eventNames": ["*"]])
                #expect(try await server.call(.POST, "/v1/track", writeKey: writeKey, json: ["event": "Signed Up", "userId": "u1"]).status == 200)
                _ = try await destination.waitFor(1)

                let spans = try await eventually {
                    let spans = collector.requests.flatMap(Self.spans)
                    return spans.contains { $0["name"] == "deliver" } ? spans : nil
                }
                let ingest = try #require(spans.first { $0["name"] == "/v1/track" })
                let route = try #require(spans.first { $0["name"] == "route" })
                let deliver = try #require(spans.first { $0["name"] == "deliver" })
                #expect(collector.requests.allSatisfy { $0.uri == "/v1/traces" })
                #expect(route["traceId"] == ingest["traceId"] && route["parentSpanId"] == ingest["spanId"])
                #expect(deliver["traceId"] == ingest["traceId"] && deliver["parentSpanId"] == ingest["spanId"])
                #expect(Self.attribute("switchboard.destination.id", of: deliver) == .string(destinationId))
                // Ids only: nothing of the destination's URL reaches the collector.
                let exported = collector.requests.map { String(decoding: $0.body, as: UTF8.self) }.joined()
                #expect(!exported.contains("s3cret") && !exported.contains("secret-path"))
            }
        }
    }

    /// Every span of an OTLP/JSON export request.
    static func spans(_ request: Receiver.Received) -> [JSONValue] {
        (request.json?["resourceSpans"]?.arrayValue ?? []).flatMap { resource in
            (resource["scopeSpans"]?.arrayValue ?? []).flatMap { $0["spans"]?.arrayValue ?? [] }
        }
    }

    /// An attribute's value, whatever its OTLP type (`stringValue`, `intValue`, ...).
    static func attribute(_ key: String, of span: JSONValue) -> JSONValue? {
        let attribute = span["attributes"]?.arrayValue?.first { $0["key"] == .string(key) }
        return attribute?["value"]?.objectValue?.values.first
    }
}

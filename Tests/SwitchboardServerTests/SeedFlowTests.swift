import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardCore
import Testing

/// The seed flows that take an inbound source and an outbound destination together, set up only
/// through the public API; what each platform receives is checked at a live receiver.
@Suite struct SeedFlowTests {
    private static func ingest(_ client: any TestClientProtocol, _ sourceId: String, _ bytes: [UInt8], headers: HTTPFields = [:]) async throws -> APIResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await client.call(.post, "/ingest/\(sourceId)", key: nil, body: ByteBuffer(bytes: bytes), headers: headers)
    }

    /// Seed 003: Open Loyalty's webhooks in (both formats, signed), routed on by event type to a
    /// subscriber of that type only.
    @Test func openLoyaltyWebhooksAreRoutedOnByTheirEventName() async throws {
        try await Receiver.with { receiver, url in
            try await AudiencesTests.withAudienceSwitchboard { client in
                let verification: JSONValue = ["type": "hmac", "algorithm": "sha256", "header": "X-Signature", "encoding": "hex", "secret": "ol-key"]
                let source = try #require(
                    try await client.create("/v1/sources", ["name": "Open Loyalty", "type": "openloyalty", "verification": verification])["id"]?.stringValue)
                let destination = try #require(try await client.create("/v1/destinations", ["name": "points", "url": .string(url)])["id"]?.stringValue)
                _ = try await client.create("/v1/subscriptions", ["name": "points", "destinationId": .string(destination), "eventNames": ["AvailablePointsAmountChanged"]])

                for body in [InboundIngestTests.legacyBody, InboundIngestTests.currentBody] {
                    let bytes = JSONCoding.bytes(body)
                    let signature = Secrets.hex(HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Data("ol-key".utf8))))
                    let response = try await Self.ingest(client, source, bytes, headers: [HTTPField.Name("X-Signature")!: signature])
                    #expect(response.json == ["success": true, "accepted": 1])
                }
                let received = try await receiver.waitFor(1)[0]
                #expect(received.method == "POST")
                #expect(received.json?["type"] == "track")
                #expect(received.json?["event"] == "AvailablePointsAmountChanged")
                #expect(received.json?["userId"] == "777")
                #expect(received.json?["properties"]?["amount"] == 125)
                // The legacy `customer.registered` is stored as CustomerRegistered, and no one subscribed to it.
                #expect(try await client.events("&name=CustomerRegistered").count == 1)
                let deliveries = try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue ?? []
                #expect(deliveries.count == 1)
            }
        }
    }

    /// Seed 004: any HTTP service's webhook in (an array inside its body, made into events by a
    /// transform), out to Braze's /users/track as one merged request.
    @Test func anHTTPWebhookReachesBrazeUsersTrackMergedAndBatched() async throws {
        try await Receiver.with { receiver, url in
            try await AudiencesTests.withAudienceSwitchboard { client in
                let transform: JSONValue = [
                    "event": "{{ body.action }}", "userId": "{{ body.customer.id }}", "properties": "{{ body.details }}",
                    "timestamp": "{{ body.at }}", "messageId": "{{ body.id }}",
                ]
                let source = try #require(
                    try await client.create("/v1/sources", ["name": "Shop", "type": "webhook", "itemsPath": "items", "transform": transform])["id"]?.stringValue)
                _ = try await client.create(
                    "/v1/connectors/braze-users-track/install",
                    ["parameters": ["restEndpoint": .string(url), "apiKey": "braze-rest-key", "eventNames": ["Cart Abandoned", "Signed Up"]]])

                let items: [JSONValue] = [
                    ["id": "w-1", "action": "Signed Up", "customer": ["id": "c-1"], "details": ["plan": "pro"], "at": "2026-11-30T10:00:00Z"],
                    ["id": "w-2", "action": "Cart Abandoned", "customer": ["id": "c-2"], "details": ["total": 42.5], "at": "2026-11-30T10:01:00Z"],
                    ["id": "w-3", "action": "Page Scrolled", "customer": ["id": "c-1"], "details": [:], "at": "2026-11-30T10:02:00Z"],
                ]
                let response = try await Self.ingest(client, source, JSONCoding.bytes(["items": .array(items)]))
                #expect(response.json == ["success": true, "accepted": 3])

                let request = try await receiver.waitFor(1)[0]
                #expect(request.method == "POST")
                #expect(request.uri == "/users/track")
                #expect(request.header("Authorization") == "Bearer braze-rest-key")
                let events = try #require(request.json?["events"]?.arrayValue)
                #expect(events.count == 2)
                #expect(
                    events.first { $0["external_id"] == "c-2" }
                        == ["external_id": "c-2", "name": "Cart Abandoned", "time": "2026-11-30T10:01:00.000Z", "properties": ["total": 42.5]])
                #expect(events.first { $0["external_id"] == "c-1" }?["name"] == "Signed Up")
                // Sent again, the same webhook is stored once and sent nowhere again.
                #expect(try await Self.ingest(client, source, JSONCoding.bytes(["items": .array(items)])).json == ["success": true, "accepted": 3])
                #expect(try await client.events().count == 3)
                #expect((try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue ?? []).count == 2)
            }
        }
    }
}

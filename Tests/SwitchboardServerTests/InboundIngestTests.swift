import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardCore
import SwitchboardServer
import Testing

/// `POST /ingest/{sourceId}` through the public API: sources set up with `/v1/sources`, bodies
/// as each platform sends them, and what `/v1/events` then shows.
@Suite struct InboundIngestTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func withInbound(maxBodyBytes: Int? = nil, _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withSwitchboard({ settings in if let maxBodyBytes { settings.maxBodyBytes = maxBodyBytes } }, now: { Self.now }, test)
    }

    private func source(_ client: any TestClientProtocol, _ json: JSONValue) async throws -> String {
        try #require(try await client.create("/v1/sources", json)["id"]?.stringValue)
    }

    private func post(_ client: any TestClientProtocol, _ id: String, _ body: JSONValue, headers: HTTPFields = [:]) async throws -> APIResponse {
        try await client.call(.post, "/ingest/\(id)", key: nil, json: body, headers: headers)
    }

    private func post(_ client: any TestClientProtocol, _ id: String, bytes: [UInt8], headers: HTTPFields) async throws -> APIResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await client.call(.post, "/ingest/\(id)", key: nil, body: ByteBuffer(bytes: bytes), headers: headers)
    }

    private static func header(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    // MARK: Braze Currents (seed 001)

    static let brazeBatch: JSONValue = [
        "events": [
            [
                "event_type": "users.behaviors.CustomEvent", "id": "a1b2-1", "time": 1_799_999_990,
                "user": ["user_id": "5f0b", "external_user_id": "user-1", "device_id": "dev-1"],
                "properties": ["app_id": "app-1", "platform": "web", "name": "Invite", "properties": ["friends": 2]],
            ],
            [
                "event_type": "users.messages.email.Open", "id": "a1b2-2", "time": 1_799_999_995,
                "user": ["user_id": "5f0c", "external_user_id": "user-2"], "properties": ["campaign_name": "Welcome", "email_address": "x@y.z"],
            ],
        ]
    ]

    @Test func brazeCurrentsBatchIsNamedAndPrefixedAndARepeatIsStoredOnce() async throws {
        try await withInbound { client in
            let id = try await source(
                client,
                ["name": "Braze", "type": "braze-currents", "eventNamePrefix": "braze-", "verification": ["type": "token", "header": "X-Braze-Token", "secret": "cur-tok"]])
            let headers: HTTPFields = [.authorization: "Bearer cur-tok", Self.header("Braze-Currents-Version"): "1"]
            let first = try await post(client, id, Self.brazeBatch, headers: headers)
            #expect(first.status == .ok)
            #expect(first.json == ["success": true, "accepted": 2])
            // Braze sends the batch again (a timeout on its side): accepted, stored once.
            #expect(try await post(client, id, Self.brazeBatch, headers: headers).json["accepted"] == 2)
            let events = try await client.events()
            #expect(events.compactMap { $0["event"]?.stringValue }.sorted() == ["braze-Invite", "braze-users.messages.email.Open"])
            let invite = try #require(events.first { $0["event"] == "braze-Invite" })
            #expect(invite["event"] == "braze-Invite")
            #expect(invite["userId"] == "user-1")
            #expect(invite["anonymousId"] == "dev-1")
            #expect(invite["messageId"] == "a1b2-1")
            #expect(invite["timestamp"] == "2027-01-15T07:59:50.000Z")
            #expect(invite["properties"] == ["braze-app_id": "app-1", "braze-platform": "web", "braze-friends": 2])
            #expect(try await client.events("&name=braze-Invite").count == 1)
        }
    }

    @Test func aBrazeBatchOverOneHundredEventsIsTooLargeAndStoresNothing() async throws {
        try await withInbound { client in
            let id = try await source(client, ["name": "Braze", "type": "braze-currents"])
            let event: JSONValue = ["event_type": "users.behaviors.app.SessionStart", "time": 1_799_999_990, "user": ["external_user_id": "u"]]
            let big = try await post(client, id, ["events": .array(Array(repeating: event, count: 101))])
            #expect(big.status == .contentTooLarge)
            #expect(big.error.code == "payload_too_large")
            #expect(try await client.events().isEmpty)
            #expect(try await post(client, id, ["events": .array(Array(repeating: event, count: 100))]).json["accepted"] == 100)
        }
    }

    // MARK: Open Loyalty (seed 003)

    static let currentBody: JSONValue = [
        "type": "AvailablePointsAmountChanged", "data": ["customer": ["customerId": "c-1", "loyaltyCardNumber": "777"], "amount": 125, "amountChange": 25],
    ]
    static let legacyBody: JSONValue = [
        "type": "customer.registered", "data": ["customerId": "c-2", "data": ["loyaltyCardNumber": "888", "email": "jdoe@example.com"]],
    ]

    @Test func openLoyaltyBothFormatsBecomeEventsWithTheCurrentNames() async throws {
        try await withInbound { client in
            let id = try await source(client, ["name": "Open Loyalty", "type": "openloyalty"])
            #expect(try await post(client, id, Self.currentBody).json == ["success": true, "accepted": 1])
            #expect(try await post(client, id, Self.legacyBody).json == ["success": true, "accepted": 1])
            let points = try await client.events("&name=AvailablePointsAmountChanged")
            #expect(points.count == 1)
            #expect(points.first?["userId"] == "777")
            #expect(points.first?["properties"]?["amount"] == 125)
            let registered = try await client.events("&name=CustomerRegistered")
            #expect(registered.first?["userId"] == "888")
            #expect(registered.first?["sourceId"] == .string(id))
        }
    }

    @Test func openLoyaltyWithItsHMACIsCheckedBeforeAnythingIsStored() async throws {
        try await withInbound { client in
            let id = try await source(
                client, ["name": "Open Loyalty", "type": "openloyalty", "verification": ["type": "hmac", "header": "X-Signature", "secret": "ol-key"]])
            let bytes = JSONCoding.bytes(Self.legacyBody)
            func signature(_ key: String) -> String {
                Secrets.hex(HMAC<SHA256>.authenticationCode(for: bytes, using: SymmetricKey(data: Data(key.utf8))))
            }
            let wrong = try await post(client, id, bytes: bytes, headers: [Self.header("X-Signature"): signature("other")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.error.code == "unauthorized")
            #expect(try await post(client, id, bytes: bytes, headers: [:]).status == .unauthorized)
            #expect(try await client.events().isEmpty)
            let good = try await post(client, id, bytes: bytes, headers: [Self.header("X-Signature"): signature("ol-key")])
            #expect(good.json == ["success": true, "accepted": 1])
            #expect(try await client.events("&name=CustomerRegistered").count == 1)
        }
    }

    // MARK: Generic webhooks (seed 004)

    @Test func aGenericWebhookWithTheExampleTransform() async throws {
        try await withInbound { client in
            let transform: JSONValue = [
                "event": "{{ body.type }}", "userId": "{{ body.data.customer.loyaltyCardNumber }}", "properties": "{{ body.data }}",
                "messageId": "{{ headers.x-webhook-request-id }}",
            ]
            let created = try await client.create("/v1/sources", ["name": "Shop", "type": "webhook", "transform": transform])
            #expect(created["transform"] == transform)
            let id = try #require(created["id"]?.stringValue)
            let body: JSONValue = ["type": "Order Placed", "data": ["customer": ["loyaltyCardNumber": "555"], "total": 42]]
            let headers: HTTPFields = [Self.header("X-Webhook-Request-Id"): "req-1"]
            #expect(try await post(client, id, body, headers: headers).json == ["success": true, "accepted": 1])
            #expect(try await post(client, id, body, headers: headers).json == ["success": true, "accepted": 1])
            let events = try await client.events()
            #expect(events.count == 1)
            #expect(events.first?["event"] == "Order Placed")
            #expect(events.first?["userId"] == "555")
            #expect(events.first?["messageId"] == "req-1")
            #expect(events.first?["properties"] == ["customer": ["loyaltyCardNumber": "555"], "total": 42])
            // A transform whose output is not a Segment event: refused, nothing stored.
            let refused = try await post(client, id, ["data": [:]])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.error.field == "event")
            #expect(try await client.events().count == 1)
        }
    }

    @Test func webhookSettingsAreShownPatchableAndValidated() async throws {
        try await withInbound { client in
            let id = try await source(client, ["name": "Hook", "type": "webhook", "itemsPath": "items", "eventName": "Item Received"])
            let bad = try await client.call(.patch, "/v1/sources/\(id)", json: ["transform": ["properties": "{{ body.data | nope }}"]])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.error.field == "transform.properties")
            let onOtherType = try await client.call(.post, "/v1/sources", json: ["name": "OL", "type": "openloyalty", "userIdField": "phone"])
            #expect(onOtherType.error.field == "userIdField")
            let patched = try await client.call(.patch, "/v1/sources/\(id)", json: ["userIdField": "customer.id"])
            #expect(patched.json["itemsPath"] == "items")
            #expect(patched.json["eventName"] == "Item Received")
            #expect(patched.json["userIdField"] == "customer.id")
            let accepted = try await post(client, id, ["items": [["customer": ["id": "c9"]], ["n": 2]]])
            #expect(accepted.json["accepted"] == 2)
            #expect(try await client.events("&userId=c9").first?["event"] == "Item Received")
            #expect(try await client.call(.patch, "/v1/sources/\(id)", json: ["itemsPath": .null]).json["itemsPath"] == .null)
        }
    }

    // MARK: Verification through the API

    @Test func standardWebhooksRefusesWrongOldAndReplayedRequests() async throws {
        try await withInbound { client in
            let secret = "whsec_" + Data(repeating: 3, count: 24).base64EncodedString()
            let id = try await source(client, ["name": "Hook", "type": "webhook", "verification": ["type": "standard-webhooks", "secret": .string(secret)]])
            let bytes = JSONCoding.bytes(["type": "ping"])
            func signed(_ messageId: String, at time: Date = Self.now, secret: String = secret) -> HTTPFields {
                var fields = HTTPFields()
                for (name, value) in WebhookSigner.headers(scheme: .standardWebhooks, secrets: [secret], messageId: messageId, timestamp: time, body: bytes) {
                    fields[Self.header(name)] = value
                }
                return fields
            }
            let other = "whsec_" + Data(repeating: 4, count: 24).base64EncodedString()
            for (headers, what) in [
                (signed("msg_1", secret: other), "wrong secret"), (HTTPFields(), "no headers"),
                (signed("msg_1", at: Self.now.addingTimeInterval(-301)), "old timestamp"),
            ] {
                let refused = try await post(client, id, bytes: bytes, headers: headers)
                #expect(refused.status == .unauthorized, "\(what)")
                #expect(refused.error.code == "unauthorized", "\(what)")
            }
            #expect(try await client.events().isEmpty)
            #expect(try await post(client, id, bytes: bytes, headers: signed("msg_1")).json == ["success": true, "accepted": 1])
            let replayed = try await post(client, id, bytes: bytes, headers: signed("msg_1"))
            #expect(replayed.status == .unauthorized)
            #expect(replayed.json["error"]?["message"]?.stringValue?.contains("already received") == true)
            #expect(try await post(client, id, bytes: bytes, headers: signed("msg_2")).status == .ok)
            let events = try await client.events()
            #expect(events.compactMap { $0["messageId"]?.stringValue }.sorted() == ["msg_1", "msg_2"])
        }
    }

    @Test func tokenAndBasicRefusalsStoreNothing() async throws {
        try await withInbound { client in
            let token = try await source(client, ["name": "T", "type": "webhook", "verification": ["type": "token", "header": "X-Token", "secret": "tok-1"]])
            let basic = try await source(client, ["name": "B", "type": "webhook", "verification": ["type": "basic", "username": "ol", "password": "pw-1"]])
            let body: JSONValue = ["a": 1]
            func basicHeader(_ pair: String) -> HTTPFields { [.authorization: "Basic " + Data(pair.utf8).base64EncodedString()] }
            #expect(try await post(client, token, body, headers: [Self.header("X-Token"): "nope"]).status == .unauthorized)
            #expect(try await post(client, token, body).status == .unauthorized)
            #expect(try await post(client, basic, body, headers: basicHeader("ol:nope")).status == .unauthorized)
            #expect(try await post(client, basic, body).status == .unauthorized)
            #expect(try await client.events().isEmpty)
            #expect(try await post(client, token, body, headers: [Self.header("X-Token"): "tok-1"]).status == .ok)
            #expect(try await post(client, token, body, headers: [.authorization: "Bearer tok-1"]).status == .ok)
            #expect(try await post(client, basic, body, headers: basicHeader("ol:pw-1")).status == .ok)
            #expect(try await client.events().count == 3)
        }
    }

    @Test func oldAndReplayedTimestampedHMACRequestsAreRefused() async throws {
        try await withInbound { client in
            let id = try await source(
                client,
                ["name": "H", "type": "webhook", "verification": ["type": "hmac", "header": "X-Sig", "encoding": "base64", "prefix": "v1=", "secret": "k", "timestampHeader": "X-Ts"]])
            let bytes = JSONCoding.bytes(["a": 1])
            func signed(_ seconds: Int) -> HTTPFields {
                let mac = HMAC<SHA256>.authenticationCode(for: Array("\(seconds).".utf8) + bytes, using: SymmetricKey(data: Data("k".utf8)))
                return [Self.header("X-Ts"): String(seconds), Self.header("X-Sig"): "v1=" + Data(mac).base64EncodedString()]
            }
            #expect(try await post(client, id, bytes: bytes, headers: signed(1_800_000_000 - 600)).status == .unauthorized)
            #expect(try await post(client, id, bytes: bytes, headers: signed(1_800_000_000)).status == .ok)
            #expect(try await post(client, id, bytes: bytes, headers: signed(1_800_000_000)).status == .unauthorized)
            #expect(try await client.events().count == 1)
        }
    }

    // MARK: What is not accepted

    @Test func unknownSourcesSegmentSourcesBadBodiesAndBigBodies() async throws {
        try await withInbound(maxBodyBytes: 2_048) { client in
            let missing = try await post(client, "src_nope", ["a": 1])
            #expect(missing.status == .notFound)
            #expect(missing.error.code == "not_found")
            let segment = try await source(client, ["name": "web", "type": "segment"])
            #expect(try await post(client, segment, ["a": 1]).status == .notFound)

            let hook = try await source(client, ["name": "OL", "type": "openloyalty"])
            let notJSON = try await post(client, hook, bytes: Array("{nope".utf8), headers: [:])
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.error.code == "malformed_json")
            let wrongShape = try await post(client, hook, ["events": []])
            #expect(wrongShape.status == .badRequest)
            #expect(wrongShape.error.code == "malformed_json")
            #expect(wrongShape.json["error"]?["message"]?.stringValue?.contains("\"type\"") == true)
            let braze = try await source(client, ["name": "Braze", "type": "braze-currents"])
            let notABatch = try await post(client, braze, ["type": "x"])
            #expect(notABatch.error.code == "malformed_json")
            #expect(notABatch.json["error"]?["message"]?.stringValue?.contains("events") == true)
            let big = try await post(client, hook, ["type": "CustomerUpdated", "data": ["blob": .string(String(repeating: "x", count: 4_000))]])
            #expect(big.status == .contentTooLarge)
            #expect(big.error.code == "payload_too_large")
            #expect(try await client.events().isEmpty)
        }
    }

    @Test func theIngestRouteIsInTheOpenAPIDocument() async throws {
        try await withInbound { client in
            let operation = try await client.call(.get, "/openapi.json", key: nil).json["paths"]?["/ingest/{sourceId}"]?["post"]
            #expect(operation?["security"] == [])
            #expect(operation?["x-verification"] != nil)
        }
    }
}

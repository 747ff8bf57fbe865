import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing

/// The Segment Tracking API, driven with the bodies Segment's SDKs send.
@Suite struct SegmentIngestTests {
    static let calls: [(path: String, body: JSONValue, type: String, name: String)] = [
        (
            "/v1/track",
            [
                "userId": "019mr8mf4r", "event": "Item Purchased", "properties": ["revenue": 39.95, "shippingMethod": "2-day"],
                "context": ["ip": "24.5.68.47"], "timestamp": "2026-11-23T17:40:19.123Z", "messageId": "m-track",
            ],
            "track", "Item Purchased"
        ),
        (
            "/v1/identify",
            ["userId": "019mr8mf4r", "traits": ["email": "pgibbons@example.com", "name": "Peter Gibbons", "industry": "Technology"], "messageId": "m-identify"],
            "identify", "identify"
        ),
        ("/v1/page", ["userId": "019mr8mf4r", "name": "Tracking HTTP API", "properties": ["url": "https://example.com/docs"], "messageId": "m-page"], "page", "page"),
        ("/v1/screen", ["userId": "019mr8mf4r", "name": "Tracking Screen", "messageId": "m-screen"], "screen", "screen"),
        ("/v1/group", ["userId": "019mr8mf4r", "groupId": "8e9df332ac", "traits": ["name": "Initech"], "messageId": "m-group"], "group", "group"),
        ("/v1/alias", ["previousId": "39239-239239-239239-23923", "userId": "019mr8mf4r", "messageId": "m-alias"], "alias", "alias"),
    ]

    @Test(arguments: calls)
    func everyCallIsStoredWithSegmentFields(path: String, body: JSONValue, type: String, name: String) async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let response = try await client.call(.post, path, key: nil, json: body, headers: basicAuth(writeKey))
            #expect(response.status == .ok)
            #expect(response.json == ["success": true])
            let stored = try #require(try await client.events().first)
            #expect(stored["type"] == .string(type))
            // The client's own fields exactly: a page keeps its name, a track gains none.
            #expect(stored["name"] == body["name"])
            #expect(stored["properties"]?["name"] == nil)
            // The routing name finds it, written as forms and Python's requests write a space.
            let formEncoded = name.replacingOccurrences(of: " ", with: "+")
            #expect(try await client.events("&name=\(formEncoded)").map { $0["id"] } == [stored["id"]])
            #expect(try await client.events("&name=\(name.replacingOccurrences(of: " ", with: "%20"))").count == 1)
            #expect(stored["userId"] == "019mr8mf4r")
            #expect(stored["id"]?.stringValue?.hasPrefix("evt_") == true)
            #expect(stored["messageId"] == body["messageId"])
            #expect(stored["receivedAt"]?.stringValue.flatMap(Timestamp.parse) != nil)
            #expect(stored["timestamp"]?.stringValue.flatMap(Timestamp.parse) != nil)
            for field in ["properties", "traits", "context", "groupId", "previousId"] where body[field] != nil && field != "properties" {
                #expect(stored[field] == body[field])
            }
        }
    }

    /// analytics-node, -python, -go, -java: a gzip'd batch with the write key as Basic user name.
    @Test func gzippedBatchFromAServerSDK() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let batch: JSONValue = [
                "batch": [
                    [
                        "type": "identify", "userId": "u1", "traits": ["plan": "pro"], "messageId": "py-1",
                        "timestamp": "2026-11-23T17:40:19.123456+00:00", "context": ["library": ["name": "analytics-python", "version": "2.3.2"]],
                        "integrations": [:],
                    ],
                    [
                        "type": "track", "userId": "u1", "event": "Order Completed", "properties": ["total": 99.5], "messageId": "py-2",
                        "timestamp": "2026-11-23T17:40:20.000000+00:00", "context": ["library": ["name": "analytics-python", "version": "2.3.2"]],
                    ],
                ],
                "sentAt": "2026-11-23T17:40:21.000000+00:00",
            ]
            var plain = ByteBuffer(bytes: JSONCoding.data(batch))
            let gzipped = try plain.compress(with: .gzip())
            var headers = basicAuth(writeKey)
            headers[.contentType] = "application/json"
            headers[.contentEncoding] = "gzip"
            let response = try await client.call(.post, "/v1/batch", key: nil, body: gzipped, headers: headers)
            #expect(response.status == .ok)
            let stored = try await client.events()
            #expect(stored.map(\.["messageId"]) == ["py-2", "py-1"])
            #expect(stored[0]["properties"] == ["total": 99.5])
            #expect(stored[0]["sentAt"] == "2026-11-23T17:40:21.000Z")
        }
    }

    /// analytics.js: `text/plain`, the write key in the body, one-letter paths.
    @Test func browserSDKWithTheWriteKeyInTheBody() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let body: JSONValue = [
                "timestamp": "2026-11-23T17:40:19.123Z", "integrations": [:], "type": "track", "properties": ["plan": "Enterprise"],
                "event": "Plan Upgraded", "context": ["page": ["path": "/pricing"], "userAgent": "Mozilla/5.0"],
                "messageId": "ajs-next-1700000000000-abc", "anonymousId": "a4f1c2", "writeKey": .string(writeKey), "userId": .null,
                "sentAt": "2026-11-23T17:40:19.200Z", "_metadata": ["bundled": ["Segment.io"]],
            ]
            let response = try await client.call(.post, "/v1/t", key: nil, json: body, headers: [.contentType: "text/plain"])
            #expect(response.status == .ok)
            let stored = try #require(try await client.events().first)
            #expect(stored["event"] == "Plan Upgraded")
            #expect(stored["anonymousId"] == "a4f1c2")
            #expect(stored["_metadata"] == ["bundled": ["Segment.io"]])
            #expect(stored["writeKey"] == nil)
            #expect(!JSONCoding.string(stored).contains(writeKey))
        }
    }

    @Test func aRepeatedMessageIdIsStoredOnceAndStillAcknowledged() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            let body: JSONValue = ["userId": "u1", "event": "Clicked", "messageId": "dup-1"]
            for _ in 0..<3 {
                #expect(try await client.call(.post, "/v1/track", key: nil, json: body, headers: basicAuth(writeKey)).json == ["success": true])
            }
            let batch: JSONValue = ["batch": [["type": "track", "userId": "u1", "event": "Clicked", "messageId": "dup-1"]]]
            #expect(try await client.call(.post, "/v1/batch", key: nil, json: batch, headers: basicAuth(writeKey)).status == .ok)
            #expect(try await client.events().count == 1)
        }
    }

    @Test func theSourcePrefixAppliesToTrackNames() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey(prefix: "braze-")
            try await client.call(.post, "/v1/track", key: nil, json: ["userId": "u1", "event": "purchase"], headers: basicAuth(writeKey))
            #expect(try await client.events().first?["event"] == "braze-purchase")
        }
    }

    @Test func unknownOrMissingWriteKeysAreUnauthorized() async throws {
        try await withSwitchboard { client in
            let body: JSONValue = ["userId": "u1", "event": "E"]
            let missing = try await client.call(.post, "/v1/track", key: nil, json: body)
            #expect(missing.status == .unauthorized)
            #expect(missing.error.code == "unauthorized")
            #expect(try await client.call(.post, "/v1/track", key: nil, json: body, headers: basicAuth("nope")).status == .unauthorized)
            // A management key is not a write key.
            #expect(try await client.call(.post, "/v1/track", json: body).status == .unauthorized)
            // Nor is the write key of a source that is not a Segment source.
            let webhook = try await client.create("/v1/sources", ["name": "hook", "type": "webhook"])
            #expect(webhook["writeKey"] == .null)
            #expect(try await client.events().isEmpty)
        }
    }
}

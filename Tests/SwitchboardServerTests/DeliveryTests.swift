import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import Testing

/// Delivery to a live receiver: routing, templates, signatures, retries, the activity log.
@Suite struct DeliveryTests {
    /// A server that may deliver to 127.0.0.1 and looks for due work often.
    static func withDeliveringSwitchboard(_ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withSwitchboard({ settings in
            settings.allowPrivateDestinations = true
            settings.dispatcher.pollInterval = .milliseconds(20)
        }, test)
    }

    /// Creates a destination and one subscription; returns (destination JSON, subscription id).
    static func route(
        _ client: any TestClientProtocol, to url: String, destination extra: [String: JSONValue] = [:], subscription: [String: JSONValue] = [:]
    ) async throws -> (destination: JSONValue, subscriptionId: String) {
        let destination = try await client.create("/v1/destinations", .object(["name": "receiver", "url": .string(url)].merging(extra) { _, new in new }))
        let destinationId = try #require(destination["id"]?.stringValue)
        let created = try await client.create(
            "/v1/subscriptions",
            .object(["name": "all", "destinationId": .string(destinationId), "eventNames": ["*"]].merging(subscription) { _, new in new }))
        return (destination, try #require(created["id"]?.stringValue))
    }

    static func track(_ client: any TestClientProtocol, writeKey: String, _ body: JSONValue) async throws {
        let response = try await client.call(.post, "/v1/track", key: nil, json: body, headers: basicAuth(writeKey))
        #expect(response.status == .ok)
    }

    @Test func onlyMatchingEventsAreDelivered() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                try await Self.route(
                    client, to: url + "/pendula/flow", destination: ["headers": ["Authorization": "Bearer pendula-token"]],
                    subscription: [
                        "eventNames": ["Order Completed"],
                        "condition": ["all": [["field": "userId", "op": "starts_with", "value": "SA"], ["not": ["field": "traits.plan", "op": "eq", "value": "free"]]]],
                    ])
                try await Self.track(client, writeKey: writeKey, ["userId": "SA-1", "event": "Order Completed", "properties": ["total": 10]])
                try await Self.track(client, writeKey: writeKey, ["userId": "SA-2", "event": "Cart Viewed"])
                try await Self.track(client, writeKey: writeKey, ["userId": "XX-3", "event": "Order Completed"])
                try await Self.track(client, writeKey: writeKey, ["userId": "SA-4", "event": "Order Completed", "traits": ["plan": "free"]])
                let received = try await receiver.waitFor(1)
                // Give the others every chance to (wrongly) arrive: they were committed before the first.
                let deliveries = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue ?? []
                    return list.first?["status"] == "succeeded" ? list : nil
                }
                #expect(deliveries.count == 1)
                #expect(receiver.requests.count == 1)
                #expect(received[0].uri == "/pendula/flow")
                #expect(received[0].method == "POST")
                #expect(received[0].header("Authorization") == "Bearer pendula-token")
                #expect(received[0].json?["userId"] == "SA-1")
                #expect(received[0].json?["properties"] == ["total": 10])
                let attempt = deliveries[0]["attempts"]?.arrayValue?.first
                #expect(attempt?["responseStatus"] == 200)
                #expect(attempt?["error"] == .null)
            }
        }
    }

    /// Flow 2 of the design: Braze audience -> Open Loyalty member label, by PATCH.
    @Test func bodiesURLsAndHeadersAreTemplated() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                try await Self.route(
                    client, to: url,
                    subscription: [
                        "eventNames": ["Audience Entered"],
                        "condition": ["field": "properties.audienceKey", "op": "eq", "value": "vip"],
                        "mapping": [
                            "url": .string(url + "/api/KHO/member/loyaltyCardNumber={{ userId }}"),
                            "method": "PATCH",
                            "headers": ["X-AUTH-TOKEN": "ol-token", "X-Event": "{{ event | downcase }}"],
                            "body": ["customer": ["labels": [["key": "braze_vip_segment", "value": "optedIn"]]], "spend": "{{ properties.spend }}"],
                        ],
                    ])
                try await Self.track(
                    client, writeKey: writeKey, ["userId": "card 7/9", "event": "Audience Entered", "properties": ["audienceKey": "vip", "spend": 650.5]])
                let request = try #require(try await receiver.waitFor(1).first)
                #expect(request.method == "PATCH")
                #expect(request.uri == "/api/KHO/member/loyaltyCardNumber=card%207%2F9")
                #expect(request.header("X-AUTH-TOKEN") == "ol-token")
                #expect(request.header("X-Event") == "audience entered")
                #expect(request.json == ["customer": ["labels": [["key": "braze_vip_segment", "value": "optedIn"]]], "spend": 650.5])
            }
        }
    }

    /// A destination URL without a path is sent to "/", its query kept; a path is kept as given.
    @Test(arguments: [("", "/"), ("?list=a/b", "/?list=a/b"), ("/hooks?x=1", "/hooks?x=1")])
    func urlsWithoutAPathAreSentToTheRoot(suffix: String, expected: String) async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                try await Self.route(client, to: url + suffix)
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Ping"])
                #expect(try await receiver.waitFor(1).first?.uri == expected)
            }
        }
    }

    @Test func signaturesVerifyWithTheDestinationSecret() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let (destination, _) = try await Self.route(client, to: url)
                let secret = try #require(destination["secret"]?.stringValue)
                #expect(secret.hasPrefix("whsec_"))
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Signed Up"])
                let request = try #require(try await receiver.waitFor(1).first)
                #expect(try Self.verify(request, secrets: [secret]))
                #expect(try !Self.verify(request, secrets: [WebhookSigner.newSecret()]))
            }
        }
    }

    /// A Standard Webhooks verifier written from the spec (independent of the signer).
    static func verify(_ request: Receiver.Received, secrets: [String]) throws -> Bool {
        let id = try #require(request.header("webhook-id"))
        let timestamp = try #require(request.header("webhook-timestamp"))
        let signatures = try #require(request.header("webhook-signature")).split(separator: " ").map { String($0.dropFirst(3)) }
        return secrets.contains { secret in
            let key = SymmetricKey(data: Data(base64Encoded: String(secret.dropFirst(6)))!)
            let expected = Data(HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + Data(request.body), using: key)).base64EncodedString()
            return signatures.contains(expected)
        }
    }

    @Test func failuresAreRetriedWithTheSameWebhookId() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(status: .internalServerError), .init(status: .serviceUnavailable)])
                try await Self.route(client, to: url, destination: ["retrySchedule": [0, 0, 0]])
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Signed Up"])
                let requests = try await receiver.waitFor(3)
                #expect(Set(requests.map { $0.header("webhook-id") }).count == 1)
                #expect(requests[0].header("webhook-id")?.hasPrefix("dlv_") == true)
                let delivery = try await eventually {
                    let first = try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue?.first
                    return first?["status"] == "succeeded" ? first : nil
                }
                #expect(delivery["attemptCount"] == 3)
                #expect(delivery["attempts"]?.arrayValue?.map { $0["responseStatus"] } == [500, 503, 200])
            }
        }
    }

    @Test func clientErrorsFailAtOnceAndRetriesRunOut() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(status: .badRequest, body: String(repeating: "x", count: 10_000))], then: .init(status: .internalServerError))
                try await Self.route(client, to: url, destination: ["retrySchedule": [0]])
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Bad Request"])
                let rejected = try await eventually {
                    let first = try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue?.first
                    return first
                }
                #expect(rejected["attemptCount"] == 1)
                #expect(rejected["attempts"]?.arrayValue?.first?["responseBody"]?.stringValue?.utf8.count == 4096)

                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Server Error"])
                let exhausted = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue ?? []
                    return list.count == 2 ? list[0] : nil
                }
                #expect(exhausted["attemptCount"] == 2)
                #expect(receiver.requests.count == 3)
            }
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(status: .tooManyRequests, headers: [.retryAfter: "120"])])
                try await Self.route(client, to: url, destination: ["retrySchedule": [0]])
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Throttled"])
                let delivery = try await eventually {
                    let first = try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue?.first
                    return first?["attemptCount"] == 1 ? first : nil
                }
                let attemptedAt = try #require(delivery["attempts"]?.arrayValue?.first?["at"]?.stringValue.flatMap(Timestamp.parse))
                let next = try #require(delivery["nextAttemptAt"]?.stringValue.flatMap(Timestamp.parse))
                #expect(delivery["status"] == "pending")
                #expect(abs(next.timeIntervalSince(attemptedAt) - 120) < 2)
            }
        }
    }

    @Test func goneDisablesTheDestination() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(status: .gone)])
                let (destination, _) = try await Self.route(client, to: url)
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "E"])
                let id = try #require(destination["id"]?.stringValue)
                let disabled = try await eventually {
                    let current = try await client.call(.get, "/v1/destinations/\(id)").json
                    return current["enabled"] == false ? current : nil
                }
                #expect(disabled["disabledReason"]?.stringValue?.contains("410") == true)
                #expect(try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue?.count == 1)
            }
        }
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(status: .found, headers: [.location: url + "/elsewhere"])])
                try await Self.route(client, to: url + "/hook")
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "E"])
                let failed = try await eventually {
                    try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue?.first
                }
                #expect(failed["attempts"]?.arrayValue?.first?["error"] == "redirect")
                #expect(failed["attempts"]?.arrayValue?.first?["responseStatus"] == 302)
                #expect(receiver.requests.map(\.uri) == ["/hook"])
            }
        }
    }

    @Test func testSendShowsRequestAndResponse() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                receiver.script([.init(status: .unauthorized, body: #"{"error":"bad token"}"#)])
                let (destination, _) = try await Self.route(client, to: url + "/test")
                let id = try #require(destination["id"]?.stringValue)
                let result = try await client.call(.post, "/v1/destinations/\(id)/test", json: ["event": ["type": "track", "event": "Ping", "userId": "u9"]]).json
                #expect(result["request"]?["method"] == "POST")
                #expect(result["request"]?["url"] == .string(url + "/test"))
                #expect(result["request"]?["body"]?["event"] == "Ping")
                #expect(result["request"]?["headers"]?["webhook-signature"]?.stringValue?.hasPrefix("v1,") == true)
                #expect(result["response"]?["status"] == 401)
                #expect(result["response"]?["body"] == #"{"error":"bad token"}"#)
                #expect(result["error"] == .null)
                #expect(receiver.requests.count == 1)
                let sample = try await client.call(.post, "/v1/destinations/\(id)/test").json
                #expect(sample["response"]?["status"] == 200)
                #expect(sample["request"]?["body"]?["event"] == "Test Event")
            }
        }
    }

    @Test func previewSendsNothing() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let (_, subscriptionId) = try await Self.route(
                    client, to: url,
                    subscription: [
                        "eventNames": ["Order Completed"], "condition": ["field": "properties.total", "op": "gt", "value": 100],
                        "mapping": ["body": ["id": "{{ userId }}", "total": "{{ properties.total }}"]],
                    ])
                let matched = try await client.call(
                    .post, "/v1/subscriptions/\(subscriptionId)/preview",
                    json: ["event": ["type": "track", "event": "Order Completed", "userId": "u1", "properties": ["total": 150]]]).json
                #expect(matched["matched"] == true)
                #expect(matched["request"]?["body"] == ["id": "u1", "total": 150])
                let unmatched = try await client.call(
                    .post, "/v1/subscriptions/\(subscriptionId)/preview",
                    json: ["event": ["type": "track", "event": "Order Completed", "userId": "u1", "properties": ["total": 50]]]).json
                #expect(unmatched == ["matched": false, "request": .null])
                #expect(receiver.requests.isEmpty)
            }
        }
    }

    @Test func recoverRequeuesFailedDeliveries() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(status: .badRequest), .init(status: .badRequest)])
                let (destination, _) = try await Self.route(client, to: url)
                let id = try #require(destination["id"]?.stringValue)
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "A"])
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "B"])
                _ = try await eventually {
                    let failed = try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue ?? []
                    return failed.count == 2 ? failed : nil
                }
                let recovered = try await client.call(.post, "/v1/destinations/\(id)/recover", json: ["since": "2000-01-01T00:00:00Z"])
                #expect(recovered.json == ["requeued": 2])
                let succeeded = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?status=succeeded").json["data"]?.arrayValue ?? []
                    return list.count == 2 ? list : nil
                }
                #expect(succeeded.allSatisfy { $0["attemptCount"] == 2 })
                let missing = try await client.call(.post, "/v1/destinations/\(id)/recover", json: [:])
                #expect(missing.error.field == "since")
            }
        }
    }

    @Test func retryOneDeliveryByHand() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(status: .notFound)])
                try await Self.route(client, to: url)
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "A"])
                let failed = try await eventually { try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue?.first }
                let id = try #require(failed["id"]?.stringValue)
                let retried = try await client.call(.post, "/v1/deliveries/\(id)/retry").json
                #expect(retried["status"] == "pending")
                let done = try await eventually {
                    let current = try await client.call(.get, "/v1/deliveries/\(id)").json
                    return current["status"] == "succeeded" ? current : nil
                }
                #expect(done["attempts"]?.arrayValue?.count == 2)
                let event = try await client.call(.get, "/v1/events/\(done["eventId"]?.stringValue ?? "")").json
                #expect(event["deliveries"]?.arrayValue?.first?["id"] == .string(id))
            }
        }
    }

    @Test func rotationSignsWithBothSecretsFor24Hours() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let (destination, _) = try await Self.route(client, to: url)
                let id = try #require(destination["id"]?.stringValue)
                let old = try #require(destination["secret"]?.stringValue)
                let rotated = try await client.call(.post, "/v1/destinations/\(id)/rotate-secret").json
                let new = try #require(rotated["secret"]?.stringValue)
                #expect(rotated["previousSecret"] == .string(old))
                #expect(try await client.call(.get, "/v1/destinations/\(id)/secret").json == rotated)
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "A"])
                let request = try #require(try await receiver.waitFor(1).first)
                #expect(request.header("webhook-signature")?.split(separator: " ").count == 2)
                #expect(try Self.verify(request, secrets: [old]))
                #expect(try Self.verify(request, secrets: [new]))
                // The listing never shows secrets.
                let listed = try await client.call(.get, "/v1/destinations").json
                #expect(!JSONCoding.string(listed).contains(new) && !JSONCoding.string(listed).contains(old))
            }
        }
    }

    @Test func timeoutsAndRefusedConnectionsAreRetried() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                receiver.script([.init(delay: .milliseconds(600))])
                try await Self.route(client, to: url, destination: ["timeoutMs": 200, "retrySchedule": [0]], subscription: ["eventNames": ["Slow"]])
                // Nothing listens on port 9 of loopback: the connection is refused.
                try await Self.route(client, to: "http://127.0.0.1:9/", destination: ["retrySchedule": []], subscription: ["eventNames": ["Nowhere"]])
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Slow"])
                try await Self.track(client, writeKey: writeKey, ["userId": "u1", "event": "Nowhere"])
                let deliveries = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue ?? []
                    return list.count == 2 && list.allSatisfy({ $0["status"] != "pending" }) ? list : nil
                }
                let slow = try #require(deliveries.first { $0["attemptCount"] == 2 })
                #expect(slow["attempts"]?.arrayValue?.map { $0["error"] } == ["timeout", .null])
                #expect(slow["status"] == "succeeded")
                let nowhere = try #require(deliveries.first { $0["attemptCount"] == 1 })
                #expect(nowhere["status"] == "failed")
                #expect(nowhere["attempts"]?.arrayValue?.first?["error"] == "connection")
                #expect(nowhere["attempts"]?.arrayValue?.first?["responseStatus"] == .null)
            }
        }
    }
}

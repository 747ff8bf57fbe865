import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SwitchboardCore
import SwitchboardServer
import SwitchboardStorage
import Testing

/// What a key (or a write key) can no longer do to the server or to other keys: oversized
/// conditions and mappings, requests that render without bound, signatures and source secrets
/// for keys that may not read secrets.
@Suite struct AbuseLimitsTests {
    // MARK: Conditions and mappings at save time

    private static func destinationId(_ client: any TestClientProtocol) async throws -> String {
        try #require(try await client.create("/v1/destinations", ["name": "hook", "url": "http://127.0.0.1:9/in"])["id"]?.stringValue)
    }

    private static func globLeaves(_ count: Int, patternBytes: Int = 1_024) -> JSONValue {
        let pattern = "*" + String(repeating: "a", count: patternBytes - 3) + "b*"
        return ["any": .array((0..<count).map { _ in ["field": "properties.text", "op": "glob", "value": .string(pattern)] })]
    }

    /// The condition that held another workspace's ingest for 14.5 s: 2,000 worst-case glob leaves.
    @Test func aConditionOverTheLeafLimitIsRefusedWith422() async throws {
        try await withSwitchboard { client in
            let destinationId = try await Self.destinationId(client)
            let refused = try await client.call(
                .post, "/v1/subscriptions",
                json: ["name": "stall", "destinationId": .string(destinationId), "eventNames": ["*"], "condition": Self.globLeaves(2_000, patternBytes: 200)])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.error.code == "validation_failed")
            #expect(refused.error.field == "condition")
            #expect(refused.json["error"]?["message"]?.stringValue?.contains("at most 100 leaves") == true)
            // At the limit it is accepted; a change past it is refused too.
            let accepted = try await client.create(
                "/v1/subscriptions", ["name": "edge", "destinationId": .string(destinationId), "eventNames": ["*"], "condition": Self.globLeaves(100)])
            let id = try #require(accepted["id"]?.stringValue)
            let patched = try await client.call(.patch, "/v1/subscriptions/\(id)", json: ["condition": Self.globLeaves(101)])
            #expect(patched.status == .unprocessableContent)
            #expect(patched.error.field == "condition")
            let longPattern = try await client.call(
                .patch, "/v1/subscriptions/\(id)", json: ["condition": ["field": "userId", "op": "glob", "value": .string(String(repeating: "*a", count: 600))]])
            #expect(longPattern.status == .unprocessableContent)
            #expect(longPattern.error.field == "condition.value")
        }
    }

    @Test func aMappingOverItsLimitsIsRefusedWith422() async throws {
        try await withSwitchboard { client in
            let destinationId = try await Self.destinationId(client)
            for mapping: JSONValue in [
                ["body": ["text": .string(String(repeating: "x", count: 70_000))]],
                ["body": .array(Array(repeating: "{{ message }}", count: 1_500))],
            ] {
                let refused = try await client.call(
                    .post, "/v1/subscriptions", json: ["name": "big", "destinationId": .string(destinationId), "eventNames": ["*"], "mapping": mapping])
                #expect(refused.status == .unprocessableContent)
                #expect(refused.error.field == "mapping")
            }
        }
    }

    // MARK: Rendered size

    /// A body made of the event's big property four times: over 1 MiB once rendered.
    private static let amplifying: JSONValue = ["body": .array(Array(repeating: "{{ properties.blob }}", count: 4))]

    @Test func anOversizedRenderingFailsAtOnceAndPreviewAnswers422() async throws {
        try await Receiver.with { receiver, url in
            try await DeliveryTests.withDeliveringSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let (_, subscriptionId) = try await DeliveryTests.route(client, to: url, subscription: ["mapping": Self.amplifying])
                let blob = JSONValue.string(String(repeating: "x", count: 300_000))
                let preview = try await client.call(
                    .post, "/v1/subscriptions/\(subscriptionId)/preview", json: ["event": ["type": "track", "event": "Big", "userId": "u1", "properties": ["blob": blob]]])
                #expect(preview.status == .unprocessableContent)
                #expect(preview.json["error"]?["message"] == .string(RequestRenderer.tooLargeMessage))

                try await DeliveryTests.track(client, writeKey: writeKey, ["userId": "u1", "event": "Big", "properties": ["blob": blob]])
                let failed = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue ?? []
                    return list.first
                }
                // Failed on the first attempt, no retry planned, the reason in the log; nothing was sent.
                #expect(failed["attemptCount"] == 1)
                #expect(failed["nextAttemptAt"] == .null)
                #expect(failed["attempts"]?.arrayValue?.first?["error"] == "other")
                #expect(failed["attempts"]?.arrayValue?.first?["responseBody"] == .string(RequestRenderer.tooLargeMessage))
                #expect(receiver.requests.isEmpty)
            }
        }
    }

    // MARK: Preview signatures

    @Test func previewSignsOnlyForKeysThatMayReadTheSecret() async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "hook", "url": "http://127.0.0.1:9/in"])
            let secret = try #require(destination["secret"]?.stringValue)
            let created = try await client.create(
                "/v1/subscriptions", ["name": "all", "destinationId": destination["id"] ?? .null, "eventNames": ["*"], "mapping": ["body": ["chosen": "{{ properties.x }}"]]])
            let id = try #require(created["id"]?.stringValue)
            let viewer = try await client.makeKey(role: .viewer)
            let editor = try await client.makeKey(role: .editor)
            let event: JSONValue = ["event": ["type": "track", "event": "E", "userId": "u1", "properties": ["x": "a body the caller chose"]]]

            // The viewer may not read the secret, so gets no signature made with it.
            #expect(try await client.call(.get, "/v1/destinations/\(destination["id"]?.stringValue ?? "")/secret", key: viewer).status == .forbidden)
            let hidden = try await client.call(.post, "/v1/subscriptions/\(id)/preview", key: viewer, json: event)
            #expect(hidden.status == .ok)
            let hiddenHeaders = try #require(hidden.json["request"]?["headers"])
            #expect(hiddenHeaders["webhook-signature"] == "v1,<signature hidden: needs editor role>")
            #expect(hiddenHeaders["webhook-id"]?.stringValue?.hasPrefix("msg_preview_") == true)

            // The editor may, and gets a signature that verifies with the secret.
            let shown = try #require(try await client.call(.post, "/v1/subscriptions/\(id)/preview", key: editor, json: event).json["request"])
            let headers = try #require(shown["headers"])
            let expected = WebhookSigner.standardSignature(
                secret: secret, messageId: headers["webhook-id"]?.stringValue ?? "", timestamp: headers["webhook-timestamp"]?.stringValue ?? "",
                body: JSONCoding.bytes(shown["body"] ?? .null))
            #expect(headers["webhook-signature"] == .string("v1," + expected))
        }
    }

    // MARK: Source secrets

    static let verifications: [(JSONValue, String)] = [
        (["type": "token", "header": "X-Token", "secret": "tok_SECRET_value_1"], "tok_SECRET_value_1"),
        (["type": "basic", "username": "ol", "password": "pw_SECRET_value_2"], "pw_SECRET_value_2"),
        (["type": "hmac", "header": "X-Sig", "encoding": "hex", "secret": "hm_SECRET_value_3"], "hm_SECRET_value_3"),
        (["type": "standard-webhooks", "secret": "whsec_U0VDUkVUX3ZhbHVlXzRfX19fX19f"], "U0VDUkVUX3ZhbHVlXzRfX19fX19f"),
        (["type": "hmac", "header": "X-Sig", "prefix": "sha256=", "secret": "ts_SECRET_value_5", "timestampHeader": "X-Ts"], "ts_SECRET_value_5"),
    ]

    /// No response to any key shows a source's verification secret: create, get, list, patch.
    @Test(arguments: verifications)
    func sourceSecretsAreWriteOnly(verification: JSONValue, secret: String) async throws {
        try await withSwitchboard { client in
            let viewer = try await client.makeKey(role: .viewer)
            let created = try await client.call(.post, "/v1/sources", json: ["name": "hook", "type": "openloyalty", "verification": verification])
            #expect(created.status == .created)
            let id = try #require(created.json["id"]?.stringValue)
            var responses = [created.json]
            for key in [adminKey, viewer] {
                responses.append(try await client.call(.get, "/v1/sources/\(id)", key: key).json)
                responses.append(try await client.call(.get, "/v1/sources", key: key).json)
            }
            responses.append(try await client.call(.patch, "/v1/sources/\(id)", json: ["name": "renamed"]).json)
            responses.append(try await client.call(.patch, "/v1/sources/\(id)", json: ["verification": verification]).json)
            for response in responses {
                #expect(!JSONCoding.string(response).contains(secret), "\(response)")
            }
            // What is not secret is still shown.
            #expect(responses[1]["verification"]?["type"] == verification["type"])
            #expect(responses[1]["verification"]?["header"] == verification["header"])
            #expect(responses[1]["verification"]?["username"] == verification["username"])
        }
    }

    /// Sending back what was read (secret absent) keeps the stored secret; `null` clears it.
    @Test func aVerificationSentBackWithoutItsSecretKeepsIt() {
        let stored: JSONValue = ["type": "token", "header": "X-Token", "secret": "s1"]
        #expect(Source.verification(["type": "token", "header": "X-Other"], keepingSecretsOf: stored) == ["type": "token", "header": "X-Other", "secret": "s1"])
        #expect(Source.verification(["type": "token", "header": "X-Token", "secret": .null], keepingSecretsOf: stored)?["secret"] == .null)
        #expect(Source.verification(["type": "basic", "username": "u"], keepingSecretsOf: stored) == ["type": "basic", "username": "u"])
    }

    // MARK: Routing before the write

    /// Routing happens before the write transaction now: a subscription deleted or paused in
    /// between gets no delivery, and the commit (every other event in it) still succeeds.
    @Test func aSubscriptionGoneBetweenRoutingAndWritingGetsNoDelivery() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = ServerSettings(database: TestDatabase.serverDatabase ?? directory.database, adminKey: adminKey, allowPrivateDestinations: true)
        let storage = try openStorage(settings.database, logger: Logger(label: "test"))
        defer { storage.close() }
        let app = try await buildApplication(settings: settings, storage: storage)
        try await app.test(.router) { client in
            let source = try await client.create("/v1/sources", ["name": "web", "type": "segment"])
            let workspaceId = try #require(try await client.call(.get, "/v1/workspaces").json["data"]?.arrayValue?.first?["id"]?.stringValue)
            let destinationId = try await Self.destinationId(client)
            var subscriptions: [String] = []
            for name in ["deleted", "paused", "kept"] {
                let created = try await client.create("/v1/subscriptions", ["name": .string(name), "destinationId": .string(destinationId), "eventNames": ["E"]])
                subscriptions.append(try #require(created["id"]?.stringValue))
            }
            let identifiers = IdentifierGenerator()
            let event = Event(
                id: identifiers.make(.event), workspaceId: workspaceId, sourceId: source["id"]?.stringValue ?? "", type: .track, name: "E",
                messageId: "m1", userId: "u1", anonymousId: nil, receivedAt: Date(), message: ["type": "track", "event": "E", "userId": "u1"])
            let routed = try await storage.routeEvents([event])
            #expect(routed.map(\.subscriptionIds) == [subscriptions])

            #expect(try await client.call(.delete, "/v1/subscriptions/\(subscriptions[0])").status == .noContent)
            #expect(try await client.call(.patch, "/v1/subscriptions/\(subscriptions[1])", json: ["enabled": false]).status == .ok)
            #expect(try await storage.insertEvents(routed) == 1)
            let deliveries = try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue ?? []
            #expect(deliveries.map { $0["subscriptionId"] } == [.string(subscriptions[2])])
            // Stored once: the same messageId again is neither stored nor routed twice.
            var again = event
            again.id = identifiers.make(.event)
            #expect(try await storage.insertEvents(try await storage.routeEvents([again])) == 0)
            #expect(try await client.call(.get, "/v1/deliveries").json["data"]?.arrayValue?.count == 1)
        }
    }
}

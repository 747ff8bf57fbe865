import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import Testing

/// Connectors through the public API only: install, send events with Segment's ingest, and
/// check at a live receiver the exact method, path, headers and body each platform expects.
@Suite struct ConnectorsTests {
    static func install(_ client: any TestClientProtocol, _ name: String, _ parameters: JSONValue) async throws -> JSONValue {
        try await client.create("/v1/connectors/\(name)/install", ["parameters": parameters])
    }

    static func send(_ client: any TestClientProtocol, _ writeKey: String, _ path: String, _ body: JSONValue) async throws {
        try await AudiencesTests.send(client, writeKey, path, body)
    }

    @Test func listShowsEveryConnectorWithItsParameters() async throws {
        try await withSwitchboard { client in
            let viewer = try await client.makeKey(role: .viewer)
            let list = try await client.call(.get, "/v1/connectors", key: viewer)
            #expect(list.status == .ok)
            let data = try #require(list.json["data"]?.arrayValue)
            #expect(data.count == 8)
            let pendula = try #require(data.first { $0["name"] == "pendula-flow" })
            #expect(pendula["platform"] == "Pendula")
            #expect(pendula["description"]?.stringValue?.isEmpty == false)
            #expect(pendula["parameters"]?["properties"]?["apiToken"]?["writeOnly"] == true)
            #expect(pendula["parameters"]?["required"] == ["flowUrl", "apiToken", "eventNames"])
            #expect(list.json["nextCursor"] == .null)
            // Viewers may not install.
            let refused = try await client.call(.post, "/v1/connectors/pendula-flow/install", key: viewer, json: ["parameters": [:]])
            #expect(refused.status == .forbidden)
        }
    }

    @Test func installErrorsNameTheFieldAndCreateNothing() async throws {
        try await withSwitchboard({ $0.allowPrivateDestinations = false }) { client in
            let unknown = try await client.call(.post, "/v1/connectors/nope/install", json: ["parameters": [:]])
            #expect(unknown.status == .notFound)
            let missing = try await client.call(.post, "/v1/connectors/pendula-flow/install", json: ["parameters": ["apiToken": "tok-secret"]])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.json["error"]?["code"] == "validation_failed")
            #expect(missing.json["error"]?["field"] == "parameters.flowUrl")
            // Parameters as the whole body work too; a bad one is named the same way.
            let bad = try await client.call(
                .post, "/v1/connectors/segment-webhook/install", json: ["url": "https://hooks.example.com", "batchSize": "ten"])
            #expect(bad.json["error"]?["field"] == "parameters.batchSize")
            // The address check applies, reported on the URL parameter, and the secret is never echoed.
            let privateAddress = try await client.call(
                .post, "/v1/connectors/pendula-flow/install",
                json: ["parameters": ["flowUrl": "http://127.0.0.1:9/flow", "apiToken": "tok-secret", "eventNames": ["x"]]])
            #expect(privateAddress.status == .unprocessableContent)
            #expect(privateAddress.json["error"]?["field"] == "parameters.flowUrl")
            #expect(!JSONCoding.string(privateAddress.json).contains("tok-secret"))
            let audience = try await client.call(
                .post, "/v1/connectors/braze-cohorts/install",
                json: [
                    "parameters": [
                        "endpoint": "https://rest.iad-01.braze.com", "partnerApiKey": "p", "dataImportKey": "d", "cohortId": "c", "cohortName": "n",
                        "audienceKey": "nobody",
                    ]
                ])
            #expect(audience.json["error"]?["field"] == "parameters.audienceKey")
            #expect(try await client.call(.get, "/v1/destinations").json["data"] == [])
        }
    }

    /// Seed 002: Segment -> Pendula, with "event name is XYZ, trait is not ABC, user id starts with SA".
    @Test func segmentToPendula() async throws {
        try await Receiver.with { receiver, url in
            try await AudiencesTests.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let installed = try await Self.install(
                    client, "pendula-flow",
                    [
                        "flowUrl": .string(url + "/flows/trigger/f1"), "apiToken": "pendula-token", "eventNames": ["XYZ"],
                        "condition": [
                            "all": [
                                ["field": "context.traits.tier", "op": "neq", "value": "ABC"], ["field": "userId", "op": "starts_with", "value": "SA"],
                            ]
                        ],
                    ])
                let destination = try #require(installed["destinations"]?.arrayValue?.first)
                #expect(destination["connector"] == "pendula-flow")
                #expect(destination["headers"] == ["Authorization": "Bearer pendula-token"])
                #expect(destination["secret"] == nil)
                let subscription = try #require(installed["subscriptions"]?.arrayValue?.first)
                #expect(subscription["connector"] == "pendula-flow")
                #expect(installed["syncs"] == [])
                // The same documents the resource GETs return.
                #expect(try await client.call(.get, "/v1/destinations/\(destination["id"]?.stringValue ?? "")").json == destination)
                #expect(try await client.call(.get, "/v1/subscriptions/\(subscription["id"]?.stringValue ?? "")").json == subscription)

                try await Self.send(
                    client, writeKey, "/v1/batch",
                    [
                        "batch": [
                            ["type": "track", "event": "XYZ", "userId": "SA-1", "properties": ["plan": "gold"], "messageId": "m1"],
                            ["type": "track", "event": "XYZ", "userId": "SB-2", "messageId": "m2"],
                            ["type": "track", "event": "XYZ", "userId": "SA-3", "context": ["traits": ["tier": "ABC"]], "messageId": "m3"],
                            ["type": "track", "event": "Other", "userId": "SA-4", "messageId": "m4"],
                        ]
                    ])
                let received = try await receiver.waitFor(1)
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.requests.count == 1)
                let request = received[0]
                #expect(request.method == "POST")
                #expect(request.uri == "/flows/trigger/f1")
                #expect(request.header("Authorization") == "Bearer pendula-token")
                #expect(request.header("Content-Type") == "application/json")
                #expect(request.json?["event"] == "XYZ")
                #expect(request.json?["userId"] == "SA-1")
                #expect(request.json?["properties"] == ["plan": "gold"])
                #expect(request.json?["messageId"] == "m1")

                // Installed resources stay editable.
                let changed = try await client.call(
                    .patch, "/v1/subscriptions/\(subscription["id"]?.stringValue ?? "")", json: ["eventNames": ["XYZ", "Other"]])
                #expect(changed.status == .ok)
                #expect(changed.json["connector"] == "pendula-flow")
            }
        }
    }

    /// Seed 000: identify `spend_amount: 501` puts the member into an audience; Open Loyalty gets
    /// the label by PATCH, and its removal when the member leaves.
    @Test func audienceToOpenLoyaltyLabels() async throws {
        try await Receiver.with { receiver, url in
            try await AudiencesTests.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let audience = try await client.create(
                    "/v1/audiences", ["key": "vip", "name": "VIP", "condition": ["field": "traits.spend_amount", "op": "gt", "value": 500]])
                _ = try await AudiencesTests.waitUntilReady(client, try #require(audience["id"]?.stringValue))
                let installed = try await Self.install(
                    client, "openloyalty-member-labels",
                    ["baseUrl": .string(url), "tenant": "KHO", "apiToken": "ol-token", "audienceKey": "vip", "labelKey": "braze_vip_segment"])
                #expect(installed["subscriptions"]?.arrayValue?.count == 2)

                try await Self.send(client, writeKey, "/v1/identify", ["userId": "LC123", "traits": ["spend_amount": 501]])
                let entered = try await receiver.waitFor(1)[0]
                #expect(entered.method == "PATCH")
                #expect(entered.uri == "/api/KHO/member/loyaltyCardNumber=LC123")
                #expect(entered.header("X-AUTH-TOKEN") == "ol-token")
                #expect(entered.header("Content-Type") == "application/json")
                #expect(entered.json == ["customer": ["labels": [["key": "braze_vip_segment", "value": "optedIn"]]]])

                try await Self.send(client, writeKey, "/v1/identify", ["userId": "LC123", "traits": ["spend_amount": 20]])
                let exited = try await receiver.waitFor(2)[1]
                #expect(exited.method == "PATCH")
                #expect(exited.uri == "/api/KHO/member/loyaltyCardNumber=LC123")
                #expect(exited.header("X-AUTH-TOKEN") == "ol-token")
                #expect(exited.json == ["customer": ["labels": ["braze_vip_segment": .null]]])
            }
        }
    }

    /// Seed 001: the cohort is created at install, then a recurring sync sends who joined, and
    /// later who left, leaving out the empty list.
    @Test func audienceToBrazeCohort() async throws {
        let clock = AudiencesTests.TestClock()
        try await Receiver.with { receiver, url in
            try await SyncsTests.withSyncingSwitchboard(clock: clock) { client in
                let writeKey = try await client.makeWriteKey()
                _ = try await SyncsTests.vipAudience(client)
                try await SyncsTests.spend(client, writeKey, "u1", 900)
                let installed = try await Self.install(
                    client, "braze-cohorts",
                    [
                        "endpoint": .string(url), "partnerApiKey": "partner-key", "dataImportKey": "import-key", "cohortId": "sb-vip",
                        "cohortName": "VIPs", "audienceKey": "vip", "intervalHours": 4,
                    ])
                let sync = try #require(installed["syncs"]?.arrayValue?.first)
                #expect(sync["intervalSeconds"] == 14_400)
                #expect(sync["connector"] == "braze-cohorts")
                #expect(sync["batchSize"] == 1000)
                let created = try await receiver.waitFor(1)[0]
                #expect(created.method == "POST")
                #expect(created.uri == "/partners/heap/cohorts")
                #expect(created.json?["partner_api_key"] == "partner-key")
                #expect(created.json?["client_secret"] == "import-key")
                #expect(created.json?["cohort_id"] == "sb-vip")
                #expect(created.json?["name"] == "VIPs")
                #expect(created.json?["created_at"]?.stringValue.flatMap(Timestamp.parse) != nil)

                let first = try await receiver.waitFor(2)[1]
                #expect(first.method == "POST")
                #expect(first.uri == "/partners/heap/cohorts/users")
                #expect(
                    first.json == [
                        "partner_api_key": "partner-key", "client_secret": "import-key", "cohort_id": "sb-vip", "cohort_changes": [["user_ids": ["u1"]]],
                    ])
                let syncId = try #require(sync["id"]?.stringValue)
                _ = try await eventually { try await SyncsTests.runs(client, syncId).first { $0["status"] == "succeeded" } }

                try await SyncsTests.spend(client, writeKey, "u1", 5)
                clock.advance(days: 4.0 / 24 + 0.001)
                let second = try await receiver.waitFor(3)[2]
                #expect(second.json?["cohort_changes"] == [["user_ids": ["u1"], "should_remove": true]])
            }
        }
    }

    /// Braze refusing the cohort undoes the install: nothing of it remains; so does the recurring-sync cap.
    @Test func aFailedInstallLeavesNothing() async throws {
        try await Receiver.with { receiver, url in
            try await SyncsTests.withSyncingSwitchboard(maxRecurring: 0) { client in
                _ = try await SyncsTests.vipAudience(client)
                let parameters: JSONValue = [
                    "endpoint": .string(url), "partnerApiKey": "partner-key", "dataImportKey": "import-key", "cohortId": "c", "cohortName": "n",
                    "audienceKey": "vip",
                ]
                receiver.script([Receiver.Reply(status: .unauthorized)])
                let refused = try await client.call(.post, "/v1/connectors/braze-cohorts/install", json: ["parameters": parameters])
                #expect(refused.status == .unprocessableContent)
                #expect(refused.json["error"]?["field"] == "parameters.endpoint")
                #expect(refused.json["error"]?["message"]?.stringValue?.contains("401") == true)
                #expect(!JSONCoding.string(refused.json).contains("import-key"))
                let capped = try await client.call(.post, "/v1/connectors/braze-cohorts/install", json: ["parameters": parameters])
                #expect(capped.status == .conflict)
                #expect(try await client.call(.get, "/v1/destinations").json["data"] == [])
                #expect(try await client.call(.get, "/v1/subscriptions").json["data"] == [])
                #expect(try await client.call(.get, "/v1/syncs").json["data"] == [])
            }
        }
    }

    /// Seed 004: events in, Braze /users/track out: one merged body of attributes and events,
    /// at most 75 objects a request, nothing lost.
    @Test func brazeUsersTrackMergesAndBatches() async throws {
        try await Receiver.with { receiver, url in
            try await AudiencesTests.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let installed = try await Self.install(
                    client, "braze-users-track", ["restEndpoint": .string(url), "apiKey": "braze-key", "eventNames": ["Order Completed"]])
                #expect(installed["destinations"]?.arrayValue?.first?["batching"] == ["maxSize": 75, "maxWaitMs": 1000, "combine": "merge"])
                var batch: [JSONValue] = [["type": "identify", "userId": "u0", "traits": ["plan": "pro"], "messageId": "i0"]]
                for index in 0..<3 {
                    batch.append([
                        "type": "track", "event": "Order Completed", "userId": .string("u\(index)"), "properties": ["total": .int(Int64(index))],
                        "timestamp": "2026-01-01T00:00:00Z", "messageId": .string("t\(index)"),
                    ])
                }
                try await Self.send(client, writeKey, "/v1/batch", ["batch": .array(batch)])
                let request = try await receiver.waitFor(1)[0]
                #expect(request.method == "POST")
                #expect(request.uri == "/users/track")
                #expect(request.header("Authorization") == "Bearer braze-key")
                #expect(request.json?["attributes"] == [["external_id": "u0", "plan": "pro"]])
                let events = try #require(request.json?["events"]?.arrayValue)
                #expect(events.count == 3)
                #expect(
                    events.first { $0["external_id"] == "u1" }
                        == ["external_id": "u1", "name": "Order Completed", "time": "2026-01-01T00:00:00.000Z", "properties": ["total": 1]])
                #expect(request.json?.objectValue?.keys.sorted() == ["attributes", "events"])

                // 80 events and 2 identifies: two requests of at most 75 objects, all 82 sent once.
                batch = (0..<80).map { index in
                    ["type": "track", "event": "Order Completed", "userId": .string("v\(index)"), "messageId": .string("b\(index)")]
                }
                batch += [["type": "identify", "userId": "w1", "traits": ["a": 1]], ["type": "identify", "userId": "w2", "traits": ["a": 2]]]
                try await Self.send(client, writeKey, "/v1/batch", ["batch": .array(batch)])
                let all = try await eventually {
                    let later = Array(receiver.requests.dropFirst())
                    let objects = later.map { ($0.json?["attributes"]?.arrayValue?.count ?? 0) + ($0.json?["events"]?.arrayValue?.count ?? 0) }
                    return objects.reduce(0, +) >= 82 ? objects : nil
                }
                #expect(all.allSatisfy { $0 <= 75 })
                #expect(all.reduce(0, +) == 82)
                #expect(all.count == 2)
            }
        }
    }

    /// Heap's bulk track: one request, the events in `events`, each keyed by its messageId.
    @Test func heapTrackSendsOneBulkRequest() async throws {
        try await Receiver.with { receiver, url in
            try await AudiencesTests.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                _ = try await Self.install(client, "heap-track", ["appId": "4242", "endpoint": .string(url)])
                let batch: [JSONValue] = (0..<3).map { index in
                    [
                        "type": "track", "event": "Played", "userId": "u1", "messageId": .string("m\(index)"), "timestamp": "2026-01-01T00:00:00Z",
                        "properties": ["song": ["title": .string("Song \(index)")]],
                    ]
                }
                try await Self.send(client, writeKey, "/v1/batch", ["batch": .array(batch + [["type": "identify", "userId": "u1"]])])
                let request = try await receiver.waitFor(1)[0]
                #expect(request.method == "POST")
                #expect(request.uri == "/api/track")
                #expect(request.json?["app_id"] == "4242")
                let events = try #require(request.json?["events"]?.arrayValue)
                #expect(events.count == 3)
                let first = try #require(events.first { $0["idempotency_key"] == "m0" })
                #expect(first == ["identity": "u1", "event": "Played", "timestamp": "2026-01-01T00:00:00.000Z", "properties": ["song.title": "Song 0"], "idempotency_key": "m0"])
            }
        }
    }

    /// Segment's Webhooks (Actions): the event as JSON, X-Signature = hex HMAC-SHA1 of the body.
    @Test func segmentWebhookSignsWithXSignature() async throws {
        try await Receiver.with { receiver, url in
            try await AudiencesTests.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let installed = try await Self.install(client, "segment-webhook", ["url": .string(url + "/hook"), "sharedSecret": "shh-its-secret"])
                let destination = try #require(installed["destinations"]?.arrayValue?.first)
                #expect(destination["signing"] == "segment-hmac-sha1")
                #expect(!JSONCoding.string(installed).contains("shh-its-secret"))
                try await Self.send(client, writeKey, "/v1/track", ["event": "Signed Up", "userId": "u9"])
                let request = try await receiver.waitFor(1)[0]
                #expect(request.method == "POST")
                #expect(request.uri == "/hook")
                #expect(request.json?["event"] == "Signed Up")
                let expected = WebhookSigner.headers(scheme: .segmentHMACSHA1, secrets: ["shh-its-secret"], messageId: "x", timestamp: Date(), body: request.body)
                    .first { $0.0 == "X-Signature" }?.1
                #expect(request.header("X-Signature") == expected)
                #expect(expected?.count == 40)
            }
        }
    }
}

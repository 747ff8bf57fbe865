import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import Testing

/// Profiles built from events, and audiences over them, as the API shows them.
@Suite struct AudiencesTests {
    /// Real time plus the days the test skips: count windows expire without sleeping.
    final class TestClock: Sendable {
        private let skipped = Mutex<TimeInterval>(0)
        var now: Date { Date().addingTimeInterval(skipped.withLock { $0 }) }
        func advance(days: Double) { skipped.withLock { $0 += days * 86_400 } }
    }

    static func withAudienceSwitchboard(clock: TestClock = TestClock(), _ test: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withSwitchboard(
            { settings in
                settings.allowPrivateDestinations = true
                settings.dispatcher.pollInterval = .milliseconds(20)
                settings.schedules.interval = .milliseconds(20)
            }, now: { clock.now }, test)
    }

    static func send(_ client: any TestClientProtocol, _ writeKey: String, _ path: String, _ body: JSONValue) async throws {
        let response = try await client.call(.post, path, key: nil, json: body, headers: basicAuth(writeKey))
        #expect(response.status == .ok)
    }

    static func waitUntilReady(_ client: any TestClientProtocol, _ id: String) async throws -> JSONValue {
        try await eventually {
            let audience = try await client.call(.get, "/v1/audiences/\(id)").json
            return audience["status"] == "ready" ? audience : nil
        }
    }

    @Test func identifyMergesTraitsAndTiesAnonymousActivityToTheUser() async throws {
        try await Self.withAudienceSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            try await Self.send(client, writeKey, "/v1/track", ["anonymousId": "a1", "event": "Viewed"])
            try await Self.send(client, writeKey, "/v1/identify", ["anonymousId": "a1", "userId": "u1", "traits": ["tier": "gold", "plan": "pro"]])
            try await Self.send(client, writeKey, "/v1/identify", ["userId": "u1", "traits": ["plan": .null, "city": "Oslo"]])
            try await Self.send(client, writeKey, "/v1/alias", ["previousId": "a2", "userId": "u1"])
            let profile = try await client.call(.get, "/v1/profiles/u1").json
            #expect(profile["userId"] == "u1")
            #expect(profile["traits"] == ["tier": "gold", "city": "Oslo"])
            #expect(Set(profile["anonymousIds"]?.arrayValue ?? []) == ["a1", "a2"])
            #expect(profile["audiences"] == [])
            #expect(profile["firstSeen"]?.stringValue != nil)
            // The anonymous id now finds the user's profile; the anonymous one is gone.
            #expect(try await client.call(.get, "/v1/profiles/a1").json["userId"] == "u1")
            #expect(try await client.call(.get, "/v1/profiles/nobody").status == .notFound)
            let listed = try await client.call(.get, "/v1/profiles?search=Osl").json["data"]?.arrayValue ?? []
            #expect(listed.map { $0["userId"] } == ["u1"])
            // Later anonymous-only events go to the user's profile.
            try await Self.send(client, writeKey, "/v1/track", ["anonymousId": "a1", "event": "Viewed"])
            #expect((try await client.call(.get, "/v1/profiles").json["data"]?.arrayValue ?? []).count == 1)
        }
    }

    /// A subscription on `profile.traits.tier` sees the profile as that same identify left it.
    @Test func subscriptionConditionsSeeTheProfileAfterTheEvent() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                try await DeliveryTests.route(
                    client, to: url, subscription: ["eventNames": ["identify"], "condition": ["field": "profile.traits.tier", "op": "eq", "value": "gold"]])
                try await Self.send(client, writeKey, "/v1/identify", ["userId": "u1", "traits": ["tier": "silver"]])
                try await Self.send(client, writeKey, "/v1/identify", ["userId": "u2", "traits": ["tier": "gold"]])
                try await Self.send(client, writeKey, "/v1/identify", ["userId": "u2", "traits": ["age": 30]])
                let received = try await receiver.waitFor(2)
                #expect(received.map { $0.json?["userId"] } == ["u2", "u2"])
                try await Task.sleep(for: .milliseconds(200))
                #expect(receiver.requests.count == 2)
            }
        }
    }

    /// Templates see the profile at send time; previews see the stored profile of the event's user.
    @Test func templatesAndPreviewsSeeTheProfile() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let (_, subscriptionId) = try await DeliveryTests.route(
                    client, to: url,
                    subscription: [
                        "eventNames": ["Order Completed"], "condition": ["field": "profile.traits.tier", "op": "eq", "value": "gold"],
                        "mapping": ["body": ["tier": "{{ profile.traits.tier }}", "total": "{{ properties.total }}"]],
                    ])
                try await Self.send(client, writeKey, "/v1/identify", ["userId": "u1", "traits": ["tier": "gold"]])
                try await Self.send(client, writeKey, "/v1/track", ["userId": "u1", "event": "Order Completed", "properties": ["total": 12]])
                #expect(try await receiver.waitFor(1).first?.json == ["tier": "gold", "total": 12])
                let preview = { (user: String) in
                    try await client.call(
                        .post, "/v1/subscriptions/\(subscriptionId)/preview", json: ["event": ["type": "track", "event": "Order Completed", "userId": .string(user)]]
                    ).json
                }
                #expect(try await preview("u1")["matched"] == true)
                let shown = try await preview("u1")
                #expect(shown["request"]?["body"]?["tier"] == "gold", "\(shown)")
                #expect(try await preview("someone-else")["matched"] == false)
            }
        }
    }

    /// Flow 2: identify `spend_amount: 501` -> `Audience Entered` -> PATCH of the member's label.
    @Test func enteringAnAudienceSendsTheOpenLoyaltyLabel() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withAudienceSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let audience = try await client.create(
                    "/v1/audiences", ["key": "vip", "name": "VIP", "condition": ["field": "traits.spend_amount", "op": "gt", "value": 500]])
                #expect(audience["key"] == "vip")
                #expect(audience["emitOnBuild"] == false)
                _ = try await Self.waitUntilReady(client, try #require(audience["id"]?.stringValue))
                try await DeliveryTests.route(
                    client, to: url,
                    subscription: [
                        "eventNames": ["Audience Entered"], "condition": ["field": "properties.audienceKey", "op": "eq", "value": "vip"],
                        "mapping": [
                            "url": .string(url + "/api/KHO/member/loyaltyCardNumber={{ userId }}"), "method": "PATCH",
                            "body": ["customer": ["labels": [["key": "braze_vip_segment", "value": "{{ properties.audienceName }}"]]]],
                        ],
                    ])
                try await Self.send(client, writeKey, "/v1/identify", ["userId": "card-1", "traits": ["spend_amount": 499]])
                try await Self.send(client, writeKey, "/v1/identify", ["userId": "card-1", "traits": ["spend_amount": 501]])
                let request = try #require(try await receiver.waitFor(1).first)
                #expect(request.method == "PATCH")
                #expect(request.uri == "/api/KHO/member/loyaltyCardNumber=card-1")
                #expect(request.json == ["customer": ["labels": [["key": "braze_vip_segment", "value": "VIP"]]]])
                #expect(try await client.call(.get, "/v1/profiles/card-1").json["audiences"] == ["vip"])
                let members = try await client.call(.get, "/v1/profiles?audience=vip").json["data"]?.arrayValue ?? []
                #expect(members.map { $0["userId"] } == ["card-1"])
                #expect(try await client.call(.get, "/v1/audiences/\(audience["id"]?.stringValue ?? "")").json["memberCount"] == 1)
                // Leaving emits Audience Exited with the audience's key.
                try await Self.send(client, writeKey, "/v1/identify", ["userId": "card-1", "traits": ["spend_amount": 10]])
                let exited = try await eventually { try await client.events("&name=Audience%20Exited").first }
                #expect(exited["userId"] == "card-1")
                #expect(exited["properties"] == ["audienceKey": "vip", "audienceName": "VIP"])
            }
        }
    }

    /// "3 orders in 30 days": entered on the third, left when the oldest leaves the window, with no new event.
    @Test func countWindowsExpireWithoutNewEvents() async throws {
        let clock = TestClock()
        try await Self.withAudienceSwitchboard(clock: clock) { client in
            let writeKey = try await client.makeWriteKey()
            let audience = try await client.create(
                "/v1/audiences",
                [
                    "key": "frequent", "name": "Frequent buyers",
                    "condition": ["count": ["event": "Order Completed", "withinDays": 30, "where": ["field": "properties.total", "op": "gte", "value": 10]], "op": "gte", "value": 3],
                ])
            _ = try await Self.waitUntilReady(client, try #require(audience["id"]?.stringValue))
            for total in [50, 5, 20] { try await Self.send(client, writeKey, "/v1/track", ["userId": "u1", "event": "Order Completed", "properties": ["total": .int(Int64(total))]]) }
            #expect(try await client.call(.get, "/v1/profiles/u1").json["audiences"] == [])
            clock.advance(days: 10)
            try await Self.send(client, writeKey, "/v1/track", ["userId": "u1", "event": "Order Completed", "properties": ["total": 15]])
            #expect(try await client.call(.get, "/v1/profiles/u1").json["audiences"] == ["frequent"])
            #expect(try await client.events("&name=Audience%20Entered").count == 1)
            clock.advance(days: 21)
            let exited = try await eventually { try await client.events("&name=Audience%20Exited").first }
            #expect(exited["properties"]?["audienceKey"] == "frequent")
            #expect(try await client.call(.get, "/v1/profiles/u1").json["audiences"] == [])
        }
    }

    @Test func buildingOverExistingProfilesEmitsNothingUnlessAsked() async throws {
        try await Self.withAudienceSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            for (user, spend) in [("u1", 600), ("u2", 100), ("u3", 900)] {
                try await Self.send(client, writeKey, "/v1/identify", ["userId": .string(user), "traits": ["spend_amount": .int(Int64(spend))]])
            }
            try await Self.send(client, writeKey, "/v1/track", ["userId": "u2", "event": "Order Completed"])
            let quiet = try await client.create("/v1/audiences", ["key": "big", "name": "Big", "condition": ["field": "traits.spend_amount", "op": "gt", "value": 500]])
            let loud = try await client.create(
                "/v1/audiences",
                ["key": "buyers", "name": "Buyers", "emitOnBuild": true, "condition": ["count": ["event": "Order Completed", "withinDays": 7], "op": "gte", "value": 1]])
            #expect(["building", "ready"].contains(quiet["status"]))
            let built = try await Self.waitUntilReady(client, try #require(quiet["id"]?.stringValue))
            #expect(built["memberCount"] == 2)
            let loudBuilt = try await Self.waitUntilReady(client, try #require(loud["id"]?.stringValue))
            #expect(loudBuilt["memberCount"] == 1, "\(loudBuilt)")
            let entered = try await eventually { try await client.events("&name=Audience%20Entered").nonEmpty }
            #expect(entered.map { $0["properties"]?["audienceKey"] } == ["buyers"])
            let members = try await client.call(.get, "/v1/audiences/\(quiet["id"]?.stringValue ?? "")/members").json["data"]?.arrayValue ?? []
            #expect(members.map { $0["userId"] } == ["u1", "u3"])
            // A new condition builds it again.
            let changed = try await client.call(
                .patch, "/v1/audiences/\(quiet["id"]?.stringValue ?? "")", json: ["condition": ["field": "traits.spend_amount", "op": "gt", "value": 800]])
            #expect(changed.status == .ok)
            let rebuilt = try await eventually {
                let audience = try await Self.waitUntilReady(client, quiet["id"]?.stringValue ?? "")
                return audience["memberCount"] == 1 ? audience : nil
            }
            #expect(rebuilt["condition"] == ["field": "traits.spend_amount", "op": "gt", "value": 800])
        }
    }

    @Test func keysAreUniqueForeverAndBadConditionsAreRefused() async throws {
        try await Self.withAudienceSwitchboard { client in
            let condition: JSONValue = ["field": "traits.x", "op": "exists"]
            let audience = try await client.create("/v1/audiences", ["key": "vip", "name": "VIP", "condition": condition])
            let id = try #require(audience["id"]?.stringValue)
            #expect(try await client.call(.post, "/v1/audiences", json: ["key": "vip", "name": "Again", "condition": condition]).status == .conflict)
            let rename = try await client.call(.patch, "/v1/audiences/\(id)", json: ["key": "other"])
            #expect(rename.status == .unprocessableContent)
            #expect(rename.json["error"]?["field"] == "key")
            #expect(try await client.call(.delete, "/v1/audiences/\(id)").status == .noContent)
            #expect(try await client.call(.get, "/v1/audiences/\(id)").status == .notFound)
            #expect(try await client.call(.post, "/v1/audiences", json: ["key": "vip", "name": "Reused", "condition": condition]).status == .conflict)
            for (body, field) in [
                (["key": "a", "name": "A", "condition": ["field": "traits.x", "op": "bigger", "value": 1]] as JSONValue, "condition.op"),
                (["key": "b", "name": "B", "condition": ["count": ["withinDays": 3], "op": "gte", "value": 1]], "condition.count.event"),
                (["key": "c d", "name": "C", "condition": condition], "key"),
                (["key": "e", "name": "E"], "condition"),
            ] {
                let response = try await client.call(.post, "/v1/audiences", json: body)
                #expect(response.status == .unprocessableContent)
                #expect(response.json["error"]?["field"]?.stringValue == field)
            }
            #expect(try await client.call(.get, "/v1/audiences").json["data"]?.arrayValue?.count == 0)
        }
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import Testing

/// Audience syncs (Heap segments to Braze cohorts) and date triggers (Open Loyalty's expiring
/// notifications), against a live receiver, with time moved by the test.
@Suite struct SyncsTests {
    static let braze: JSONValue = [
        "cohort_id": "c1", "cohort_changes": [["user_ids": "{{ added }}"], ["user_ids": "{{ removed }}", "should_remove": true]],
    ]

    static func withSyncingSwitchboard(
        clock: AudiencesTests.TestClock = .init(), maxRecurring: Int = 30, _ test: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withSwitchboard(
            { settings in
                settings.dispatcher.pollInterval = .milliseconds(20)
                settings.schedules.interval = .milliseconds(20)
                settings.maxRecurringSyncs = maxRecurring
            }, now: { clock.now }, test)
    }

    /// A `vip` audience over `traits.spend gt 500`, ready; returns its id.
    static func vipAudience(_ client: any TestClientProtocol) async throws -> String {
        let audience = try await client.create("/v1/audiences", ["key": "vip", "name": "VIP", "condition": ["field": "traits.spend", "op": "gt", "value": 500]])
        let id = try #require(audience["id"]?.stringValue)
        _ = try await AudiencesTests.waitUntilReady(client, id)
        return id
    }

    static func spend(_ client: any TestClientProtocol, _ writeKey: String, _ user: String, _ amount: Int) async throws {
        try await AudiencesTests.send(client, writeKey, "/v1/identify", ["userId": .string(user), "traits": ["spend": .int(Int64(amount))]])
    }

    /// The user ids of a Braze cohort body's change `index` (0: added, 1: removed).
    static func ids(_ request: Receiver.Received, _ index: Int) -> [String] {
        let changes = request.json?["cohort_changes"]?.arrayValue ?? []
        return index < changes.count ? (changes[index]["user_ids"]?.arrayValue ?? []).compactMap(\.stringValue) : []
    }

    static func runs(_ client: any TestClientProtocol, _ syncId: String) async throws -> [JSONValue] {
        try await client.call(.get, "/v1/syncs/\(syncId)/runs").json["data"]?.arrayValue ?? []
    }

    /// Every interval only who joined and who left goes out; a failed run's changes go again.
    @Test func recurringDiffSyncsSendOnlyTheChanges() async throws {
        let clock = AudiencesTests.TestClock()
        try await Receiver.with { receiver, url in
            try await Self.withSyncingSwitchboard(clock: clock) { client in
                let writeKey = try await client.makeWriteKey()
                let audienceId = try await Self.vipAudience(client)
                for (user, amount) in [("u1", 600), ("u2", 700), ("u3", 10)] { try await Self.spend(client, writeKey, user, amount) }
                let destination = try await client.create(
                    "/v1/destinations", ["name": "Braze cohorts", "url": .string(url + "/cohorts"), "retrySchedule": []])
                let sync = try await client.create(
                    "/v1/syncs",
                    [
                        "audienceId": .string(audienceId), "destinationId": destination["id"] ?? .null, "intervalSeconds": 3600, "mode": "diff",
                        "batchSize": 1, "mapping": Self.braze,
                    ])
                #expect(sync["intervalSeconds"] == 3600)
                #expect(sync["mapping"] == Self.braze)
                let syncId = try #require(sync["id"]?.stringValue)
                // The first run sends everyone as added, one id per request.
                let first = try await receiver.waitFor(2)
                #expect(Set(first.map { Self.ids($0, 0) }) == [["u1"], ["u2"]])
                #expect(first[0].json?["cohort_changes"]?.arrayValue?.last == ["user_ids": [], "should_remove": true])
                #expect(first[0].uri == "/cohorts")
                let firstRun = try await eventually { try await Self.runs(client, syncId).first { $0["status"] == "succeeded" } }
                #expect(firstRun["added"] == 2)
                #expect(firstRun["removed"] == 0)
                #expect(firstRun["requests"] == 2)

                // u2 leaves, u3 joins; the next run (an hour later) fails at the receiver (one of its two requests).
                try await Self.spend(client, writeKey, "u2", 5)
                try await Self.spend(client, writeKey, "u3", 900)
                receiver.script([Receiver.Reply(status: .internalServerError)])
                clock.advance(days: 1.0 / 24 + 0.001)
                let failed = try await eventually { try await Self.runs(client, syncId).first { $0["status"] == "failed" } }
                #expect(failed["error"]?.stringValue?.isEmpty == false)
                // Sync now: the failed run's changes are sent again, and only they.
                let now = try await client.call(.post, "/v1/syncs/\(syncId)/run")
                #expect(now.status == .ok)
                #expect(now.json["added"] == 1)
                #expect(now.json["removed"] == 1)
                let later = try await receiver.waitFor(6)
                #expect(Set(later.suffix(2).map { Self.ids($0, 0) }) == [["u3"], []])
                #expect(Set(later.suffix(2).map { Self.ids($0, 1) }) == [["u2"], []])
                _ = try await eventually { try await Self.runs(client, syncId).first?["status"] == "succeeded" ? true : nil }
                #expect(try await client.call(.get, "/v1/syncs/\(syncId)").json["lastRun"]?["status"] == "succeeded")
                // Nothing changed: the next run sends nothing.
                let quiet = try await client.call(.post, "/v1/syncs/\(syncId)/run").json
                #expect(quiet["requests"] == 0)
                #expect(quiet["status"] == "succeeded")
                #expect(receiver.requests.count == 6)
                // Its requests are deliveries like any other, in the activity log.
                let deliveries = try await client.call(.get, "/v1/deliveries?subscriptionId=\(syncId)").json["data"]?.arrayValue ?? []
                #expect(deliveries.count == 6)
            }
        }
    }

    @Test func fullSyncsSendEveryMember() async throws {
        try await Receiver.with { receiver, url in
            try await Self.withSyncingSwitchboard { client in
                let writeKey = try await client.makeWriteKey()
                let audienceId = try await Self.vipAudience(client)
                for user in ["u1", "u2", "u3"] { try await Self.spend(client, writeKey, user, 600) }
                let destination = try await client.create("/v1/destinations", ["name": "list", "url": .string(url)])
                let sync = try await client.create(
                    "/v1/syncs", ["audienceId": .string(audienceId), "destinationId": destination["id"] ?? .null, "mode": "full", "batchSize": 2])
                #expect(sync["intervalSeconds"] == .null)
                #expect(sync["lastRun"] == .null)
                let run = try await client.call(.post, "/v1/syncs/\(sync["id"]?.stringValue ?? "")/run").json
                #expect(run["requests"] == 2)
                let received = try await receiver.waitFor(2)
                #expect(Set(received.flatMap { $0.json?["members"]?.arrayValue ?? [] }) == ["u1", "u2", "u3"])
                #expect(received[0].json?["audience"] == ["key": "vip", "name": "VIP"])
            }
        }
    }

    @Test func recurringSyncsAreCappedAndBadFieldsRefused() async throws {
        try await Self.withSyncingSwitchboard(maxRecurring: 2) { client in
            let audienceId = try await Self.vipAudience(client)
            let destination = try await client.create("/v1/destinations", ["name": "d", "url": "https://braze.example.com/cohorts"])
            let base: [String: JSONValue] = ["audienceId": .string(audienceId), "destinationId": destination["id"] ?? .null, "intervalSeconds": 14_400]
            _ = try await client.create("/v1/syncs", .object(base))
            _ = try await client.create("/v1/syncs", .object(base))
            let third = try await client.call(.post, "/v1/syncs", json: .object(base))
            #expect(third.status == .conflict)
            #expect(third.json["error"]?["message"]?.stringValue?.contains("2 recurring syncs") == true)
            // A manual one is not capped.
            _ = try await client.create("/v1/syncs", .object(base.merging(["intervalSeconds": .null]) { $1 }))
            for (change, field) in [
                (["intervalSeconds": 59] as [String: JSONValue], "intervalSeconds"), (["mode": "sometimes"], "mode"), (["batchSize": 0], "batchSize"),
                (["audienceId": "aud_nope"], "audienceId"), (["destinationId": "dst_nope"], "destinationId"),
            ] {
                let response = try await client.call(.post, "/v1/syncs", json: .object(base.merging(change) { $1 }))
                #expect(response.status == .unprocessableContent, "\(change)")
                #expect(response.json["error"]?["field"]?.stringValue == field)
            }
            #expect(try await client.call(.get, "/v1/syncs").json["data"]?.arrayValue?.count == 3)
            // Sync subscriptions stay out of the subscription list.
            #expect(try await client.call(.get, "/v1/subscriptions").json["data"]?.arrayValue?.isEmpty == true)
        }
    }

    /// `PointsWillExpire` three days before the date in a trait, once; a new date arms it again.
    @Test func dateTriggersFireOncePerDate() async throws {
        let clock = AudiencesTests.TestClock()
        try await Self.withSyncingSwitchboard(clock: clock) { client in
            let writeKey = try await client.makeWriteKey()
            let trigger = try await client.create(
                "/v1/date-triggers", ["name": "Points expiring", "field": "traits.points_expire_at", "daysBefore": 3, "eventName": "PointsWillExpire"])
            #expect(trigger["atTime"] == "09:00")
            let date = Timestamp.format(clock.now.addingTimeInterval(10 * 86_400)).prefix(10)
            try await AudiencesTests.send(client, writeKey, "/v1/identify", ["userId": "m1", "traits": ["points_expire_at": .string(String(date))]])
            clock.advance(days: 5)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await client.events("&name=PointsWillExpire").isEmpty)
            clock.advance(days: 3)
            let fired = try await eventually { try await client.events("&name=PointsWillExpire").first }
            #expect(fired["userId"] == "m1")
            #expect(fired["properties"] == ["triggerId": trigger["id"] ?? .null, "field": "traits.points_expire_at", "date": .string(String(date)), "daysBefore": 3])
            clock.advance(days: 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await client.events("&name=PointsWillExpire").count == 1)
            // A new date re-arms it; a date already passed never fires.
            let next = Timestamp.format(clock.now.addingTimeInterval(4 * 86_400)).prefix(10)
            try await AudiencesTests.send(client, writeKey, "/v1/identify", ["userId": "m1", "traits": ["points_expire_at": .string(String(next))]])
            try await AudiencesTests.send(client, writeKey, "/v1/identify", ["userId": "m2", "traits": ["points_expire_at": "2001-01-01"]])
            clock.advance(days: 2)
            _ = try await eventually { try await client.events("&name=PointsWillExpire").count == 2 ? true : nil }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await client.events("&name=PointsWillExpire").compactMap { $0["userId"]?.stringValue } == ["m1", "m1"])
            let bad = try await client.call(.post, "/v1/date-triggers", json: ["name": "x", "field": "traits.d", "daysBefore": -1, "eventName": "E"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.json["error"]?["field"] == "daysBefore")
        }
    }
}

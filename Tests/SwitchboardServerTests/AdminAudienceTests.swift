import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardServer
import SwitchboardWorkers
import Testing

/// Audiences and syncs in the admin panel: built with the condition builder, synced with "Sync now".
@Suite struct AdminAudienceTests {
    @Test func anAudienceBuiltInThePanelIsSyncedWithSyncNow() async throws {
        try await Receiver.with { receiver, url in
            try await withSwitchboard({ settings in
                settings.dispatcher.pollInterval = .milliseconds(20)
                settings.schedules.interval = .milliseconds(20)
            }) { client in
                let writeKey = try await client.makeWriteKey()
                for (user, spend) in [("u1", 600), ("u2", 700), ("u3", 10)] {
                    let identify = try await client.call(
                        .post, "/v1/identify", key: nil, json: ["userId": .string(user), "traits": ["spend": .int(Int64(spend))]], headers: basicAuth(writeKey))
                    #expect(identify.status == .ok)
                }
                let destination = try await client.create("/v1/destinations", ["name": "Braze cohort", "url": .string(url + "/cohort")])
                let destinationId = try #require(destination["id"]?.stringValue)
                var browser = try await AdminBrowser.signedIn(client)
                #expect(try await browser.get("/admin/audiences").html.contains("No audiences yet"))
                let form = try await browser.get("/admin/audiences/new")
                let csrf = try #require(form.csrf)
                let created = try await browser.post(
                    "/admin/audiences/new",
                    ["csrf": csrf, "key": "vip", "name": "VIP <spenders>", "join": "all", "conditionField": "traits.spend", "conditionOp": "gt", "conditionValue": "500"])
                #expect(created.status == .seeOther)
                let audiencePage = try #require(created.location)
                let audience = try #require(try await client.call(.get, "/v1/audiences").json["data"]?.arrayValue?.first)
                #expect(audience["condition"] == ["field": "traits.spend", "op": "gt", "value": 500])
                let built = try await eventually {
                    let page = try await browser.get(audiencePage)
                    return page.html.contains("u2") ? page : nil
                }
                #expect(built.html.contains("VIP &lt;spenders&gt;") && built.html.contains("u1") && !built.html.contains(">u3<"))
                // A key is never reused: the form says so by the key.
                let again = try await browser.post(
                    "/admin/audiences/new", ["csrf": csrf, "key": "vip", "name": "Again", "conditionField": "traits.spend", "conditionOp": "gt", "conditionValue": "1"])
                #expect(again.status == .unprocessableContent && again.html.contains(#"<p class="field-error" id="key-error">"#))

                let audienceId = try #require(audience["id"]?.stringValue)
                let syncForm = try await browser.get("/admin/syncs/new?audience=\(audienceId)")
                #expect(syncForm.html.contains(#"<option value="\#(audienceId)" selected>"#))
                let tooOften = try await browser.post(
                    "/admin/syncs/new",
                    ["csrf": csrf, "audienceId": audienceId, "destinationId": destinationId, "mode": "full", "recurring": "on", "intervalSeconds": "30", "batchSize": "10"])
                #expect(tooOften.status == .unprocessableContent && tooOften.html.contains("intervalSeconds"))
                let sync = try await browser.post(
                    "/admin/syncs/new", ["csrf": csrf, "audienceId": audienceId, "destinationId": destinationId, "mode": "full", "intervalSeconds": "", "batchSize": "10"])
                #expect(sync.status == .seeOther)
                let syncPage = try #require(sync.location)
                #expect(try await browser.get(syncPage).html.contains("Not run yet"))
                let syncId = String(syncPage.split(separator: "/").last ?? "")
                let pressed = try await browser.post("/admin/syncs/\(syncId)/run", ["csrf": csrf])
                #expect(pressed.status == .seeOther)
                let request = try await receiver.waitFor(1)[0]
                #expect(Set(request.json?["members"]?.arrayValue ?? []) == ["u1", "u2"])
                let ran = try await eventually {
                    let page = try await browser.get(syncPage)
                    return page.html.contains("Succeeded") ? page : nil
                }
                #expect(ran.html.contains("<td>2</td>"))  // added
                #expect(try await browser.get("/admin/syncs").html.contains(syncId))

                // A viewer sees the runs but no "Sync now", and cannot start one.
                var viewer = try await AdminBrowser.signedIn(client, key: try await client.makeKey(role: .viewer))
                let seen = try await viewer.get(syncPage)
                #expect(seen.status == .ok && !seen.html.contains("Sync now</button>"))
                #expect(try await viewer.post("/admin/syncs/\(syncId)/run", ["csrf": try #require(seen.csrf)]).status == .forbidden)
                #expect(try await viewer.get("/admin/audiences/new").status == .forbidden)
            }
        }
    }
}

extension AdminAudienceTests {
    /// No condition rows would make every profile a member: refused beside the builder, what was typed kept.
    @Test func anAudienceWithoutAConditionRowIsRefused() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let csrf = try #require(try await browser.get("/admin/audiences/new").csrf)
            let refused = try await browser.post(
                "/admin/audiences/new",
                ["csrf": csrf, "key": "everyone?", "name": "All <of> them", "join": "any", "emitOnBuild": "on",
                 "conditionField": "", "conditionOp": "eq", "conditionValue": "ignored", "conditionField": " ", "conditionOp": "gt", "conditionValue": ""])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains(#"<p class="field-error" role="alert">Add at least one condition row"#))
            #expect(refused.html.contains(#"value="everyone?""#) && refused.html.contains(#"value="All &lt;of&gt; them""#))
            #expect(refused.html.contains(#"<option value="any" selected>"#) && refused.html.contains(#"name="emitOnBuild" value="on" checked"#))
            #expect(try await client.call(.get, "/v1/audiences").json["data"] == [])
            // One row is enough.
            let saved = try await browser.post(
                "/admin/audiences/new",
                ["csrf": csrf, "key": "gold", "name": "Gold", "join": "all", "conditionField": "traits.tier", "conditionOp": "eq", "conditionValue": "gold"])
            #expect(saved.status == .seeOther)
            #expect(try await client.call(.get, "/v1/audiences").json["data"]?.arrayValue?.first?["condition"] == ["field": "traits.tier", "op": "eq", "value": "gold"])
        }
    }
}

/// Profiles looked up, and date triggers as Open Loyalty's expiring notifications.
@Suite struct AdminProfileTests {
    @Test func aProfileShowsItsTraitsAudiencesAndEvents() async throws {
        try await withSwitchboard { client in
            let writeKey = try await client.makeWriteKey()
            for body: JSONValue in [
                ["type": "identify", "userId": "member-<1>", "traits": ["tier": "gold"]], ["type": "track", "userId": "member-<1>", "event": "Points Earned"],
            ] {
                #expect(try await client.call(.post, "/v1/batch", key: nil, json: ["batch": [body]], headers: basicAuth(writeKey)).status == .ok)
            }
            var browser = try await AdminBrowser.signedIn(client)
            let found = try await browser.get("/admin/profiles?search=member")
            #expect(found.html.contains("member-&lt;1&gt;") && found.html.contains(#"href="/admin/profiles/member%2D%3C1%3E""#))
            let profile = try await browser.get("/admin/profiles/member-%3C1%3E")
            #expect(profile.status == .ok)
            #expect(profile.html.contains("&quot;tier&quot;:&quot;gold&quot;") && profile.html.contains("Points Earned"))
            #expect(try await browser.get("/admin/profiles?search=nobody").html.contains("No profile matches"))
            #expect(try await browser.get("/admin/profiles/nobody").status == .notFound)
        }
    }

    @Test func dateTriggersAreAddedListedAndDeleted() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let page = try await browser.get("/admin/date-triggers")
            #expect(page.html.contains("No date triggers yet") && page.html.contains(#"<option value="CouponWillExpire">"#))
            let csrf = try #require(page.csrf)
            let bad = try await browser.post(
                "/admin/date-triggers",
                ["csrf": csrf, "name": "Points", "field": "traits.points_expire_at", "daysBefore": "-1", "atTime": "09:00", "eventName": "PointsWillExpire"])
            #expect(bad.status == .unprocessableContent && bad.html.contains("daysBefore") && bad.html.contains(#"value="-1""#))
            let added = try await browser.post(
                "/admin/date-triggers",
                ["csrf": csrf, "name": "Points", "field": "traits.points_expire_at", "daysBefore": "7", "atTime": "08:30", "eventName": "PointsWillExpire"])
            #expect(added.status == .seeOther)
            let stored = try #require(try await client.call(.get, "/v1/date-triggers").json["data"]?.arrayValue?.first)
            #expect(stored["daysBefore"] == 7 && stored["atTime"] == "08:30" && stored["eventName"] == "PointsWillExpire")
            let listed = try await browser.get("/admin/date-triggers")
            #expect(listed.html.contains("<td>PointsWillExpire</td>"))
            let id = try #require(stored["id"]?.stringValue)
            #expect(try await browser.post("/admin/date-triggers/\(id)/delete", ["csrf": csrf]).status == .seeOther)
            #expect(try await client.call(.get, "/v1/date-triggers").json["data"] == [])
        }
    }
}

/// Connectors installed from forms made from their parameters.
@Suite struct AdminConnectorTests {
    @Test func aConnectorIsInstalledFromItsGeneratedForm() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            #expect(try await browser.get("/admin/connectors").html.contains(#"href="/admin/connectors/braze-users-track""#))
            let form = try await browser.get("/admin/connectors/braze-users-track")
            #expect(form.html.contains(#"<input id="p-apiKey" name="apiKey" type="password" value="""#))
            #expect(form.html.contains(#"name="eventNames" type="text" value="*""#))
            #expect(form.html.contains(#"name="sendTraits" value="on" checked"#))
            let csrf = try #require(form.csrf)
            let refused = try await browser.post(
                "/admin/connectors/braze-users-track",
                ["csrf": csrf, "restEndpoint": "https://rest.iad-01.braze.com", "apiKey": "", "eventNames": "Order Completed", "sendTraits": "on"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains(#"id="p-apiKey-error""#) && refused.html.contains(#"value="https://rest.iad-01.braze.com""#))
            #expect(try await client.call(.get, "/v1/destinations").json["data"] == [])
            let installed = try await browser.post(
                "/admin/connectors/braze-users-track",
                ["csrf": csrf, "restEndpoint": "https://rest.iad-01.braze.com", "apiKey": "braze-s3cret", "eventNames": "Order Completed, Signed Up"])
            #expect(installed.status == .ok && installed.html.contains("Installed:"))
            #expect(!installed.html.contains("braze-s3cret"))
            let destination = try #require(try await client.call(.get, "/v1/destinations").json["data"]?.arrayValue?.first)
            #expect(installed.html.contains("/admin/destinations/\(destination["id"]?.stringValue ?? "-")"))
            let subscriptions = try #require(try await client.call(.get, "/v1/subscriptions").json["data"]?.arrayValue)
            // sendTraits unticked: only the track subscription, for the two events typed.
            #expect(subscriptions.count == 1)
            #expect(subscriptions.first?["eventNames"] == ["Order Completed", "Signed Up"])
        }
    }
}

/// Keys and workspaces, for admins only.
@Suite struct AdminKeyTests {
    @Test func anAdminMakesShowsOnceAndRevokesKeys() async throws {
        try await withSwitchboard { client in
            var admin = try await AdminBrowser.signedIn(client)
            let page = try await admin.get("/admin/keys")
            #expect(page.status == .ok && page.html.contains(#"href="/admin/keys""#))
            let csrf = try #require(page.csrf)
            let created = try await admin.post("/admin/keys", ["csrf": csrf, "name": "deploy <bot>", "role": "editor"])
            #expect(created.status == .ok && created.html.contains("shown only this once") && created.html.contains("deploy &lt;bot&gt;"))
            let secret = try #require(created.html.range(of: #"<code class="secret">"#).map { String(created.html[$0.upperBound...].prefix { $0 != "<" }) })
            #expect(secret.hasPrefix("sbk_"))
            #expect(try await client.call(.get, "/v1/sources", key: secret).status == .ok)
            // Shown once: the list has the name, never the key.
            let listed = try await admin.get("/admin/keys")
            #expect(listed.html.contains("deploy &lt;bot&gt;") && !listed.html.contains(secret))
            let keys = try #require(try await client.call(.get, "/v1/keys").json["data"]?.arrayValue)
            let id = try #require(keys.first { $0["name"] == "deploy <bot>" }?["id"]?.stringValue)
            #expect(try await admin.post("/admin/keys/\(id)/revoke", ["csrf": csrf]).html.contains("revoked"))
            #expect(try await client.call(.get, "/v1/sources", key: secret).status == .unauthorized)
            // A workspace of its own, with a first key.
            let workspace = try await admin.post("/admin/workspaces", ["csrf": csrf, "workspaceName": "Brand B"])
            #expect(workspace.html.contains("Workspace Brand B created") && workspace.html.contains("Keys of Brand B"))

            var editor = try await AdminBrowser.signedIn(client, key: try await client.makeKey(role: .editor))
            let seen = try await editor.get("/admin")
            #expect(!seen.html.contains(#"href="/admin/keys""#))
            #expect(try await editor.get("/admin/keys").status == .forbidden)
            #expect(try await editor.post("/admin/keys", ["csrf": try #require(seen.csrf), "name": "x", "role": "admin"]).status == .forbidden)
        }
    }
}

/// The event-type catalogue.
@Suite struct AdminEventTypeTests {
    @Test func theCatalogueShowsOpenLoyaltysNamesAndTakesNewOnes() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let page = try await browser.get("/admin/event-types")
            #expect(page.html.contains("<td>CustomerRegistered</td>") && page.html.contains("<code>customer.registered</code>"))
            let csrf = try #require(page.csrf)
            let bad = try await browser.post("/admin/event-types", ["csrf": csrf, "name": "Cart Viewed", "schema": "[1, 2]"])
            #expect(bad.status == .unprocessableContent && bad.html.contains("schema must be a JSON object") && bad.html.contains("Cart Viewed"))
            let added = try await browser.post(
                "/admin/event-types", ["csrf": csrf, "name": "Cart Viewed", "description": "A shopper opened the cart", "schema": #"{"cartId": "c-1"}"#])
            #expect(added.status == .seeOther)
            let types = try #require(try await client.call(.get, "/v1/event-types").json["data"]?.arrayValue)
            #expect(types.contains { $0["name"] == "Cart Viewed" && $0["schema"] == ["cartId": "c-1"] })
            #expect(try await browser.post("/admin/event-types", ["csrf": csrf, "name": "Cart Viewed"]).html.contains("exists already"))
            #expect(try await browser.post("/admin/event-types/delete", ["csrf": csrf, "name": "Cart Viewed"]).status == .seeOther)
            #expect(try await !client.call(.get, "/v1/event-types").json["data"]!.arrayValue!.contains { $0["name"] == "Cart Viewed" })
        }
    }
}

/// Recovering a destination's failed deliveries from its page; the one script and what it may do.
@Suite struct AdminRecoveryTests {
    @Test func failedDeliveriesAreRecoveredSinceATime() async throws {
        try await Receiver.with { receiver, url in
            try await withSwitchboard({ settings in settings.dispatcher.pollInterval = .milliseconds(20) }) { client in
                receiver.script([Receiver.Reply(status: .internalServerError)])
                let (destination, _) = try await DeliveryTests.route(client, to: url, destination: ["retrySchedule": []], subscription: ["eventNames": ["*"]])
                let id = try #require(destination["id"]?.stringValue)
                try await DeliveryTests.track(client, writeKey: try await client.makeWriteKey(), ["userId": "u1", "event": "Order Completed"])
                _ = try await eventually {
                    try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue?.first
                }
                var browser = try await AdminBrowser.signedIn(client)
                let page = try await browser.get("/admin/destinations/\(id)")
                let csrf = try #require(page.csrf)
                #expect(try await browser.post("/admin/destinations/\(id)/recover", ["csrf": csrf, "since": ""]).html.contains("Give the time to recover from"))
                let since = AdminTime.localInput(Date().addingTimeInterval(-3600))
                let recovered = try await browser.post("/admin/destinations/\(id)/recover", ["csrf": csrf, "since": since])
                #expect(recovered.html.contains("1 failed delivery since then queued again"))
                _ = try await receiver.waitFor(2)
            }
        }
    }

    @Test func theOneScriptComesFromThePanelAndNothingInlineRuns() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let page = try await browser.get("/admin")
            #expect(page.html.contains(#"<script src="/admin/assets/admin.js" defer></script>"#))
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
            let script = try await browser.get("/admin/assets/admin.js")
            #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(script.html.contains("toLocaleString"))
        }
    }
}

/// `datetime-local` text, as the panel's inputs take it (UTC).
enum AdminTime {
    static func localInput(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }
}

/// The activity log filtered by subscription.
@Suite struct AdminActivityFilterTests {
    @Test func theActivityLogFiltersBySubscription() async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "Hook", "url": "http://127.0.0.1:9/hook"])
            func subscribe(_ name: String) async throws -> String {
                try #require(
                    try await client.create("/v1/subscriptions", ["name": .string(name), "destinationId": destination["id"] ?? .null, "eventNames": [.string(name)]])["id"]?
                        .stringValue)
            }
            let orders = try await subscribe("Order Completed")
            _ = try await subscribe("Signed Up")
            let writeKey = try await client.makeWriteKey()
            for event in ["Order Completed", "Signed Up", "Signed Up"] {
                try await DeliveryTests.track(client, writeKey: writeKey, ["userId": "u1", "event": .string(event)])
            }
            var browser = try await AdminBrowser.signedIn(client)
            let all = try await browser.get("/admin/activity")
            #expect(all.html.components(separatedBy: #"<tr><td><a href="/admin/activity/dlv_"#).count - 1 == 3)
            let filtered = try await browser.get("/admin/activity?subscription=\(orders)")
            #expect(filtered.html.components(separatedBy: #"<tr><td><a href="/admin/activity/dlv_"#).count - 1 == 1)
            #expect(filtered.html.contains(#"id="subscription" name="subscription" value="\#(orders)""#))
        }
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardCore
import SwitchboardServer
import Testing

/// The admin panel at /admin, as a browser uses it: sessions, CSRF, roles, and the pages.
@Suite struct AdminPanelTests {
    @Test func signingInNeedsAValidKeyAndEveryPageForbidsFramingAndSniffing() async throws {
        try await withSwitchboard { client in
            var browser = AdminBrowser(client)
            let home = try await browser.get("/admin")
            #expect(home.status == .seeOther)
            #expect(home.location == "/admin/sign-in")
            let form = try await browser.get("/admin/sign-in")
            #expect(form.status == .ok)
            #expect(form.html.contains(#"<label for="key">API key</label>"#))
            #expect(form.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(form.headers[.xContentTypeOptions] == "nosniff")
            let policy = try #require(form.headers[.contentSecurityPolicy])
            #expect(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"))
            let wrong = try await browser.post("/admin/sign-in", ["key": "sbk_not_a_key"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.html.contains("That API key is not valid"))
            #expect(browser.cookie == nil)
            let foreign = try await browser.post("/admin/sign-in", ["key": adminKey], origin: "https://evil.example")
            #expect(foreign.status == .forbidden && browser.cookie == nil)
            let css = try await client.executeRequest(uri: "/admin/assets/admin.css", method: .get, headers: [:], body: nil)
            #expect(css.status == .ok && css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }

    @Test func theSessionCookieIsHttpOnlyStrictAndSignOutEndsIt() async throws {
        try await withSwitchboard { client in
            let response = try await client.executeRequest(
                uri: "/admin/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "key=" + AdminBrowser.escape(adminKey)))
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("switchboard_admin=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin"))
            #expect(!cookie.contains("Secure"))
            var browser = try await AdminBrowser.signedIn(client)
            let dashboard = try await browser.get("/admin")
            #expect(dashboard.status == .ok)
            #expect(dashboard.html.contains("<h1>Dashboard</h1>"))
            #expect(dashboard.headers[HTTPField.Name("X-Frame-Options")!] == "DENY" && dashboard.headers[.cacheControl] == "no-store")
            // Signing out is a form like any other: without the token it is refused and the session stays.
            #expect(try await browser.post("/admin/sign-out", [:]).status == .forbidden)
            #expect(try await browser.get("/admin").status == .ok)
            let out = try await browser.post("/admin/sign-out", ["csrf": try #require(dashboard.csrf)])
            #expect(out.status == .seeOther && out.location == "/admin/sign-in")
            let after = try await browser.get("/admin")
            #expect(after.status == .seeOther && after.location == "/admin/sign-in")
        }
    }

    @Test func anHttpsPublicURLMakesTheCookieSecure() async throws {
        try await withSwitchboard({ $0.publicURL = "https://switchboard.example.com" }) { client in
            let response = try await client.executeRequest(
                uri: "/admin/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "key=" + AdminBrowser.escape(adminKey)))
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("switchboard_admin=") })
            #expect(cookie.contains("Secure"))
        }
    }

    @Test func aSessionExpiresAfterTwelveHours() async throws {
        let clock = TestClock()
        try await withSwitchboard(now: { clock.now }) { client in
            var browser = try await AdminBrowser.signedIn(client)
            clock.advance(by: 11 * 3600)
            #expect(try await browser.get("/admin").status == .ok)
            clock.advance(by: 3600 + 1)
            let expired = try await browser.get("/admin")
            #expect(expired.status == .seeOther && expired.location == "/admin/sign-in")
        }
    }

    @Test func aFormWithoutTheSessionsTokenOrFromAnotherOriginIsRefused() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let form = try await browser.get("/admin/destinations/new")
            let csrf = try #require(form.csrf)
            let noToken = try await browser.post("/admin/destinations/new", ["name": "x", "url": "https://example.com/hook"])
            #expect(noToken.status == .forbidden)
            #expect(noToken.html.contains("This form has expired"))
            let wrongToken = try await browser.post("/admin/destinations/new", ["csrf": "0000", "name": "x", "url": "https://example.com/hook"])
            #expect(wrongToken.status == .forbidden)
            let otherSite = try await browser.post(
                "/admin/destinations/new", ["csrf": csrf, "name": "x", "url": "https://example.com/hook"], origin: "https://evil.example")
            #expect(otherSite.status == .forbidden)
            #expect(otherSite.html.contains("sent from another site"))
            #expect(try await client.call(.get, "/v1/destinations").json["data"]?.arrayValue?.isEmpty == true)
            // The same form with the token and no foreign Origin goes through.
            let saved = try await browser.post("/admin/destinations/new", ["csrf": csrf, "name": "x", "url": "https://example.com/hook", "enabled": "on"])
            #expect(saved.status == .seeOther)
        }
    }

    @Test func aViewerSeesNoEditControlsAndItsPostsAreRefused() async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "Shop", "url": "https://example.com/hook"])
            let id = try #require(destination["id"]?.stringValue)
            let viewerKey = try await client.makeKey(role: .viewer)
            var viewer = try await AdminBrowser.signedIn(client, key: viewerKey)
            let list = try await viewer.get("/admin/destinations")
            #expect(list.status == .ok && list.html.contains("Shop"))
            #expect(!list.html.contains("Add new webhook"))
            let detail = try await viewer.get("/admin/destinations/\(id)")
            #expect(detail.status == .ok)
            #expect(!detail.html.contains("Rotate secret") && !detail.html.contains("/test\"") && !detail.html.contains(">Edit<"))
            #expect(try await viewer.get("/admin/destinations/new").status == .forbidden)
            let csrf = try #require(detail.csrf)  // the sign-out form's
            let disable = try await viewer.post("/admin/destinations/\(id)/disable", ["csrf": csrf])
            #expect(disable.status == .forbidden)
            #expect(try await client.call(.get, "/v1/destinations/\(id)").json["enabled"] == true)
            #expect(try await viewer.post("/admin/destinations/\(id)/secret", ["csrf": csrf]).status == .forbidden)
            // A viewer may still sign out.
            #expect(try await viewer.post("/admin/sign-out", ["csrf": csrf]).status == .seeOther)
        }
    }

    @Test func addingAWebhookAsOpenLoyaltysGuideDoes() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let form = try await browser.get("/admin/destinations/new")
            #expect(form.html.contains(#"<option value="CustomerRegistered""#))
            #expect(form.html.components(separatedBy: #"name="headerName""#).count - 1 == 3)
            let saved = try await browser.post(
                "/admin/destinations/new",
                [
                    "csrf": try #require(form.csrf), "eventName": "CustomerRegistered", "legacy": "on", "name": "Loyalty CRM",
                    "url": "https://crm.example.com/hooks", "method": "POST", "activeFrom": "2026-12-01T09:30", "enabled": "on",
                    "headerName": "X-Api-Key", "headerValue": "abc", "headerName": "X-Tenant", "headerValue": "shop-1", "headerName": "", "headerValue": "",
                    "signing": "standard-webhooks", "timeoutMs": "5000", "retrySchedule": "10, 60", "rateLimit": "20", "maxConcurrency": "4",
                    "ordering": "per-user", "batchMaxSize": "", "batchMaxWaitMs": "", "batchCombine": "array",
                ])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.location)
            let destinations = try #require(try await client.call(.get, "/v1/destinations").json["data"]?.arrayValue)
            let made = try #require(destinations.first)
            #expect(made["name"] == "Loyalty CRM")
            #expect(made["headers"] == ["X-Api-Key": "abc", "X-Tenant": "shop-1"])
            #expect(made["activeFrom"] == "2026-12-01T09:30:00.000Z" || made["activeFrom"]?.stringValue?.hasPrefix("2026-12-01T09:30:00") == true)
            #expect(made["timeoutMs"] == 5000 && made["retrySchedule"] == [10, 60] && made["rateLimit"] == ["perSecond": 20])
            #expect(made["maxConcurrency"] == 4 && made["ordering"] == "per-user")
            let subscriptions = try #require(try await client.call(.get, "/v1/subscriptions").json["data"]?.arrayValue)
            #expect(subscriptions.first?["eventNames"] == ["CustomerRegistered"])
            #expect(subscriptions.first?["format"] == "openloyalty-legacy")
            let detail = try await browser.get(location)
            #expect(detail.status == .ok)
            #expect(detail.html.contains("X-Tenant: shop-1") && detail.html.contains("CustomerRegistered"))
            #expect(detail.html.contains(#"<time datetime="2026-12-01T09:30:00"#))
            // The list finds it with the search box, and shows active from and legacy.
            let found = try await browser.get("/admin/destinations?search=CRM")
            #expect(found.html.contains("Loyalty CRM") && found.html.contains("<td>Yes</td>") && found.html.contains("Enabled"))
            let missing = try await browser.get("/admin/destinations?search=nothing-like-it")
            #expect(missing.html.contains("No destination matches"))
            // A filter per column with few values: status and legacy.
            #expect(try await browser.get("/admin/destinations?status=enabled&legacy=yes").html.contains("Loyalty CRM"))
            #expect(try await browser.get("/admin/destinations?legacy=no").html.contains("No destination matches these filters"))
            #expect(try await browser.get("/admin/destinations?status=disabled").html.contains("No destination matches these filters"))
            #expect(try await browser.get("/admin/destinations?status=maybe").status == .badRequest)
        }
    }

    @Test func aRefusedFormShowsTheAPIsMessageByItsFieldAndKeepsWhatWasTyped() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let csrf = try #require(try await browser.get("/admin/destinations/new").csrf)
            let badURL = try await browser.post(
                "/admin/destinations/new", ["csrf": csrf, "name": "Typed name", "url": "not a url", "timeoutMs": "5000", "headerName": "X-Kept", "headerValue": "kept"])
            #expect(badURL.status == .unprocessableContent)
            #expect(badURL.html.contains(#"<p class="field-error" id="url-error">"#))
            #expect(badURL.html.contains(#"value="Typed name""#) && badURL.html.contains(#"value="not a url""#) && badURL.html.contains(#"value="X-Kept""#))
            let badTimeout = try await browser.post("/admin/destinations/new", ["csrf": csrf, "name": "n", "url": "https://example.com/", "timeoutMs": "5"])
            #expect(badTimeout.status == .unprocessableContent)
            #expect(badTimeout.html.contains(#"value="5""#))
            #expect(badTimeout.html.contains("timeoutMs"))
            #expect(try await client.call(.get, "/v1/destinations").json["data"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func userTextIsShownAsTextNeverAsMarkup() async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "<script>alert(1)</script>", "url": "https://example.com/hook"])
            let id = try #require(destination["id"]?.stringValue)
            var browser = try await AdminBrowser.signedIn(client)
            let writeKey = try await client.makeWriteKey()
            _ = try await client.call(
                .post, "/v1/track", key: nil, json: ["event": "<script>alert(1)</script>", "userId": "u", "messageId": "x1"], headers: basicAuth(writeKey))
            for uri in ["/admin/destinations", "/admin/destinations/\(id)", "/admin/destinations/\(id)/edit", "/admin/destinations?search=%3Cscript%3E", "/admin/events"] {
                let page = try await browser.get(uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(!page.html.contains("<script>alert(1)</script>"), "\(uri)")
                #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(uri)")
            }
        }
    }

    @Test func editingEnablingAndTheSecret() async throws {
        try await withSwitchboard { client in
            let destination = try await client.create("/v1/destinations", ["name": "Before", "url": "https://example.com/hook", "headers": ["X-A": "1"]])
            let id = try #require(destination["id"]?.stringValue)
            let secret = try #require(destination["secret"]?.stringValue)
            var browser = try await AdminBrowser.signedIn(client)
            let edit = try await browser.get("/admin/destinations/\(id)/edit")
            #expect(edit.html.contains(#"value="Before""#) && edit.html.contains(#"value="X-A""#))
            #expect(edit.html.components(separatedBy: #"name="headerName""#).count - 1 == 4)
            let csrf = try #require(edit.csrf)
            let saved = try await browser.post(
                "/admin/destinations/\(id)/edit", ["csrf": csrf, "name": "After", "url": "https://example.com/hook2", "enabled": "on", "timeoutMs": "15000"])
            #expect(saved.status == .seeOther)
            let changed = try await client.call(.get, "/v1/destinations/\(id)").json
            #expect(changed["name"] == "After" && changed["url"] == "https://example.com/hook2" && changed["headers"] == [:])
            #expect(try await browser.post("/admin/destinations/\(id)/disable", ["csrf": csrf]).status == .seeOther)
            #expect(try await client.call(.get, "/v1/destinations/\(id)").json["enabled"] == false)
            let disabled = try await browser.get("/admin/destinations/\(id)")
            #expect(disabled.html.contains("Disabled") && disabled.html.contains(">Enable<"))
            let dashboard = try await browser.get("/admin")
            #expect(dashboard.html.contains("After</a>: <span class=\"status off\">Disabled</span>"))
            #expect(try await browser.post("/admin/destinations/\(id)/enable", ["csrf": csrf]).status == .seeOther)
            #expect(try await client.call(.get, "/v1/destinations/\(id)").json["enabled"] == true)
            // The secret shows only when asked for, and rotating makes a new one.
            #expect(!(try await browser.get("/admin/destinations/\(id)")).html.contains(secret))
            #expect(try await browser.post("/admin/destinations/\(id)/secret", ["csrf": csrf]).html.contains(secret))
            let rotated = try await browser.post("/admin/destinations/\(id)/rotate-secret", ["csrf": csrf])
            let newSecret = try #require(try await client.call(.get, "/v1/destinations/\(id)/secret").json["secret"]?.stringValue)
            #expect(newSecret != secret && rotated.html.contains(newSecret) && rotated.html.contains("previous one keeps signing"))
        }
    }

    @Test func sendTestEventShowsTheRequestSentAndTheResponseReceived() async throws {
        try await Receiver.with { receiver, url in
            receiver.script([.init(status: .unauthorized, body: "bad token")])
            try await withSwitchboard { client in
                let destination = try await client.create("/v1/destinations", ["name": "Receiver", "url": .string(url + "/hook")])
                let id = try #require(destination["id"]?.stringValue)
                var browser = try await AdminBrowser.signedIn(client)
                let csrf = try #require(try await browser.get("/admin/destinations/\(id)").csrf)
                let page = try await browser.post("/admin/destinations/\(id)/test", ["csrf": csrf])
                #expect(page.status == .ok)
                #expect(page.html.contains("POST \(url)/hook"))
                #expect(page.html.contains("401 Unauthorized") && page.html.contains("bad token"))
                #expect(page.html.contains("webhook-signature"))
                #expect(receiver.requests.count == 1)
            }
        }
    }

    @Test func theActivityLogShowsDeliveriesTheirAttemptsAndRetries() async throws {
        try await Receiver.with { receiver, url in
            receiver.script([.init(status: .unauthorized, body: "nope")], then: .init(status: .ok, body: "thanks"))
            try await withSwitchboard { client in
                let destination = try await client.create(
                    "/v1/destinations", ["name": "Activity", "url": .string(url + "/in"), "retrySchedule": []])
                let id = try #require(destination["id"]?.stringValue)
                _ = try await client.create("/v1/subscriptions", ["name": "all", "destinationId": .string(id), "eventNames": ["*"]])
                let writeKey = try await client.makeWriteKey()
                let ingest = try await client.call(
                    .post, "/v1/track", key: nil, json: ["event": "Order Completed", "userId": "u1", "messageId": "m1"], headers: basicAuth(writeKey))
                #expect(ingest.status.code < 300)
                let failed = try await eventually {
                    let list = try await client.call(.get, "/v1/deliveries?status=failed").json["data"]?.arrayValue ?? []
                    return list.first
                }
                let deliveryId = try #require(failed["id"]?.stringValue)
                var browser = try await AdminBrowser.signedIn(client)
                let log = try await browser.get("/admin/activity?status=failed")
                #expect(log.status == .ok)
                #expect(log.html.contains(deliveryId) && log.html.contains("Failed") && log.html.contains("401 Unauthorized"))
                #expect(try await browser.get("/admin/activity?status=succeeded").html.contains("No deliveries match"))
                #expect(try await browser.get("/admin/activity?status=bogus").status == .badRequest)
                // The events explorer finds the event, and its page lists the delivery it made.
                let events = try await browser.get("/admin/events?name=Order+Completed&type=track")
                #expect(events.status == .ok && events.html.contains("<td>Order Completed</td><td>u1</td>"))
                let eventId = try #require(failed["eventId"]?.stringValue)
                let event = try await browser.get("/admin/events/\(eventId)")
                #expect(event.html.contains(deliveryId) && event.html.contains("&quot;messageId&quot;:&quot;m1&quot;"))
                #expect(try await browser.get("/admin/events?name=Nothing").html.contains("No events match"))
                #expect(try await browser.get("/admin/events?type=bogus").status == .badRequest)
                let detail = try await browser.get("/admin/activity/\(deliveryId)")
                #expect(detail.html.contains("401 Unauthorized") && detail.html.contains("nope") && detail.html.contains("Order Completed"))
                #expect(detail.html.contains(" ms</td>"))
                let dashboard = try await browser.get("/admin")
                // The track event, and any operational event the failure made.
                #expect(dashboard.html.contains("</strong> events in") && !dashboard.html.contains("<strong>0</strong> events in"))
                #expect(dashboard.html.contains("<strong>1</strong> deliveries out") && dashboard.html.contains("Success rate: <strong>0.0%</strong>"))
                #expect(dashboard.html.contains("Activity</a></td><td>1</td><td>0</td>"))
                #expect(dashboard.html.contains("<svg class=\"chart\"") && dashboard.html.contains(">Failed</text>"))
                let retried = try await browser.post("/admin/activity/\(deliveryId)/retry", ["csrf": try #require(detail.csrf)])
                #expect(retried.status == .ok && retried.html.contains("Queued again"))
                try await eventually {
                    try await client.call(.get, "/v1/deliveries/\(deliveryId)").json["status"] == "succeeded" ? true : nil
                }
                let after = try await browser.get("/admin/activity/\(deliveryId)")
                #expect(after.html.contains("200 OK") && after.html.contains("Delivered"))
                // Retry all failed of a filter: none are left failed, so none go back.
                let all = try await browser.post("/admin/activity/retry-failed", ["csrf": try #require(detail.csrf), "destination": id])
                #expect(all.status == .seeOther)
                #expect(try await browser.get(try #require(all.location)).html.contains("0 failed deliveries queued again."))
            }
        }
    }

    @Test func theDashboardListsTheTwentyMostFailingAndDisabledDestinationsAndLinksToTheRest() async throws {
        try await Receiver.with { receiver, url in
            receiver.script([], then: .init(status: .unauthorized, body: "nope"))
            try await withSwitchboard { client in
                // 22 destinations fail one delivery each; "Hook 00" fails a second one.
                for number in 0..<22 {
                    let destination = try await client.create(
                        "/v1/destinations", ["name": .string(String(format: "Hook %02d", number)), "url": .string(url + "/in"), "retrySchedule": []])
                    let id = try #require(destination["id"]?.stringValue)
                    let names: JSONValue = number == 0 ? ["Order Completed", "Signed Up"] : ["Order Completed"]
                    _ = try await client.create("/v1/subscriptions", ["name": "all", "destinationId": .string(id), "eventNames": names])
                }
                for number in 0..<21 {
                    _ = try await client.create(
                        "/v1/destinations", ["name": .string(String(format: "Off %02d", number)), "url": .string(url + "/off"), "enabled": false])
                }
                let writeKey = try await client.makeWriteKey()
                for (event, id) in [("Order Completed", "m1"), ("Signed Up", "m2")] {
                    let ingest = try await client.call(
                        .post, "/v1/track", key: nil, json: ["event": .string(event), "userId": "u1", "messageId": .string(id)], headers: basicAuth(writeKey))
                    #expect(ingest.status.code < 300)
                }
                try await eventually {
                    try await client.call(.get, "/v1/deliveries?status=failed&limit=100").json["data"]?.arrayValue?.count == 23 ? true : nil
                }
                var browser = try await AdminBrowser.signedIn(client)
                let dashboard = try await browser.get("/admin")
                let rows = dashboard.html.components(separatedBy: "\">Hook ").count - 1
                #expect(rows == 20, "failure rows: \(rows)")
                #expect(dashboard.html.contains("Hook 00</a></td><td>2</td><td>0</td>"), "the most failing first")
                #expect(dashboard.html.contains("2 more destinations failed"))
                #expect(dashboard.html.components(separatedBy: "\">Off ").count - 1 == 20)
                #expect(dashboard.html.contains("href=\"/admin/destinations?status=disabled\""))
            }
        }
    }

    @Test func addingASourceShowsItsIngestURLAndACurlExample() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            #expect(try await browser.get("/admin/sources").html.contains("No sources yet"))
            let form = try await browser.get("/admin/sources/new")
            let csrf = try #require(form.csrf)
            let refused = try await browser.post("/admin/sources/new", ["csrf": csrf, "name": "  ", "type": "segment", "eventNamePrefix": "web-"])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains(#"id="name-error""#) && refused.html.contains(#"value="web-""#))
            let badType = try await browser.post("/admin/sources/new", ["csrf": csrf, "name": "x", "type": "carrier-pigeon"])
            #expect(badType.status == .unprocessableContent && badType.html.contains("type"))
            let saved = try await browser.post("/admin/sources/new", ["csrf": csrf, "name": "Website <b>", "type": "segment"])
            #expect(saved.status == .seeOther)
            let source = try #require(try await client.call(.get, "/v1/sources").json["data"]?.arrayValue?.first)
            let writeKey = try #require(source["writeKey"]?.stringValue)
            let page = try await browser.get(try #require(saved.location))
            #expect(page.html.contains("Website &lt;b&gt;") && page.html.contains(writeKey))
            #expect(page.html.contains("curl -u &#39;\(writeKey):&#39;") || page.html.contains("curl -u &#x27;\(writeKey):&#x27;") || page.html.contains("curl -u '\(writeKey):'"))
            #expect(page.html.contains("/v1/batch"))
            let list = try await browser.get("/admin/sources")
            #expect(list.html.contains("Website &lt;b&gt;") && list.html.contains("/v1/batch"))
            let viewerKey = try await client.makeKey(role: .viewer)
            var viewer = try await AdminBrowser.signedIn(client, key: viewerKey)
            let viewerPage = try await viewer.get("/admin/sources")
            #expect(!viewerPage.html.contains("Add source"))
            let refusedForViewer = try await viewer.post("/admin/sources/new", ["csrf": try #require(viewerPage.csrf), "name": "y", "type": "segment"])
            #expect(refusedForViewer.status == .forbidden && refusedForViewer.html.contains("can look but not change"))
        }
    }

    @Test func emptyStatesSayWhatToDoNext() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            #expect(try await browser.get("/admin").html.contains("No destinations yet"))
            #expect(try await browser.get("/admin/destinations").html.contains("Add new webhook</a>: pick an event"))
            #expect(try await browser.get("/admin/activity").html.contains("No deliveries match"))
            #expect(try await browser.get("/admin/events").html.contains("No events match"))
            #expect(try await browser.get("/admin/destinations/dst_nope").status == .notFound)
        }
    }
}

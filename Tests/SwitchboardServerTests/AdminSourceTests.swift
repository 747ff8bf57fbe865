import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardCore
import Testing

/// Sources in the admin panel: every field of the API (type settings, verification) on the add
/// and edit forms, secrets write-only, deleting sources and destinations after a confirmation.
@Suite struct AdminSourceTests {
    static func header(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    /// The id at the end of a redirect to a source's page.
    static func id(_ page: AdminBrowser.Page) throws -> String {
        let location = try #require(page.location)
        return String(location.split(separator: "/").last?.split(separator: "?").first ?? "")
    }

    static func ingest(_ client: any TestClientProtocol, _ id: String, _ body: JSONValue, headers: HTTPFields = [:]) async throws -> HTTPResponse.Status {
        try await client.call(.post, "/ingest/\(id)", key: nil, json: body, headers: headers).status
    }

    @Test func eachSourceTypeIsCreatedWithItsSettingsAndVerification() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let form = try await browser.get("/admin/sources/new")
            #expect(form.status == .ok)
            // Every input is labelled, the secrets are password inputs, all types' settings are offered.
            for input in ["name", "type", "eventNamePrefix", "transform", "itemsPath", "eventName", "webhookUserIdField", "openloyaltyUserIdField",
                          "brazeUserIdField", "verificationType", "verificationHeader", "verificationSecret", "verificationUsername",
                          "verificationPassword", "verificationAlgorithm", "verificationEncoding", "verificationPrefix", "verificationTimestampHeader"] {
                #expect(form.html.contains(#"<label for="\#(input)">"#), "label of \(input)")
                #expect(form.html.contains(#"id="\#(input)" name="\#(input)""#), "input \(input)")
            }
            #expect(form.html.contains(#"id="verificationSecret" name="verificationSecret" type="password" autocomplete="new-password" value="""#))
            #expect(form.html.contains(#"<option value="standard-webhooks">standard-webhooks</option>"#))
            let csrf = try #require(form.csrf)

            // A webhook with a transform and HMAC (every HMAC setting).
            let transform = #"{"event": "{{ body.type }}", "userId": "{{ body.data.id }}", "properties": "{{ body.data }}"}"#
            let webhook = try await browser.post(
                "/admin/sources/new",
                [
                    "csrf": csrf, "name": "Shop", "type": "webhook", "eventNamePrefix": "", "transform": transform, "itemsPath": "items",
                    "eventName": "", "webhookUserIdField": "data.id", "openloyaltyUserIdField": "", "brazeUserIdField": "",
                    "verificationType": "hmac", "verificationHeader": "X-Sig", "verificationSecret": "hmac-s3cret", "verificationUsername": "",
                    "verificationPassword": "", "verificationAlgorithm": "sha1", "verificationEncoding": "base64", "verificationPrefix": "sha1=",
                    "verificationTimestampHeader": "",
                ])
            #expect(webhook.status == .seeOther)
            let webhookId = try Self.id(webhook)
            let stored = try await client.call(.get, "/v1/sources/\(webhookId)").json
            #expect(stored["type"] == "webhook" && stored["itemsPath"] == "items" && stored["userIdField"] == "data.id" && stored["eventName"] == .null)
            #expect(stored["transform"] == ["event": "{{ body.type }}", "userId": "{{ body.data.id }}", "properties": "{{ body.data }}"])
            #expect(stored["verification"] == ["type": "hmac", "header": "X-Sig", "algorithm": "sha1", "encoding": "base64", "prefix": "sha1="])
            // The secret was stored: a body signed with it is taken, one signed otherwise is not.
            let body: JSONValue = ["items": [["type": "Order Placed", "data": ["id": "c1", "total": 5]]]]
            func signed(_ key: String) -> HTTPFields {
                let mac = HMAC<Insecure.SHA1>.authenticationCode(for: JSONCoding.bytes(body), using: SymmetricKey(data: Data(key.utf8)))
                return [Self.header("X-Sig"): "sha1=" + Data(mac).base64EncodedString()]
            }
            #expect(try await Self.ingest(client, webhookId, body, headers: signed("other")) == .unauthorized)
            #expect(try await Self.ingest(client, webhookId, body, headers: signed("hmac-s3cret")) == .ok)
            #expect(try await client.events("&userId=c1").first?["event"] == "Order Placed")
            let page = try await browser.get("/admin/sources/\(webhookId)")
            #expect(page.html.contains("hmac") && page.html.contains("<code>X-Sig</code>") && page.html.contains("<code>sha1=</code>"))
            #expect(page.html.contains("Secret: set (write-only, never shown)") && page.html.contains("&quot;{{ body.type }}&quot;"))
            #expect(!page.html.contains("hmac-s3cret"))

            // Open Loyalty: the user id from the customer id, a token.
            let openLoyalty = try await browser.post(
                "/admin/sources/new",
                [
                    "csrf": csrf, "name": "Open Loyalty", "type": "openloyalty", "openloyaltyUserIdField": "customerId", "brazeUserIdField": "user_id",
                    "webhookUserIdField": "ignored.for.this.type", "verificationType": "token", "verificationHeader": "X-Token",
                    "verificationSecret": "ol-t0ken", "verificationUsername": "ignored", "verificationAlgorithm": "sha256", "verificationEncoding": "hex",
                ])
            #expect(openLoyalty.status == .seeOther)
            let openLoyaltyStored = try await client.call(.get, "/v1/sources/\(try Self.id(openLoyalty))").json
            #expect(openLoyaltyStored["userIdField"] == "customerId" && openLoyaltyStored["verification"] == ["type": "token", "header": "X-Token"])

            // Braze Currents: the prefix, the user id choice, basic verification.
            let braze = try await browser.post(
                "/admin/sources/new",
                [
                    "csrf": csrf, "name": "Braze", "type": "braze-currents", "eventNamePrefix": "braze-", "openloyaltyUserIdField": "",
                    "brazeUserIdField": "user_id", "verificationType": "basic", "verificationUsername": "currents", "verificationPassword": "b4sic",
                    "verificationAlgorithm": "sha256", "verificationEncoding": "hex",
                ])
            #expect(braze.status == .seeOther)
            let brazeId = try Self.id(braze)
            let brazeStored = try await client.call(.get, "/v1/sources/\(brazeId)").json
            #expect(brazeStored["eventNamePrefix"] == "braze-" && brazeStored["userIdField"] == "user_id")
            #expect(brazeStored["verification"] == ["type": "basic", "username": "currents"])
            let batch: JSONValue = ["events": [["event_type": "users.messages.email.Send", "id": "e1", "time": 1_799_999_990, "user": ["user_id": "b-7"]]]]
            let basic: HTTPFields = [.authorization: "Basic " + Data("currents:b4sic".utf8).base64EncodedString()]
            #expect(try await Self.ingest(client, brazeId, batch, headers: basic) == .ok)
            #expect(try await client.events("&userId=b-7").first?["event"] == "braze-users.messages.email.Send")

            // A webhook with Standard Webhooks and a literal event name; a Segment source with none.
            let secret = "whsec_" + Data(repeating: 7, count: 24).base64EncodedString()
            let standard = try await browser.post(
                "/admin/sources/new",
                [
                    "csrf": csrf, "name": "Pendula", "type": "webhook", "eventName": "Flow Finished", "verificationType": "standard-webhooks",
                    "verificationSecret": secret, "verificationHeader": "X-Ignored",
                ])
            #expect(standard.status == .seeOther)
            let standardStored = try await client.call(.get, "/v1/sources/\(try Self.id(standard))").json
            #expect(standardStored["eventName"] == "Flow Finished" && standardStored["verification"] == ["type": "standard-webhooks"])
            let segment = try await browser.post("/admin/sources/new", ["csrf": csrf, "name": "Web", "type": "segment", "verificationType": "none"])
            let segmentStored = try await client.call(.get, "/v1/sources/\(try Self.id(segment))").json
            #expect(segmentStored["verification"] == .null && segmentStored["writeKey"]?.stringValue != nil)

            // No secret in any page of the panel.
            for uri in ["/admin/sources", "/admin/sources/\(webhookId)/edit", "/admin/sources/\(brazeId)", "/admin/sources/\(brazeId)/edit"] {
                let html = try await browser.get(uri).html
                for secret in ["hmac-s3cret", "ol-t0ken", "b4sic", secret] { #expect(!html.contains(secret), "\(uri) shows a secret") }
            }
        }
    }

    @Test func editingKeepsALeftEmptySecretAndChangesAGivenOne() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let csrf = try #require(try await browser.get("/admin/sources/new").csrf)
            let created = try await browser.post(
                "/admin/sources/new",
                [
                    "csrf": csrf, "name": "Hook", "type": "webhook", "eventName": "Item Received", "verificationType": "token",
                    "verificationHeader": "X-Token", "verificationSecret": "first-s3cret",
                ])
            let id = try Self.id(created)
            let page = try await browser.get("/admin/sources/\(id)")
            #expect(page.html.contains(#"href="/admin/sources/\#(id)/edit""#))
            let edit = try await browser.get("/admin/sources/\(id)/edit")
            #expect(edit.status == .ok && !edit.html.contains("first-s3cret"))
            #expect(edit.html.contains(#"id="verificationSecret" name="verificationSecret" type="password" autocomplete="new-password" value="""#))
            #expect(edit.html.contains("Leave empty to keep the stored secret"))
            #expect(edit.html.contains(#"value="X-Token""#) && edit.html.contains(#"<option value="token" selected>"#))
            // Only the webhook settings: the type is fixed.
            #expect(edit.html.contains(#"id="itemsPath""#) && !edit.html.contains(#"id="brazeUserIdField""#) && !edit.html.contains(#"id="type""#))
            let token: (String) -> HTTPFields = { [Self.header("X-Token"): $0] }

            // The secret left empty: kept, the other changes made.
            let kept = try await browser.post(
                "/admin/sources/\(id)/edit",
                [
                    "csrf": csrf, "name": "Hook (renamed)", "eventName": "Item Arrived", "itemsPath": "", "transform": "", "webhookUserIdField": "",
                    "verificationType": "token", "verificationHeader": "X-Token", "verificationSecret": "",
                ])
            #expect(kept.status == .seeOther && kept.location == "/admin/sources/\(id)?saved=1")
            #expect(try await browser.get(try #require(kept.location)).html.contains("Saved."))
            let afterKeep = try await client.call(.get, "/v1/sources/\(id)").json
            #expect(afterKeep["name"] == "Hook (renamed)" && afterKeep["eventName"] == "Item Arrived" && afterKeep["type"] == "webhook")
            #expect(try await Self.ingest(client, id, ["n": 1], headers: token("first-s3cret")) == .ok)
            #expect(try await Self.ingest(client, id, ["n": 2], headers: token("wrong")) == .unauthorized)

            // A new secret given: the old one no longer works.
            let changed = try await browser.post(
                "/admin/sources/\(id)/edit",
                [
                    "csrf": csrf, "name": "Hook (renamed)", "eventName": "Item Arrived", "verificationType": "token", "verificationHeader": "X-Token",
                    "verificationSecret": "second-s3cret",
                ])
            #expect(changed.status == .seeOther)
            #expect(try await Self.ingest(client, id, ["n": 3], headers: token("first-s3cret")) == .unauthorized)
            #expect(try await Self.ingest(client, id, ["n": 4], headers: token("second-s3cret")) == .ok)
            #expect(try await client.events().count == 2)

            // Another type needs its own secret: refused by the secret input, the typed header kept, the typed secret not shown back.
            let noSecret = try await browser.post(
                "/admin/sources/\(id)/edit",
                [
                    "csrf": csrf, "name": "Hook (renamed)", "eventName": "Item Arrived", "verificationType": "hmac", "verificationHeader": "X-Hub-Signature",
                    "verificationAlgorithm": "sha256", "verificationEncoding": "hex", "verificationPassword": "typed-but-unused",
                ])
            #expect(noSecret.status == .unprocessableContent)
            #expect(noSecret.html.contains(#"<p class="field-error" id="verificationSecret-error">verification.secret is required</p>"#))
            #expect(noSecret.html.contains(#"value="X-Hub-Signature""#) && !noSecret.html.contains("typed-but-unused"))
            #expect(try await client.call(.get, "/v1/sources/\(id)").json["verification"] == ["type": "token", "header": "X-Token"])

            // Verification switched off: anything is taken.
            let none = try await browser.post(
                "/admin/sources/\(id)/edit", ["csrf": csrf, "name": "Hook (renamed)", "eventName": "Item Arrived", "verificationType": "none"])
            #expect(none.status == .seeOther)
            #expect(try await client.call(.get, "/v1/sources/\(id)").json["verification"] == .null)
            #expect(try await Self.ingest(client, id, ["n": 5]) == .ok)
            #expect(try await browser.get("/admin/sources/\(id)").html.contains("<dt>Verification</dt><dd>none"))
        }
    }

    @Test func validationErrorsStandByTheirFieldWithWhatWasTyped() async throws {
        try await withSwitchboard { client in
            var browser = try await AdminBrowser.signedIn(client)
            let csrf = try #require(try await browser.get("/admin/sources/new").csrf)
            let notJSON = try await browser.post(
                "/admin/sources/new",
                ["csrf": csrf, "name": "Shop <b>", "type": "webhook", "transform": "{not json", "itemsPath": "data.items", "verificationType": "none"])
            #expect(notJSON.status == .unprocessableContent)
            #expect(notJSON.html.contains(#"<p class="field-error" id="transform-error">transform is not valid JSON</p>"#))
            #expect(notJSON.html.contains(#"aria-invalid="true" aria-describedby="transform-error">{not json</textarea>"#))
            #expect(notJSON.html.contains(#"value="Shop &lt;b&gt;""#) && notJSON.html.contains(#"value="data.items""#))
            #expect(notJSON.html.contains(#"<option value="webhook" selected>"#))
            let unknownRoot = try await browser.post(
                "/admin/sources/new", ["csrf": csrf, "name": "Shop", "type": "webhook", "transform": #"{"event": "{{ cookies.x }}"}"#])
            #expect(unknownRoot.status == .unprocessableContent && unknownRoot.html.contains(#"id="transform-error""#))
            let otherType = try await browser.post("/admin/sources/new", ["csrf": csrf, "name": "Web", "type": "segment", "itemsPath": "items"])
            #expect(otherType.html.contains(#"<p class="field-error" id="itemsPath-error">itemsPath applies to webhook sources only</p>"#))
            let badHeader = try await browser.post(
                "/admin/sources/new",
                ["csrf": csrf, "name": "T", "type": "webhook", "verificationType": "token", "verificationHeader": "Not a header", "verificationSecret": "typed-s3cret"])
            #expect(badHeader.status == .unprocessableContent && badHeader.html.contains(#"id="verificationHeader-error""#))
            #expect(badHeader.html.contains(#"value="Not a header""#) && !badHeader.html.contains("typed-s3cret"))
            let badStandard = try await browser.post(
                "/admin/sources/new", ["csrf": csrf, "name": "S", "type": "webhook", "verificationType": "standard-webhooks", "verificationSecret": "plain"])
            #expect(badStandard.html.contains(#"id="verificationSecret-error""#) && badStandard.html.contains("whsec_"))
            let badChoice = try await browser.post(
                "/admin/sources/new", ["csrf": csrf, "name": "OL", "type": "openloyalty", "openloyaltyUserIdField": "phone"])
            #expect(badChoice.html.contains(#"<p class="field-error" id="openloyaltyUserIdField-error">userIdField must be one of"#))
            let badVerification = try await browser.post(
                "/admin/sources/new", ["csrf": csrf, "name": "V", "type": "webhook", "verificationType": "telepathy"])
            #expect(badVerification.html.contains(#"id="verificationType-error""#))
            #expect(try await client.call(.get, "/v1/sources").json["data"] == [])
        }
    }

    @Test func viewersAndFormsWithoutTheTokenChangeAndDeleteNothing() async throws {
        try await withSwitchboard { client in
            let source = try await client.create("/v1/sources", ["name": "Hook", "type": "webhook", "eventName": "Ping"])
            let sourceId = try #require(source["id"]?.stringValue)
            let destination = try await client.create("/v1/destinations", ["name": "CRM", "url": "https://crm.example.com/hook"])
            let destinationId = try #require(destination["id"]?.stringValue)

            var viewer = try await AdminBrowser.signedIn(client, key: try await client.makeKey(role: .viewer))
            let seen = try await viewer.get("/admin/sources/\(sourceId)")
            #expect(seen.status == .ok && !seen.html.contains("/edit\"") && !seen.html.contains("/delete\""))
            let seenDestination = try await viewer.get("/admin/destinations/\(destinationId)")
            #expect(!seenDestination.html.contains("/delete\""))
            let csrf = try #require(seen.csrf)
            for uri in ["/admin/sources/\(sourceId)/edit", "/admin/sources/\(sourceId)/delete", "/admin/destinations/\(destinationId)/delete"] {
                #expect(try await viewer.get(uri).status == .forbidden, "GET \(uri)")
                #expect(try await viewer.post(uri, ["csrf": csrf, "name": "Taken over", "verificationType": "none"]).status == .forbidden, "POST \(uri)")
            }

            var editor = try await AdminBrowser.signedIn(client)
            for uri in ["/admin/sources/\(sourceId)/edit", "/admin/sources/\(sourceId)/delete", "/admin/destinations/\(destinationId)/delete"] {
                #expect(try await editor.post(uri, ["name": "Taken over", "verificationType": "none"]).status == .forbidden, "no token: \(uri)")
                #expect(try await editor.post(uri, ["csrf": "forged", "name": "Taken over"]).status == .forbidden, "forged token: \(uri)")
            }
            #expect(try await client.call(.get, "/v1/sources/\(sourceId)").json["name"] == "Hook")
            #expect(try await client.call(.get, "/v1/destinations/\(destinationId)").status == .ok)
        }
    }

    @Test func aSourceNamedLikeAScriptShowsAsText() async throws {
        try await withSwitchboard { client in
            let name = "<script>alert(1)</script>"
            let source = try await client.create("/v1/sources", ["name": .string(name), "type": "webhook", "itemsPath": "items", "eventName": "<b>x</b>"])
            let id = try #require(source["id"]?.stringValue)
            var browser = try await AdminBrowser.signedIn(client)
            for uri in ["/admin/sources", "/admin/sources/\(id)", "/admin/sources/\(id)/edit", "/admin/sources/\(id)/delete"] {
                let page = try await browser.get(uri)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(uri)")
                #expect(!page.html.contains("<script>alert(1)"), "\(uri)")
                #expect(!page.html.contains("<b>x</b>"), "\(uri)")
            }
        }
    }

    @Test func aSourceAndADestinationAreDeletedAfterAConfirmation() async throws {
        try await withSwitchboard { client in
            let source = try await client.create("/v1/sources", ["name": "Old shop", "type": "webhook", "eventName": "Ping"])
            let sourceId = try #require(source["id"]?.stringValue)
            let destination = try await client.create("/v1/destinations", ["name": "Old CRM", "url": "https://crm.example.com/hook"])
            let destinationId = try #require(destination["id"]?.stringValue)
            #expect(try await Self.ingest(client, sourceId, ["n": 1]) == .ok)
            var browser = try await AdminBrowser.signedIn(client)

            let sourcePage = try await browser.get("/admin/sources/\(sourceId)")
            #expect(sourcePage.html.contains(#"href="/admin/sources/\#(sourceId)/delete""#))
            let confirm = try await browser.get("/admin/sources/\(sourceId)/delete")
            #expect(confirm.status == .ok && confirm.html.contains("Delete the source “Old shop”?") && confirm.html.contains("events it already received are kept"))
            #expect(confirm.html.contains(#"<form method="post" action="/admin/sources/\#(sourceId)/delete""#))
            // Asking deleted nothing.
            #expect(try await client.call(.get, "/v1/sources/\(sourceId)").status == .ok)
            let deleted = try await browser.post("/admin/sources/\(sourceId)/delete", ["csrf": try #require(confirm.csrf)])
            #expect(deleted.status == .seeOther && deleted.location == "/admin/sources?deleted=1")
            let list = try await browser.get(try #require(deleted.location))
            #expect(list.html.contains("Source deleted") && !list.html.contains("Old shop"))
            #expect(try await client.call(.get, "/v1/sources/\(sourceId)").status == .notFound)
            #expect(try await client.events().count == 1)
            #expect(try await browser.post("/admin/sources/\(sourceId)/delete", ["csrf": try #require(confirm.csrf)]).status == .notFound)

            let destinationPage = try await browser.get("/admin/destinations/\(destinationId)")
            #expect(destinationPage.html.contains(#"href="/admin/destinations/\#(destinationId)/delete""#))
            let confirmDestination = try await browser.get("/admin/destinations/\(destinationId)/delete")
            #expect(confirmDestination.html.contains("Delete the destination “Old CRM”?"))
            let gone = try await browser.post("/admin/destinations/\(destinationId)/delete", ["csrf": try #require(confirmDestination.csrf)])
            #expect(gone.status == .seeOther && gone.location == "/admin/destinations")
            #expect(!(try await browser.get("/admin/destinations").html.contains("Old CRM")))
            #expect(try await client.call(.get, "/v1/destinations/\(destinationId)").status == .notFound)
        }
    }
}

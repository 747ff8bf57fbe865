import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing

/// The subscription editor: the condition builder, templates, the preview, errors by their field.
@Suite struct AdminSubscriptionTests {
    /// A destination and a received `Order Completed` event; returns the destination's id.
    static func setUp(_ client: any TestClientProtocol) async throws -> String {
        let destination = try await client.create("/v1/destinations", ["name": "Pendula", "url": "https://pendula.example.com/hook"])
        let writeKey = try await client.makeWriteKey()
        let track = try await client.call(
            .post, "/v1/track", key: nil, json: ["event": "Order Completed", "userId": "u1", "properties": ["total": 120, "plan": "pro"]],
            headers: basicAuth(writeKey))
        #expect(track.status == .ok)
        return try #require(destination["id"]?.stringValue)
    }

    @Test func theConditionBuilderSavesAConditionAndThePreviewFollowsIt() async throws {
        try await withSwitchboard { client in
            let destinationId = try await Self.setUp(client)
            var browser = try await AdminBrowser.signedIn(client)
            let form = try await browser.get("/admin/subscriptions/new?destination=\(destinationId)")
            #expect(form.status == .ok)
            #expect(form.html.contains(#"<option value="\#(destinationId)" selected>Pendula</option>"#))
            #expect(form.html.components(separatedBy: #"name="conditionField""#).count - 1 == SubscriptionFormRows.empty)
            let csrf = try #require(form.csrf)
            func fields(total: String, action: String) -> KeyValuePairs<String, String> {
                [
                    "csrf": csrf, "action": action, "name": "Big orders", "destinationId": destinationId, "eventNames": "Order Completed",
                    "format": "event", "enabled": "on", "join": "all",
                    "conditionField": "properties.total", "conditionOp": "gt", "conditionValue": total,
                    "conditionField": "properties.plan", "conditionOp": "eq", "conditionValue": "free", "conditionNot1": "on",
                    "conditionField": "", "conditionOp": "eq", "conditionValue": "",
                    "mappingUrl": "https://pendula.example.com/users/{{ userId }}", "mappingMethod": "PUT",
                    "mappingHeaderName": "X-Plan", "mappingHeaderValue": "{{ properties.plan | upcase }}", "mappingHeaderName": "", "mappingHeaderValue": "",
                    "mappingBody": #"{"amount": "{{ properties.total }}"}"#, "sampleEvent": "",
                ]
            }
            // The latest Order Completed has total 120: over 100 it matches, over 500 it does not.
            let matching = try await browser.post("/admin/subscriptions/new", fields(total: "100", action: "preview"))
            #expect(matching.status == .ok)
            #expect(matching.html.contains("Matches"))
            #expect(matching.html.contains("PUT https://pendula.example.com/users/u1"))
            #expect(matching.html.contains("X-Plan: PRO"))
            #expect(matching.html.contains(#"&quot;amount&quot;:120"#))
            let notMatching = try await browser.post("/admin/subscriptions/new", fields(total: "500", action: "preview"))
            #expect(notMatching.html.contains("Does not match"))
            #expect(notMatching.html.contains(#"value="500""#))  // what was typed is kept
            // Previewing saved nothing; saving stores the condition the rows stand for.
            #expect(try await client.call(.get, "/v1/subscriptions").json["data"] == [])
            let saved = try await browser.post("/admin/subscriptions/new", fields(total: "100", action: "save"))
            #expect(saved.status == .seeOther)
            let stored = try #require(try await client.call(.get, "/v1/subscriptions").json["data"]?.arrayValue?.first)
            #expect(
                stored["condition"]
                    == ["all": [["field": "properties.total", "op": "gt", "value": 100], ["not": ["field": "properties.plan", "op": "eq", "value": "free"]]]])
            #expect(stored["mapping"]?["method"] == "PUT")
            #expect(stored["mapping"]?["headers"] == ["X-Plan": "{{ properties.plan | upcase }}"])
            // Opened again, the rows come back as they were typed.
            let reopened = try await browser.get(try #require(saved.location))
            #expect(reopened.html.contains(#"value="properties.total""#) && reopened.html.contains(#"name="conditionNot1" value="on" checked"#))
            let list = try await browser.get("/admin/subscriptions?destination=\(destinationId)")
            #expect(list.html.contains("Big orders") && list.html.contains("Pendula"))
        }
    }

    @Test func aPastedEventIsPreviewedAndErrorsStandByTheirField() async throws {
        try await withSwitchboard { client in
            let destinationId = try await Self.setUp(client)
            var browser = try await AdminBrowser.signedIn(client)
            let csrf = try #require(try await browser.get("/admin/subscriptions/new").csrf)
            let pasted = try await browser.post(
                "/admin/subscriptions/new",
                [
                    "csrf": csrf, "action": "preview", "name": "Sign ups", "destinationId": destinationId, "eventNames": "Signed Up",
                    "join": "any", "conditionField": "userId", "conditionOp": "starts_with", "conditionValue": "vip-",
                    "sampleEvent": #"{"type": "track", "event": "Signed Up", "userId": "vip-7"}"#,
                ])
            #expect(pasted.html.contains("With the pasted event") && pasted.html.contains("Matches"))
            // An operator the condition language does not have, a body that is not JSON: named, nothing saved.
            let badOp = try await browser.post(
                "/admin/subscriptions/new",
                [
                    "csrf": csrf, "action": "save", "name": "x", "destinationId": destinationId, "eventNames": "*",
                    "conditionField": "userId", "conditionOp": "resembles", "conditionValue": "a",
                ])
            #expect(badOp.status == .unprocessableContent)
            #expect(badOp.html.contains("op must be one of"))
            let badBody = try await browser.post(
                "/admin/subscriptions/new",
                ["csrf": csrf, "action": "save", "name": "<b>bold</b>", "destinationId": destinationId, "eventNames": "*", "mappingBody": "{not json"])
            #expect(badBody.status == .unprocessableContent)
            #expect(badBody.html.contains(#"<p class="field-error" id="mappingBody-error">mapping.body is not valid JSON</p>"#))
            #expect(badBody.html.contains("&lt;b&gt;bold&lt;/b&gt;") && !badBody.html.contains("<b>bold</b>"))
            let noEvents = try await browser.post(
                "/admin/subscriptions/new", ["csrf": csrf, "action": "save", "name": "x", "destinationId": destinationId, "eventNames": " "])
            #expect(noEvents.html.contains(#"<p class="field-error" id="eventNames-error">"#))
            #expect(try await client.call(.get, "/v1/subscriptions").json["data"] == [])
        }
    }

    @Test func nestedConditionsAreEditedAsJSONAndViewersChangeNothing() async throws {
        try await withSwitchboard { client in
            let destinationId = try await Self.setUp(client)
            let nested: JSONValue = ["all": [["any": [["field": "userId", "op": "eq", "value": "u1"], ["field": "userId", "op": "eq", "value": "u2"]]]]]
            let subscription = try await client.create(
                "/v1/subscriptions", ["name": "Nested", "destinationId": .string(destinationId), "eventNames": ["Order Completed"], "condition": nested])
            let id = try #require(subscription["id"]?.stringValue)
            var editor = try await AdminBrowser.signedIn(client)
            let page = try await editor.get("/admin/subscriptions/\(id)")
            #expect(page.html.contains(#"<textarea id="conditionJSON""#) && !page.html.contains(#"name="conditionField""#))

            var viewer = try await AdminBrowser.signedIn(client, key: try await client.makeKey(role: .viewer))
            let seen = try await viewer.get("/admin/subscriptions/\(id)")
            #expect(seen.status == .ok && !seen.html.contains(#"value="save""#) && !seen.html.contains(#"value="preview""#) && !seen.html.contains("/delete"))
            let csrf = try #require(seen.csrf)
            func preview(_ csrf: String) -> KeyValuePairs<String, String> {
                [
                    "csrf": csrf, "name": "Nested", "destinationId": destinationId, "eventNames": "Order Completed",
                    "conditionJSON": SubscriptionFormRows.text(nested), "action": "preview",
                ]
            }
            #expect(try await viewer.post("/admin/subscriptions/\(id)", preview(csrf)).status == .forbidden)
            let previewed = try await editor.post("/admin/subscriptions/\(id)", preview(try #require(page.csrf)))
            #expect(previewed.status == .ok && previewed.html.contains("Matches"))
            let save = try await viewer.post(
                "/admin/subscriptions/\(id)",
                ["csrf": csrf, "name": "Changed", "destinationId": destinationId, "eventNames": "*", "action": "save"])
            #expect(save.status == .forbidden)
            #expect(try await viewer.post("/admin/subscriptions/\(id)/delete", ["csrf": csrf]).status == .forbidden)
            #expect(try await client.call(.get, "/v1/subscriptions/\(id)").json["name"] == "Nested")
            let deleted = try await editor.post("/admin/subscriptions/\(id)/delete", ["csrf": try #require(page.csrf)])
            #expect(deleted.status == .seeOther)
            #expect(try await client.call(.get, "/v1/subscriptions/\(id)").status == .notFound)
        }
    }
}

/// What the tests know of the editor's form.
enum SubscriptionFormRows {
    /// Empty condition rows offered on a new form.
    static let empty = 2
    static func text(_ value: JSONValue) -> String { String(decoding: JSONCoding.bytes(value), as: UTF8.self) }
}

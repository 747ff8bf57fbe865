import Foundation
import SwitchboardCore
import Testing

/// Each connector's plan: what it would create, and the exact request a matching event renders to.
@Suite struct ConnectorPlanTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    func plan(_ name: String, _ parameters: JSONValue) throws -> ConnectorPlan {
        try #require(Connectors.named(name)).plan(parameters: parameters, at: Self.now)
    }

    func refusal(_ name: String, _ parameters: JSONValue) -> String? {
        do {
            _ = try plan(name, parameters)
            return nil
        } catch let error as ValidationError {
            return error.field
        } catch {
            return "unexpected \(error)"
        }
    }

    /// The request the plan's subscription `index` renders for `message`, or nil when it does not match.
    func render(_ plan: ConnectorPlan, subscription index: Int = 0, _ message: [String: JSONValue]) throws -> RenderedRequest? {
        let spec = plan.destinations[plan.subscriptions[index].destination]
        let destination = Destination(
            id: "dst_1", workspaceId: "ws", name: spec.name, url: spec.url, method: spec.method, headers: spec.headers, signing: spec.signing,
            secret: spec.secret ?? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", rateLimitPerSecond: spec.rateLimitPerSecond, createdAt: Self.now,
            updatedAt: Self.now)
        let planned = plan.subscriptions[index]
        let subscription = Subscription(
            id: "sub_1", workspaceId: "ws", destinationId: "dst_1", name: planned.name, eventNames: planned.eventNames, condition: planned.condition,
            mapping: planned.mapping, format: planned.format, createdAt: Self.now, updatedAt: Self.now)
        let type = EventType(rawValue: message["type"]?.stringValue ?? "track") ?? .track
        let event = Event(
            id: "evt_1", workspaceId: "ws", sourceId: "src", type: type, name: message["event"]?.stringValue ?? type.rawValue,
            messageId: message["messageId"]?.stringValue ?? "m1", userId: message["userId"]?.stringValue, anonymousId: nil, receivedAt: Self.now,
            message: message)
        guard subscription.matches(event) else { return nil }
        return try RequestRenderer.render(event: event, subscription: subscription, destination: destination)
    }

    @Test func everyConnectorIsListedWithASchema() {
        let names = Connectors.all.map(\.name)
        #expect(
            names == [
                "pendula-flow", "segment-webhook", "openloyalty-member-labels", "braze-users-track", "braze-audience-attribute", "braze-cohorts",
                "heap-track", "heap-user-properties",
            ])
        for connector in Connectors.all {
            #expect(connector.parameterSchema["type"] == "object")
            #expect(connector.parameterSchema["required"]?.arrayValue?.isEmpty == false)
        }
        let pendula = PendulaFlowConnector().parameterSchema
        #expect(pendula["properties"]?["apiToken"]?["writeOnly"] == true)
        #expect(pendula["properties"]?["apiToken"]?["x-secret"] == true)
        #expect(pendula["required"] == ["flowUrl", "apiToken", "eventNames"])
        #expect(OpenLoyaltyMemberLabelsConnector().parameterSchema["properties"]?["labelValue"]?["default"] == "optedIn")
    }

    @Test func pendulaPostsTheWholeEventWithTheToken() throws {
        let plan = try plan(
            "pendula-flow",
            [
                "flowUrl": "https://api.pendula.com/flows/f1", "apiToken": "tok", "eventNames": ["XYZ"],
                "condition": ["all": [["field": "userId", "op": "starts_with", "value": "SA"], ["field": "traits.tier", "op": "neq", "value": "ABC"]]],
            ])
        #expect(plan.destinations[0].headers == ["Authorization": "Bearer tok"])
        #expect(plan.destinations[0].signing == .none)
        let request = try #require(try render(plan, ["type": "track", "event": "XYZ", "userId": "SA1", "properties": ["a": 1]]))
        #expect(request.url == "https://api.pendula.com/flows/f1")
        #expect(try JSONCoding.parse(request.body)["properties"] == ["a": 1])
        #expect(try render(plan, ["type": "track", "event": "XYZ", "userId": "XX1"]) == nil)
        #expect(try render(plan, ["type": "track", "event": "XYZ", "userId": "SA1", "traits": ["tier": "ABC"]]) == nil)
    }

    @Test func segmentWebhookSignsWithTheSharedSecretAndBatchesAsAnArray() throws {
        let plan = try plan("segment-webhook", ["url": "https://hooks.example.com/in", "sharedSecret": "s3cret", "batchSize": 10, "method": "PUT"])
        #expect(plan.destinations[0].signing == .segmentHMACSHA1)
        #expect(plan.destinations[0].secret == "s3cret")
        #expect(plan.destinations[0].method == .put)
        #expect(plan.destinations[0].batching == Destination.Batching(maxSize: 10, maxWaitMs: 1000, combine: .array))
        #expect(plan.subscriptions[0].eventNames == ["*"])
        let plain = try self.plan("segment-webhook", ["url": "https://hooks.example.com/in"])
        #expect(plain.destinations[0].signing == .none)
        #expect(plain.destinations[0].batching == nil)
    }

    @Test func openLoyaltyPatchesTheLabelOnEnterAndRemovesItOnExit() throws {
        let plan = try plan(
            "openloyalty-member-labels",
            ["baseUrl": "https://ol.example.com/", "tenant": "KHO", "apiToken": "t0k", "audienceKey": "vip", "labelKey": "braze_vip_segment"])
        #expect(plan.destinations[0].headers == ["X-AUTH-TOKEN": "t0k"])
        let entered = try #require(try render(plan, ["type": "track", "event": "Audience Entered", "userId": "LC 1", "properties": ["audienceKey": "vip"]]))
        #expect(entered.method == "PATCH")
        #expect(entered.url == "https://ol.example.com/api/KHO/member/loyaltyCardNumber=LC%201")
        #expect(try JSONCoding.parse(entered.body) == ["customer": ["labels": [["key": "braze_vip_segment", "value": "optedIn"]]]])
        #expect(try render(plan, ["type": "track", "event": "Audience Entered", "userId": "1", "properties": ["audienceKey": "other"]]) == nil)
        let exited = try #require(
            try render(plan, subscription: 1, ["type": "track", "event": "Audience Exited", "userId": "LC1", "properties": ["audienceKey": "vip"]]))
        #expect(exited.method == "PATCH")
        #expect(try JSONCoding.parse(exited.body) == ["customer": ["labels": ["braze_vip_segment": .null]]])
        let byId = try self.plan(
            "openloyalty-member-labels",
            ["baseUrl": "https://ol.example.com", "tenant": "KHO", "apiToken": "t", "audienceKey": "vip", "labelKey": "k", "memberIdentifier": "customerId"])
        #expect(try render(byId, ["type": "track", "event": "Audience Entered", "userId": "abc", "properties": ["audienceKey": "vip"]])?.url
            == "https://ol.example.com/api/KHO/member/abc")
    }

    @Test func brazeUsersTrackMakesEventsAndAttributes() throws {
        let plan = try plan("braze-users-track", ["restEndpoint": "https://rest.iad-01.braze.com", "apiKey": "k", "eventNames": ["Order Completed"]])
        let destination = plan.destinations[0]
        #expect(destination.url == "https://rest.iad-01.braze.com/users/track")
        #expect(destination.headers == ["Authorization": "Bearer k"])
        #expect(destination.batching == Destination.Batching(maxSize: 75, maxWaitMs: 1000, combine: .merge))
        #expect(try #require(destination.rateLimitPerSecond) * 3 < 3000)
        #expect(plan.subscriptions[0].eventNames == ["Order Completed", "identify"])
        let track = try #require(
            try render(
                plan, ["type": "track", "event": "Order Completed", "userId": "u1", "timestamp": "2026-01-01T00:00:00.000Z", "properties": ["total": 5]]))
        #expect(
            try JSONCoding.parse(track.body) == [
                "attributes": [],
                "events": [["external_id": "u1", "name": "Order Completed", "time": "2026-01-01T00:00:00.000Z", "properties": ["total": 5]]],
            ])
        let identify = try #require(try render(plan, ["type": "identify", "userId": "u1", "traits": ["plan": "pro"]]))
        #expect(try JSONCoding.parse(identify.body) == ["attributes": [["external_id": "u1", "plan": "pro"]], "events": []])
        #expect(try render(plan, ["type": "track", "event": "Order Completed"]) == nil)
        let noTraits = try self.plan("braze-users-track", ["restEndpoint": "https://rest.iad-01.braze.com", "apiKey": "k", "sendTraits": false])
        #expect(noTraits.subscriptions[0].eventNames == ["*"])
        #expect(try render(noTraits, ["type": "identify", "userId": "u1", "traits": ["plan": "pro"]]) == nil)
    }

    @Test func brazeAudienceAttributeAddsAndRemovesTheKey() throws {
        let plan = try plan("braze-audience-attribute", ["restEndpoint": "https://rest.iad-01.braze.com", "apiKey": "k", "audienceKeys": ["vip"]])
        let entered = try #require(try render(plan, ["type": "track", "event": "Audience Entered", "userId": "u1", "properties": ["audienceKey": "vip"]]))
        #expect(try JSONCoding.parse(entered.body) == ["attributes": [["external_id": "u1", "switchboard_audiences": ["add": ["vip"]]]]])
        let exited = try #require(
            try render(plan, subscription: 1, ["type": "track", "event": "Audience Exited", "userId": "u1", "properties": ["audienceKey": "vip"]]))
        #expect(try JSONCoding.parse(exited.body) == ["attributes": [["external_id": "u1", "switchboard_audiences": ["remove": ["vip"]]]]])
        #expect(refusal("braze-audience-attribute", ["restEndpoint": "https://x.example.com", "apiKey": "k", "audienceKeys": ["v"], "attribute": "external_id"])
            == "parameters.attribute")
    }

    @Test func brazeCohortsCreatesTheCohortAndSyncsChanges() throws {
        let plan = try plan(
            "braze-cohorts",
            [
                "endpoint": "https://rest.iad-01.braze.com", "partnerApiKey": "pk", "dataImportKey": "dk", "cohortId": "c1", "cohortName": "VIPs",
                "audienceKey": "vip",
            ])
        #expect(plan.destinations[0].url == "https://rest.iad-01.braze.com/partners/heap/cohorts/users")
        let setup = plan.setupRequests[0].request
        #expect(setup.method == "POST")
        #expect(setup.url == "https://rest.iad-01.braze.com/partners/heap/cohorts")
        #expect(
            try JSONCoding.parse(setup.body) == [
                "partner_api_key": "pk", "client_secret": "dk", "cohort_id": "c1", "name": "VIPs", "created_at": "2026-01-01T00:00:00.000Z",
            ])
        let sync = plan.syncs[0]
        #expect(sync.intervalSeconds == 4 * 3600)
        #expect(sync.batchSize == 1000)
        #expect(sync.audienceKey == "vip")
        #expect(sync.mapping?.json == ["partner_api_key": "pk", "client_secret": "dk", "cohort_id": "c1", "cohort_changes": "{{ cohortChanges }}"])
        #expect(SyncPlanner.cohortChanges(SyncBatch(added: ["a"], removed: [])) == [["user_ids": ["a"]]])
        #expect(SyncPlanner.cohortChanges(SyncBatch(added: [], removed: ["b"])) == [["user_ids": ["b"], "should_remove": true]])
    }

    @Test func heapTrackFlattensCutsAndKeysByMessageId() throws {
        let plan = try plan("heap-track", ["appId": "42", "region": "eu"])
        #expect(plan.destinations[0].url == "https://c.eu.heap-api.com/api/track")
        #expect(plan.destinations[0].batching == Destination.Batching(maxSize: 1000, maxWaitMs: 1000, combine: .merge))
        let long = String(repeating: "x", count: 2000)
        let request = try #require(
            try render(
                plan,
                [
                    "type": "track", "event": "Played", "userId": "u1", "messageId": "m-9", "timestamp": "2026-01-01T00:00:00.000Z",
                    "properties": ["song": ["title": .string(long)], "n": 1],
                ]))
        let body = try JSONCoding.parse(request.body)
        #expect(body["app_id"] == "42")
        let event = try #require(body["events"]?.arrayValue?.first)
        #expect(event["identity"] == "u1")
        #expect(event["idempotency_key"] == "m-9")
        #expect(event["properties"]?["song.title"]?.stringValue?.count == 1024)
        #expect(event["properties"]?["n"] == 1)
        #expect(try self.plan("heap-track", ["appId": "42"]).destinations[0].url == "https://heapanalytics.com/api/track")
    }

    @Test func heapUserPropertiesSendsFlattenedTraits() throws {
        let plan = try plan("heap-user-properties", ["appId": "42"])
        #expect(plan.destinations[0].url == "https://heapanalytics.com/api/add_user_properties")
        let request = try #require(try render(plan, ["type": "identify", "userId": "u1", "traits": ["address": ["city": "Oslo"]]]))
        #expect(try JSONCoding.parse(request.body) == ["app_id": "42", "users": [["identity": "u1", "properties": ["address.city": "Oslo"]]]])
    }

    @Test func badParametersNameTheField() {
        #expect(refusal("pendula-flow", ["apiToken": "t", "eventNames": ["x"]]) == "parameters.flowUrl")
        #expect(refusal("pendula-flow", ["flowUrl": "ftp://x", "apiToken": "t", "eventNames": ["x"]]) == "parameters.flowUrl")
        #expect(refusal("pendula-flow", ["flowUrl": "https://x.example.com", "apiToken": 5, "eventNames": ["x"]]) == "parameters.apiToken")
        #expect(refusal("pendula-flow", ["flowUrl": "https://x.example.com", "apiToken": "t", "eventNames": []]) == "parameters.eventNames")
        #expect(refusal("pendula-flow", ["flowUrl": "https://x.example.com", "apiToken": "t", "eventNames": ["x"], "condition": ["op": "zz"]])?
            .hasPrefix("parameters.condition") == true)
        #expect(refusal("pendula-flow", ["flowUrl": "https://x.example.com", "apiToken": "a\r\nb", "eventNames": ["x"]]) == "parameters.apiToken")
        #expect(refusal("segment-webhook", ["url": "https://x.example.com", "batchSize": 5000]) == "parameters.batchSize")
        #expect(refusal("segment-webhook", ["url": "https://x.example.com", "method": "GET"]) == "parameters.method")
        #expect(refusal("heap-track", ["appId": "{{ profile }}"]) == "parameters.appId")
        #expect(refusal("heap-track", ["appId": "1", "region": "mars"]) == "parameters.region")
        #expect(refusal("openloyalty-member-labels", ["baseUrl": "https://o.example.com", "tenant": "a/b", "apiToken": "t", "audienceKey": "v", "labelKey": "k"])
            == "parameters.tenant")
        #expect(refusal("braze-cohorts", ["endpoint": "https://b.example.com", "partnerApiKey": "p", "dataImportKey": "d", "cohortId": "c", "cohortName": "n", "audienceKey": "v", "intervalHours": 0])
            == "parameters.intervalHours")
        #expect(refusal("heap-track", "not an object") == "parameters")
    }
}

import Foundation
import SwitchboardCore
import Testing

/// Each source type's bodies into events, as `/v1/events` then shows them.
@Suite struct InboundConversionTests {
    let receivedAt = Timestamp.parse("2026-11-23T12:00:00.000Z")!

    private func converter(
        _ type: SourceType, prefix: String? = nil, settings: InboundSettings = InboundSettings(), headers: [String: String] = [:]
    ) -> InboundConverter {
        let source = Source(
            id: "src_1", workspaceId: "ws_1", name: "hook", type: type, verification: nil, eventNamePrefix: prefix, settings: settings,
            writeKey: nil, createdAt: .distantPast, updatedAt: .distantPast)
        return InboundConverter(source: source, headers: headers, receivedAt: receivedAt, identifiers: IdentifierGenerator(), renderBudget: 65_536)
    }

    private func kind(_ body: () throws(InboundError) -> [Event]) -> InboundError.Kind? {
        do {
            _ = try body()
            return nil
        } catch { return error.kind }
    }

    // MARK: webhook

    @Test func theIssuesExampleTransform() throws {
        let transform: JSONValue = [
            "event": "{{ body.type }}", "userId": "{{ body.data.customer.loyaltyCardNumber }}", "properties": "{{ body.data }}",
            "messageId": "{{ headers.x-webhook-request-id }}",
        ]
        let settings = try InboundSettings(transform: transform).validated(for: .webhook)
        let events = try converter(.webhook, settings: settings, headers: ["x-webhook-request-id": "req-7"]).events(
            from: ["type": "CustomerRegistered", "data": ["customer": ["loyaltyCardNumber": "444555666"], "points": 10]])
        let event = try #require(events.first)
        #expect(event.name == "CustomerRegistered")
        #expect(event.type == .track)
        #expect(event.userId == "444555666")
        #expect(event.messageId == "req-7")
        #expect(event.message["properties"] == ["customer": ["loyaltyCardNumber": "444555666"], "points": 10])
    }

    @Test func aTransformMayMakeOtherTypesAndReadTheSource() throws {
        let settings = InboundSettings(transform: ["type": "identify", "userId": "{{ body.id }}", "traits": ["plan": "{{ body.plan }}", "via": "{{ source.name }}"]])
        let event = try #require(try converter(.webhook, settings: settings).events(from: ["id": 42, "plan": "pro"]).first)
        #expect(event.type == .identify)
        #expect(event.userId == "42")
        #expect(event.message["traits"] == ["plan": "pro", "via": "hook"])
    }

    @Test func withoutATransformTheNameIsEventNameAndPropertiesTheItem() throws {
        let settings = InboundSettings(itemsPath: "data.orders", eventName: "Order Shipped", userIdField: "customer.id")
        let events = try converter(.webhook, prefix: "shop-", settings: settings, headers: ["webhook-id": "msg_9"]).events(
            from: ["data": ["orders": [["customer": ["id": "c1"], "total": 5], ["total": 7]]]])
        #expect(events.map(\.name) == ["shop-Order Shipped", "shop-Order Shipped"])
        #expect(events[0].userId == "c1")
        #expect(events[1].userId == nil)
        #expect(events[1].anonymousId == "src_1")
        #expect(events.map(\.messageId) == ["msg_9-0", "msg_9-1"])
        #expect(events[1].message["properties"] == ["total": 7])
        let unnamed = try converter(.webhook).events(from: [["a": 1], "text"])
        #expect(unnamed.map(\.name) == ["Webhook Received", "Webhook Received"])
        #expect(unnamed[1].message["properties"] == ["value": "text"])
        #expect(kind { () throws(InboundError) in try converter(.webhook, settings: settings).events(from: ["data": ["orders": 3]]) } == .malformed)
    }

    @Test func aTransformThatRendersNoValidEventIsRefused() {
        let noName = InboundSettings(transform: ["event": "{{ body.missing }}", "userId": "u1"])
        #expect(kind { () throws(InboundError) in try converter(.webhook, settings: noName).events(from: ["a": 1]) } == .invalidEvent)
        let badType = InboundSettings(transform: ["type": "{{ body.kind }}", "userId": "u1"])
        #expect(kind { () throws(InboundError) in try converter(.webhook, settings: badType).events(from: ["kind": "purchase"]) } == .invalidEvent)
    }

    @Test func transformsAreValidatedWithTheFieldNamed() {
        func field(_ settings: InboundSettings, _ type: SourceType = .webhook) -> String? {
            do {
                _ = try settings.validated(for: type)
                return nil
            } catch { return error.field }
        }
        #expect(field(InboundSettings(transform: ["properties": "{{ body.data | nope }}"])) == "transform.properties")
        #expect(field(InboundSettings(transform: ["properties": "{{ event.data }}"])) == "transform.properties")
        #expect(field(InboundSettings(transform: ["type": "purchase"])) == "transform.type")
        #expect(field(InboundSettings(transform: "{{ body }}")) == "transform")
        #expect(field(InboundSettings(transform: ["event": "x"]), .openloyalty) == "transform")
        #expect(field(InboundSettings(userIdField: "phone"), .openloyalty) == "userIdField")
        #expect(field(InboundSettings(userIdField: "user_id"), .brazeCurrents) == nil)
        #expect(field(InboundSettings(itemsPath: "a..b")) == "itemsPath")
        #expect(field(InboundSettings(eventName: "{{ profile.x }}")) == "eventName")
        #expect(field(InboundSettings(transform: ["messageId": "{{ headers.x-webhook-request-id }}"])) == nil)
    }

    @Test func aDashInAHeaderPathIsPartOfTheName() throws {
        let template = try Template("{{ headers.x-webhook-request-id }}")
        #expect(template.renderValue(["headers": ["x-webhook-request-id": "r1"]]) == "r1")
    }

    // MARK: openloyalty

    @Test func openLoyaltyBothFormatsGetTheCurrentName() throws {
        let current = try converter(.openloyalty).events(
            from: ["type": "AvailablePointsAmountChanged", "data": ["customer": ["loyaltyCardNumber": "111", "customerId": "c-1"], "amount": 125]])
        #expect(current.first?.name == "AvailablePointsAmountChanged")
        #expect(current.first?.userId == "111")
        #expect(current.first?.message["properties"]?["amount"] == 125)
        let legacy = try converter(.openloyalty).events(from: [
            ["type": "customer.registered", "data": ["customerId": "c-2", "data": ["loyaltyCardNumber": "222", "email": "a@b.c"]]],
            ["type": "account.available_points_amount_changed", "data": ["customerId": "c-2", "amount": 5]],
            ["type": "points.will_expire", "data": ["loyaltyCardNumber": "333"]],
        ])
        #expect(legacy.map(\.name) == ["CustomerRegistered", "AvailablePointsAmountChanged", "PointsWillExpire"])
        #expect(legacy.map(\.userId) == ["222", nil, "333"])
        // Without a card number the member's Open Loyalty id keeps their events together.
        #expect(legacy[1].anonymousId == "c-2")
        let byEmail = try converter(.openloyalty, prefix: "ol-", settings: InboundSettings(userIdField: "email")).events(
            from: ["type": "customer.registered", "data": ["customerId": "c-2", "data": ["loyaltyCardNumber": "222", "email": "a@b.c"]]])
        #expect(byEmail.first?.userId == "a@b.c")
        #expect(byEmail.first?.name == "ol-CustomerRegistered")
    }

    @Test func openLoyaltyRefusesOtherShapes() {
        for body: JSONValue in [["data": [:]], ["type": 5], "text", ["type": "CustomerUpdated", "data": [1]]] {
            #expect(kind { () throws(InboundError) in try converter(.openloyalty).events(from: body) } == .malformed, "\(body)")
        }
    }

    @Test func legacyOpenLoyaltyTypesMapBack() {
        #expect(OpenLoyaltyNames.currentName("customer.level_changed") == "CustomerLevelChanged")
        #expect(OpenLoyaltyNames.currentName("transaction.assigned_to_customer") == "TransactionAssignedToCustomer")
        #expect(OpenLoyaltyNames.currentName("coupon.will_expire") == "CouponWillExpire")
        #expect(OpenLoyaltyNames.currentName("CustomerRegistered") == "CustomerRegistered")
        for name in OpenLoyaltyNames.presetEventTypes where name.first?.isUppercase == true {
            #expect(OpenLoyaltyNames.currentName(OpenLoyaltyNames.legacyType(name)) == name)
        }
    }

    // MARK: braze-currents

    static let brazeBatch: JSONValue = [
        "events": [
            [
                "event_type": "users.behaviors.CustomEvent", "id": "evt-1", "time": 1_477_502_783,
                "user": ["user_id": "braze-1", "external_user_id": "u1", "device_id": "d1", "timezone": "America/Chicago"],
                "properties": ["app_id": "app", "platform": "ios", "name": "Invite", "properties": ["friends": 3]],
            ],
            [
                "event_type": "users.messages.email.Send", "id": "evt-2", "time": 1_477_502_790.5,
                "user": ["user_id": "braze-2"], "properties": ["campaign_name": "Welcome"],
            ],
        ]
    ]

    @Test func brazeCurrentsEventsWithThePrefixOnNamesAndProperties() throws {
        let events = try converter(.brazeCurrents, prefix: "braze-").events(from: Self.brazeBatch)
        #expect(events.map(\.name) == ["braze-Invite", "braze-users.messages.email.Send"])
        #expect(events.map(\.messageId) == ["evt-1", "evt-2"])
        #expect(events[0].userId == "u1")
        #expect(events[0].anonymousId == "d1")
        #expect(events[0].message["properties"] == ["braze-app_id": "app", "braze-platform": "ios", "braze-friends": 3])
        #expect(events[0].message["timestamp"] == "2016-10-26T17:26:23.000Z")
        #expect(events[0].message["context"]?["braze"]?["user"]?["timezone"] == "America/Chicago")
        // No external id: the Braze user id keeps the user's events together.
        #expect(events[1].userId == nil)
        #expect(events[1].anonymousId == "braze-2")
        let byBrazeId = try converter(.brazeCurrents, settings: InboundSettings(userIdField: "user_id")).events(from: Self.brazeBatch)
        #expect(byBrazeId.map(\.userId) == ["braze-1", "braze-2"])
        #expect(byBrazeId.first?.message["properties"]?["app_id"] == "app")
    }

    @Test func brazeCurrentsRefusesOtherShapesAndBigBatches() {
        let event: JSONValue = ["event_type": "users.behaviors.app.SessionStart", "id": "e", "time": 1, "user": ["external_user_id": "u"]]
        func kind(_ body: JSONValue) -> InboundError.Kind? {
            self.kind { () throws(InboundError) in try converter(.brazeCurrents).events(from: body) }
        }
        #expect(kind(["events": .array(Array(repeating: event, count: 100))]) == nil)
        #expect(kind(["events": .array(Array(repeating: event, count: 101))]) == .tooMany)
        #expect(kind(["event": [event]]) == .malformed)
        #expect(kind(["events": [["id": "e"]]]) == .malformed)
        #expect(kind(["events": [["event_type": "users.behaviors.CustomEvent", "properties": [:]]]]) == .malformed)
        for time: JSONValue in ["yesterday", 1e300, -1e300] {
            #expect(kind(["events": [["event_type": "x", "time": time]]]) == .malformed, "\(time)")
        }
    }
}

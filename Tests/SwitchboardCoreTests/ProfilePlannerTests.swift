import Foundation
import SwitchboardCore
import Testing

@Suite struct ProfilePlannerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func event(_ type: EventType, userId: String? = nil, anonymousId: String? = nil, at offset: TimeInterval = 0, _ fields: [String: JSONValue] = [:]) -> Event {
        var message = fields
        message["type"] = .string(type.rawValue)
        return Event(
            id: "evt_\(offset)", workspaceId: "ws_1", sourceId: "src_1", type: type, name: type == .track ? "Order Completed" : type.rawValue,
            messageId: "m\(offset)", userId: userId, anonymousId: anonymousId, receivedAt: t0.addingTimeInterval(offset), message: message)
    }

    func applied(_ event: Event, target: Profile? = nil, absorbed: Profile? = nil) throws -> Profile {
        let plan = try #require(ProfilePlanner.plan(event))
        return ProfilePlanner.apply(event, plan: plan, target: target, absorbed: absorbed)
    }

    @Test func anEventGoesToItsUsersProfileElseItsAnonymousOne() {
        #expect(ProfilePlanner.plan(event(.track, userId: "u1"))?.target == .user("u1"))
        #expect(ProfilePlanner.plan(event(.track, anonymousId: "a1"))?.target == .anonymous("a1"))
        #expect(ProfilePlanner.plan(event(.track, anonymousId: "a1"))?.absorbs == nil)
        #expect(ProfilePlanner.plan(event(.track)) == nil)
    }

    @Test func identifyMergesTraitsAndNullRemovesOne() throws {
        let first = try applied(event(.identify, userId: "u1", ["traits": ["tier": "gold", "email": "a@example.com"]]))
        #expect(first.traits == ["tier": "gold", "email": "a@example.com"])
        let second = try applied(event(.identify, userId: "u1", at: 60, ["traits": ["tier": .null, "spend_amount": 501]]), target: first)
        #expect(second.traits == ["email": "a@example.com", "spend_amount": 501])
        #expect(second.firstSeen == t0)
        #expect(second.lastSeen == t0.addingTimeInterval(60))
    }

    @Test func trackNeverChangesTraits() throws {
        let profile = try applied(event(.identify, userId: "u1", ["traits": ["tier": "gold"]]))
        let after = try applied(event(.track, userId: "u1", at: 5, ["traits": ["tier": "lead"], "properties": ["total": 3]]), target: profile)
        #expect(after.traits == ["tier": "gold"])
        #expect(after.lastSeen == t0.addingTimeInterval(5))
    }

    @Test func anIdentifyCarryingBothIdsFoldsTheAnonymousProfileIn() throws {
        let anonymous = try applied(event(.identify, anonymousId: "a1", at: -100, ["traits": ["plan": "trial", "tier": "lead"]]))
        #expect(anonymous.anonymousIds == ["a1"])
        let user = try applied(event(.identify, userId: "u1", at: -10, ["traits": ["tier": "gold"]]))
        let event = event(.identify, userId: "u1", anonymousId: "a1", at: 0, ["traits": ["email": "a@example.com"]])
        #expect(ProfilePlanner.plan(event)?.absorbs == .anonymous("a1"))
        let merged = try applied(event, target: user, absorbed: anonymous)
        // The user's own values win; the anonymous profile fills the rest.
        #expect(merged.traits == ["tier": "gold", "plan": "trial", "email": "a@example.com"])
        #expect(merged.anonymousIds == ["a1"])
        #expect(merged.firstSeen == t0.addingTimeInterval(-100))
        #expect(merged.key == .user("u1"))
    }

    @Test func aliasTiesThePreviousIdToTheUser() throws {
        let alias = event(.alias, userId: "u1", ["previousId": "a7"])
        #expect(ProfilePlanner.plan(alias) == .init(target: .user("u1"), absorbs: .anonymous("a7")))
        let merged = try applied(alias, absorbed: Profile(key: .anonymous("a7"), workspaceId: "ws_1", anonymousIds: ["a7"], firstSeen: t0, lastSeen: t0))
        #expect(merged.anonymousIds == ["a7"])
        // Nothing to fold (no such anonymous profile): the id is still remembered.
        #expect(try applied(alias).anonymousIds == ["a7"])
    }

    @Test func keysRoundTripAsStoredWithoutMixingTheTwoIdSpaces() {
        for key in [ProfileKey.user("u:1"), .anonymous("user:x"), .user("")] {
            #expect(ProfileKey(stored: key.stored) == key)
        }
        #expect(ProfileKey.user("a").stored != ProfileKey.anonymous("a").stored)
        #expect(ProfileKey(stored: "nope") == nil)
    }

    @Test func theDocumentIsWhatConditionsSeeUnderProfile() throws {
        let profile = try applied(event(.identify, userId: "u1", ["traits": ["tier": "gold"]]))
        let condition = try Condition(json: ["field": "profile.traits.tier", "op": "eq", "value": "gold"])
        #expect(condition.matches(RequestRenderer.conditionDocument(event: event(.track, userId: "u1"), profile: profile.document)))
        #expect(profile.document["userId"] == "u1")
    }
}

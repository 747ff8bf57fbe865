import Foundation
import SwitchboardCore
import Testing

@Suite struct AudienceModelTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let vipCondition: JSONValue = ["field": "traits.tier", "op": "eq", "value": "vip"]

    /// The field a refusal names; "(not a validation error)" for any other error.
    private func field(_ make: () throws -> Void) -> String? {
        do {
            try make()
            return nil
        } catch let error as ValidationError {
            return error.field
        } catch {
            return "(not a validation error)"
        }
    }

    private func audience() throws -> Audience {
        Audience(id: "aud_1", workspaceId: "ws_1", fields: try AudienceFields(create: ["key": "vip", "name": "VIPs", "condition": Self.vipCondition]), now: now)
    }

    @Test func createReadsFieldsWithDefaults() throws {
        let fields = try AudienceFields(create: ["key": "big.spenders_2-x", "name": "Big", "condition": Self.vipCondition])
        #expect(fields.key == "big.spenders_2-x")
        #expect(!fields.emitOnBuild)
        #expect(fields.conditionJSON == Self.vipCondition)
        let audience = Audience(id: "aud_1", workspaceId: "ws_1", fields: fields, now: now)
        #expect(audience.status == .building)
        #expect(audience.memberCount == 0)
        #expect(audience.condition.matches(profile: ["traits": ["tier": "vip"]]) { _ in 0 })
        #expect(try AudienceFields(create: ["key": "k", "name": "n", "condition": Self.vipCondition, "emitOnBuild": true]).emitOnBuild)
    }

    @Test func createRefusalsNameTheField() {
        let condition = Self.vipCondition
        #expect(field { _ = try AudienceFields(create: ["name": "n", "condition": condition]) } == "key")
        #expect(field { _ = try AudienceFields(create: ["key": "", "name": "n", "condition": condition]) } == "key")
        #expect(field { _ = try AudienceFields(create: ["key": "has space", "name": "n", "condition": condition]) } == "key")
        #expect(field { _ = try AudienceFields(create: ["key": .string(String(repeating: "k", count: 101)), "name": "n", "condition": condition]) } == "key")
        #expect(field { _ = try AudienceFields(create: ["key": .string(String(repeating: "k", count: 100)), "name": "n", "condition": condition]) } == nil)
        #expect(field { _ = try AudienceFields(create: ["key": "k", "condition": condition]) } == "name")
        #expect(field { _ = try AudienceFields(create: ["key": "k", "name": "n"]) } == "condition")
        #expect(field { _ = try AudienceFields(create: ["key": "k", "name": "n", "condition": condition, "emitOnBuild": "yes"]) } == "emitOnBuild")
        // A count leaf must say which events it counts.
        #expect(
            field { _ = try AudienceFields(create: ["key": "k", "name": "n", "condition": ["count": ["withinDays": 30], "op": "gte", "value": 3]]) }
                == "condition.count.event")
        #expect(throws: ValidationError(field: nil, "the body must be a JSON object, not string")) { try AudienceFields(create: "not an object") }
    }

    @Test func patchKeepsAbsentFieldsAndRefusesAKeyChange() throws {
        let current = try audience()
        #expect(field { _ = try AudienceFields(patch: ["key": "other"], current: current) } == "key")
        do {
            _ = try AudienceFields(patch: ["key": "other"], current: current)
        } catch {
            #expect(error == ValidationError(field: "key", "an audience's key cannot be changed"))
        }
        // Repeating the same key is not a change.
        let renamed = try AudienceFields(patch: ["key": "vip", "name": "Very important"], current: current)
        #expect(renamed.name == "Very important")
        #expect(renamed.conditionJSON == Self.vipCondition)
        let updated = renamed.applied(to: current, now: now.addingTimeInterval(5))
        #expect(updated.name == "Very important")
        #expect(updated.updatedAt == now.addingTimeInterval(5))
        #expect(updated.createdAt == now)

        var ready = current
        ready.status = .ready
        let newCondition: JSONValue = ["field": "traits.tier", "op": "eq", "value": "gold"]
        let changed = try AudienceFields(patch: ["condition": newCondition, "emitOnBuild": true], current: ready).applied(to: ready, now: now)
        #expect(changed.conditionJSON == newCondition)
        #expect(changed.emitOnBuild)
        #expect(changed.status == .building)
        #expect(try AudienceFields(patch: ["name": "x"], current: ready).applied(to: ready, now: now).status == .ready)
        #expect(field { _ = try AudienceFields(patch: ["name": .null], current: current) } == "name")
        #expect(field { _ = try AudienceFields(patch: ["condition": ["field": "x", "op": "bogus"]], current: current) } == "condition.op")
    }

    @Test func documentShowsTheConditionAsWritten() throws {
        var audience = try audience()
        audience.memberCount = 7
        #expect(
            audience.document == [
                "id": "aud_1", "key": "vip", "name": "VIPs", "condition": Self.vipCondition, "emitOnBuild": false, "status": "building",
                "memberCount": 7, "createdAt": .string(Timestamp.format(now)), "updatedAt": .string(Timestamp.format(now)),
            ])
    }

    @Test func enteredAndExitedEventsCarryTheAudienceKey() throws {
        let audience = try audience()
        let entered = AudienceEvents.entered(audience, userId: "u1", anonymousId: nil, at: now, sequence: "0", id: "evt_1")
        #expect(entered.name == "Audience Entered")
        #expect(entered.type == .track)
        #expect(entered.sourceId == SystemEvents.sourceId)
        #expect(entered.workspaceId == "ws_1")
        #expect(entered.userId == "u1")
        #expect(entered.message["properties"] == ["audienceKey": "vip", "audienceName": "VIPs"])
        #expect(entered.message["userId"] == "u1")
        #expect(entered.message["anonymousId"] == nil)
        #expect(entered.messageId.contains("aud_1") && entered.messageId.contains("u1") && entered.messageId.contains("1800000000000"))

        let exited = AudienceEvents.exited(audience, userId: nil, anonymousId: "a1", at: now, sequence: "0", id: "evt_2")
        #expect(exited.name == "Audience Exited")
        #expect(exited.message["event"] == "Audience Exited")
        #expect(exited.message["anonymousId"] == "a1")
        #expect(exited.messageId.contains("a1"))
        // Each transition has its own messageId, even within one millisecond.
        let again = AudienceEvents.entered(audience, userId: "u1", anonymousId: nil, at: now, sequence: "1", id: "evt_3")
        #expect(again.messageId != entered.messageId)
        #expect(exited.messageId != AudienceEvents.entered(audience, userId: nil, anonymousId: "a1", at: now, sequence: "0", id: "evt_4").messageId)
        // A subscription's condition on the audience key matches it.
        let subscriptionCondition = try Condition(json: ["field": "properties.audienceKey", "op": "eq", "value": "vip"])
        #expect(subscriptionCondition.matches(entered.document))
    }
}

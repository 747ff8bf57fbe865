import Foundation
import SwitchboardCore
import Testing

@Suite struct AudienceConditionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    static let vip: JSONValue = [
        "all": [
            ["field": "traits.spend_amount", "op": "gt", "value": 500],
            ["count": ["event": "Order Completed", "withinDays": 30, "where": ["field": "properties.total", "op": "gte", "value": 10]], "op": "gte", "value": 3],
        ]
    ]

    @Test func traitsAndCountsTogetherDecideMembership() throws {
        let condition = try AudienceCondition(validating: Self.vip)
        let rich: JSONValue = ["traits": ["spend_amount": 501]]
        #expect(condition.matches(profile: rich) { _ in 3 })
        #expect(!condition.matches(profile: rich) { _ in 2 })
        #expect(!condition.matches(profile: ["traits": ["spend_amount": 500]]) { _ in 9 })
        #expect(condition.counts == [.init(event: "Order Completed", withinDays: 30, filter: try Condition(json: ["field": "properties.total", "op": "gte", "value": 10]))])
    }

    @Test func badCountLeavesAreRefusedNamingTheField() {
        func field(_ json: JSONValue) -> String? {
            do {
                _ = try AudienceCondition(validating: json)
                return nil
            } catch {
                return error.field
            }
        }
        #expect(field(["count": ["withinDays": 30], "op": "gte", "value": 3]) == "condition.count.event")
        #expect(field(["count": ["event": "A", "withinDays": 0], "op": "gte", "value": 3]) == "condition.count.withinDays")
        #expect(field(["count": ["event": "A", "withinDays": 1.5], "op": "gte", "value": 3]) == "condition.count.withinDays")
        #expect(field(["count": ["event": "A", "withinDays": 30], "op": "contains", "value": 3]) == "condition.op")
        #expect(field(["count": ["event": "A", "withinDays": 30], "op": "gte", "value": "3"]) == "condition.value")
        #expect(field(["any": [["count": ["event": "A", "withinDays": 30, "where": ["field": "x", "op": "bogus"]], "op": "gte", "value": 1]]]) != nil)
        #expect(field(["field": "traits.tier", "op": "bogus", "value": 1]) == "condition.op")
    }

    @Test func countsSlideWithTheClock() {
        let orders = [now.addingTimeInterval(-29 * day), now.addingTimeInterval(-10 * day), now.addingTimeInterval(-1 * day), now.addingTimeInterval(-40 * day)]
        let window = 30 * day
        #expect(EventWindow.count(orders, window: window, now: now) == 3)
        // The oldest order in the window leaves it in one day: that is when the count next drops.
        let expiry = EventWindow.nextExpiry(orders, window: window, now: now)
        #expect(expiry == now.addingTimeInterval(day))
        #expect(EventWindow.count(orders, window: window, now: now.addingTimeInterval(day)) == 2)
        #expect(EventWindow.nextExpiry([now.addingTimeInterval(-31 * day)], window: window, now: now) == nil)
    }
}

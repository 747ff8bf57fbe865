import Foundation
import SwitchboardCore
import Testing

/// Incremental evaluation: which audiences one change can affect, count windows, expiries.
@Suite struct AudienceEvaluatorTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    func audience(_ id: String, _ condition: JSONValue) throws -> Audience {
        Audience(
            id: id, workspaceId: "ws", key: id, name: id, condition: try AudienceCondition(validating: condition), conditionJSON: condition,
            createdAt: now, updatedAt: now)
    }

    func event(_ name: String, total: Int = 20, at offset: TimeInterval = 0) -> Event {
        Event(
            id: "evt_\(name)\(offset)", workspaceId: "ws", sourceId: "src", type: .track, name: name, messageId: "m", userId: "u1", anonymousId: nil,
            receivedAt: now.addingTimeInterval(offset), message: ["event": .string(name), "properties": ["total": .int(Int64(total))]])
    }

    var rich: Audience { get throws { try audience("rich", ["field": "traits.spend", "op": "gt", "value": 500]) } }
    var buyers: Audience {
        get throws {
            try audience("buyers", ["count": ["event": "Order Completed", "withinDays": 30, "where": ["field": "properties.total", "op": "gte", "value": 10]], "op": "gte", "value": 2])
        }
    }

    @Test func onlyCountedEventsAndChangedFieldsReEvaluate() throws {
        let profile = Profile(key: .user("u1"), workspaceId: "ws", traits: ["spend": 600], firstSeen: now, lastSeen: now)
        // A new profile: everything is evaluated.
        let created = AudienceEvaluator.evaluate(profile, change: .event(event("Viewed"), before: nil), audiences: [try rich, try buyers], now: now)
        #expect(created.entered.map(\.id) == ["rich"])
        // The traits did not change: `rich` is not evaluated, so even a stale membership stays as it is.
        var stale = created.profile
        stale.audienceIds = []
        let unchanged = AudienceEvaluator.evaluate(stale, change: .event(event("Viewed"), before: stale), audiences: [try rich], now: now)
        #expect(unchanged.entered.isEmpty)
        var poorer = stale
        poorer.traits = ["spend": 10]
        let changed = AudienceEvaluator.evaluate(poorer, change: .event(event("Viewed"), before: created.profile), audiences: [try rich], now: now)
        #expect(changed.exited.isEmpty && changed.entered.isEmpty && changed.profile.audienceIds.isEmpty)
    }

    @Test func countsFollowTheWindowAndTheFilter() throws {
        var profile = Profile(key: .user("u1"), workspaceId: "ws", firstSeen: now, lastSeen: now)
        let audiences = [try buyers]
        for (offset, total) in [(0.0, 50), (1, 5), (10 * 86_400, 20)] {
            let before = profile
            let outcome = AudienceEvaluator.evaluate(profile, change: .event(event("Order Completed", total: total, at: offset), before: before), audiences: audiences, now: now.addingTimeInterval(offset))
            profile = outcome.profile
            if offset == 10 * 86_400 {
                #expect(outcome.entered.map(\.id) == ["buyers"])
                // The first order leaves the window 30 days after it: that is when the count drops.
                #expect(outcome.profile.nextExpiry == now.addingTimeInterval(30 * day))
            } else {
                #expect(outcome.entered.isEmpty)
            }
        }
        let early = AudienceEvaluator.evaluate(profile, change: .clock, audiences: audiences, now: now.addingTimeInterval(29 * day))
        #expect(early.exited.isEmpty)
        let expired = AudienceEvaluator.evaluate(profile, change: .clock, audiences: audiences, now: now.addingTimeInterval(30 * day + 1))
        #expect(expired.exited.map(\.id) == ["buyers"])
        #expect(expired.profile.nextExpiry == now.addingTimeInterval(40 * day))
        // Pruned to the window: the counter never grows without bound.
        #expect(expired.profile.counters.values.first?.count == 1)
    }

    /// `gte 2` is decided by the two newest times (and, as they age, the third): no more are kept.
    @Test func countersKeepOnlyWhatTheComparisonsNeed() throws {
        var profile = Profile(key: .user("u1"), workspaceId: "ws", firstSeen: now, lastSeen: now)
        for offset in 0..<10 {
            let event = event("Order Completed", at: Double(offset))
            profile = AudienceEvaluator.evaluate(profile, change: .event(event, before: profile), audiences: [try buyers], now: event.receivedAt).profile
        }
        #expect(profile.counters.values.first == (7..<10).map { now.addingTimeInterval(Double($0)) })
        #expect(profile.audienceIds == ["buyers"])
    }

    @Test func membershipsOfDeletedAudiencesAreDropped() throws {
        var profile = Profile(key: .user("u1"), workspaceId: "ws", firstSeen: now, lastSeen: now)
        profile.audienceIds = ["gone", "rich"]
        profile.traits = ["spend": 900]
        let outcome = AudienceEvaluator.evaluate(profile, change: .build(["rich"]), audiences: [try rich], now: now)
        #expect(outcome.profile.audienceIds == ["rich"])
        #expect(outcome.entered.isEmpty)
    }

    @Test func subscriptionConditionsOnTheProfileWaitForIt() throws {
        let reads = try Condition(json: ["all": [["field": "event", "op": "eq", "value": "x"], ["field": "profile.traits.tier", "op": "eq", "value": "gold"]]])
        #expect(reads.readsProfile)
        #expect(try !Condition(json: ["field": "traits.tier", "op": "eq", "value": "gold"]).readsProfile)
    }
}

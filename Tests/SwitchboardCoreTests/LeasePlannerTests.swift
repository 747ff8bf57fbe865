import Foundation
import SwitchboardCore
import Testing

@Suite struct LeasePlannerTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func candidates(_ count: Int, destination: String = "d", subscription: String = "s", age: TimeInterval = 0) -> [LeasePlanner.Candidate] {
        (0..<count).map { LeasePlanner.Candidate(deliveryId: "\(destination)-\($0)", destinationId: destination, subscriptionId: subscription, dueAt: now.addingTimeInterval(-age)) }
    }

    private func state(rate: Int? = nil, cap: Int? = nil, batching: Destination.Batching? = nil, inFlight: Int = 0, next: Date? = nil) -> LeasePlanner.DestinationState {
        .init(rateLimitPerSecond: rate, maxConcurrency: cap, batching: batching, inFlight: inFlight, nextSendAt: next)
    }

    @Test func withoutControlsEverythingGoesUpToTheLimit() {
        let plan = LeasePlanner.plan(candidates: candidates(10), destinations: ["d": state()], now: now, limit: 4)
        #expect(plan.sends.map(\.deliveryIds) == [["d-0"], ["d-1"], ["d-2"], ["d-3"]])
        #expect(plan.sends.allSatisfy { $0.startAt == nil })
    }

    @Test func rateLimitSpacesStartsEvenlyAndReservesOneSecondAhead() {
        let plan = LeasePlanner.plan(candidates: candidates(100), destinations: ["d": state(rate: 10)], now: now, limit: 100)
        let starts = plan.sends.compactMap(\.startAt).map { $0.timeIntervalSince(now) }
        #expect(starts.count == 10)  // 0 ... 0.99 s
        #expect(starts.first == 0)
        for (a, b) in zip(starts, starts.dropFirst()) { #expect(abs(b - a - 0.11) < 1e-6) }
        // No one-second window holds more than 10 starts, even across the next lease.
        let next = try! #require(plan.nextSendAt["d"])
        let later = LeasePlanner.plan(candidates: candidates(100), destinations: ["d": state(rate: 10, next: next)], now: now.addingTimeInterval(0.5), limit: 100)
        let all = starts + later.sends.compactMap(\.startAt).map { $0.timeIntervalSince(now) }
        for start in all { #expect(all.filter { $0 >= start && $0 < start + 1 }.count <= 10) }
    }

    /// A busy node reserves its starts as far ahead as it has lately needed to reach them, never
    /// before a slot another lease reserved, and never further than half the lookahead.
    @Test func startLeadMovesTheFirstFreeSlot() {
        let led = LeasePlanner.plan(candidates: candidates(100), destinations: ["d": state(rate: 10)], now: now, limit: 10, startLead: 0.2)
        #expect(led.sends.compactMap(\.startAt).first == now.addingTimeInterval(0.2))
        #expect(led.sends.count == 8)  // 0.2 ... 0.97 s
        let reserved = LeasePlanner.plan(
            candidates: candidates(1), destinations: ["d": state(rate: 10, next: now.addingTimeInterval(0.6))], now: now, limit: 10, startLead: 0.2)
        #expect(reserved.sends.first?.startAt == now.addingTimeInterval(0.6))
        let capped = LeasePlanner.plan(candidates: candidates(1), destinations: ["d": state(rate: 10)], now: now, limit: 10, startLead: 30)
        #expect(capped.sends.first?.startAt == now.addingTimeInterval(StartLead.maximum))
    }

    @Test func startLeadFollowsTheSlowestRecentDelayAndDecays() {
        var lead = StartLead()
        lead.observe(delay: 0.12)
        lead.observe(delay: 0.01)
        #expect(abs(lead.seconds - 0.108) < 1e-9)  // one faster start keeps most of it
        for _ in 0..<60 { lead.observe(delay: 0.005) }
        #expect(lead.seconds == 0.005)
        lead.observe(delay: 9)
        #expect(lead.seconds == StartLead.maximum)
        lead.observe(delay: .nan)
        lead.observe(delay: -.infinity)
        #expect(lead.seconds == StartLead.maximum)
    }

    @Test func aSlotFurtherThanTheLookaheadWaits() {
        let plan = LeasePlanner.plan(candidates: candidates(3), destinations: ["d": state(rate: 1, next: now.addingTimeInterval(5))], now: now, limit: 10)
        #expect(plan.sends.isEmpty)
    }

    @Test func concurrencyCapCountsWhatIsInFlight() {
        let plan = LeasePlanner.plan(candidates: candidates(10), destinations: ["d": state(cap: 3, inFlight: 1)], now: now, limit: 10)
        #expect(plan.sends.count == 2)
    }

    @Test func batchesWaitForSizeOrTime() {
        let batching = Destination.Batching(maxSize: 5, maxWaitMs: 1000)
        #expect(LeasePlanner.plan(candidates: candidates(3), destinations: ["d": state(batching: batching)], now: now, limit: 10).sends.isEmpty)
        let full = LeasePlanner.plan(candidates: candidates(12), destinations: ["d": state(batching: batching)], now: now, limit: 10)
        #expect(full.sends.map(\.deliveryIds.count) == [5, 5])
        let old = LeasePlanner.plan(candidates: candidates(3, age: 2), destinations: ["d": state(batching: batching)], now: now, limit: 10)
        #expect(old.sends.map(\.deliveryIds) == [["d-0", "d-1", "d-2"]])
    }

    @Test func batchesNeverMixSubscriptions() {
        let batching = Destination.Batching(maxSize: 10, maxWaitMs: 0)
        let mixed = candidates(2, subscription: "a") + candidates(2, subscription: "b").map { var c = $0; c.deliveryId += "b"; return c }
        let plan = LeasePlanner.plan(candidates: mixed, destinations: ["d": state(batching: batching)], now: now, limit: 10)
        #expect(plan.sends.map(\.deliveryIds) == [["d-0", "d-1"], ["d-0b", "d-1b"]])
    }

    @Test func destinationsAreIndependent() {
        let plan = LeasePlanner.plan(
            candidates: candidates(3, destination: "slow") + candidates(3, destination: "fast"),
            destinations: ["slow": state(cap: 1), "fast": state()], now: now, limit: 10)
        #expect(plan.sends.filter { $0.destinationId == "slow" }.count == 1)
        #expect(plan.sends.filter { $0.destinationId == "fast" }.count == 3)
    }

    @Test func startsWithinTheToleranceKeepEveryWindowUnderTheLimit() {
        // Slots 1.1/n apart, each start within the tolerance: no one-second window holds more than n.
        let spacing = LeasePlanner.spacing(perSecond: 10)
        let starts = (0..<40).map { index in Double(index) * spacing + (index % 2 == 0 ? LeasePlanner.startTolerance : 0) }
        for start in starts {
            #expect(starts.filter { $0 >= start && $0 < start + 1 }.count <= 10)
        }
    }
}

import Foundation
import SwitchboardCore
import Testing

/// The pure planners storage's one orchestration runs: routes, destination health, delivery transitions.
@Suite struct RoutePlannerTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func event(_ name: String, plan: String = "pro") -> Event {
        Event(
            id: "evt_\(name)", workspaceId: "ws_1", sourceId: "src_1", type: .track, name: name, messageId: "m-\(name)", userId: "u1",
            anonymousId: nil, receivedAt: at, message: ["type": "track", "event": .string(name), "properties": ["plan": .string(plan)]])
    }

    static func subscription(_ id: String, names: [String], condition: JSONValue? = nil, enabled: Bool = true) throws -> Subscription {
        Subscription(
            id: id, workspaceId: "ws_1", destinationId: "dst_1", name: id, eventNames: names, condition: try condition.map { try Condition(json: $0) },
            mapping: nil, enabled: enabled, createdAt: at, updatedAt: at)
    }

    @Test func anEventGoesToEveryCandidateWhoseNameAndConditionMatchInOrder() throws {
        let candidates = [
            try Self.subscription("s1", names: ["*"]),
            try Self.subscription("s2", names: ["Order Completed"], condition: ["field": "properties.plan", "op": "eq", "value": "pro"]),
            try Self.subscription("s3", names: ["Order Completed"], condition: ["field": "properties.plan", "op": "eq", "value": "free"]),
            try Self.subscription("s4", names: ["Signed Up"]),
            try Self.subscription("s5", names: ["*"], enabled: false),
        ]
        #expect(RoutePlanner.plan(Self.event("Order Completed"), candidates: candidates).subscriptionIds == ["s1", "s2"])
        #expect(RoutePlanner.plan(Self.event("Order Completed", plan: "free"), candidates: candidates).subscriptionIds == ["s1", "s3"])
        #expect(RoutePlanner.plan(Self.event("Page Viewed"), candidates: []).subscriptionIds.isEmpty)
    }

    @Test func eventsAreRoutedAgainstTheCandidatesOfTheirOwnKey() async throws {
        let events = [Self.event("A"), Self.event("B"), Self.event("A")]
        #expect(RoutePlanner.keys(events).count == 2)
        let candidates: [RoutePlanner.Key: [Subscription]] = [RoutePlanner.Key(events[0]): [try Self.subscription("sa", names: ["A"])]]
        let routed = await RoutePlanner.route(events, candidates: candidates)
        #expect(routed.map(\.subscriptionIds) == [["sa"], [], ["sa"]])
        #expect(routed.map(\.event.id) == events.map(\.id))
    }
}

@Suite struct DestinationHealthTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    func record(_ destination: String, _ decision: DeliveryDecision, at: Date? = nil) -> AttemptRecord {
        AttemptRecord(
            deliveryId: "dlv_\(destination)", destinationId: destination,
            attempt: Attempt(number: 1, at: at ?? now, durationMs: 5, responseStatus: 500, responseBody: nil, error: nil), decision: decision)
    }

    @Test func goneDisablesAtOnceWhateverElseHappened() {
        let changes = DestinationHealth.assess([record("d", .succeeded), record("d", .failedAndDisableDestination)], failingSince: [:], now: now, disableAfter: day)
        #expect(changes.map(\.change) == [.disable(reason: DestinationHealth.goneReason)])
    }

    @Test func aFirstFailureStartsTheStreakAtItsAttempt() {
        let first = now.addingTimeInterval(-10)
        let changes = DestinationHealth.assess(
            [record("d", .retry(at: now), at: now), record("d", .failed, at: first)], failingSince: [:], now: now, disableAfter: day)
        #expect(changes.map(\.change) == [.failingSince(first)])
    }

    @Test func aStreakAlreadyRecordedChangesNothingUntilItIsLongEnough() {
        let failing = ["d": now.addingTimeInterval(-day + 1)]
        #expect(DestinationHealth.assess([record("d", .failed)], failingSince: failing, now: now, disableAfter: day).isEmpty)
        let changes = DestinationHealth.assess([record("d", .failed)], failingSince: failing, now: now.addingTimeInterval(1), disableAfter: day)
        #expect(changes.map(\.change) == [.disable(reason: DestinationHealth.failingReason(day))])
        #expect(DestinationHealth.failingReason(day) == "every attempt failed for 86400 seconds")
    }

    @Test func aSuccessEndsAStreakAndOtherwiseChangesNothing() {
        let failing = ["d": now.addingTimeInterval(-60)]
        #expect(DestinationHealth.assess([record("d", .failed), record("d", .succeeded)], failingSince: failing, now: now, disableAfter: day).map(\.change) == [.recovered])
        #expect(DestinationHealth.assess([record("d", .succeeded)], failingSince: [:], now: now, disableAfter: day).isEmpty)
    }

    @Test func changesComeInDestinationIdOrder() {
        let changes = DestinationHealth.assess(
            [record("c", .failed), record("a", .failedAndDisableDestination), record("b", .failed)], failingSince: [:], now: now, disableAfter: day)
        #expect(changes.map(\.destinationId) == ["a", "b", "c"])
    }
}

@Suite struct DeliveryTransitionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func eachDecisionLeadsToOneState() {
        #expect(DeliveryTransition.after(.succeeded) == .init(status: .succeeded, nextAttemptAt: nil))
        #expect(DeliveryTransition.after(.retry(at: now)) == .init(status: .pending, nextAttemptAt: now))
        #expect(DeliveryTransition.after(.failed) == .init(status: .failed, nextAttemptAt: nil))
        #expect(DeliveryTransition.after(.failedAndDisableDestination) == .init(status: .failed, nextAttemptAt: nil))
        #expect(DeliveryTransition.requeued(now: now) == .init(status: .pending, nextAttemptAt: now))
    }

    func deliveries(attempts: [Int]) -> [Delivery] {
        attempts.enumerated().map { index, count in
            Delivery(
                id: "dlv_\(index)", workspaceId: "ws_1", eventId: "evt_\(index)", subscriptionId: "sub_1", destinationId: "dst_1", status: .pending,
                attemptCount: count, nextAttemptAt: now, createdAt: now)
        }
    }

    var destination: Destination {
        Destination(
            id: "dst_1", workspaceId: "ws_1", name: "hook", url: "https://hooks.example.com/in", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            retrySchedule: [5, 300], createdAt: now, updatedAt: now)
    }

    @Test func aBatchFailsTogetherEachAtItsOwnAttemptNumber() {
        let response = AttemptResponse(status: 503, body: "busy", durationMs: 12, error: nil)
        let records = DeliveryTransition.records(
            for: deliveries(attempts: [0, 1, 2]), destination: destination, outcome: .response(status: 503, retryAfter: nil), response: response,
            started: now, now: now, jitter: 0.5)
        #expect(records.map(\.attempt.number) == [1, 2, 3])
        #expect(records.map(\.decision) == [.retry(at: now.addingTimeInterval(5)), .retry(at: now.addingTimeInterval(300)), .failed])
        #expect(records.map(\.nextState.status) == [.pending, .pending, .failed])
        #expect(records.allSatisfy { $0.attempt.responseStatus == 503 && $0.attempt.responseBody == "busy" && $0.attempt.durationMs == 12 })
    }

    @Test func anUnsendableRequestFailsAtOnceWithItsReason() {
        let records = DeliveryTransition.unsendable(deliveries(attempts: [4]), destination: destination, reason: "too large", at: now)
        #expect(records.map(\.decision) == [.failed])
        #expect(records[0].attempt == Attempt(number: 5, at: now, durationMs: 0, responseStatus: nil, responseBody: "too large", error: .other))
    }

    @Test func aSetAsideDeliveryFailsWithACrashedAttempt() {
        let candidate = LeasePlanner.Candidate(deliveryId: "dlv_1", destinationId: "dst_1", subscriptionId: "sub_1", dueAt: now, leaseCount: 3, attemptCount: 2)
        let record = LeasePlanner.crashedAttempt(now: now)(candidate)
        #expect(record.attempt.number == 3)
        #expect(record.attempt.error == .crashed)
        #expect(record.nextState == .init(status: .failed, nextAttemptAt: nil))
    }
}

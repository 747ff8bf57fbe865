import Foundation
import SwitchboardCore
import Testing

/// Operational events: what they carry, and where they are not routed.
@Suite struct SystemEventsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func destination(_ id: String) -> Destination {
        Destination(id: id, workspaceId: "ws_1", name: "name \(id)", url: "https://\(id).example.com", secret: WebhookSigner.newSecret(), createdAt: now, updatedAt: now)
    }

    func subscription(_ id: String, to destinationId: String, eventNames: [String] = ["Delivery Failed", "Destination Recovered", "Destination Disabled"]) -> Subscription {
        Subscription(
            id: id, workspaceId: "ws_1", destinationId: destinationId, name: id, eventNames: eventNames, condition: nil, mapping: nil, createdAt: now,
            updatedAt: now)
    }

    /// A `Delivery Failed`, a `Destination Recovered` and a `Destination Disabled`, each about dst_a.
    func operationalEventsAboutA() -> (failed: Event, recovered: Event, disabled: Event) {
        let record = AttemptRecord(
            deliveryId: "dlv_1", destinationId: "dst_a",
            attempt: Attempt(number: 1, at: now, durationMs: 1, responseStatus: 400, responseBody: nil, error: nil), decision: .failed)
        return (
            SystemEvents.deliveryFailed(record, destination: destination("dst_a"), at: now, id: "evt_1"),
            SystemEvents.destinationRecovered(destination("dst_a"), because: .enabled, at: now, id: "evt_2"),
            SystemEvents.destinationDisabled(destination("dst_a"), reason: "gone", at: now, id: "evt_3")
        )
    }

    @Test func deliveryFailedCarriesTheLastErrorButNoBody() {
        let record = AttemptRecord(
            deliveryId: "dlv_1", destinationId: "dst_a",
            attempt: Attempt(number: 3, at: now, durationMs: 12, responseStatus: nil, responseBody: "secret body", error: .timeout), decision: .failed)
        let event = SystemEvents.deliveryFailed(record, destination: destination("dst_a"), at: now, id: "evt_1")
        #expect(event.name == "Delivery Failed")
        #expect(event.sourceId == SystemEvents.sourceId)
        #expect(event.messageId == "delivery-failed-dlv_1-3")
        let properties = event.message["properties"]
        #expect(properties?["lastError"] == "the request timed out")
        #expect(properties?["errorKind"] == "timeout")
        #expect(properties?["attempts"] == 3)
        #expect(!JSONCoding.string(.object(event.message)).contains("secret body"))
    }

    @Test func anOperationalEventIsNotRoutedToTheDestinationItIsAbout() {
        let (failed, recovered, disabled) = operationalEventsAboutA()
        let candidates = [subscription("sub_a", to: "dst_a"), subscription("sub_b", to: "dst_b")]
        #expect(RoutePlanner.plan(failed, candidates: candidates).subscriptionIds == ["sub_b"])
        #expect(RoutePlanner.plan(recovered, candidates: candidates).subscriptionIds == ["sub_b"])
        // Destination Disabled still reaches the disabled destination's subscriptions (as before).
        #expect(RoutePlanner.plan(disabled, candidates: candidates).subscriptionIds == ["sub_a", "sub_b"])
    }

    @Test func failuresAndRecoveriesGoOnlyWhereTheyAreNamed() {
        let (failed, recovered, disabled) = operationalEventsAboutA()
        let candidates = [subscription("sub_all", to: "dst_b", eventNames: ["*"]), subscription("sub_named", to: "dst_c", eventNames: ["Delivery Failed"])]
        #expect(RoutePlanner.plan(failed, candidates: candidates).subscriptionIds == ["sub_named"])
        #expect(RoutePlanner.plan(recovered, candidates: candidates).subscriptionIds == [])
        // Destination Disabled keeps reaching `*` (as before).
        #expect(RoutePlanner.plan(disabled, candidates: candidates).subscriptionIds == ["sub_all"])
    }
}

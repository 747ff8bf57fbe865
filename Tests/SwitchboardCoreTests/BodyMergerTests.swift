import Foundation
import SwitchboardCore
import Testing

/// `batching.combine: "merge"`: one JSON object, arrays concatenated, equal scalars kept once,
/// never more array items than the limit, nothing lost when bodies differ.
@Suite struct BodyMergerTests {
    @Test func arraysConcatenateAndEqualScalarsStayOnce() {
        let merged = BodyMerger.merge(
            [["app_id": "1", "events": [["e": 1]]], ["app_id": "1", "events": [["e": 2], ["e": 3]]], ["app_id": "1", "users": [["u": 1]]]],
            maximumItems: 10)
        #expect(merged.taken == 3)
        #expect(merged.body == ["app_id": "1", "events": [["e": 1], ["e": 2], ["e": 3]], "users": [["u": 1]]])
    }

    @Test func brazeAttributesAndEventsJoinInOneBody() {
        let merged = BodyMerger.merge(
            [["attributes": [], "events": [["name": "a"]]], ["attributes": [["external_id": "u1"]], "events": []]], maximumItems: 75)
        #expect(merged.taken == 2)
        #expect(merged.body == ["attributes": [["external_id": "u1"]], "events": [["name": "a"]]])
    }

    /// The limit counts array items across every field (Braze: 75 objects in all).
    @Test func neverMoreItemsThanTheLimit() {
        let bodies: [JSONValue] = (0..<100).map { index in ["attributes": [["i": .int(Int64(index))]], "events": [["i": .int(Int64(index))]]] }
        let merged = BodyMerger.merge(bodies, maximumItems: 75)
        #expect(merged.taken == 37)
        #expect(BodyMerger.merge(Array(bodies.dropFirst(37)), maximumItems: 75).taken == 37)
        let items = (merged.body["attributes"]?.arrayValue?.count ?? 0) + (merged.body["events"]?.arrayValue?.count ?? 0)
        #expect(items == 74)
    }

    /// A scalar that differs ends the request before that body: it goes in the next one, nothing is lost.
    @Test func aDifferingScalarSplitsTheBatch() {
        let merged = BodyMerger.merge([["app_id": "1", "events": [1]], ["app_id": "2", "events": [2]], ["app_id": "1", "events": [3]]], maximumItems: 10)
        #expect(merged.taken == 1)
        #expect(merged.body == ["app_id": "1", "events": [1]])
        #expect(BodyMerger.merge([["events": [1]], ["events": "x"]], maximumItems: 10).taken == 1)
    }

    @Test func theFirstBodyAlwaysGoesEvenAloneOrNotAnObject() {
        #expect(BodyMerger.merge([["events": [1, 2, 3]], ["events": [4]]], maximumItems: 2) == .init(body: ["events": [1, 2, 3]], taken: 1))
        #expect(BodyMerger.merge(["text", ["a": 1]], maximumItems: 2) == .init(body: "text", taken: 1))
        #expect(BodyMerger.merge([["a": 1], [1, 2]], maximumItems: 5).taken == 1)
        #expect(BodyMerger.merge([], maximumItems: 5).taken == 0)
    }

    /// Through the renderer: a merging destination's batch is one object, the count taken reported.
    @Test func rendererMergesAndReportsWhatItTook() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let destination = Destination(
            id: "dst_1", workspaceId: "ws", name: "Heap", url: "https://heap.example.com/api/track", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            batching: .init(maxSize: 2, maxWaitMs: 0, combine: .merge), createdAt: now, updatedAt: now)
        let mapping = try Mapping(validating: ["body": ["app_id": "42", "events": [["event": "{{ event }}"]]]])
        let subscription = Subscription(
            id: "sub_1", workspaceId: "ws", destinationId: "dst_1", name: "s", eventNames: ["*"], condition: nil, mapping: mapping, createdAt: now,
            updatedAt: now)
        let events = (1...3).map { index in
            Event(
                id: "evt_\(index)", workspaceId: "ws", sourceId: "src", type: .track, name: "E\(index)", messageId: "m\(index)", userId: "u",
                anonymousId: nil, receivedAt: now, message: ["type": "track", "event": .string("E\(index)")])
        }
        let batch = try RequestRenderer.renderBatch(events: events, subscription: subscription, destination: destination)
        #expect(batch.taken == 2)
        #expect(try JSONCoding.parse(batch.request.body) == ["app_id": "42", "events": [["event": "E1"], ["event": "E2"]]])
    }
}

import Foundation
import SwitchboardCore

/// Realistic inputs: a Segment track event as analytics-node sends it, and its resources.
enum Sample {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)
    static let ids = IdentifierGenerator()

    static func source() -> Source {
        Source(
            id: "src_bench", workspaceId: "ws_bench", name: "bench", type: .segment, verification: nil, eventNamePrefix: nil,
            writeKey: "key", createdAt: at, updatedAt: at)
    }

    static func destination() -> Destination {
        Destination(
            id: "dst_bench", workspaceId: "ws_bench", name: "bench", url: "https://hooks.example.com/in", secret: WebhookSigner.newSecret(),
            createdAt: at, updatedAt: at)
    }

    static func subscription(destinationId: String, mapping: Mapping?) -> Subscription {
        Subscription(
            id: "sub_bench", workspaceId: "ws_bench", destinationId: destinationId, name: "bench", eventNames: ["*"], condition: nil,
            mapping: mapping, createdAt: at, updatedAt: at)
    }

    static func eventJSON(_ index: Int) -> String {
        #"{"type":"track","userId":"SA-\#(index % 100)","event":"Order Completed","properties":{"total":99.5,"currency":"EUR","items":\#(index % 7)},"traits":{"plan":"pro"},"context":{"library":{"name":"analytics-node","version":"1.3.0"}},"timestamp":"2026-11-23T12:00:00.000Z"}"#
    }

    static func segmentBatch(events: Int) -> String {
        #"{"batch":[\#((0..<events).map(eventJSON).joined(separator: ","))],"sentAt":"2026-11-23T12:00:00.100Z"}"#
    }

    static func event() -> Event {
        let normalizer = SegmentMessageNormalizer(source: source(), receivedAt: at, identifiers: ids)
        return try! normalizer.event(from: try! JSONCoding.parse(Array(eventJSON(1).utf8)), type: .track)
    }
}

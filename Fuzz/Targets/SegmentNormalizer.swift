import FuzzSupport
import SwitchboardCore

/// Segment messages and batches, as `/v1/track` ... `/v1/batch` take them, normalized into
/// events that are then stored (written as JSON), routed and rendered as every format.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSegmentNormalizer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard let body = try? JSONCoding.parse(UnsafeRawBufferPointer(start: start, count: count)) else { return 0 }
    var events: [Event] = []
    for type in EventType.allCases {
        if let event = try? FuzzSample.normalizer.event(from: body, type: type) { events.append(event) }
    }
    if let batch = try? FuzzSample.normalizer.events(fromBatch: body) { events += batch }
    for event in events {
        let document = event.document
        let stored = JSONCoding.bytes(document)
        FuzzSample.require((try? JSONCoding.parse(stored, maximumDepth: .max)) == document, "stored event does not read back")
        for field in ["timestamp", "receivedAt"] {
            FuzzSample.require(event.message[field]?.stringValue.flatMap(Timestamp.parse) != nil, "\(field) is not a time")
        }
        for format in BodyFormat.allCases {
            let subscription = FuzzSample.subscription(mapping: nil, format: format)
            _ = subscription.matches(event, profile: ["traits": ["plan": "pro"]])
            // A request over the size limit is refused, not rendered.
            guard let request = try? RequestRenderer.render(event: event, subscription: subscription, destination: FuzzSample.destination) else { continue }
            _ = RequestRenderer.sign(request, destination: FuzzSample.destination, deliveryId: "dlv_fuzz", at: FuzzSample.at)
        }
    }
    return 0
}

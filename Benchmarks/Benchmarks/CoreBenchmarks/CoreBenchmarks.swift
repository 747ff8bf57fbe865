import Benchmark
import Foundation
import SwitchboardCore

/// The pure work on the hot paths: per event at ingest (decode), per delivery (condition,
/// template, signing).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.throughput, .wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(3))

    let event = Sample.event()
    let document = RequestRenderer.conditionDocument(event: event, profile: nil)
    let condition = try! Condition(json: [
        "all": [
            ["field": "userId", "op": "starts_with", "value": "SA"],
            ["not": ["field": "traits.plan", "op": "eq", "value": "free"]],
            ["field": "properties.total", "op": "gt", "value": 50],
        ]
    ])
    Benchmark("condition: all of three leaves") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(condition.matches(document)) }
    }

    let destination = Sample.destination()
    let subscription = Sample.subscription(
        destinationId: destination.id,
        mapping: try! Mapping(json: [
            "url": "https://ol.example.com/api/KHO/member/loyaltyCardNumber={{ userId }}", "method": "PATCH",
            "headers": ["X-AUTH-TOKEN": "token", "X-Event": "{{ event | downcase }}"],
            "body": ["customer": ["labels": [["key": "braze_vip_segment", "value": "optedIn"]], "total": "{{ properties.total }}"]],
        ]))
    Benchmark("template: render a mapping (url, headers, body)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try RequestRenderer.render(event: event, subscription: subscription, destination: destination))
        }
    }

    let at = Date(timeIntervalSince1970: 1_800_000_000)
    Benchmark("signing: Standard Webhooks HMAC-SHA256") { (benchmark: Benchmark, request: RenderedRequest) in
        for _ in benchmark.scaledIterations {
            blackHole(RequestRenderer.sign(request, destination: destination, deliveryId: "dlv_0123456789", at: at))
        }
    } setup: {
        try RequestRenderer.render(event: event, subscription: Sample.subscription(destinationId: destination.id, mapping: nil), destination: destination)
    }

    let batch = Array(Sample.segmentBatch(events: 100).utf8)
    let normalizer = SegmentMessageNormalizer(source: Sample.source(), receivedAt: at, identifiers: IdentifierGenerator())
    Benchmark("decode: Segment batch of 100 events (parse and normalize)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try normalizer.events(fromBatch: try JSONCoding.parse(batch)))
        }
    }
}

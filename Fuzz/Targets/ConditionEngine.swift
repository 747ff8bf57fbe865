import FuzzSupport
import SwitchboardCore

/// A condition (JSON before the first NUL byte) decoded as subscriptions save it, written back
/// unchanged, and evaluated on the sample event and on the document after the NUL, if any.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConditionEngine(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let (head, tail) = FuzzSample.split(start, count)
    guard let json = try? JSONCoding.parse(head), let condition = try? Condition(json: json) else { return 0 }
    FuzzSample.require((try? Condition(json: condition.json)) == condition, "condition changed in a round trip")
    var documents = [RequestRenderer.conditionDocument(event: FuzzSample.event, profile: ["traits": ["plan": "pro", "visits": 3]])]
    if let tail, let document = try? JSONCoding.parse(tail) {
        documents.append(document)
        if let event = try? FuzzSample.normalizer.event(from: document, type: .track) {
            documents.append(RequestRenderer.conditionDocument(event: event, profile: nil))
        }
    }
    for document in documents {
        let matched = condition.matches(document)
        FuzzSample.require(Condition.not(condition).matches(document) == !matched, "not does not negate")
    }
    _ = FuzzSample.subscription(mapping: nil, condition: condition).matches(FuzzSample.event)
    return 0
}

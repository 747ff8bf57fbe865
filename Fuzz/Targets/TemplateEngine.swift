import FuzzSupport
import SwitchboardCore

/// Template source (before the first NUL byte) parsed and rendered against the sample event,
/// whose properties are the JSON after the NUL when there is one: as text, as a URL, as a
/// typed value, and as every part of a mapping, then signed. The body is always JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplateEngine(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let (head, tail) = FuzzSample.split(start, count)
    let source = String(decoding: head, as: UTF8.self)
    guard let template = try? Template(source) else { return 0 }
    var event = FuzzSample.event
    if let tail, let properties = try? JSONCoding.parse(tail) { event.message["properties"] = properties }
    let scope = RequestRenderer.templateScope(event: event, destination: FuzzSample.destination, profile: ["traits": ["plan": "pro"]])
    _ = template.renderText(scope)
    _ = template.renderText(scope, percentEncoding: true)
    _ = template.renderValue(scope)
    let mapping: JSONValue = [
        "url": .string("https://hooks.example.com/" + source), "headers": ["X-Fuzz": .string(source)],
        "body": ["value": .string(source), "list": [.string(source), 1], "text": .string("[" + source + "]")],
    ]
    guard let parsed = try? Mapping(json: mapping) else { return 0 }
    // Over RequestRenderer.maximumRequestBytes a rendering is refused, not built: nothing to check then.
    guard let request = try? RequestRenderer.render(event: event, subscription: FuzzSample.subscription(mapping: parsed), destination: FuzzSample.destination)
    else { return 0 }
    FuzzSample.require((try? JSONCoding.parse(request.body, maximumDepth: .max)) != nil, "rendered body is not JSON")
    for (_, value) in request.headers {
        FuzzSample.require(!value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }, "a header value holds a line break")
    }
    _ = RequestRenderer.sign(request, destination: FuzzSample.destination, deliveryId: "dlv_fuzz", at: FuzzSample.at)
    return 0
}

import FuzzSupport
import SwitchboardCore

/// The JSON parser on any bytes: it accepts or refuses, never traps, and what it accepts is
/// written back as JSON that parses to the same value (and is written the same way again).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let text = String(decoding: bytes, as: UTF8.self)
    // Timestamps and field paths come from the same request bodies.
    if let date = Timestamp.parse(text) { FuzzSample.require(Timestamp.parse(Timestamp.format(date)) != nil, "formatted time does not parse: \(text)") }
    let path = FieldPath(text)
    guard let value = try? JSONCoding.parse(bytes) else { return 0 }
    let written = JSONCoding.bytes(value)
    guard let again = try? JSONCoding.parse(written, maximumDepth: .max) else {
        FuzzSample.require(false, "written JSON does not parse: \(String(decoding: written, as: UTF8.self))")
        return 0
    }
    FuzzSample.require(again == value, "JSON changed in a round trip")
    FuzzSample.require(JSONCoding.bytes(again) == written, "JSON written twice differs")
    _ = path?.value(in: value)
    if let reader = try? JSONObjectReader(value) {
        for key in reader.fields.keys.prefix(8) {
            _ = try? reader.int(key, in: 0...Int.max)
            _ = try? reader.date(key)
            _ = try? reader.requiredString(key)
            _ = try? reader.enumeration(key, as: EventType.self)
        }
    }
    return 0
}

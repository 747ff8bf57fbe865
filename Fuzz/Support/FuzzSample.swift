import Foundation
import SwitchboardCore

/// The resources and the event the fuzz targets work on: a Segment track event as a client
/// sends it, with the numbers that once stopped the process among its properties.
public enum FuzzSample {
    public static let at = Date(timeIntervalSince1970: 1_795_455_619)
    public static let identifiers = IdentifierGenerator(now: { at })

    public static let source = Source(
        id: "src_fuzz", workspaceId: "ws_fuzz", name: "fuzz", type: .segment, verification: nil, eventNamePrefix: nil,
        writeKey: "wk", createdAt: at, updatedAt: at)

    public static let destination = Destination(
        id: "dst_fuzz", workspaceId: "ws_fuzz", name: "fuzz", url: "https://hooks.example.com/in",
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", previousSecret: "whsec_AAECAwQFBgcICQoLDA0ODw==",
        previousSecretExpiresAt: at.addingTimeInterval(3600), createdAt: at, updatedAt: at)

    public static let normalizer = SegmentMessageNormalizer(source: source, receivedAt: at, identifiers: identifiers)

    public static let eventJSON = #"""
        {"type":"track","userId":"SA-1042","anonymousId":"anon 1/2","event":"Order Completed",
         "properties":{"total":99.5,"currency":"EUR","items":[{"sku":"A","qty":2},{"sku":"B"}],"note":"say \"hi\"\n</script>",
          "big":9223372036854775807,"small":-9223372036854775808,"huge":1e19,"tiny":-1e300,"text":"nan","when":"2026-11-23T17:40:19.123Z",
          "empty":"","none":null,"flag":true},
         "traits":{"plan":"pro","email":"Ann@Example.com"},"context":{"library":{"name":"analytics-node","version":"1.3.0"}},
         "timestamp":"2026-11-23T12:00:00.000Z","sentAt":"2026-11-23T12:00:00.100Z"}
        """#

    public static let event: Event = make(eventJSON)!

    /// A track event normalized from JSON text, as `/v1/track` makes it; nil when refused.
    public static func make(_ json: String) -> Event? {
        guard let value = try? JSONCoding.parse(Array(json.utf8)) else { return nil }
        return try? normalizer.event(from: value, type: .track)
    }

    /// A subscription with this mapping (or none) and body format, matching every event.
    public static func subscription(mapping: Mapping?, format: BodyFormat = .event, condition: Condition? = nil) -> Subscription {
        Subscription(
            id: "sub_fuzz", workspaceId: "ws_fuzz", destinationId: destination.id, name: "fuzz", eventNames: ["*"],
            condition: condition, mapping: mapping, format: format, createdAt: at, updatedAt: at)
    }

    /// The fuzzer's bytes cut at the first NUL: the main input, and a JSON document after it (or nil).
    public static func split(_ start: UnsafeRawPointer, _ count: Int) -> (head: [UInt8], tail: [UInt8]?) {
        let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
        guard let nul = bytes.firstIndex(of: 0) else { return (bytes, nil) }
        return (Array(bytes[..<nul]), Array(bytes[(nul + 1)...]))
    }

    /// Fails the run (libFuzzer keeps the input) when an invariant of the code under test breaks.
    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() {
            FileHandle.standardError.write(Data(("invariant broken: " + message() + "\n").utf8))
            abort()
        }
    }
}

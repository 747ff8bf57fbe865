import Foundation
@testable import SwitchboardCore
import Testing

/// Numbers an attacker with a write key can send (or a template can hold) never stop the process:
/// each case here trapped, or would trap, on an `Int64(...)` of a Double or an overflowing operation.
@Suite struct HostileNumberTests {
    static let receivedAt = Timestamp.parse("2026-11-23T12:00:00.000Z")!
    static let source = Source(
        id: "src_1", workspaceId: "ws_1", name: "web", type: .segment, verification: nil, eventNamePrefix: nil,
        writeKey: "wk", createdAt: receivedAt, updatedAt: receivedAt)
    static let destination = Destination(
        id: "dst_1", workspaceId: "ws_1", name: "hook", url: "https://hooks.example.com/in", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        createdAt: receivedAt, updatedAt: receivedAt)

    /// An event built as `/v1/track` builds it, from the raw JSON text a client sent.
    private func event(_ json: String) throws -> Event {
        let normalizer = SegmentMessageNormalizer(source: Self.source, receivedAt: Self.receivedAt, identifiers: IdentifierGenerator())
        return try normalizer.event(from: try JSONCoding.parse(Array(json.utf8)), type: .track)
    }

    /// The body a subscription with this body template would send for the event.
    private func body(_ event: Event, _ template: String) throws -> JSONValue {
        let mapping = try Mapping(json: ["body": ["t": .string(template)]])
        let subscription = Subscription(
            id: "sub_1", workspaceId: "ws_1", destinationId: "dst_1", name: "s", eventNames: ["*"], condition: nil, mapping: mapping,
            createdAt: Self.receivedAt, updatedAt: Self.receivedAt)
        let request = try RequestRenderer.render(event: event, subscription: subscription, destination: Self.destination)
        return try #require(try JSONCoding.parse(request.body)["t"])
    }

    private func text(_ template: String, _ value: JSONValue) throws -> String {
        try Template(template).renderText(["t": value])
    }

    // MARK: The date filter (issue 11, item 2: the trap in DateFormatting.strftime)

    /// Seconds past year 9999 render as the last representable second, as the plain `date` filter already wrote them.
    @Test(arguments: [
        "9223372036854775807", "9223372036854775808", "1e19", "1e300", "1.7976931348623157e308", "253402300800",
    ])
    func dateFilterClampsSecondsPastYear9999(_ number: String) throws {
        let event = try event(#"{"userId":"u1","event":"E","properties":{"t":\#(number)}}"#)
        #expect(try body(event, #"{{ properties.t | date: "%s" }}"#) == "253402300799")
        #expect(try body(event, #"{{ properties.t | date: "%Y-%m-%d %T.%L" }}"#) == "9999-12-31 23:59:59.999")
        #expect(try body(event, "{{ properties.t | date }}") == "9999-12-31T23:59:59.999Z")
    }

    /// Seconds before year 0000 render as its first second.
    @Test(arguments: ["-9223372036854775808", "-9223372036854775809", "-1e19", "-1e300", "-62167219201"])
    func dateFilterClampsSecondsBeforeYear0000(_ number: String) throws {
        let event = try event(#"{"userId":"u1","event":"E","properties":{"t":\#(number)}}"#)
        #expect(try body(event, #"{{ properties.t | date: "%s" }}"#) == "-62167219200")
        #expect(try body(event, #"{{ properties.t | date: "%F %T" }}"#) == "0000-01-01 00:00:00")
    }

    /// Infinities clamp like any far number; NaN is no time at all, so it renders as null ("" in text).
    @Test func dateFilterOnNonFiniteNumbers() throws {
        #expect(try text(#"{{ t | date: "%s" }}"#, .double(.infinity)) == "253402300799")
        #expect(try text(#"{{ t | date: "%s" }}"#, .double(-.infinity)) == "-62167219200")
        #expect(try text(#"{{ t | date: "%s" }}"#, .double(.nan)) == "")
        #expect(try text("{{ t | date }}", .double(.nan)) == "")
        #expect(try Template(#"{{ t | date: "%s" }}"#).renderValue(["t": .double(.nan)]) == .null)
        #expect(try text(#"{{ t | date: "%s" }}"#, .int(.max)) == "253402300799")
        #expect(try text(#"{{ t | date: "%s" }}"#, .int(.min)) == "-62167219200")
    }

    /// A template literal of 400 digits is an infinite Double: it clamps too.
    @Test func dateFilterOnAHugeTemplateLiteral() throws {
        let digits = "1" + String(repeating: "0", count: 400)
        #expect(try Template("{{ \(digits) | date: \"%s\" }}").renderText(.null) == "253402300799")
        #expect(try Template("{{ -\(digits) | date: \"%Y\" }}").renderText(.null) == "0000")
    }

    /// Ordinary times are unchanged by the clamping.
    @Test func dateFilterKeepsOrdinaryTimes() throws {
        #expect(try text(#"{{ t | date: "%s %F %T.%L" }}"#, .double(1_795_455_619.5)) == "1795455619 2026-11-23 17:40:19.500")
        #expect(try text(#"{{ t | date: "%s" }}"#, .int(-1)) == "-1")
        #expect(try text(#"{{ t | date: "%s" }}"#, "2026-11-23T17:40:19.999Z") == "1795455619")
    }

    // MARK: Timestamps and conversions

    /// `Timestamp.format` writes NaN as the first representable time and infinities as the nearest end.
    @Test func timestampFormatOfNonFiniteDates() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: .nan)) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: .infinity)) == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -.infinity)) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
    }

    /// The saturating conversion: floor, clamp to Int64's range, nil for NaN.
    @Test func flooringSaturatingConversion() {
        #expect(Int64(flooringSaturating: 1e19) == .max)
        #expect(Int64(flooringSaturating: 9_223_372_036_854_775_807.0) == .max)  // rounds to 2^63
        #expect(Int64(flooringSaturating: 9_223_372_036_854_774_784.0) == 9_223_372_036_854_774_784)  // largest Double below 2^63
        #expect(Int64(flooringSaturating: -9_223_372_036_854_775_808.0) == .min)
        #expect(Int64(flooringSaturating: -1e300) == .min)
        #expect(Int64(flooringSaturating: .infinity) == .max)
        #expect(Int64(flooringSaturating: -.infinity) == .min)
        #expect(Int64(flooringSaturating: .nan) == nil)
        #expect(Int64(flooringSaturating: -1.5) == -2)
        #expect(Int64(flooringSaturating: 1.5) == 1)
    }

    /// Signature timestamps, system event ids and resource ids take any clock reading.
    @Test func clockReadingsFarOutOfRange() {
        let far = Date(timeIntervalSince1970: 1e300)
        let headers = WebhookSigner.headers(scheme: .standardWebhooks, secrets: [Self.destination.secret], messageId: "m", timestamp: far, body: [])
        #expect(headers.first { $0.0 == "webhook-timestamp" }?.1 == "9223372036854775807")
        let nan = WebhookSigner.headers(scheme: .none, secrets: [], messageId: "m", timestamp: Date(timeIntervalSince1970: .nan), body: [])
        #expect(nan.first { $0.0 == "webhook-timestamp" }?.1 == "0")
        let disabled = SystemEvents.destinationDisabled(Self.destination, reason: "gone", at: far, id: "evt_1")
        #expect(disabled.messageId == "destination-disabled-dst_1-9223372036854775807")
        let id = IdentifierGenerator(now: { far }).make(.event)
        #expect(IdentifierGenerator.isWellFormed(id, kind: .event))
        #expect(IdentifierGenerator.isWellFormed(IdentifierGenerator(now: { Date(timeIntervalSince1970: .nan) }).make(.event), kind: .event))
    }

    // MARK: Retry-After and retry delays

    /// A Retry-After with more digits than Int holds waits the longest time honoured, not the schedule's.
    @Test func retryAfterWithTooManyDigits() {
        let now = Self.receivedAt
        #expect(RetryPolicy.parseRetryAfter("99999999999999999999999999", now: now) == RetryPolicy.maximumRetryAfter)
        #expect(RetryPolicy.parseRetryAfter(" 9223372036854775808 ", now: now) == RetryPolicy.maximumRetryAfter)
        #expect(RetryPolicy.parseRetryAfter("-99999999999999999999999999", now: now) == nil)
        #expect(RetryPolicy.parseRetryAfter("-5", now: now) == 0)
        #expect(RetryPolicy.parseRetryAfter("120", now: now) == 120)
    }

    /// Retry delays stay finite whatever the Retry-After or the jitter source says.
    @Test func retryDelaysAreAlwaysFinite() {
        let now = Self.receivedAt
        let policy = RetryPolicy(schedule: [60], jitter: 0.2)
        func delay(_ retryAfter: TimeInterval?, random: Double = 0.5) -> TimeInterval? {
            guard case .retry(let at) = policy.decide(after: .response(status: 503, retryAfter: retryAfter), attemptNumber: 1, now: now, random: random)
            else { return nil }
            return at.timeIntervalSince(now)
        }
        #expect(delay(.infinity) == RetryPolicy.maximumRetryAfter)
        #expect(delay(-.infinity) == 0)
        #expect(delay(.nan) == 60)
        #expect(delay(nil, random: .nan) == 60)
        #expect(delay(1e300) == RetryPolicy.maximumRetryAfter)
    }

    // MARK: JSON numbers, paths, sizes and comparisons

    /// Integers past Int64 become doubles, numbers past Double are refused, none traps.
    @Test func jsonNumbersAtTheEdges() throws {
        func parse(_ text: String) throws -> JSONValue { try JSONCoding.parse(Array(text.utf8)) }
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .int(.min))
        #expect(try parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try parse("-9223372036854775809") == .double(-9_223_372_036_854_775_809))
        #expect(try parse("1e-400") == .double(0))
        #expect(try parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
        #expect(throws: JSONCoding.ParseError.malformed) { try parse("1e400") }
        #expect(throws: JSONCoding.ParseError.malformed) { try parse("-1e400") }
        #expect(throws: JSONCoding.ParseError.malformed) { try parse("1" + String(repeating: "0", count: 400)) }
        #expect(throws: JSONCoding.ParseError.malformed) { try parse("NaN") }
        #expect(throws: JSONCoding.ParseError.malformed) { try parse("Infinity") }
        // What is written reads back the same.
        for value: JSONValue in [.int(.max), .int(.min), .double(1e300), .double(-5e-324), .double(1.7976931348623157e308)] {
            #expect(try JSONCoding.parse(JSONCoding.bytes(value)) == value)
        }
    }

    /// Array indexes past Int, negative or signed are missing values, not traps.
    @Test func fieldPathIndexesOutOfRange() throws {
        let document: JSONValue = ["items": ["a", "b"]]
        for index in ["99999999999999999999999", "9223372036854775807", "-1", "-9223372036854775808", "2"] {
            #expect(try #require(FieldPath("items.\(index)")).value(in: document) == nil)
        }
        #expect(try text("[{{ t.99999999999999999999 }}]", ["x"]) == "[]")
    }

    /// `size` of numbers and huge values is a number, never a trap.
    @Test func sizeFilterOnHostileValues() throws {
        #expect(try text("{{ t | size }}", .int(.max)) == "0")
        #expect(try text("{{ t | size }}", .double(1e300)) == "0")
        #expect(try text("{{ t | size }}", .string(String(repeating: "é", count: 100_000))) == "100000")
        #expect(try text("{{ 99999999999999999999 | size }}", .null) == "0")
    }

    /// Comparisons between huge, tiny and textual numbers ("nan", "inf") answer false or true, never trap.
    @Test func conditionComparisonsOnHostileNumbers() throws {
        func matches(_ op: String, _ value: JSONValue, _ actual: JSONValue) throws -> Bool {
            try Condition(json: ["field": "properties.t", "op": .string(op), "value": value]).matches(["properties": ["t": actual]])
        }
        #expect(try matches("gt", .double(1e308), .int(.max)) == false)
        #expect(try matches("lt", .int(.min), .double(-1e308)) == true)
        #expect(try matches("gte", .int(.max), .double(9_223_372_036_854_775_808)) == true)
        #expect(try matches("gt", "nan", "nan") == false)
        #expect(try matches("gt", "-inf", "inf") == true)  // numeric text compares as a number
        #expect(try matches("eq", .double(9_223_372_036_854_775_808), .int(.max)) == true)  // same Double
        #expect(try matches("in", [.double(1e300)], .double(1e300)) == true)
    }

    /// Timestamps far apart cannot be corrected for skew: a 422, not a trap.
    @Test func segmentClockSkewAcrossTheWholeRange() throws {
        #expect(throws: ValidationError.self) {
            try event(#"{"userId":"u1","event":"E","timestamp":"9999-12-31T23:59:59.999Z","sentAt":"0000-01-01T00:00:00Z"}"#)
        }
        #expect(throws: ValidationError.self) {
            try event(#"{"userId":"u1","event":"E","timestamp":"0000-01-01T00:00:00Z","sentAt":"9999-12-31T23:59:59.999+23:59"}"#)
        }
        let kept = try event(#"{"userId":"u1","event":"E","timestamp":"9999-12-31T23:59:59.999999999999999999999Z"}"#)
        #expect(kept.message["timestamp"] == "9999-12-31T23:59:59.999Z")
        #expect(try event(#"{"userId":"u1","event":"E","timestamp":"0000-01-01T00:00:00+23:59"}"#).message["timestamp"] == "0000-01-01T00:00:00.000Z")
    }
}

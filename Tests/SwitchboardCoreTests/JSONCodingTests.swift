import SwitchboardCore
import Testing

@Suite struct JSONCodingTests {
    private func nested(_ depth: Int) -> [UInt8] {
        Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
    }

    @Test func acceptsNestingUpToTheLimit() throws {
        _ = try JSONCoding.parse(nested(64))
    }

    @Test func rejectsNestingPastTheLimit() {
        #expect(throws: JSONCoding.ParseError.tooDeep(limit: 64)) { try JSONCoding.parse(nested(65)) }
        #expect(throws: JSONCoding.ParseError.tooDeep(limit: 64)) { try JSONCoding.parse(nested(100_000)) }
    }

    @Test func bracketsInsideStringsDoNotCount() throws {
        let text = #"{"a":"[[[[[[[[[[\"{{{{{{{{"}"#
        #expect(try JSONCoding.parse(Array(text.utf8), maximumDepth: 1)["a"] == .string(#"[[[[[[[[[["{{{{{{{{"#))
    }

    @Test(arguments: ["{", "{\"a\":}", "nul", "[1 2]", "[1,]", "{\"a\":1,}", "01", "1.", "-", "1e", "\"tab\there\"", "\"\\x\"", "\"open", "[1] [2]", "+1", "NaN", "1e999", "{'a':1}"])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: JSONCoding.ParseError.malformed) { try JSONCoding.parse(Array(text.utf8)) }
    }

    @Test func rejectsEmptyBodies() {
        #expect(throws: JSONCoding.ParseError.empty) { try JSONCoding.parse(Array(" \n".utf8)) }
    }

    @Test func keepsTypesAndPrintsCompactly() throws {
        let value = try JSONCoding.parse(Array(#"{"i":3,"d":1.5,"b":true,"n":null,"s":"https://x/y","a":[1,"2"]}"#.utf8))
        #expect(value["i"] == .int(3))
        #expect(value["d"] == .double(1.5))
        #expect(value["b"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(JSONCoding.string(value) == #"{"a":[1,"2"],"b":true,"d":1.5,"i":3,"n":null,"s":"https://x/y"}"#)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let text = #"["a\"b\\c\/d\n\t\u00e9\u20ac\ud83d\ude00", "\ud800x"]"#
        let value = try JSONCoding.parse(Array(text.utf8))
        #expect(value == ["a\"b\\c/d\n\té€😀", "\u{FFFD}x"])
    }

    @Test func readsNumbersAsIntegersWhenTheyAreAndDoublesOtherwise() throws {
        let value = try JSONCoding.parse(Array("[0, -7, 9223372036854775807, 9223372036854775808, 1.25, -2e3, 1E-2]".utf8))
        #expect(value == [.int(0), .int(-7), .int(Int64.max), .double(9_223_372_036_854_775_808), .double(1.25), .double(-2000), .double(0.01)])
    }

    @Test func printedJSONParsesBackToTheSameValue() throws {
        let tricky: JSONValue = [
            "quote\"": "</script><script>alert(1)</script>", "control": "\u{00}\u{1F}\r\n\t", "unicode": "héllo 😀 \u{2028}",
            "nested": [["a": [1, 2.5, .null, true]]], "empty": [:], "list": [],
        ]
        let text = JSONCoding.string(tricky)
        #expect(try JSONCoding.parse(Array(text.utf8)) == tricky)
        #expect(!text.contains("\n"))
    }

    @Test(arguments: 0..<50)
    func randomValuesRoundTrip(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let value = JSONValue.random(depth: 4, using: &generator)
        #expect(try JSONCoding.parse(JSONCoding.bytes(value)) == value)
    }
}

/// A small deterministic generator so random cases repeat run after run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var value = state
        value ^= value >> 33
        return value &* 0xFF51_AFD7_ED55_8CCD
    }
}

extension JSONValue {
    static func random(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let pick = Int.random(in: 0..<(depth > 0 ? 7 : 5), using: &generator)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: Int64.min...Int64.max, using: &generator))
        case 3: return .double(Double.random(in: -1e12...1e12, using: &generator))
        case 4: return .string(randomString(using: &generator))
        case 5: return .array((0..<Int.random(in: 0..<4, using: &generator)).map { _ in random(depth: depth - 1, using: &generator) })
        default:
            var fields: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0..<4, using: &generator) {
                fields[randomString(using: &generator)] = random(depth: depth - 1, using: &generator)
            }
            return .object(fields)
        }
    }

    private static func randomString(using generator: inout SeededGenerator) -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\u{0}", "\u{7F}", "é", "€", "😀", "<", "\u{2028}"]
        return String((0..<Int.random(in: 0..<12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
    }
}

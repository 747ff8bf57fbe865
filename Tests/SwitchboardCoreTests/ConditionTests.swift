@testable import SwitchboardCore
import Testing

@Suite struct ConditionTests {
    let event: JSONValue = [
        "type": "track", "event": "Order Completed", "userId": "SA-1042",
        "properties": ["total": 120.5, "currency": "EUR", "tags": ["vip", "new"], "count": "7"],
        "traits": ["plan": "pro"], "context": ["ip": "10.1.2.3"],
        "profile": ["traits": ["tier": "gold", "spend_amount": 650]],
    ]

    private func leaf(_ field: String, _ op: String, _ value: JSONValue? = nil) throws -> Condition {
        var json: [String: JSONValue] = ["field": .string(field), "op": .string(op)]
        if let value { json["value"] = value }
        return try Condition(json: .object(json))
    }

    static let cases: [(String, String, JSONValue?, Bool)] = [
        ("event", "eq", "Order Completed", true),
        ("event", "eq", "Order Started", false),
        ("properties.total", "eq", 120.5, true),
        ("profile.traits.spend_amount", "eq", 650.0, true),
        ("traits.plan", "neq", "free", true),
        ("traits.missing", "neq", "free", true),
        ("userId", "starts_with", "SA", true),
        ("userId", "ends_with", "42", true),
        ("userId", "glob", "SA-??4*", true),
        ("userId", "glob", "SB-*", false),
        ("properties.currency", "contains", "U", true),
        ("properties.tags", "contains", "vip", true),
        ("properties.tags", "not_contains", "churned", true),
        ("properties.total", "gt", 100, true),
        ("properties.total", "gte", 120.5, true),
        ("properties.total", "lt", 100, false),
        ("properties.count", "lte", 7, true),
        ("profile.traits.spend_amount", "gt", 500, true),
        ("traits.plan", "in", ["pro", "enterprise"], true),
        ("traits.plan", "not_in", ["pro"], false),
        ("context.ip", "exists", nil, true),
        ("context.missing", "exists", nil, false),
        ("context.missing", "not_exists", nil, true),
        ("properties.tags.0", "eq", "vip", true),
        // A missing field matches nothing but not_exists and neq.
        ("traits.missing", "eq", "x", false),
        ("traits.missing", "not_contains", "x", false),
        ("traits.missing", "not_in", ["x"], false),
        ("traits.missing", "lt", 5, false),
    ]

    @Test(arguments: cases)
    func leafOperators(field: String, op: String, value: JSONValue?, expected: Bool) throws {
        #expect(try leaf(field, op, value).matches(event) == expected)
    }

    @Test func combinatorsNest() throws {
        // Flow 1: event is X, trait is not Y, userId starts with "SA".
        let condition = try Condition(json: [
            "all": [
                ["field": "event", "op": "eq", "value": "Order Completed"],
                ["not": ["field": "traits.plan", "op": "eq", "value": "free"]],
                ["any": [["field": "userId", "op": "starts_with", "value": "SA"], ["field": "userId", "op": "eq", "value": "admin"]]],
            ]
        ])
        #expect(condition.matches(event))
        #expect(!condition.matches(["event": "Order Completed", "userId": "XX-1"]))
        #expect(try Condition(json: condition.json) == condition)
    }

    @Test func emptyCombinators() throws {
        #expect(try Condition(json: ["all": []]).matches(event))
        #expect(!(try Condition(json: ["any": []]).matches(event)))
    }

    static let invalid: [(JSONValue, String)] = [
        ("nope", "condition"),
        (["field": "x"], "condition.op"),
        (["field": "x", "op": "like", "value": 1], "condition.op"),
        (["field": "", "op": "eq", "value": 1], "condition.field"),
        (["field": "a..b", "op": "eq", "value": 1], "condition.field"),
        (["field": "x", "op": "eq"], "condition.value"),
        (["field": "x", "op": "in", "value": "a"], "condition.value"),
        (["field": "x", "op": "glob", "value": 3], "condition.value"),
        (["all": "x"], "condition.all"),
        (["all": [["any": [["field": "x", "op": "gt", "value": [1]]]]]], "condition.all[0].any[0].value"),
        (["something": 1], "condition"),
    ]

    @Test(arguments: invalid)
    func invalidConditionsNameThePlace(json: JSONValue, field: String) {
        do {
            _ = try Condition(json: json)
            Issue.record("\(json) should be refused")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func nestingIsBounded() {
        var json: JSONValue = ["field": "x", "op": "exists"]
        for _ in 0..<20 { json = ["not": json] }
        #expect(throws: ValidationError.self) { try Condition(json: json) }
    }

    // MARK: Limits

    private static func leaves(_ count: Int, pattern: String = "*a?b*") -> JSONValue {
        ["any": .array((0..<count).map { _ in ["field": "properties.text", "op": "glob", "value": .string(pattern)] })]
    }

    /// The condition that stalled ingest: 2,000 glob leaves. Saving it is refused, naming the limit.
    @Test func aConditionOverTheLeafLimitIsRefused() throws {
        do {
            _ = try Condition(validating: Self.leaves(2_000))
            Issue.record("2,000 leaves should be refused")
        } catch {
            #expect(error.field == "condition")
            #expect(error.message.contains("at most \(Condition.Limits.maximumLeaves) leaves"))
        }
        _ = try Condition(validating: Self.leaves(Condition.Limits.maximumLeaves))
        // Read back from storage, an older, larger condition still parses.
        _ = try Condition(json: Self.leaves(2_000))
    }

    static let overLimits: [(JSONValue, String)] = [
        (["field": "x", "op": "glob", "value": .string(String(repeating: "*a", count: 513))], "condition.value"),
        (["all": [["field": "x", "op": "eq", "value": .string(String(repeating: "a", count: 1_100))]]], "condition.all[0].value"),
        (["field": "x", "op": "in", "value": .array((0..<1_001).map { .int(Int64($0)) })], "condition.value"),
        (["field": "x", "op": "not_in", "value": ["a", .string(String(repeating: "b", count: 1_100))]], "condition.value[1]"),
        (["field": .string(String(repeating: "a.", count: 600) + "b"), "op": "exists"], "condition.field"),
        (["any": .array((0..<101).map { _ in ["all": []] })], "condition"),
    ]

    @Test(arguments: overLimits)
    func limitsNameTheirPlace(json: JSONValue, field: String) {
        do {
            _ = try Condition(validating: json)
            Issue.record("\(field) should be refused")
        } catch {
            #expect(error.field == field)
            #expect(error.message.contains("at most"))
        }
    }

    @Test func aConditionAtEveryLimitIsAccepted() throws {
        let pattern = "*" + String(repeating: "a", count: 1_022) + "b"
        #expect(pattern.utf8.count == Condition.Limits.maximumValueBytes)
        _ = try Condition(validating: Self.leaves(Condition.Limits.maximumLeaves, pattern: pattern))
        _ = try Condition(validating: ["field": "x", "op": "in", "value": .array((0..<1_000).map { .int(Int64($0)) })])
    }

    // MARK: Glob

    /// The backtracking matcher glob used to be: correct, O(n·m). The reference for the new one.
    private static func reference(_ text: String, _ pattern: String) -> Bool {
        let text = Array(text), pattern = Array(pattern)
        var t = 0, p = 0, starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    static let globCases: [(String, String, Bool)] = [
        ("", "", true), ("", "*", true), ("a", "", false), ("abc", "abc", true), ("abc", "a?c", true), ("abc", "a*", true),
        ("abc", "*c", true), ("abc", "*b*", true), ("abc", "*d*", false), ("abc", "a*b*c", true), ("ac", "a*b*c", false),
        ("aaa", "a*a*a", true), ("aa", "a*a*a", false), ("mississippi", "m*iss*ppi", true), ("mississippi", "m*iss*ppx", false),
        ("SA-1042", "SA-??4*", true), ("x\r\ny", "x?y", true), ("café", "caf?", true), ("cafe\u{301}", "café", true),
        ("🇫🇷!", "?!", true), ("héllo wörld", "h*ö*d", true), ("abcabd", "*abd", true), ("ab", "*a*b*", true),
    ]

    @Test(arguments: globCases)
    func globMatchesCharacters(text: String, pattern: String, expected: Bool) {
        #expect(GlobPattern(pattern).matches(text) == expected)
        #expect(Self.reference(text, pattern) == expected)
    }

    /// Thousands of random patterns and texts over a small alphabet, where stars and near-misses abound.
    @Test func globAgreesWithTheBacktrackingMatcher() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "b", "é", "\r\n"]
        for _ in 0..<5_000 {
            let text = String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let pattern = String(
                (0..<Int.random(in: 0...8, using: &generator)).map { _ in (alphabet + ["*", "?", "*"]).randomElement(using: &generator)! })
            #expect(GlobPattern(pattern).matches(text) == Self.reference(text, pattern), "\(text.debugDescription) ~ \(pattern.debugDescription)")
        }
    }

    /// Patterns that cost the backtracking matcher n·m steps cost the new one a few per text
    /// character: counted, not timed.
    @Test(arguments: [
        "*" + String(repeating: "a", count: 1_021) + "b*",  // one long segment failing at its end, everywhere
        String(repeating: "*a", count: 511) + "*b",  // many stars, the last segment never there
        "*" + String(repeating: "a?", count: 510) + "b*",  // `?` inside a long segment
        String(repeating: "*aaaaaaab", count: 113) + "*",
    ])
    func globIsLinearOnPathologicalPatterns(pattern: String) {
        let text = String(repeating: "a", count: 100_000)
        var steps = 0
        #expect(!GlobPattern(pattern).matches(text, steps: &steps))
        // At most one 64-bit word per 64 pattern characters per text character, plus reading both once.
        let bound = (text.utf8.count + pattern.utf8.count) * (1 + (pattern.utf8.count + 63) / 64)
        #expect(steps <= bound, "\(steps) steps")
        #expect(steps < text.utf8.count * pattern.utf8.count / 20)
        // Non-ASCII text takes the character path: still linear.
        var unicodeSteps = 0
        #expect(!GlobPattern(pattern).matches(text + "é", steps: &unicodeSteps))
        #expect(unicodeSteps <= bound + 64)
    }
}

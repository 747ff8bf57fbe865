@testable import SwitchboardCore
import Testing

@Suite struct TemplateTests {
    let scope: JSONValue = [
        "event": "Order Completed", "userId": "u 1/2", "type": "track",
        "properties": ["total": 99.5, "items": [["sku": "A"]], "note": "say \"hi\"\n</script>", "empty": ""],
        "profile": ["traits": ["email": "Ann@Example.com"]],
        "timestamp": "2026-11-23T17:40:19.123Z",
    ]

    private func text(_ source: String, url: Bool = false) throws -> String {
        try Template(source).renderText(scope, percentEncoding: url)
    }

    @Test func interpolatesFieldsAndFilters() throws {
        #expect(try text("Hi {{ profile.traits.email | downcase }}!") == "Hi ann@example.com!")
        #expect(try text("{{event|upcase}}") == "ORDER COMPLETED")
        #expect(try text("{{ properties.total }} {{ properties.items.0.sku }}") == "99.5 A")
        #expect(try text("{{ properties.missing | default: 'none' }}") == "none")
        #expect(try text("{{ properties.empty | default: \"x\" }}") == "x")
        #expect(try text("{{ userId | append: '-x' | prepend: \"id:\" }}") == "id:u 1/2-x")
        #expect(try text("{{ properties.items | size }} {{ event | size }}") == "1 15")
        #expect(try text("{{ properties.items | json }}") == #"[{"sku":"A"}]"#)
        #expect(try text("{{ timestamp | date: '%Y/%m/%d %H:%M' }}") == "2026/11/23 17:40")
        #expect(try text("{{ timestamp | date }}") == "2026-11-23T17:40:19.123Z")
        #expect(try text("{{ userId | url_encode }}") == "u%201%2F2")
    }

    @Test func aMissingValueIsEmptyTextAndNullWhenTyped() throws {
        #expect(try text("[{{ nothing.here }}]") == "[]")
        #expect(try Template("{{ nothing }}").renderValue(scope) == .null)
        #expect(try Template(" {{ properties.total }} ").renderValue(scope) == .double(99.5))
        #expect(try Template("{{ properties.items }}").renderValue(scope) == [["sku": "A"]])
        #expect(try Template("total: {{ properties.total }}").renderValue(scope) == "total: 99.5")
    }

    @Test func urlValuesArePercentEncoded() throws {
        #expect(try text("https://ol.example.com/api/KHO/member/loyaltyCardNumber={{ userId }}", url: true)
            == "https://ol.example.com/api/KHO/member/loyaltyCardNumber=u%201%2F2")
        #expect(try text("https://x/{{ userId | url_encode }}", url: true) == "https://x/u%201%2F2")
    }

    @Test func bodiesAreJSONWhateverTheEventHolds() throws {
        let mapping = try Mapping(json: [
            "body": [
                "customer": ["labels": [["key": "braze_vip_segment", "value": "optedIn"]]],
                "note": "{{ properties.note }}", "total": "{{ properties.total }}", "text": "Total {{ properties.total }}",
                "missing": "{{ nope }}", "list": ["{{ properties.items }}", 3],
            ]
        ])
        let body = try #require(mapping.body).render(scope)
        #expect(body["note"] == "say \"hi\"\n</script>")
        #expect(body["total"] == .double(99.5))
        #expect(body["text"] == "Total 99.5")
        #expect(body["missing"] == .null)
        #expect(body["list"] == [[["sku": "A"]], 3])
        #expect(body["customer"] == ["labels": [["key": "braze_vip_segment", "value": "optedIn"]]])
        #expect(try JSONCoding.parse(JSONCoding.bytes(body)) == body)
    }

    static let syntaxErrors: [(String, Int)] = [
        ("Hello {{ userId", 6),
        ("{{ }}", 3),
        ("{{ userId | upcasee }}", 12),
        ("{{ userId | default }}", 12),
        ("{{ userId | upcase: 'x' }}", 12),
        ("{{ 'open }}", 3),
        ("{{ userId ! }}", 10),
        ("oops }}", 5),
    ]

    @Test(arguments: syntaxErrors)
    func syntaxErrorsPointAtTheirPosition(source: String, position: Int) {
        do {
            _ = try Template(source)
            Issue.record("\(source) should not parse")
        } catch {
            #expect(error.position == position, "\(error.message)")
        }
    }

    @Test func mappingErrorsNameTheFieldAndPosition() {
        #expect(throws: ValidationError(field: "mapping.headers.X-Id", "unknown filter \"nope\"; filters are default, upcase, downcase, url_encode, json, date, append, prepend, size, flatten, prefix_keys, truncate, set, wrap, nest (at position 12)")) {
            try Mapping(json: ["headers": ["X-Id": "{{ userId | nope }}"]])
        }
        #expect(throws: ValidationError.self) { try Mapping(json: ["headers": ["Bad Header": "x"]]) }
        #expect(throws: ValidationError.self) { try Mapping(json: ["method": "DELETE"]) }
        do {
            _ = try Mapping(json: ["body": ["a": [1, "{{ x"]]])
            Issue.record("must fail")
        } catch {
            #expect(error.field == "mapping.body.a[1]")
        }
    }

    /// Whatever strings an event carries, the rendered body is valid JSON holding them verbatim.
    @Test(arguments: 0..<40)
    func renderedBodiesAlwaysParse(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed) &+ 1000)
        let hostile = JSONValue.random(depth: 3, using: &generator)
        let scope: JSONValue = ["properties": ["value": hostile], "userId": .string(String(describing: hostile))]
        let body = try JSONTemplate(["typed": "{{ properties.value }}", "text": "<{{ userId }}>", "json": "{{ properties.value | json }}"], path: "body")
            .render(scope)
        let reparsed = try JSONCoding.parse(JSONCoding.bytes(body))
        #expect(reparsed["typed"] == hostile)
        #expect(reparsed["json"] == .string(JSONCoding.string(hostile)))
    }

    // MARK: Limits

    static let overLimits: [(JSONValue, String)] = [
        (["body": ["text": .string(String(repeating: "x", count: 70_000))]], "at most 65536 bytes"),
        (["body": .array(Array(repeating: "{{ userId }}", count: 1_001))], "at most 1000 {{ }} expressions"),
        (["headers": ["X-A": .string("{{ userId" + String(repeating: " | upcase", count: 1_001) + " }}")]], "at most 1000 filters"),
    ]

    /// Saving a mapping holds it to its limits, each refusal naming the limit.
    @Test(arguments: overLimits)
    func mappingsOverTheLimitsAreRefused(json: JSONValue, message: String) throws {
        do {
            _ = try Mapping(validating: json)
            Issue.record("should be refused: \(message)")
        } catch {
            #expect(error.field == "mapping")
            #expect(error.message.contains(message), "\(error.message)")
        }
        // Read back from storage, an older, larger mapping still parses.
        _ = try Mapping(json: json)
    }

    @Test func aMappingAtTheLimitsIsAccepted() throws {
        let mapping = try Mapping(validating: [
            "url": "https://x/{{ userId }}", "body": .array(Array(repeating: "{{ userId | upcase }}", count: 999)),
        ])
        #expect(mapping.body != nil)
    }

    /// Each `json` doubles the backslashes of the one before: 40 of them would need terabytes.
    /// The chain stops at the first step whose text outgrows the budget.
    @Test func aRunawayFilterChainStopsAtTheBudget() throws {
        let template = try Template("{{ properties.note" + String(repeating: " | json", count: 40) + " }}")
        var budget = RenderBudget(1 << 20)
        #expect(throws: RenderBudget.Exceeded.self) { try template.renderText(scope, budget: &budget) }
        #expect(budget.remaining == 1 << 20)
    }
}

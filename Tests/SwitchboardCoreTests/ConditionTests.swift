import SwitchboardCore
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
}

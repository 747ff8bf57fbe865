import SwitchboardCore
import Testing

@Suite struct ConditionRowsTests {
    @Test func flatConditionsBecomeRowsAndComeBackUnchanged() throws {
        let conditions: [JSONValue] = [
            ["field": "properties.total", "op": "gt", "value": 500],
            ["any": [["field": "traits.plan", "op": "eq", "value": "pro"], ["not": ["field": "context.ip", "op": "exists"]]]],
            ["all": [["field": "event", "op": "in", "value": ["A", "B"]], ["field": "userId", "op": "eq", "value": "500"]]],
        ]
        for condition in conditions {
            let rows = try #require(ConditionRows(condition: condition))
            #expect(rows.condition == condition)
            _ = try Condition(validating: try #require(rows.condition))
        }
        let rows = try #require(ConditionRows(condition: conditions[1]))
        #expect(rows.join == .any)
        #expect(rows.rows == [.init(field: "traits.plan", op: "eq", value: "pro"), .init(field: "context.ip", op: "exists", negated: true)])
        // The text 500 is shown quoted, so that it types back as text, not a number.
        #expect(ConditionRows(condition: conditions[2])?.rows.last?.value == "\"500\"")
    }

    @Test func deeperConditionsHaveNoRows() {
        let nested: JSONValue = ["all": [["any": [["field": "a", "op": "exists"]]]]]
        let doubleNot: JSONValue = ["not": ["not": ["field": "a", "op": "exists"]]]
        let count: JSONValue = ["count": ["event": "Order Completed", "withinDays": 30], "op": "gte", "value": 3]
        for condition in [nested, doubleNot, count] { #expect(ConditionRows(condition: condition) == nil) }
        #expect(ConditionRows(condition: nil) == ConditionRows())
        #expect(ConditionRows(condition: .null)?.condition == nil)
    }

    @Test func typedValuesReadAsAUserMeansThem() {
        #expect(ConditionRows.value(typed: "500") == 500)
        #expect(ConditionRows.value(typed: "-2.5") == -2.5)
        #expect(ConditionRows.value(typed: "true") == true)
        #expect(ConditionRows.value(typed: "[\"a\", 1]") == ["a", 1])
        #expect(ConditionRows.value(typed: "\"500\"") == "500")
        #expect(ConditionRows.value(typed: "pro") == "pro")
        #expect(ConditionRows.value(typed: "12 apples") == "12 apples")
        #expect(ConditionRows.value(typed: "{\"a\": 1}") == "{\"a\": 1}")
        #expect(ConditionRows.value(typed: "[unclosed") == "[unclosed")
    }

    @Test func blankRowsAreLeftOutAndValuelessOperatorsTakeNoValue() {
        let rows = ConditionRows(join: .any, rows: [
            .init(field: " ", op: "eq", value: "x"), .init(field: "traits.vip", op: "exists", value: "ignored"),
        ])
        #expect(rows.condition == ["any": [["field": "traits.vip", "op": "exists"]]] as JSONValue)
        #expect(ConditionRows(join: .all, rows: [.init(field: "", op: "eq")]).condition == nil)
        let two = ConditionRows(join: .all, rows: [.init(field: "a", op: "eq", value: "1"), .init(field: "b", op: "lt", value: "2", negated: true)])
        #expect(two.condition == ["all": [["field": "a", "op": "eq", "value": 1], ["not": ["field": "b", "op": "lt", "value": 2]]]] as JSONValue)
    }
}

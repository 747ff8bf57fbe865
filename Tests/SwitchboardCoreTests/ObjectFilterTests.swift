import Foundation
import SwitchboardCore
import Testing

/// The filters the connector presets use: flatten, prefix_keys, truncate, set, wrap, nest.
@Suite struct ObjectFilterTests {
    static let scope: JSONValue = [
        "userId": "u1", "event": "Order Completed", "timestamp": "2026-01-02T03:04:05.000Z",
        "properties": ["total": 10, "cart": ["id": "c1", "items": ["count": 2]], "tags": ["a", "b"], "note": "abcdef"],
        "traits": ["plan": "pro"],
    ]

    func render(_ source: String) throws -> JSONValue {
        try Template(source).renderValue(Self.scope)
    }

    @Test func flattenJoinsNestedKeysWithDots() throws {
        #expect(
            try render("{{ properties | flatten }}") == [
                "total": 10, "cart.id": "c1", "cart.items.count": 2, "tags": ["a", "b"], "note": "abcdef",
            ])
        #expect(try render("{{ properties.cart | flatten: \"_\" }}") == ["id": "c1", "items_count": 2])
        #expect(try render("{{ userId | flatten }}") == "u1")
        #expect(try render("{{ missing | flatten }}") == .null)
    }

    /// A hostile nesting keeps its depth past 32 levels whole instead of growing keys without end.
    @Test func flattenIsBoundedOnDeepNesting() throws {
        var value: JSONValue = "leaf"
        for _ in 0..<60 { value = ["k": value] }
        let flat = try Template("{{ deep | flatten }}").renderValue(["deep": value])
        let fields = try #require(flat.objectValue)
        #expect(fields.count == 1)
        #expect(fields.keys.first?.split(separator: ".").count == 33)
    }

    @Test func prefixKeysPrefixesEveryTopLevelKey() throws {
        #expect(try render("{{ traits | prefix_keys: \"braze-\" }}") == ["braze-plan": "pro"])
        #expect(try render("{{ event | prefix_keys: \"x\" }}") == "Order Completed")
    }

    @Test func truncateCutsEveryStringHoweverDeep() throws {
        #expect(try render("{{ properties.note | truncate: 3 }}") == "abc")
        #expect(try render("{{ properties | truncate: 1 }}")["cart"]?["id"] == "c")
        #expect(try render("{{ properties.tags | truncate: 0 }}") == ["", ""])
        #expect(try render("{{ properties.note | truncate: -5 }}") == "")
        #expect(try render("{{ properties.note | truncate: 100000000000000000000000 }}") == "abcdef")
        #expect(try render("{{ properties.note | truncate: \"x\" }}") == "")
    }

    @Test func setAddsAFieldAndSkipsAMissingValue() throws {
        #expect(try render("{{ traits | set: \"external_id\", userId }}") == ["plan": "pro", "external_id": "u1"])
        #expect(try render("{{ traits | set: \"x\", nothing }}") == ["plan": "pro"])
        #expect(try render("{{ nothing | set: \"x\", userId }}") == .null)
    }

    @Test func wrapAndNestBuildBrazeObjects() throws {
        #expect(try render("{{ event | nest: \"name\" | set: \"external_id\", userId | wrap }}") == [["name": "Order Completed", "external_id": "u1"]])
        #expect(try render("{{ nothing | nest: \"name\" | set: \"external_id\", userId | wrap }}") == [])
        #expect(try render("{{ traits | wrap }}") == [["plan": "pro"]])
    }

    @Test func dateGivesISO8601() throws {
        #expect(try render("{{ timestamp | date }}") == "2026-01-02T03:04:05.000Z")
    }

    @Test func wrongArgumentCountsAreRefusedAtSave() {
        #expect(throws: Template.SyntaxError.self) { try Template("{{ a | set: \"x\" }}") }
        #expect(throws: Template.SyntaxError.self) { try Template("{{ a | truncate }}") }
        #expect(throws: Template.SyntaxError.self) { try Template("{{ a | wrap: 1 }}") }
    }
}

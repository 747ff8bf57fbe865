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
        #expect(JSONCoding.nestingDepth(of: Array(text.utf8)) == 1)
        #expect(try JSONCoding.parse(Array(text.utf8))["a"] == .string(#"[[[[[[[[[["{{{{{{{{"#))
    }

    @Test(arguments: ["{", "{\"a\":}", "nul", "[1 2]", "{'a':1}"])
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
}

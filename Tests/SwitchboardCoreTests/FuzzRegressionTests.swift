import Foundation
import SwitchboardCore
import Testing

/// Inputs the libFuzzer targets in Fuzz/ found failing, each kept as it was found (base64 of the
/// file scripts/fuzz.sh wrote), with the property that broke.
@Suite struct FuzzRegressionTests {
    private func input(_ base64: String) throws -> [UInt8] {
        Array(try #require(Data(base64Encoded: base64)))
    }

    /// JSONParser: `{"a":1,"a":2,"é]":1,"é":2}` (the second é decomposed) was written in either key
    /// order, by hash seed: String's `<` orders neither "é]" before "e\u{301}" nor after it.
    @Test func objectKeysAreWrittenInOneOrderWhateverTheHashSeed() throws {
        let value = try JSONCoding.parse(input("eyJhIjoxLCJhIjoyLCLDqV0iOjEsImXMgSI6Mn0="))
        let expected = Array("{\"a\":2,\"e\u{301}\":2,\"\u{e9}]\":1}".utf8)  // bytes: String's == would not tell canonical forms apart
        #expect(JSONCoding.bytes(value) == expected)
        // The same keys in dictionaries of other sizes and insertion orders iterate in other orders.
        for capacity in [0, 2, 3, 5, 8, 13, 21, 34, 55, 89] {
            for keys in [["a", "\u{e9}]", "e\u{301}"], ["e\u{301}", "\u{e9}]", "a"]] {
                var fields = [String: JSONValue](minimumCapacity: capacity)
                for key in keys { fields[key] = key == "\u{e9}]" ? 1 : 2 }
                #expect(JSONCoding.bytes(.object(fields)) == expected)
            }
        }
        #expect(try JSONCoding.parse(expected) == value)
    }
}

import Foundation

/// Parsing and printing of request and stored JSON, with the limits the API promises.
public enum JSONCoding {
    /// Deepest nesting of arrays and objects a request may have.
    public static let maximumDepth = 64

    public enum ParseError: Error, Equatable, Sendable {
        case empty
        case tooDeep(limit: Int)
        case malformed
    }

    /// Parses a request body; checks the nesting depth first so the decoder never recurses past it.
    public static func parse(_ bytes: some Collection<UInt8>, maximumDepth: Int = maximumDepth) throws(ParseError) -> JSONValue {
        let data = Data(bytes)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw .empty }
        if nestingDepth(of: data) > maximumDepth { throw .tooDeep(limit: maximumDepth) }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .malformed
        }
    }

    /// Deepest bracket nesting outside string literals; a cheap scan that needs no valid JSON.
    public static func nestingDepth(of bytes: some Sequence<UInt8>) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// Compact JSON text of a value, with slashes left unescaped.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: data(value), as: UTF8.self)
    }

    public static func data(_ value: JSONValue) -> Data {
        // Encoding plain JSON values cannot fail.
        (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()
}

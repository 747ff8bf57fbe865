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

    /// Parses a request body; deeper nesting than `maximumDepth` fails before any recursion past it.
    public static func parse(_ bytes: some Collection<UInt8>, maximumDepth: Int = maximumDepth) throws(ParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParser.Failure>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer, maximumDepth: maximumDepth) }
        }
        switch result ?? Array(bytes).withUnsafeBufferPointer({ buffer in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(buffer, maximumDepth: maximumDepth) }
        }) {
        case .success(let value): return value
        case .failure(.tooDeep): throw .tooDeep(limit: maximumDepth)
        case .failure(.malformed):
            throw bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) ? .empty : .malformed
        }
    }

    /// Compact JSON text of a value: keys sorted, slashes left unescaped.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    public static func data(_ value: JSONValue) -> Data {
        Data(bytes(value))
    }

    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        return writer.bytes
    }
}

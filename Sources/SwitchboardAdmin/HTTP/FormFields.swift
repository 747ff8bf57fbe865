import Foundation
import Hummingbird
import NIOCore

/// An `application/x-www-form-urlencoded` body (or query): every value a string, repeated names kept in order.
struct FormFields: Sendable {
    private(set) var pairs: [(String, String)] = []

    init() {}

    init(encoded: String) {
        pairs = encoded.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The first value of a name, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = pairs.first(where: { $0.0 == name })?.1.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// The first value exactly as sent (a key, a secret: no trimming).
    func raw(_ name: String) -> String? { pairs.first(where: { $0.0 == name })?.1 }

    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    func has(_ name: String) -> Bool { pairs.contains { $0.0 == name } }

    /// `+` is a space in forms; a malformed escape stays as sent rather than failing the request.
    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Reads a form body, at most `limit` bytes.
    static func read(_ request: inout Request, limit: Int = 1 << 20) async throws -> FormFields {
        let buffer = try await request.collectBody(upTo: limit)
        return FormFields(encoded: String(buffer: buffer))
    }
}

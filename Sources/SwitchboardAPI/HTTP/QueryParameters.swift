import Foundation
import Hummingbird
import SwitchboardCore

/// Typed reads of query parameters, failing with a 422 that names the parameter.
struct QueryReader {
    let parameters: [String: String]

    init(_ request: Request) {
        parameters = Self.decode(request.uri.query ?? "")
    }

    /// Form encoding, as browsers, `URLSearchParams` and Python's requests write it: `+` is a
    /// space, then percent escapes; the first of a repeated name wins.
    static func decode(_ query: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decoded = parts.map { part in
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            if parameters[decoded[0]] == nil { parameters[decoded[0]] = decoded.count > 1 ? decoded[1] : "" }
        }
        return parameters
    }

    func string(_ name: String) -> String? {
        parameters[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw APIError.validation(field: name, "\(name) must be an RFC 3339 date-time")
        }
        return date
    }

    /// `?limit=&cursor=`; the cursor must be an id of the listed kind.
    func page(of kind: IdentifierKind) throws -> PageRequest {
        try page { IdentifierGenerator.isWellFormed($0, kind: kind) }
    }

    /// `?limit=&cursor=` over a list keyed by something other than an id (profiles: their keys).
    func keyPage() throws -> PageRequest {
        try page { $0.utf8.count <= 1_000 }
    }

    private func page(cursorIsValid: (String) -> Bool) throws -> PageRequest {
        var page = PageRequest()
        if let text = string("limit") {
            guard let limit = Int(text), (1...PageRequest.maximumLimit).contains(limit) else {
                throw APIError.validation(field: "limit", "limit must be an integer from 1 to \(PageRequest.maximumLimit)")
            }
            page.limit = limit
        }
        if let cursor = string("cursor") {
            guard cursorIsValid(cursor) else {
                throw APIError.validation(field: "cursor", "cursor is not one this API returned")
            }
            page.cursor = cursor
        }
        return page
    }
}

extension Page {
    /// `{"data":[...],"nextCursor":...}`
    func document(_ render: (Item) -> JSONValue) -> JSONValue {
        ["data": .array(items.map(render)), "nextCursor": nextCursor.map(JSONValue.string) ?? .null]
    }
}

import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Who is calling a management route: the API key's workspace and role.
struct Principal: Sendable {
    var keyId: String
    var workspaceId: String
    var role: Role
}

/// Checks `Authorization: Bearer <api key>` and the role a route needs.
struct Authenticator: Sendable {
    var keys: any TenancyStore

    func require(_ access: Access, _ request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization], let key = Self.credential(header, scheme: "bearer") else {
            throw APIError.unauthorized("an API key is required: Authorization: Bearer <key>")
        }
        guard let record = try await keys.apiKey(hash: Secrets.hash(apiKey: key)) else {
            throw APIError.unauthorized("the API key is not valid")
        }
        guard record.role.allows(access) else {
            throw APIError.forbidden("a key with role \(record.role.rawValue) cannot do this")
        }
        return Principal(keyId: record.id, workspaceId: record.workspaceId, role: record.role)
    }

    /// The user name of `Authorization: Basic base64(user:password)`, as Segment's SDKs send the write key.
    static func basicUser(_ header: String) -> String? {
        guard let encoded = credential(header, scheme: "basic"), let data = Data(base64Encoded: encoded) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let user = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        return user.isEmpty ? nil : user
    }

    /// The credential after `scheme ` in an Authorization header, the scheme matched case-insensitively.
    static func credential(_ header: String, scheme: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == scheme else { return nil }
        // Spaces and tabs trimmed by hand: Foundation's trimming bridges to NSString on every request.
        let value = parts[1].drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
        return value.isEmpty ? nil : String(value)
    }
}

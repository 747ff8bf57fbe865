import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the caller's `X-Request-Id` when it is short and plain, else a new
/// one. It is echoed in the response and carried (as `hb.request.id`) by every log line the
/// request causes, so a caller's report can be matched to the server's lines.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Request-Id")! }
    /// Longer ids, or other characters, are not taken from callers: they end up in every log line.
    static var maximumLength: Int { 128 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = Self.accepted(request.headers[Self.header]) ?? Self.make()
        var context = context
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }

    /// The caller's id when it is 1 to 128 letters, digits and `-_.:`; nil otherwise.
    static func accepted(_ value: String?) -> String? {
        guard let value, (1...maximumLength).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
        }
        return allowed ? value : nil
    }

    static func make() -> String {
        UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }
}

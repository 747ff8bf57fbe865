import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Gives every request an id: the caller's `X-Request-Id` when it is short and plain, else a new
/// one. It is echoed in the response and carried (as `hb.request.id`) by every log line the
/// request causes, so a caller's report can be matched to the server's lines.
private let processPrefix = UInt64.random(in: .min ... .max)
private let requestCounter = Atomic<UInt64>(0)
private let hexDigits = Array("0123456789abcdef".utf8)

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

    /// 32 lower-case hex digits: 64 random bits drawn once per process, then a counter. Unique
    /// without a system call per request (request ids are no secret); written directly, as
    /// Foundation's string functions cost a visible share of a small request.
    static func make() -> String {
        let words = (processPrefix, requestCounter.wrappingAdd(1, ordering: .relaxed).newValue)
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for index in 0..<32 {
                let word = index < 16 ? words.0 : words.1
                buffer[index] = hexDigits[Int((word >> UInt64(60 - (index % 16) * 4)) & 0xF)]
            }
            return 32
        }
    }
}

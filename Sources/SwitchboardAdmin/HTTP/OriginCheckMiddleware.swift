import Foundation
import Hummingbird

/// A state-changing request whose `Origin` names another site is refused: a second guard beside
/// the CSRF token (and the only one for the sign-in form, which has no session yet).
struct OriginCheckMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext
    /// The public URL's origin, when set: accepted whatever Host a proxy passes on.
    let publicOrigin: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method != .get, request.method != .head, let origin = request.headers[.origin] {
            guard Self.accepts(origin: origin, host: request.head.authority, publicOrigin: publicOrigin) else {
                throw AdminError.forbidden("This form was sent from another site (Origin \(origin)), so it was refused.")
            }
        }
        return try await next(request, context)
    }

    /// The origin's host (and port) is the request's Host, or the origin is the public URL's.
    static func accepts(origin: String, host: String?, publicOrigin: String?) -> Bool {
        let origin = origin.lowercased()
        if let publicOrigin, origin == publicOrigin.lowercased() { return true }
        guard let host = host?.lowercased(), !host.isEmpty else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }

    /// `https://example.com:8443/base` -> `https://example.com:8443`.
    static func origin(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return host.isEmpty ? nil : String(url[..<schemeEnd.upperBound]) + host
    }
}

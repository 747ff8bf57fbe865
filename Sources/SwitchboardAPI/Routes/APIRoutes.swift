import Foundation
import Hummingbird
import SwitchboardCore

/// Who may call a route: declared once per route, enforced by `AccessMiddleware` and written
/// into the OpenAPI document from the same declaration.
enum RouteAccess: Sendable, Equatable {
    /// Anyone (health checks, the OpenAPI document).
    case anyone
    /// A source's write key: HTTP Basic user name, or `writeKey` in the body, which only the
    /// ingest handler reads (the key decides the source the events belong to).
    case writeKey
    /// The source named in the path, proven by the source's own verification settings (token,
    /// Basic, HMAC, Standard Webhooks), which only the ingest handler checks.
    case sourceVerification
    /// An API key of any role.
    case viewer
    /// An API key that may change workspace resources.
    case editor
    /// An admin key: workspaces and keys.
    case admin

    /// What an API key's role must allow; nil when no API key is asked for.
    var requiredAccess: Access? {
        switch self {
        case .anyone, .writeKey, .sourceVerification: nil
        case .viewer: .read
        case .editor: .write
        case .admin: .administer
        }
    }
}

/// What the OpenAPI document says about one route.
struct RouteDescription: Sendable {
    var method: HTTPRequest.Method
    /// OpenAPI style: `/v1/sources/{id}`.
    var path: String
    var summary: String
    var tag: String
    var access: RouteAccess
    /// Query parameter names (strings, except `limit`, an integer).
    var query: [String] = []
    /// JSON Schema of the request body, if it takes one.
    var requestBody: JSONValue? = nil
    var success: HTTPResponse.Status = .ok
}

typealias RouteHandler = @Sendable (Request, SwitchboardRequestContext) async throws -> Response

/// Registers routes on the router and keeps their descriptions, so the OpenAPI document is
/// made from the very list the router serves.
final class APIRouteBuilder {
    let router: Router<SwitchboardRequestContext>
    let authenticator: Authenticator
    private(set) var routes: [RouteDescription] = []

    init(router: Router<SwitchboardRequestContext>, authenticator: Authenticator) {
        self.router = router
        self.authenticator = authenticator
    }

    func add(_ description: RouteDescription, handler: @escaping RouteHandler) {
        routes.append(description)
        let routerPath = description.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.group()
            .add(middleware: AccessMiddleware(access: description.access, authenticator: authenticator))
            .on(RouterPath(routerPath), method: description.method) { request, context in try await handler(request, context) }
    }
}

import Foundation
import Hummingbird
import SwitchboardCore

/// How a route is authenticated.
enum RouteSecurity: Sendable {
    /// `Authorization: Bearer <api key>`
    case apiKey
    /// A source's write key: HTTP Basic user name, or `writeKey` in the body.
    case writeKey
    case none
}

/// What the OpenAPI document says about one route.
struct RouteDescription: Sendable {
    var method: HTTPRequest.Method
    /// OpenAPI style: `/v1/sources/{id}`.
    var path: String
    var summary: String
    var tag: String
    var security: RouteSecurity = .apiKey
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
    private(set) var routes: [RouteDescription] = []

    init(router: Router<SwitchboardRequestContext>) {
        self.router = router
    }

    func add(_ description: RouteDescription, handler: @escaping RouteHandler) {
        routes.append(description)
        let routerPath = description.path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.on(RouterPath(routerPath), method: description.method) { request, context in
            try await handler(request, context)
        }
    }
}

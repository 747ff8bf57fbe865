import Hummingbird

/// Enforces a route's declared access before its handler runs: the API key and its role for
/// key routes; nothing for public ones and for write-key routes (their handler resolves the key).
struct AccessMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext

    let access: RouteAccess
    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let required = access.requiredAccess else { return try await next(request, context) }
        var context = context
        context.caller = try await authenticator.require(required, request)
        return try await next(request, context)
    }
}

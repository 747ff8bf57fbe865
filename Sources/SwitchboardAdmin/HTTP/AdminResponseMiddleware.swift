import HTTPTypes
import Hummingbird
import Logging

/// Outermost on every admin page: headers that forbid framing, sniffing, inline script and caching,
/// and refusals rendered as pages.
struct AdminResponseMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext
    let renderer: AdminRenderer

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as AdminError {
            response = page(for: error, context: context)
        } catch let error as any HTTPResponseError where error.status == .notFound {
            response = page(for: .notFound("There is no such page."), context: context)
        } catch let error as any HTTPResponseError where error.status.code < 500 {
            response = page(for: .badRequest("The request could not be read."), context: context)
        } catch {
            context.logger.error("admin page failed", metadata: ["error": "\(String(reflecting: error))"])
            response = renderer.page(
                "error", title: "Something went wrong", data: ["message": "The server could not show this page. Try again in a moment."],
                user: context.user, status: .internalServerError)
        }
        for field in Self.securityHeaders where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        return response
    }

    private func page(for error: AdminError, context: Context) -> Response {
        if case .signInRequired = error { return .redirect(to: "/admin/sign-in", type: .normal) }
        let title = switch error.status {
        case .forbidden: "Not allowed"
        case .notFound: "Not found"
        default: "Bad request"
        }
        return renderer.page("error", title: title, data: ["message": error.message], user: context.user, status: error.status)
    }
}

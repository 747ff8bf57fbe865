import Dispatch
import Hummingbird
import Logging
import SwitchboardWorkers

/// Counts every request by route (as declared, never the URL), method and status, times it, and
/// writes one debug line for it.
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: SwitchboardMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // Errors become responses inside; whatever escapes is answered 500 by the server.
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, started: started)
            throw error
        }
        record(request, context, status: response.status.code, started: started)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: Int, started: UInt64) {
        // Routes that matched nothing share one label: URLs would make series without bound.
        let route = context.endpointPath ?? "unmatched"
        let method = knownMethods.contains(request.method) ? request.method.rawValue : "OTHER"
        let elapsed = DispatchTime.now().uptimeNanoseconds &- started
        metrics.httpRequest(route: route, method: method, status: status, nanoseconds: elapsed)
        context.logger.debug(
            "request answered",
            metadata: ["http.method": "\(method)", "http.route": "\(route)", "http.status": "\(status)", "duration.ms": "\(elapsed / 1_000_000)"])
    }

}

/// Methods counted by name; any other is counted as `OTHER` (a label must stay bounded).
private let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]

import Foundation
import Logging
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Liveness, readiness and the API description.
struct OperationsController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/healthz", summary: "The process is up", tag: "Operations", access: .anyone)) { _, _ in
            .json(["status": "ok"])
        }
        let readiness = ReadinessProbe(timeout: dependencies.readinessTimeout, ping: dependencies.ping)
        routes.add(.init(method: .get, path: "/readyz", summary: "The database answers (within 1 s, else 503)", tag: "Operations", access: .anyone)) {
            _, context in
            switch await readiness.check() {
            case .ready:
                return .json(["status": "ok"])
            case .failed:
                context.logger.warning("readiness check failed: database unreachable")
                throw APIError(.serviceUnavailable, code: "unavailable", "the database is not reachable")
            case .timedOut:
                context.logger.warning("readiness check failed: database did not answer in time")
                throw APIError(.serviceUnavailable, code: "unavailable", "the database did not answer within 1 second")
            }
        }
        let metrics = dependencies.metricsService
        routes.add(
            .init(
                method: .get, path: "/metrics", summary: "Prometheus metrics (Bearer token when the server has --metrics-token)", tag: "Operations",
                access: .anyone)
        ) { request, _ in
            guard metrics.allows(authorization: request.headers[.authorization]) else {
                throw APIError.unauthorized("this server's metrics need its metrics token: Authorization: Bearer <token>")
            }
            let body = await metrics.exposition()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    /// Registered last, so the document covers every route including itself.
    func registerDocument(on routes: APIRouteBuilder) {
        let description = RouteDescription(method: .get, path: "/openapi.json", summary: "This OpenAPI document", tag: "Operations", access: .anyone)
        let document = OpenAPIDocument.make(routes: routes.routes + [description])
        let response = JSONCoding.data(document)
        routes.add(description) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: response)))
        }
    }
}

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
        routes.add(.init(method: .get, path: "/readyz", summary: "The database answers", tag: "Operations", access: .anyone)) { _, context in
            do {
                try await dependencies.ping()
                return .json(["status": "ok"])
            } catch {
                context.logger.warning("readiness check failed: database unreachable")
                throw APIError(.serviceUnavailable, code: "unavailable", "the database is not reachable")
            }
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

import Hummingbird
import SwitchboardServices

/// The whole HTTP API: every controller's routes, each with its declared access, and the
/// OpenAPI document made from those same declarations.
public enum APIRouter {
    /// - Parameter tracing: a server span per request (OpenTelemetry), continuing the caller's trace.
    public static func make(_ dependencies: Dependencies, tracing: Bool = false) -> Router<SwitchboardRequestContext> {
        let router = Router(context: SwitchboardRequestContext.self)
        // No header is recorded, and no query value that may be a credential.
        if tracing { router.add(middleware: TracingMiddleware(redactingQueryParameters: ["token", "key", "api_key", "apiKey", "secret", "signature"])) }
        // Outermost first: the id reaches every line and every response, errors included.
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(metrics: dependencies.metrics))
        router.add(middleware: ErrorMiddleware())
        let routes = APIRouteBuilder(router: router, authenticator: Authenticator(keys: dependencies.tenancy))
        let operations = OperationsController(dependencies: dependencies)
        operations.register(on: routes)
        SegmentIngestController(dependencies: dependencies).register(on: routes)
        InboundIngestController(dependencies: dependencies).register(on: routes)
        TenancyController(dependencies: dependencies).register(on: routes)
        SourcesController(dependencies: dependencies).register(on: routes)
        EventsController(dependencies: dependencies).register(on: routes)
        EventTypesController(dependencies: dependencies).register(on: routes)
        DestinationsController(dependencies: dependencies).register(on: routes)
        SubscriptionsController(dependencies: dependencies).register(on: routes)
        DeliveriesController(dependencies: dependencies).register(on: routes)
        AudiencesController(dependencies: dependencies).register(on: routes)
        SyncsController(dependencies: dependencies).register(on: routes)
        ConnectorsController(dependencies: dependencies).register(on: routes)
        operations.registerDocument(on: routes)
        return router
    }
}

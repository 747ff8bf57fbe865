import Hummingbird
import SwitchboardServices

/// The whole HTTP API: every controller's routes, each with its declared access, and the
/// OpenAPI document made from those same declarations.
public enum APIRouter {
    public static func make(_ dependencies: Dependencies) -> Router<SwitchboardRequestContext> {
        let router = Router(context: SwitchboardRequestContext.self)
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

import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Connectors: named presets that install ready destinations, subscriptions and syncs.
struct ConnectorsController {
    let dependencies: Dependencies

    private var service: ConnectorService {
        ConnectorService(
            destinations: dependencies.destinations, destinationStore: dependencies.destinationStore, subscriptionStore: dependencies.subscriptionStore,
            syncs: dependencies.syncs, audiences: dependencies.audiences, identifiers: dependencies.identifiers,
            maxRecurringSyncs: dependencies.maxRecurringSyncs, now: dependencies.now)
    }

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/connectors", summary: "List connectors with their parameters (a JSON Schema)", tag: "Connectors", access: .viewer)) {
            _, context in
            _ = try context.principal()
            return .json(["data": .array(Connectors.all.map(\.document)), "nextCursor": .null])
        }
        routes.add(
            .init(
                method: .post, path: "/v1/connectors/{name}/install",
                summary: "Install a connector: creates its destinations, subscriptions and syncs (all or nothing)", tag: "Connectors", access: .editor,
                requestBody: Schema.object(["parameters": Schema.anyObject]), success: .created)
        ) { request, context in
            let principal = try context.principal()
            guard let connector = Connectors.named(context.parameters.get("name") ?? "") else { throw APIError.notFound("connector") }
            let parameters = Self.parameters(in: try await dependencies.body.read(request))
            let installed: ConnectorService.Installed
            do {
                installed = try await service.install(connector, parameters: parameters, workspaceId: principal.workspaceId)
            } catch SyncStoreError.tooManyRecurring(let maximum) {
                throw APIError.conflict("this workspace has \(maximum) recurring syncs, the most allowed: make one manual or disable it first; nothing was installed")
            }
            return .json(
                [
                    "destinations": .array(installed.destinations.map(DestinationFields.document)),
                    "subscriptions": .array(installed.subscriptions.map(SubscriptionsController.document)),
                    "syncs": .array(installed.syncs.map(\.document)),
                ], status: .created)
        }
    }

    /// `{"parameters": {...}}`, or the parameters as the whole body (what a user trying it by hand tends to send).
    static func parameters(in body: JSONValue) -> JSONValue {
        if case .object(let fields) = body, let parameters = fields["parameters"], case .object = parameters { return parameters }
        return body
    }
}

import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// The event explorer: what arrived, newest first.
struct EventsController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(
            .init(
                method: .get, path: "/v1/events", summary: "List events, newest first", tag: "Events", access: .viewer,
                query: ["name", "userId", "type", "sourceId", "since", "limit", "cursor"])
        ) { request, context in
            let principal = try context.principal()
            let query = QueryReader(request)
            var filter = EventFilter(
                name: query.string("name"), userId: query.string("userId"), sourceId: query.string("sourceId"),
                since: try query.date("since"))
            if let type = query.string("type") {
                guard let eventType = EventType(rawValue: type) else {
                    throw APIError.validation(field: "type", "type must be one of \(EventType.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter.type = eventType
            }
            let page = try await dependencies.events.listEvents(
                workspaceId: principal.workspaceId, filter: filter, page: query.page(of: .event))
            return .json(page.document(\.document))
        }
        routes.add(.init(method: .get, path: "/v1/events/{id}", summary: "Get an event with its deliveries", tag: "Events", access: .viewer)) { request, context in
            let principal = try context.principal()
            guard let event = try await dependencies.events.event(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("event")
            }
            let deliveries = try await dependencies.deliveryLog.listDeliveries(
                workspaceId: principal.workspaceId, filter: DeliveryFilter(eventId: event.id), page: PageRequest(limit: PageRequest.maximumLimit))
            guard case .object(var document) = event.document else { return .json(event.document) }
            document["deliveries"] = .array(deliveries.items.map(DeliveriesController.document))
            return .json(.object(document))
        }
    }
}

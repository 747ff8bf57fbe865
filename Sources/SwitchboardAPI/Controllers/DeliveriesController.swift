import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// The activity log: every delivery with every attempt, and retry of one.
struct DeliveriesController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(
            .init(method: .get, path: "/v1/deliveries", summary: "List deliveries, newest first, with their attempts", tag: "Deliveries", access: .viewer,
                query: ["status", "destinationId", "subscriptionId", "eventId", "since", "limit", "cursor"])
        ) { request, context in
            let principal = try context.principal()
            let query = QueryReader(request)
            var filter = DeliveryFilter(
                destinationId: query.string("destinationId"), subscriptionId: query.string("subscriptionId"), eventId: query.string("eventId"),
                since: try query.date("since"))
            if let status = query.string("status") {
                guard let value = DeliveryStatus(rawValue: status) else {
                    throw APIError.validation(field: "status", "status must be one of \(DeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter.status = value
            }
            let page = try await dependencies.deliveryLog.listDeliveries(workspaceId: principal.workspaceId, filter: filter, page: query.page(of: .delivery))
            return .json(page.document(Self.document))
        }
        routes.add(.init(method: .get, path: "/v1/deliveries/{id}", summary: "Get a delivery with its attempts", tag: "Deliveries", access: .viewer)) { request, context in
            let principal = try context.principal()
            guard let delivery = try await dependencies.deliveryLog.delivery(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("delivery")
            }
            return .json(Self.document(delivery))
        }
        routes.add(.init(method: .post, path: "/v1/deliveries/{id}/retry", summary: "Send a delivery again now", tag: "Deliveries", access: .editor)) { request, context in
            let principal = try context.principal()
            guard let delivery = try await dependencies.deliveries.retry(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId)
            else { throw APIError.notFound("delivery") }
            return .json(Self.document(delivery))
        }
    }
}

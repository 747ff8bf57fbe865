import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// The events explorer and one event with its deliveries.
struct EventPages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("events") { request, context in
            let user = try context.signedIn()
            let query = FormFields(encoded: request.uri.query ?? "")
            var filter = EventFilter(name: query["name"], userId: query["userId"])
            if let type = query["type"] {
                guard let known = EventType(rawValue: type) else { throw AdminError.badRequest("Unknown event type \(type).") }
                filter.type = known
            }
            if let since = query["since"] {
                guard let date = AdminFormat.date(fromLocalInput: since) else { throw AdminError.badRequest("Since must be a date and time.") }
                filter.since = date
            }
            let page = try await panel.storage.listEvents(
                workspaceId: user.workspaceId, filter: filter, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
            var data: [String: Any] = [
                "rows": page.items.map { event in
                    ["id": event.id, "received": AdminFormat.time(event.receivedAt), "type": event.type.rawValue, "name": event.name, "userId": event.userId ?? ""]
                        as [String: Any]
                },
                "hasRows": !page.items.isEmpty, "name": query["name"] ?? "", "userId": query["userId"] ?? "", "since": query["since"] ?? "",
                "types": EventType.allCases.map { ["value": $0.rawValue, "selected": $0 == filter.type] },
            ]
            if let next = page.nextCursor {
                var parameters = ["cursor=" + ActivityPages.escape(next)]
                for name in ["name", "userId", "type", "since"] { if let value = query[name] { parameters.append(name + "=" + ActivityPages.escape(value)) } }
                data["next"] = "/admin/events?" + parameters.joined(separator: "&")
            }
            return panel.renderer.page("events", title: "Events", data: data, user: user, section: "events")
        }
        group.get("events/{id}") { _, context in
            let user = try context.signedIn()
            guard let event = try await panel.storage.event(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
                throw AdminError.notFound("There is no such event in this workspace.")
            }
            let deliveries = try await panel.storage.listDeliveries(
                workspaceId: user.workspaceId, filter: DeliveryFilter(eventId: event.id), page: PageRequest(limit: PageRequest.maximumLimit))
            let data: [String: Any] = [
                "name": event.name, "type": event.type.rawValue, "userId": event.userId ?? event.anonymousId ?? "", "sourceId": event.sourceId,
                "received": AdminFormat.time(event.receivedAt), "message": JSONCoding.string(.object(event.message)),
                "deliveries": deliveries.items.map(ActivityPages.row), "hasDeliveries": !deliveries.items.isEmpty,
            ]
            return panel.renderer.page("event", title: "Event \(event.id)", data: data, user: user, section: "events")
        }
    }
}

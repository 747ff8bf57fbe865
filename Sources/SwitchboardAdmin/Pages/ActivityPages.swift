import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// The activity log: deliveries by filter, one delivery with its attempts, retrying.
struct ActivityPages {
    let panel: AdminPanel

    /// At most this many failed deliveries go back in the queue per "retry all failed" (press again for more).
    static let retryAllLimit = 1000

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("activity") { request, context in
            let user = try context.signedIn()
            let query = FormFields(encoded: request.uri.query ?? "")
            let filter = try Self.filter(query)
            let page = try await panel.storage.listDeliveries(
                workspaceId: user.workspaceId, filter: filter, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
            // One query names the destinations of the page.
            let names = try await panel.storage.destinationNames(ids: page.items.map(\.destinationId), workspaceId: user.workspaceId)
            var data: [String: Any] = [
                "rows": page.items.map { delivery in
                    var row = Self.row(delivery)
                    row["destinationName"] = names[delivery.destinationId] ?? delivery.destinationId
                    return row
                },
                "hasRows": !page.items.isEmpty,
                "statuses": DeliveryStatus.allCases.map { ["value": $0.rawValue, "selected": $0 == filter.status] },
                "destination": query["destination"] ?? "", "subscription": query["subscription"] ?? "", "event": query["event"] ?? "", "since": query["since"] ?? "", "until": query["until"] ?? "",
                "hasFailed": filter.status == .failed || page.items.contains { $0.status == .failed },
            ]
            if let notice = query["notice"] { data["notice"] = notice }
            if let next = page.nextCursor {
                var parameters = ["cursor=" + Self.escape(next)]
                for name in ["status", "destination", "subscription", "event", "since", "until"] { if let value = query[name] { parameters.append(name + "=" + Self.escape(value)) } }
                data["next"] = "/admin/activity?" + parameters.joined(separator: "&")
            }
            return panel.renderer.page("activity", title: "Activity log", data: data, user: user, section: "activity")
        }
        group.get("activity/{id}") { _, context in
            let user = try context.signedIn()
            return try await detail(try await delivery(context, user), user: user)
        }
        group.post("activity/{id}/retry") { _, context in
            let user = try context.editor()
            guard let retried = try await panel.deliveries.retry(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
                throw AdminError.notFound("There is no such delivery in this workspace.")
            }
            return try await detail(retried, user: user, notice: "Queued again: it will be sent in a moment.")
        }
        group.post("activity/retry-failed") { _, context in
            let user = try context.editor()
            var filter = try Self.filter(context.form)
            filter.status = .failed
            var retried = 0
            var cursor: String?
            repeat {
                let page = try await panel.storage.listDeliveries(
                    workspaceId: user.workspaceId, filter: filter, page: PageRequest(limit: PageRequest.maximumLimit, cursor: cursor))
                for delivery in page.items where retried < Self.retryAllLimit {
                    if try await panel.deliveries.retry(id: delivery.id, workspaceId: user.workspaceId) != nil { retried += 1 }
                }
                cursor = page.nextCursor
            } while cursor != nil && retried < Self.retryAllLimit
            return Response.redirect(to: "/admin/activity?notice=" + Self.escape("\(retried) failed deliveries queued again."), type: .normal)
        }
    }

    /// A delivery as a table row.
    static func row(_ delivery: Delivery) -> [String: Any] {
        let status = AdminFormat.deliveryStatus(delivery.status)
        return [
            "id": delivery.id, "created": AdminFormat.time(delivery.createdAt), "eventId": delivery.eventId, "destinationId": delivery.destinationId,
            "status": status.text, "statusClass": status.style, "lastResponse": AdminFormat.lastResponse(delivery), "attemptCount": delivery.attemptCount,
        ]
    }

    /// The log's filter from a query or form; a bad value is a 400 page, not a silently wider list.
    static func filter(_ fields: FormFields) throws -> DeliveryFilter {
        var filter = DeliveryFilter()
        if let status = fields["status"] {
            guard let known = DeliveryStatus(rawValue: status) else { throw AdminError.badRequest("Unknown status \(status).") }
            filter.status = known
        }
        filter.destinationId = fields["destination"]
        filter.subscriptionId = fields["subscription"]
        filter.eventName = fields["event"]
        for (name, path) in [("since", \DeliveryFilter.since), ("until", \DeliveryFilter.until)] {
            guard let text = fields[name] else { continue }
            guard let date = AdminFormat.date(fromLocalInput: text) else { throw AdminError.badRequest("\(name.capitalized) must be a date and time.") }
            filter[keyPath: path] = date
        }
        return filter
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    private func detail(_ delivery: Delivery, user: AdminUser, notice: String? = nil) async throws -> Response {
        let status = AdminFormat.deliveryStatus(delivery.status)
        let destination = try await panel.storage.destination(id: delivery.destinationId, workspaceId: user.workspaceId)
        let event = try await panel.storage.event(id: delivery.eventId, workspaceId: user.workspaceId)
        let subscription = try await panel.storage.subscription(id: delivery.subscriptionId, workspaceId: user.workspaceId)
        var data: [String: Any] = [
            "id": delivery.id, "status": status.text, "statusClass": status.style, "destinationId": delivery.destinationId,
            "destinationName": destination?.name ?? delivery.destinationId, "eventId": delivery.eventId, "eventName": event?.name ?? "",
            "created": AdminFormat.time(delivery.createdAt), "hasAttempts": !delivery.attempts.isEmpty,
            "attempts": delivery.attempts.map { attempt in
                var row: [String: Any] = [
                    "number": attempt.number, "at": AdminFormat.time(attempt.at), "durationMs": attempt.durationMs,
                    "response": attempt.responseStatus.map(AdminFormat.status) ?? "no response", "error": attempt.error?.rawValue ?? "",
                ]
                // Mustache shows a section for any string, empty too: an empty body is left out.
                if let body = attempt.responseBody, !body.isEmpty { row["body"] = body }
                return row
            },
        ]
        if let next = delivery.nextAttemptAt, delivery.status == .pending { data["nextAttempt"] = AdminFormat.time(next) }
        if let notice { data["notice"] = notice }
        // The request as it is sent (without its signature headers, made at send time).
        if let event, let subscription, let destination, let request = try? RequestRenderer.render(event: event, subscription: subscription, destination: destination) {
            data["requestBody"] = "\(request.method) \(request.url)\n\n" + String(decoding: request.body, as: UTF8.self)
        } else {
            data["requestBody"] = "(the event or its subscription no longer exists)"
        }
        return panel.renderer.page("delivery", title: "Delivery \(delivery.id)", data: data, user: user, section: "activity")
    }

    private func delivery(_ context: AdminRequestContext, _ user: AdminUser) async throws -> Delivery {
        guard let delivery = try await panel.storage.delivery(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
            throw AdminError.notFound("There is no such delivery in this workspace.")
        }
        return delivery
    }
}

import Foundation
import Hummingbird
import SwitchboardAPI
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage
import SwitchboardWorkers

/// Destinations: the list, the add/edit form, and the detail page with its actions.
struct DestinationPages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("destinations") { request, context in try await list(request, context) }
        group.get("destinations/new") { _, context in
            let user = try context.editor()
            return try await form(DestinationForm(), errors: [:], error: nil, user: user, id: nil)
        }
        group.post("destinations/new") { _, context in try await create(context) }
        group.get("destinations/{id}") { _, context in
            let user = try context.signedIn()
            return try await detail(try await destination(context, user), user: user)
        }
        group.get("destinations/{id}/edit") { _, context in
            let user = try context.editor()
            let destination = try await destination(context, user)
            return try await form(DestinationForm(destination), errors: [:], error: nil, user: user, id: destination.id)
        }
        group.post("destinations/{id}/edit") { _, context in try await change(context) }
        group.post("destinations/{id}/enable") { _, context in try await setEnabled(true, context) }
        group.post("destinations/{id}/disable") { _, context in try await setEnabled(false, context) }
        group.post("destinations/{id}/secret") { _, context in
            let user = try context.editor()
            let destination = try await destination(context, user)
            let previous = destination.signingSecrets(at: panel.now()).dropFirst().first
            return try await detail(destination, user: user, extra: ["secret": destination.secret, "previousSecret": previous ?? ""])
        }
        group.post("destinations/{id}/rotate-secret") { _, context in
            let user = try context.editor()
            guard let rotated = try await panel.destinations.rotateSecret(of: try await destination(context, user), to: nil) else {
                throw AdminError.notFound("This destination no longer exists.")
            }
            return try await detail(
                rotated, user: user,
                extra: ["secret": rotated.secret, "previousSecret": rotated.previousSecret ?? "", "notice": "A new secret signs from now on; the previous one keeps signing for 24 hours."])
        }
        group.post("destinations/{id}/test") { _, context in try await test(context) }
        group.get("destinations/{id}/delete") { _, context in
            let user = try context.editor()
            let destination = try await destination(context, user)
            return ConfirmDelete.page(
                panel, user: user, title: "Delete \(destination.name)?", question: "Delete the destination “\(destination.name)”?",
                consequence: "Its subscriptions, syncs and deliveries (its activity log) are deleted with it; nothing more is sent to it. The events are kept.",
                action: "/admin/destinations/\(destination.id)/delete", cancel: "/admin/destinations/\(destination.id)", section: "destinations")
        }
        group.post("destinations/{id}/delete") { _, context in
            let user = try context.editor()
            // The API's DELETE /v1/destinations/{id}: the same storage call.
            guard try await panel.storage.deleteDestination(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
                throw AdminError.notFound("This destination no longer exists.")
            }
            return Response.redirect(to: "/admin/destinations", type: .normal)
        }
        group.post("destinations/{id}/recover") { _, context in
            let user = try context.editor()
            let destination = try await destination(context, user)
            guard let since = AdminFormat.date(fromLocalInput: context.form.raw("since")) else {
                return try await detail(destination, user: user, extra: ["recoverError": "Give the time to recover from (UTC)."])
            }
            let count = try await panel.destinations.recover(destination, since: since, until: nil)
            return try await detail(destination, user: user, extra: ["notice": "\(count) failed deliver\(count == 1 ? "y" : "ies") since then queued again."])
        }
    }

    private func list(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let user = try context.signedIn()
        let query = FormFields(encoded: request.uri.query ?? "")
        let search = query["search"]
        // One filter per column that has few values: status and legacy; name and URL go by the search box.
        let status = query["status"]
        let legacyChoice = query["legacy"]
        if let status, status != "enabled", status != "disabled" { throw AdminError.badRequest("Status must be enabled or disabled.") }
        if let legacyChoice, legacyChoice != "yes", legacyChoice != "no" { throw AdminError.badRequest("Legacy must be yes or no.") }
        let filter = DestinationFilter(
            search: search, enabled: status.map { $0 == "enabled" }, legacy: legacyChoice.map { $0 == "yes" })
        let page = try await panel.storage.listDestinations(
            workspaceId: user.workspaceId, filter: filter, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
        // Two grouped queries for the whole page, never one per row.
        let day = try await panel.storage.deliveryCounts(
            workspaceId: user.workspaceId, destinationIds: page.items.map(\.id), since: panel.now().addingTimeInterval(-86400))
        // The legacy ones of this page: the first as many legacy ones from the same cursor hold them all.
        var legacyFilter = filter
        legacyFilter.legacy = true
        let legacy = Set(
            try await panel.storage.listDestinations(
                workspaceId: user.workspaceId, filter: legacyFilter, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"])
            ).items.map(\.id))
        let rows: [[String: Any]] = page.items.map { destination in
            let counts = day.filter { $0.destinationId == destination.id }
            let succeeded = counts.filter { $0.status == .succeeded }.reduce(0) { $0 &+ $1.count }
            let failed = counts.filter { $0.status == .failed }.reduce(0) { $0 &+ $1.count }
            var row: [String: Any] = [
                "id": destination.id, "name": destination.name, "url": destination.url, "legacy": legacy.contains(destination.id),
                "enabled": destination.enabled, "successRate": AdminFormat.rate(succeeded: succeeded, failed: failed),
            ]
            if let activeFrom = destination.activeFrom { row["activeFrom"] = AdminFormat.time(activeFrom) }
            return row
        }
        var data: [String: Any] = [
            "rows": rows, "hasRows": !rows.isEmpty, "filtered": search != nil || status != nil || legacyChoice != nil,
            "statuses": [["value": "enabled", "label": "Enabled", "selected": status == "enabled"], ["value": "disabled", "label": "Disabled", "selected": status == "disabled"]],
            "legacies": [["value": "yes", "label": "Yes", "selected": legacyChoice == "yes"], ["value": "no", "label": "No", "selected": legacyChoice == "no"]],
        ]
        if let search { data["search"] = search }
        if let next = page.nextCursor {
            var parameters = ["cursor=" + ActivityPages.escape(next)]
            for (name, value) in [("search", search), ("status", status), ("legacy", legacyChoice)] {
                if let value { parameters.append(name + "=" + ActivityPages.escape(value)) }
            }
            data["next"] = "/admin/destinations?" + parameters.joined(separator: "&")
        }
        return panel.renderer.page("destinations", title: "Destinations", data: data, user: user, section: "destinations")
    }

    private func create(_ context: AdminRequestContext) async throws -> Response {
        let user = try context.editor()
        let posted = DestinationForm(posted: context.form)
        let now = panel.now()
        var destination = Destination(
            id: panel.identifiers.make(.destination), workspaceId: user.workspaceId, name: "", url: "", secret: WebhookSigner.newSecret(),
            createdAt: now, updatedAt: now)
        do {
            try DestinationFields.apply(try JSONObjectReader(posted.apiFields), to: &destination, creating: true)
            let eventName = posted.values["eventName"] ?? ""
            if !eventName.isEmpty, try await !panel.storage.listEventTypes(workspaceId: user.workspaceId).contains(where: { $0.name == eventName }) {
                throw ValidationError(field: "eventName", "choose an event type from the catalogue")
            }
            try await panel.destinations.create(destination)
            if !eventName.isEmpty {
                // Open Loyalty's "ADD NEW WEBHOOK": the destination and its subscription to one event, made together.
                try await panel.storage.createSubscription(
                    Subscription(
                        id: panel.identifiers.make(.subscription), workspaceId: user.workspaceId, destinationId: destination.id, name: eventName,
                        eventNames: [eventName], condition: nil, mapping: nil, format: posted.legacy ? .openloyaltyLegacy : .event,
                        createdAt: now, updatedAt: now))
            }
        } catch let error as ValidationError {
            return try await form(posted, errors: errors(error), error: error, user: user, id: nil, status: .unprocessableContent)
        }
        return .redirect(to: "/admin/destinations/\(destination.id)", type: .normal)
    }

    private func change(_ context: AdminRequestContext) async throws -> Response {
        let user = try context.editor()
        let previous = try await destination(context, user)
        let posted = DestinationForm(posted: context.form)
        var destination = previous
        do {
            try DestinationFields.apply(try JSONObjectReader(posted.apiFields), to: &destination, creating: false)
            guard try await panel.destinations.update(destination, was: previous) != nil else { throw AdminError.notFound("This destination no longer exists.") }
        } catch let error as ValidationError {
            return try await form(posted, errors: errors(error), error: error, user: user, id: previous.id, status: .unprocessableContent)
        }
        return .redirect(to: "/admin/destinations/\(previous.id)", type: .normal)
    }

    private func setEnabled(_ enabled: Bool, _ context: AdminRequestContext) async throws -> Response {
        let user = try context.editor()
        let previous = try await destination(context, user)
        var destination = previous
        destination.enabled = enabled
        if enabled { destination.disabledReason = nil }
        guard try await panel.destinations.update(destination, was: previous) != nil else { throw AdminError.notFound("This destination no longer exists.") }
        return .redirect(to: "/admin/destinations/\(previous.id)", type: .normal)
    }

    private func test(_ context: AdminRequestContext) async throws -> Response {
        let user = try context.editor()
        let destination = try await destination(context, user)
        let event = try SampleEvent.make(from: nil, workspaceId: user.workspaceId, identifiers: panel.identifiers, now: panel.now())
        let (sent, result) = try await panel.destinations.testSend(to: destination, event: event)
        var test: [String: Any] = [
            "requestLine": "\(sent.method) \(sent.url)",
            "requestHeaders": sent.headers.map { ["name": $0.0, "value": $0.1] },
            "requestBody": String(decoding: sent.body, as: UTF8.self), "durationMs": result.durationMs,
        ]
        if let status = result.status {
            test["responseStatus"] = AdminFormat.status(status)
            test["responseBody"] = result.body ?? ""
        } else {
            test["testError"] = result.error?.rawValue ?? "no response"
        }
        return try await detail(destination, user: user, extra: ["test": test])
    }

    private func form(
        _ form: DestinationForm, errors: [String: String], error: ValidationError?, user: AdminUser, id: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let types = try await panel.storage.listEventTypes(workspaceId: user.workspaceId).map { ($0.name, $0.description) }
        var data = form.templateData(errors: errors, eventTypes: types, creating: id == nil)
        data["action"] = id.map { "/admin/destinations/\($0)/edit" } ?? "/admin/destinations/new"
        data["cancel"] = id.map { "/admin/destinations/\($0)" } ?? "/admin/destinations"
        if let error { data["error"] = "Not saved: \(error.message)" }
        return panel.renderer.page(
            "destinationForm", title: id == nil ? "Add new webhook" : "Edit \(form.values["name"] ?? "destination")", data: data, user: user,
            status: status, section: "destinations")
    }

    private func errors(_ error: ValidationError) -> [String: String] {
        [DestinationForm.input(forField: error.field) ?? "name": error.message]
    }

    private func detail(_ destination: Destination, user: AdminUser, extra: [String: Any] = [:]) async throws -> Response {
        let subscriptions = try await panel.storage.listSubscriptions(
            workspaceId: user.workspaceId, destinationId: destination.id, page: PageRequest(limit: PageRequest.maximumLimit))
        let deliveries = try await panel.storage.listDeliveries(
            workspaceId: user.workspaceId, filter: DeliveryFilter(destinationId: destination.id), page: PageRequest(limit: 20))
        var data: [String: Any] = [
            "id": destination.id, "name": destination.name, "url": destination.url, "method": destination.method.rawValue,
            "enabled": destination.enabled, "disabledReason": destination.disabledReason ?? "",
            "headers": destination.headers.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] },
            "signing": destination.signing.rawValue, "timeoutMs": destination.timeoutMs,
            "retrySchedule": destination.retrySchedule.map(String.init).joined(separator: ", "),
            "rateLimit": destination.rateLimitPerSecond.map { "\($0) per second" } ?? "none",
            "maxConcurrency": destination.maxConcurrency.map(String.init) ?? "no limit", "ordering": destination.ordering.rawValue,
            "batching": destination.batching.map { "up to \($0.maxSize) events, \($0.maxWaitMs) ms, \($0.combine.rawValue)" } ?? "off",
            "subscriptions": subscriptions.items.map { ["name": $0.name, "events": $0.eventNames.joined(separator: ", "), "format": $0.format.rawValue] },
            "deliveries": deliveries.items.map(ActivityPages.row), "hasDeliveries": !deliveries.items.isEmpty,
        ]
        if let activeFrom = destination.activeFrom { data["activeFrom"] = AdminFormat.time(activeFrom) }
        data.merge(extra) { _, new in new }
        return panel.renderer.page("destination", title: destination.name, data: data, user: user, section: "destinations")
    }

    private func destination(_ context: AdminRequestContext, _ user: AdminUser) async throws -> Destination {
        guard let destination = try await panel.storage.destination(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
            throw AdminError.notFound("There is no such destination in this workspace.")
        }
        return destination
    }
}

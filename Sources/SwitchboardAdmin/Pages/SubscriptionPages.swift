import Foundation
import Hummingbird
import SwitchboardAPI
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Subscriptions: the list, and the editor with its condition builder, template editor and a
/// preview against a recent event of that name or a pasted one (the API's preview, nothing sent).
struct SubscriptionPages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("subscriptions") { request, context in
            let user = try context.signedIn()
            let query = FormFields(encoded: request.uri.query ?? "")
            let destinationId = query["destination"].flatMap { $0.isEmpty ? nil : $0 }
            let page = try await panel.storage.listSubscriptions(
                workspaceId: user.workspaceId, destinationId: destinationId, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
            let names = try await panel.storage.destinationNames(ids: page.items.map(\.destinationId), workspaceId: user.workspaceId)
            var data: [String: Any] = [
                "rows": page.items.map { subscription in
                    [
                        "id": subscription.id, "name": subscription.name, "destinationId": subscription.destinationId,
                        "destinationName": names[subscription.destinationId] ?? subscription.destinationId,
                        "events": subscription.eventNames.joined(separator: ", "),
                        "condition": subscription.condition.map { SubscriptionForm.pretty($0.json) } ?? "always", "format": subscription.format.rawValue,
                        "enabled": subscription.enabled,
                    ] as [String: Any]
                },
                "hasRows": !page.items.isEmpty, "destination": destinationId ?? "",
            ]
            if let next = page.nextCursor {
                data["next"] = "/admin/subscriptions?destination=\(ActivityPages.escape(destinationId ?? ""))&cursor=\(ActivityPages.escape(next))"
            }
            return panel.renderer.page("subscriptions", title: "Subscriptions", data: data, user: user, section: "subscriptions")
        }
        group.get("subscriptions/new") { request, context in
            let user = try context.editor()
            let destinationId = FormFields(encoded: request.uri.query ?? "")["destination"] ?? ""
            return try await editor(SubscriptionForm(destinationId: destinationId), id: nil, user: user)
        }
        group.post("subscriptions/new") { _, context in try await save(context, id: nil) }
        group.get("subscriptions/{id}") { request, context in
            let user = try context.signedIn()
            let saved = FormFields(encoded: request.uri.query ?? "")["saved"] != nil
            return try await editor(
                SubscriptionForm(try await storedSubscription(context, user)), id: context.parameters.get("id"), user: user, notice: saved ? "Saved." : nil)
        }
        group.post("subscriptions/{id}") { _, context in try await save(context, id: context.parameters.get("id")) }
        group.post("subscriptions/{id}/delete") { _, context in
            let user = try context.editor()
            let subscription = try await storedSubscription(context, user)
            guard try await panel.storage.deleteSubscription(id: subscription.id, workspaceId: user.workspaceId) else {
                throw AdminError.notFound("This subscription no longer exists.")
            }
            return Response.redirect(to: "/admin/subscriptions?destination=\(ActivityPages.escape(subscription.destinationId))", type: .normal)
        }
    }

    /// Save, or (the Preview button) show what the form would send. Viewers do neither: every
    /// form of the panel changes something or could, so their posts are refused alike.
    private func save(_ context: AdminRequestContext, id: String?) async throws -> Response {
        let previewing = context.form.raw("action") == "preview"
        let user = try context.editor()
        let posted = SubscriptionForm(posted: context.form)
        let now = panel.now()
        let stored = id == nil ? nil : try await storedSubscription(context, user)
        var subscription = stored ?? Subscription(
            id: panel.identifiers.make(.subscription), workspaceId: user.workspaceId, destinationId: "", name: "", eventNames: [],
            condition: nil, mapping: nil, createdAt: now, updatedAt: now)
        do {
            try await SubscriptionFields.apply(
                try JSONObjectReader(try posted.apiFields()), to: &subscription, creating: true, destinations: panel.storage)
            if previewing { return try await editor(posted, id: id, user: user, preview: try await preview(subscription, posted, user: user)) }
            subscription.updatedAt = now
            if stored == nil {
                try await panel.storage.createSubscription(subscription)
            } else if try await !panel.storage.updateSubscription(subscription) {
                throw AdminError.notFound("This subscription no longer exists.")
            }
        } catch let error as ValidationError {
            return try await refused(posted, id: id, user: user, field: error.field, message: error.message)
        } catch let error as APIError where error.status == .unprocessableContent {
            return try await refused(posted, id: id, user: user, field: error.field, message: error.message)
        }
        return .redirect(to: "/admin/subscriptions/\(subscription.id)?saved=1", type: .normal)
    }

    /// What the subscription would do with the pasted event, else the latest stored event of its first name.
    private func preview(_ subscription: Subscription, _ posted: SubscriptionForm, user: AdminUser) async throws -> [String: Any] {
        let event: Event
        var source: String
        if let pasted = try posted.sampleEvent() {
            event = try SampleEvent.make(from: pasted, workspaceId: user.workspaceId, identifiers: panel.identifiers, now: panel.now())
            source = "the pasted event"
        } else {
            let name = subscription.eventNames.first { $0 != "*" }
            let latest = try await panel.storage.listEvents(
                workspaceId: user.workspaceId, filter: EventFilter(name: name), page: PageRequest(limit: 1, cursor: nil)
            ).items.first
            guard let latest else {
                return ["nothing": "No \(name.map { "“\($0)” " } ?? "")event has been received yet: paste a sample event to preview."]
            }
            event = latest
            source = "the latest \(latest.name) event (\(latest.id))"
        }
        guard let request = try await panel.subscriptions.preview(subscription, event: event, revealSignature: user.canEdit) else {
            return ["source": source, "matched": false]
        }
        let body = (try? JSONCoding.parse(request.body)).map(SubscriptionForm.pretty) ?? String(decoding: request.body, as: UTF8.self)
        return [
            "source": source, "matched": true, "requestLine": "\(request.method) \(request.url)",
            "headers": request.headers.map { ["name": $0.0, "value": $0.1] }, "body": body,
        ]
    }

    private func refused(_ posted: SubscriptionForm, id: String?, user: AdminUser, field: String?, message: String) async throws -> Response {
        var response = try await editor(
            posted, id: id, user: user, errors: [SubscriptionForm.input(forField: field): message], error: message)
        response.status = .unprocessableContent
        return response
    }

    private func editor(
        _ form: SubscriptionForm, id: String?, user: AdminUser, errors: [String: String] = [:], error: String? = nil, preview: [String: Any]? = nil,
        notice: String? = nil
    ) async throws -> Response {
        // The first page of destinations to choose from, and the chosen one wherever it is in the list.
        let chosen = form.values["destinationId"] ?? ""
        var destinations = try await panel.storage.listDestinations(
            workspaceId: user.workspaceId, filter: DestinationFilter(), page: PageRequest(limit: PageRequest.maximumLimit, cursor: nil)
        ).items.map { (id: $0.id, name: $0.name) }
        if !chosen.isEmpty, !destinations.contains(where: { $0.id == chosen }),
            let name = try await panel.storage.destinationNames(ids: [chosen], workspaceId: user.workspaceId)[chosen]
        {
            destinations.insert((chosen, name), at: 0)
        }
        var headers = form.mappingHeaders
        headers += Array(repeating: (name: "", value: ""), count: SubscriptionForm.emptyRows)
        var data: [String: Any] = [
            "action": id.map { "/admin/subscriptions/\($0)" } ?? "/admin/subscriptions/new", "creating": id == nil, "errors": errors,
            "name": form.values["name"] ?? "", "eventNames": form.values["eventNames"] ?? "", "enabled": form.enabled,
            "mappingUrl": form.values["mappingUrl"] ?? "", "mappingBody": form.values["mappingBody"] ?? "",
            "sampleEvent": form.values["sampleEvent"] ?? "",
            "destinations": destinations.map { ["id": $0.id, "name": $0.name, "selected": $0.id == chosen] as [String: Any] },
            "formats": BodyFormat.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == form.values["format"]] as [String: Any] },
            "methods": ([""] + HTTPMethodName.allCases.map(\.rawValue)).map {
                ["value": $0, "label": $0.isEmpty ? "the destination's" : $0, "selected": $0 == (form.values["mappingMethod"] ?? "")] as [String: Any]
            },
            "headers": headers.enumerated().map { ["number": $0.offset + 1, "name": $0.element.name, "value": $0.element.value] as [String: Any] },
            "cancel": chosen.isEmpty ? "/admin/subscriptions" : "/admin/destinations/\(chosen)",
        ]
        data.merge(SubscriptionForm.builderData(form.conditionRows, json: form.conditionJSON)) { _, new in new }
        if let id { data["id"] = id }
        if let error { data["error"] = "Not saved: \(error)" }
        if let preview { data["preview"] = preview }
        if let notice { data["notice"] = notice }
        let title = id == nil ? "Add subscription" : (form.values["name"] ?? "Subscription")
        return panel.renderer.page("subscriptionForm", title: title, data: data, user: user, section: "subscriptions")
    }

    private func storedSubscription(_ context: AdminRequestContext, _ user: AdminUser) async throws -> Subscription {
        guard let subscription = try await panel.storage.subscription(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
            throw AdminError.notFound("There is no such subscription in this workspace.")
        }
        return subscription
    }
}

import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Audiences: the list with status and member count, adding one with the condition builder (or
/// JSON, for event-count conditions), and an audience with its members and syncs.
struct AudiencePages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("audiences") { request, context in
            let user = try context.signedIn()
            let query = FormFields(encoded: request.uri.query ?? "")
            let page = try await panel.storage.listAudiences(
                workspaceId: user.workspaceId, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
            var data: [String: Any] = ["rows": page.items.map(Self.row), "hasRows": !page.items.isEmpty]
            if let next = page.nextCursor { data["next"] = "/admin/audiences?cursor=" + ActivityPages.escape(next) }
            return panel.renderer.page("audiences", title: "Audiences", data: data, user: user, section: "audiences")
        }
        group.get("audiences/new") { _, context in
            try form(values: ["join": "all"], rows: ConditionRows(), json: nil, errors: [:], error: nil, user: try context.editor())
        }
        group.post("audiences/new") { _, context in
            let user = try context.editor()
            let form = context.form
            let values = ["key": form.raw("key") ?? "", "name": form.raw("name") ?? "", "emitOnBuild": form.has("emitOnBuild") ? "on" : ""]
            let rows = SubscriptionForm.conditionRows(posted: form)
            let json = form.raw("conditionJSON")
            do {
                // No rows would be `{"all": []}`, which every profile meets: refused, not saved.
                var condition = rows.condition
                if let json { condition = try SubscriptionForm.json(json, field: "condition") }
                guard let condition else { throw ValidationError(field: "condition", "Add at least one condition row: a field, an operator and a value.") }
                let fields = try AudienceFields(create: [
                    "key": .string(values["key"] ?? ""), "name": .string(values["name"] ?? ""), "condition": condition,
                    "emitOnBuild": .bool(form.has("emitOnBuild")),
                ])
                let now = panel.now()
                let audience = Audience(id: panel.identifiers.make(.audience), workspaceId: user.workspaceId, fields: fields, now: now)
                do {
                    try await panel.storage.createAudience(audience, now: now)
                } catch StorageError.conflict {
                    throw ValidationError(field: "key", "this workspace has or had an audience with key \"\(audience.key)\": keys are never reused")
                }
                return Response.redirect(to: "/admin/audiences/\(audience.id)", type: .normal)
            } catch let error as ValidationError {
                let input = ["key", "name"].contains(error.field ?? "") ? error.field ?? "" : "condition"
                var response = try self.form(values: values, rows: rows, json: json, errors: [input: error.message], error: error.message, user: user)
                response.status = .unprocessableContent
                return response
            }
        }
        group.get("audiences/{id}") { _, context in
            let user = try context.signedIn()
            guard let view = try await panel.storage.audience(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
                throw AdminError.notFound("There is no such audience in this workspace.")
            }
            let members = try await panel.storage.listProfiles(
                workspaceId: user.workspaceId, audienceId: view.audience.id, search: nil, page: PageRequest(limit: PageRequest.defaultLimit))
            let syncs = try await panel.storage.listSyncs(workspaceId: user.workspaceId, page: PageRequest(limit: PageRequest.maximumLimit))
                .items.filter { $0.sync.audienceId == view.audience.id }
            var data = Self.row(view)
            data["condition"] = SubscriptionForm.pretty(view.audience.conditionJSON)
            data["members"] = members.items.map { ["userId": $0.profile.key.userId ?? $0.profile.key.stored, "lastSeen": AdminFormat.time($0.profile.lastSeen)] }
            data["hasMembers"] = !members.items.isEmpty
            data["moreMembers"] = members.nextCursor != nil
            data["syncs"] = syncs.map(SyncPages.row)
            data["hasSyncs"] = !syncs.isEmpty
            return panel.renderer.page("audience", title: view.audience.name, data: data, user: user, section: "audiences")
        }
    }

    static func row(_ view: AudienceView) -> [String: Any] {
        let audience = view.audience
        return [
            "id": audience.id, "key": audience.key, "name": audience.name, "memberCount": view.memberCount,
            "ready": audience.status == .ready, "status": audience.status == .ready ? "Ready" : "Building", "created": AdminFormat.time(audience.createdAt),
        ]
    }

    private func form(
        values: [String: String], rows: ConditionRows, json: String?, errors: [String: String], error: String?, user: AdminUser
    ) throws -> Response {
        var data: [String: Any] = [
            "key": values["key"] ?? "", "name": values["name"] ?? "", "emitOnBuild": values["emitOnBuild"] == "on", "errors": errors,
            "action": "/admin/audiences/new", "cancel": "/admin/audiences",
        ]
        data.merge(SubscriptionForm.builderData(rows, json: json)) { _, new in new }
        if let error { data["error"] = "Not saved: \(error)" }
        return panel.renderer.page("audienceForm", title: "Add audience", data: data, user: user, section: "audiences")
    }
}

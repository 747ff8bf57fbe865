import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// The event-type catalogue: Open Loyalty's names (with their legacy type), Segment's types and
/// the workspace's own, each with its description and example or schema; add and remove.
struct EventTypePages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("event-types") { _, context in
            try await page(values: [:], error: nil, user: try context.signedIn())
        }
        group.post("event-types") { _, context in
            let user = try context.editor()
            let values = ["name": context.form.raw("name") ?? "", "description": context.form.raw("description") ?? "", "schema": context.form.raw("schema") ?? ""]
            do {
                let name = (values["name"] ?? "").trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.count <= 200 else { throw ValidationError(field: "name", "name is required (up to 200 characters)") }
                let description = (values["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard description.count <= 2000 else { throw ValidationError(field: "description", "description may have at most 2000 characters") }
                let schemaText = (values["schema"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                var schema: JSONValue?
                if !schemaText.isEmpty {
                    schema = try SubscriptionForm.json(schemaText, field: "schema")
                    guard schema?.objectValue != nil else { throw ValidationError(field: "schema", "schema must be a JSON object") }
                }
                do {
                    try await panel.storage.createEventType(
                        EventTypeRecord(workspaceId: user.workspaceId, name: name, description: description.isEmpty ? nil : description, schema: schema, createdAt: panel.now()))
                } catch StorageError.conflict {
                    throw ValidationError(field: "name", "an event type named \(name) exists already")
                }
                return Response.redirect(to: "/admin/event-types", type: .normal)
            } catch let error as ValidationError {
                var response = try await page(values: values, error: error.message, user: user)
                response.status = .unprocessableContent
                return response
            }
        }
        group.post("event-types/delete") { _, context in
            let user = try context.editor()
            guard try await panel.storage.deleteEventType(workspaceId: user.workspaceId, name: context.form.raw("name") ?? "") else {
                throw AdminError.notFound("There is no such event type.")
            }
            return Response.redirect(to: "/admin/event-types", type: .normal)
        }
    }

    private func page(values: [String: String], error: String?, user: AdminUser) async throws -> Response {
        let types = try await panel.storage.listEventTypes(workspaceId: user.workspaceId)
        var data: [String: Any] = [
            "rows": types.map { type in
                [
                    "name": type.name, "description": type.description ?? "", "legacy": OpenLoyaltyNames.legacyType(type.name),
                    "schema": type.schema.map(SubscriptionForm.pretty) ?? "",
                ] as [String: Any]
            },
            "hasRows": !types.isEmpty, "name": values["name"] ?? "", "description": values["description"] ?? "", "schema": values["schema"] ?? "",
        ]
        if let error { data["error"] = "Not added: \(error)" }
        return panel.renderer.page("eventTypes", title: "Event types", data: data, user: user, section: "eventTypes")
    }
}

import Foundation
import Hummingbird
import SwitchboardAPI
import SwitchboardCore
import SwitchboardStorage

/// Sources: the list with ingest URLs, adding one, one source with a curl example.
struct SourcePages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("sources") { request, context in
            let user = try context.signedIn()
            let query = FormFields(encoded: request.uri.query ?? "")
            let page = try await panel.storage.listSources(
                workspaceId: user.workspaceId, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
            var data: [String: Any] = [
                "rows": page.items.map { source in
                    ["id": source.id, "name": source.name, "type": source.type.rawValue, "created": AdminFormat.time(source.createdAt),
                     "ingestUrl": SourceFields.ingestURL(source, publicURL: panel.ingestBaseURL)] as [String: Any]
                },
                "hasRows": !page.items.isEmpty,
            ]
            if let next = page.nextCursor { data["next"] = "/admin/sources?cursor=" + ActivityPages.escape(next) }
            return panel.renderer.page("sources", title: "Sources", data: data, user: user, section: "sources")
        }
        group.get("sources/new") { _, context in
            try form(name: "", type: SourceType.segment.rawValue, prefix: "", errors: [:], error: nil, user: try context.editor())
        }
        group.post("sources/new") { _, context in
            let user = try context.editor()
            let (name, type, prefix) = (context.form.raw("name") ?? "", context.form.raw("type") ?? "", context.form.raw("eventNamePrefix") ?? "")
            var fields: [String: JSONValue] = ["name": .string(name.trimmingCharacters(in: .whitespacesAndNewlines)), "type": .string(type)]
            if !prefix.isEmpty { fields["eventNamePrefix"] = .string(prefix) }
            let field: String?
            let message: String
            do {
                let source = try SourceFields.newSource(
                    try JSONObjectReader(.object(fields)), id: panel.identifiers.make(.source), workspaceId: user.workspaceId, now: panel.now())
                try await panel.storage.createSource(source)
                return Response.redirect(to: "/admin/sources/\(source.id)", type: .normal)
            } catch let error as ValidationError {
                (field, message) = (error.field, error.message)
            } catch let error as APIError where error.status == .unprocessableContent {
                (field, message) = (error.field, error.message)
            }
            let input = ["name", "type", "eventNamePrefix"].contains(field ?? "") ? field ?? "other" : "other"
            var response = try form(name: name, type: type, prefix: prefix, errors: [input: message], error: message, user: user)
            response.status = .unprocessableContent
            return response
        }
        group.get("sources/{id}") { _, context in
            let user = try context.signedIn()
            guard let source = try await panel.storage.source(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
                throw AdminError.notFound("There is no such source in this workspace.")
            }
            let url = SourceFields.ingestURL(source, publicURL: panel.ingestBaseURL)
            var data: [String: Any] = [
                "type": source.type.rawValue, "ingestUrl": url, "created": AdminFormat.time(source.createdAt),
                "verification": source.verification == nil ? "none" : "set (secrets are write-only)", "curl": Self.curl(source, url: url),
            ]
            if let writeKey = source.writeKey { data["writeKey"] = writeKey }
            if let prefix = source.eventNamePrefix { data["eventNamePrefix"] = prefix }
            return panel.renderer.page("source", title: source.name, data: data, user: user, section: "sources")
        }
    }

    /// A ready command that sends one event as this source's senders do.
    static func curl(_ source: Source, url: String) -> String {
        if source.type == .segment, let writeKey = source.writeKey {
            return """
                curl -u '\(writeKey):' -H 'Content-Type: application/json' \\
                  -d '{"batch": [{"type": "track", "event": "Order Completed", "userId": "user-1", "properties": {"total": 42}}]}' \\
                  \(url)
                """
        }
        return """
            curl -H 'Content-Type: application/json' \\
              -d '{"type": "customer.registered", "data": {"customerId": "user-1"}}' \\
              \(url)
            """
    }

    private func form(name: String, type: String, prefix: String, errors: [String: String], error: String?, user: AdminUser) throws -> Response {
        var data: [String: Any] = [
            "name": name, "eventNamePrefix": prefix, "errors": errors,
            "types": SourceType.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == type] },
        ]
        if let error { data["error"] = "Not saved: \(error)" }
        return panel.renderer.page("sourceForm", title: "Add source", data: data, user: user, section: "sources")
    }
}

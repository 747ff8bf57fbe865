import Foundation
import Hummingbird
import SwitchboardAPI
import SwitchboardCore
import SwitchboardStorage

/// Sources: the list with ingest URLs, adding and changing one (the API's `SourceFields`, secrets
/// write-only), one source with a curl example, deleting one after a confirmation page.
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
            if query["deleted"] != nil { data["notice"] = "Source deleted; its events are kept." }
            if let next = page.nextCursor { data["next"] = "/admin/sources?cursor=" + ActivityPages.escape(next) }
            return panel.renderer.page("sources", title: "Sources", data: data, user: user, section: "sources")
        }
        group.get("sources/new") { _, context in
            try form(SourceForm(), source: nil, errors: [:], error: nil, user: try context.editor())
        }
        group.post("sources/new") { _, context in try await save(context, id: nil) }
        group.get("sources/{id}") { request, context in
            let user = try context.signedIn()
            let saved = FormFields(encoded: request.uri.query ?? "")["saved"] != nil
            return try detail(try await source(context, user), user: user, notice: saved ? "Saved." : nil)
        }
        group.get("sources/{id}/edit") { _, context in
            let user = try context.editor()
            let source = try await source(context, user)
            return try form(SourceForm(source), source: source, errors: [:], error: nil, user: user)
        }
        group.post("sources/{id}/edit") { _, context in try await save(context, id: context.parameters.get("id")) }
        group.get("sources/{id}/delete") { _, context in
            let user = try context.editor()
            let source = try await source(context, user)
            return ConfirmDelete.page(
                panel, user: user, title: "Delete \(source.name)?", question: "Delete the source “\(source.name)”?",
                consequence: "Its ingest URL\(source.writeKey == nil ? "" : " and write key") stop working at once. The events it already received are kept.",
                action: "/admin/sources/\(source.id)/delete", cancel: "/admin/sources/\(source.id)", section: "sources")
        }
        group.post("sources/{id}/delete") { _, context in
            let user = try context.editor()
            // The API's DELETE /v1/sources/{id}: the same storage call.
            guard try await panel.storage.deleteSource(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
                throw AdminError.notFound("This source no longer exists.")
            }
            return Response.redirect(to: "/admin/sources?deleted=1", type: .normal)
        }
    }

    /// Create (no id) or change a source through the API's `SourceFields`; a refusal shows the
    /// form again with the message by its field and what was typed (never a secret).
    private func save(_ context: AdminRequestContext, id: String?) async throws -> Response {
        let user = try context.editor()
        let posted = SourceForm(posted: context.form)
        let stored = id == nil ? nil : try await source(context, user)
        let type = stored?.type ?? SourceType(rawValue: posted.values["type"] ?? "")
        do {
            let fields = try JSONObjectReader(try posted.apiFields(type: type, creating: stored == nil))
            var saved: Source
            if var source = stored {
                try SourceFields.apply(fields, to: &source)
                source.updatedAt = panel.now()
                guard try await panel.storage.updateSource(source) else { throw AdminError.notFound("This source no longer exists.") }
                saved = source
            } else {
                saved = try SourceFields.newSource(fields, id: panel.identifiers.make(.source), workspaceId: user.workspaceId, now: panel.now())
                try await panel.storage.createSource(saved)
            }
            return Response.redirect(to: "/admin/sources/\(saved.id)\(stored == nil ? "" : "?saved=1")", type: .normal)
        } catch let error as ValidationError {
            return try refused(posted, source: stored, type: type, field: error.field, message: error.message, user: user)
        } catch let error as APIError where error.status == .unprocessableContent {
            return try refused(posted, source: stored, type: type, field: error.field, message: error.message, user: user)
        }
    }

    private func refused(_ posted: SourceForm, source: Source?, type: SourceType?, field: String?, message: String, user: AdminUser) throws -> Response {
        var response = try form(posted, source: source, errors: [SourceForm.input(forField: field, type: type): message], error: message, user: user)
        response.status = .unprocessableContent
        return response
    }

    private func detail(_ source: Source, user: AdminUser, notice: String?) throws -> Response {
        let url = SourceFields.ingestURL(source, publicURL: panel.ingestBaseURL)
        let shown = source.shownVerification?.objectValue ?? [:]
        var data: [String: Any] = [
            "id": source.id, "type": source.type.rawValue, "ingestUrl": url, "created": AdminFormat.time(source.createdAt),
            "verification": shown["type"]?.stringValue ?? "none", "curl": Self.curl(source, url: url),
            "verificationFields": Self.verificationLabels.compactMap { key, label in shown[key]?.stringValue.map { ["label": label, "value": $0] } },
            // Whether a secret is stored, said without showing it.
            "hasSecret": !Self.secretKeys(source).isEmpty,
            "settings": Self.settingRows(source.settings),
        ]
        if let writeKey = source.writeKey { data["writeKey"] = writeKey }
        if let prefix = source.eventNamePrefix { data["eventNamePrefix"] = prefix }
        if let hint = Self.verificationHint(shown) { data["verificationHint"] = hint }
        if let notice { data["notice"] = notice }
        return panel.renderer.page("source", title: source.name, data: data, user: user, section: "sources")
    }

    /// The names of the secrets a source's verification holds (never their values).
    static func secretKeys(_ source: Source?) -> Set<String> {
        Set((source?.verification?.objectValue ?? [:]).keys.filter { !Source.shownVerificationFields.contains($0) })
    }

    /// The non-secret verification settings as the source page names them, in this order.
    static let verificationLabels: KeyValuePairs<String, String> = [
        "header": "Header", "username": "User name", "algorithm": "Algorithm", "encoding": "Encoding", "prefix": "Signature prefix",
        "timestampHeader": "Timestamp header",
    ]

    static func settingRows(_ settings: InboundSettings) -> [[String: Any]] {
        var rows: [[String: Any]] = []
        if let transform = settings.transform { rows.append(["label": "Transform", "value": SubscriptionForm.pretty(transform), "code": true]) }
        for (label, value) in [("Items path", settings.itemsPath), ("Event name", settings.eventName), ("User id from", settings.userIdField)] {
            if let value { rows.append(["label": label, "value": value, "code": false]) }
        }
        return rows
    }

    /// What the sender adds to the curl example for the source's verification.
    static func verificationHint(_ shown: [String: JSONValue]) -> String? {
        switch shown["type"]?.stringValue {
        case "token": "With token verification, add -H '\(shown["header"]?.stringValue ?? "Authorization"): <secret>' (or Authorization: Bearer <secret>)."
        case "basic": "With basic verification, add -u '\(shown["username"]?.stringValue ?? "user"):<password>'."
        case "hmac": "With HMAC verification, sign the body with the secret and send the signature in \(shown["header"]?.stringValue ?? "the header")."
        case "standard-webhooks": "With Standard Webhooks verification, send webhook-id, webhook-timestamp and webhook-signature signed with the secret."
        default: nil
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

    private func form(_ form: SourceForm, source: Source?, errors: [String: String], error: String?, user: AdminUser) throws -> Response {
        let creating = source == nil
        var data: [String: Any] = [
            "creating": creating, "inputs": form.templateInputs(errors: errors, storedSecrets: Self.secretKeys(source)), "errors": errors,
            "action": source.map { "/admin/sources/\($0.id)/edit" } ?? "/admin/sources/new",
            "cancel": source.map { "/admin/sources/\($0.id)" } ?? "/admin/sources",
            // Adding: every type's settings (the type is chosen in the same form); changing: the source's own.
            "showWebhook": source.map { $0.type == .webhook } ?? true, "showOpenloyalty": source.map { $0.type == .openloyalty } ?? true,
            "showBraze": source.map { $0.type == .brazeCurrents } ?? true,
        ]
        if let source { data["typeName"] = source.type.rawValue }
        if let error { data["error"] = "Not saved: \(error)" }
        let title = source.map { "Edit \($0.name)" } ?? "Add source"
        return panel.renderer.page("sourceForm", title: title, data: data, user: user, section: "sources")
    }

    private func source(_ context: AdminRequestContext, _ user: AdminUser) async throws -> Source {
        guard let source = try await panel.storage.source(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId) else {
            throw AdminError.notFound("There is no such source in this workspace.")
        }
        return source
    }
}

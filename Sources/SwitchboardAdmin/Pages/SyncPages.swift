import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Audience syncs (Heap's "Sync now" and "Recurring sync"): the list, adding one, and a sync
/// with its "Sync now" button and the history of its runs.
struct SyncPages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("syncs") { request, context in
            let user = try context.signedIn()
            let query = FormFields(encoded: request.uri.query ?? "")
            let page = try await panel.storage.listSyncs(workspaceId: user.workspaceId, page: PageRequest(limit: PageRequest.defaultLimit, cursor: query["cursor"]))
            var data: [String: Any] = ["rows": page.items.map(Self.row), "hasRows": !page.items.isEmpty]
            if let next = page.nextCursor { data["next"] = "/admin/syncs?cursor=" + ActivityPages.escape(next) }
            return panel.renderer.page("syncs", title: "Audience syncs", data: data, user: user, section: "syncs")
        }
        group.get("syncs/new") { request, context in
            let audience = FormFields(encoded: request.uri.query ?? "")["audience"] ?? ""
            return try await form(values: ["audienceId": audience, "mode": SyncMode.diff.rawValue, "batchSize": String(AudienceSync.defaultBatchSize)],
                                  errors: [:], error: nil, user: try context.editor())
        }
        group.post("syncs/new") { _, context in
            let user = try context.editor()
            let form = context.form
            var values: [String: String] = [:]
            for name in ["audienceId", "destinationId", "mode", "intervalSeconds", "batchSize"] { values[name] = form.raw(name) ?? "" }
            if form.has("recurring") { values["recurring"] = "on" }
            func number(_ name: String) -> JSONValue {
                let text = (values[name] ?? "").trimmingCharacters(in: .whitespaces)
                return Int64(text).map(JSONValue.int) ?? .string(text)
            }
            do {
                var fields: [String: JSONValue] = [
                    "audienceId": .string(values["audienceId"] ?? ""), "destinationId": .string(values["destinationId"] ?? ""),
                    "mode": .string(values["mode"] ?? ""), "batchSize": number("batchSize"),
                    "intervalSeconds": values["recurring"] == nil ? .null : number("intervalSeconds"),
                ]
                if (values["batchSize"] ?? "").isEmpty { fields["batchSize"] = nil }
                let now = panel.now()
                let sync = AudienceSync(
                    id: panel.identifiers.make(.sync), workspaceId: user.workspaceId, fields: try SyncFields(create: .object(fields)), now: now)
                try await storing { try await panel.storage.createSync(sync, maximumRecurring: panel.maxRecurringSyncs, now: now) }
                return Response.redirect(to: "/admin/syncs/\(sync.id)", type: .normal)
            } catch let error as ValidationError {
                let input = ["audienceId", "destinationId", "mode", "intervalSeconds", "batchSize"].contains(error.field ?? "") ? error.field ?? "" : "other"
                var response = try await self.form(values: values, errors: [input: error.message], error: error.message, user: user)
                response.status = .unprocessableContent
                return response
            }
        }
        group.get("syncs/{id}") { request, context in
            let user = try context.signedIn()
            let notice = FormFields(encoded: request.uri.query ?? "")["started"] != nil ? "Sync started: its requests are on their way." : nil
            return try await detail(context.parameters.get("id") ?? "", user: user, notice: notice)
        }
        group.post("syncs/{id}/run") { _, context in
            let user = try context.editor()
            guard let run = try await panel.storage.runSync(id: context.parameters.get("id") ?? "", workspaceId: user.workspaceId, now: panel.now()) else {
                throw AdminError.notFound("There is no such sync in this workspace.")
            }
            return Response.redirect(to: "/admin/syncs/\(run.syncId)?started=1", type: .normal)
        }
    }

    static func row(_ view: SyncView) -> [String: Any] {
        let sync = view.sync
        var row: [String: Any] = [
            "id": sync.id, "audienceId": sync.audienceId, "destinationId": sync.destinationId, "mode": sync.mode.rawValue,
            "interval": sync.intervalSeconds.map { "every \(AdminFormat.age(TimeInterval($0)))" } ?? "no (Sync now only)",
            "batchSize": sync.batchSize, "enabled": sync.enabled, "lastRun": view.lastRun.map { Self.runStatus($0.status) } ?? "never",
        ]
        if let run = view.lastRun { row["lastRunAt"] = AdminFormat.time(run.startedAt) }
        return row
    }

    static func runStatus(_ status: SyncRunStatus) -> String {
        switch status {
        case .running: "Running"
        case .succeeded: "Succeeded"
        case .failed: "Failed"
        }
    }

    private func detail(_ id: String, user: AdminUser, notice: String?) async throws -> Response {
        guard let view = try await panel.storage.sync(id: id, workspaceId: user.workspaceId) else {
            throw AdminError.notFound("There is no such sync in this workspace.")
        }
        let runs = try await panel.storage.listSyncRuns(syncId: id, workspaceId: user.workspaceId, page: PageRequest(limit: PageRequest.defaultLimit))
        let audience = try await panel.storage.audience(id: view.sync.audienceId, workspaceId: user.workspaceId)
        var data = Self.row(view)
        data["audienceName"] = audience?.audience.name ?? view.sync.audienceId
        data["destinationName"] = try await panel.storage.destination(id: view.sync.destinationId, workspaceId: user.workspaceId)?.name ?? view.sync.destinationId
        data["runs"] = runs.items.map { run in
            [
                "id": run.id, "status": Self.runStatus(run.status), "style": run.status == .succeeded ? "on" : run.status == .failed ? "off" : "wait",
                "started": AdminFormat.time(run.startedAt), "finished": run.finishedAt.map(AdminFormat.time) as Any,
                "added": run.added, "removed": run.removed, "requests": run.requests, "error": run.error ?? "",
            ] as [String: Any]
        }
        data["hasRuns"] = !runs.items.isEmpty
        if let notice { data["notice"] = notice }
        return panel.renderer.page("sync", title: "Sync of \(data["audienceName"] ?? "")", data: data, user: user, section: "syncs")
    }

    private func form(values: [String: String], errors: [String: String], error: String?, user: AdminUser) async throws -> Response {
        let audiences = try await panel.storage.listAudiences(workspaceId: user.workspaceId, page: PageRequest(limit: PageRequest.maximumLimit))
        let destinations = try await panel.storage.listDestinations(
            workspaceId: user.workspaceId, filter: DestinationFilter(), page: PageRequest(limit: PageRequest.maximumLimit))
        var data: [String: Any] = [
            "errors": errors, "intervalSeconds": values["intervalSeconds"] ?? "3600", "batchSize": values["batchSize"] ?? "",
            "recurring": values["recurring"] == "on",
            "audiences": audiences.items.map { ["id": $0.audience.id, "name": $0.audience.name, "selected": $0.audience.id == values["audienceId"]] as [String: Any] },
            "destinations": destinations.items.map { ["id": $0.id, "name": $0.name, "selected": $0.id == values["destinationId"]] as [String: Any] },
            "modes": SyncMode.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == values["mode"]] as [String: Any] },
        ]
        if let error { data["error"] = "Not saved: \(error)" }
        return panel.renderer.page("syncForm", title: "Add audience sync", data: data, user: user, section: "syncs")
    }

    /// Storage's refusals in the API's words, by the field they concern.
    private func storing(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch SyncStoreError.noSuchAudience {
            throw ValidationError(field: "audienceId", "no such audience")
        } catch SyncStoreError.noSuchDestination {
            throw ValidationError(field: "destinationId", "no such destination")
        } catch SyncStoreError.tooManyRecurring(let maximum) {
            throw ValidationError(
                field: "intervalSeconds", "this workspace has \(maximum) recurring syncs, the most allowed: make this one Sync now only, or disable another first")
        }
    }
}

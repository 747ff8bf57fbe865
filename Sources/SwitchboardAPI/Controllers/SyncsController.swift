import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Audience syncs ("Sync now" or every N seconds, added/removed ids in batches) and date triggers.
struct SyncsController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/syncs", summary: "List audience syncs", tag: "Syncs", access: .viewer, query: ["limit", "cursor"])) { request, context in
            let principal = try context.principal()
            return .json(try await dependencies.syncs.listSyncs(workspaceId: principal.workspaceId, page: try QueryReader(request).page(of: .sync)).document(\.document))
        }
        routes.add(.init(method: .post, path: "/v1/syncs", summary: "Create an audience sync", tag: "Syncs", access: .editor, requestBody: Self.schema(required: ["audienceId", "destinationId"]), success: .created)) {
            request, context in
            let principal = try context.principal()
            let fields = try SyncFields(create: try await dependencies.body.read(request))
            let now = dependencies.now()
            let sync = AudienceSync(id: dependencies.identifiers.make(.sync), workspaceId: principal.workspaceId, fields: fields, now: now)
            try await storing { try await dependencies.syncs.createSync(sync, maximumRecurring: dependencies.maxRecurringSyncs, now: now) }
            return .json(try await view(sync.id, principal).document, status: .created)
        }
        routes.add(.init(method: .get, path: "/v1/syncs/{id}", summary: "Get an audience sync with its last run", tag: "Syncs", access: .viewer)) { request, context in
            .json(try await view(context.parameters.get("id") ?? "", try context.principal()).document)
        }
        routes.add(.init(method: .patch, path: "/v1/syncs/{id}", summary: "Change an audience sync", tag: "Syncs", access: .editor, requestBody: Self.schema(required: []))) {
            request, context in
            let principal = try context.principal()
            let current = try await view(context.parameters.get("id") ?? "", principal).sync
            let now = dependencies.now()
            let updated = try SyncFields(patch: try await dependencies.body.read(request), current: current).applied(to: current, now: now)
            try await storing {
                guard try await dependencies.syncs.updateSync(updated, maximumRecurring: dependencies.maxRecurringSyncs, now: now) else {
                    throw APIError.notFound("sync")
                }
            }
            return .json(try await view(current.id, principal).document)
        }
        routes.add(.init(method: .delete, path: "/v1/syncs/{id}", summary: "Delete an audience sync", tag: "Syncs", access: .editor, success: .noContent)) { request, context in
            let principal = try context.principal()
            guard try await dependencies.syncs.deleteSync(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("sync")
            }
            return .noContent
        }
        routes.add(.init(method: .post, path: "/v1/syncs/{id}/run", summary: "Sync now: start a run (a run still going is returned instead)", tag: "Syncs", access: .editor)) {
            request, context in
            let principal = try context.principal()
            guard let run = try await dependencies.syncs.runSync(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId, now: dependencies.now())
            else { throw APIError.notFound("sync") }
            return .json(run.document)
        }
        routes.add(.init(method: .get, path: "/v1/syncs/{id}/runs", summary: "A sync's runs, newest first", tag: "Syncs", access: .viewer, query: ["limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let sync = try await view(context.parameters.get("id") ?? "", principal).sync
            let page = try await dependencies.syncs.listSyncRuns(syncId: sync.id, workspaceId: principal.workspaceId, page: try QueryReader(request).page(of: .syncRun))
            return .json(page.document(\.document))
        }

        routes.add(.init(method: .get, path: "/v1/date-triggers", summary: "List date triggers", tag: "Date triggers", access: .viewer, query: ["limit", "cursor"])) { request, context in
            let principal = try context.principal()
            let page = try await dependencies.dateTriggers.listDateTriggers(workspaceId: principal.workspaceId, page: try QueryReader(request).page(of: .dateTrigger))
            return .json(page.document(\.document))
        }
        routes.add(.init(method: .post, path: "/v1/date-triggers", summary: "Create a date trigger (emits eventName daysBefore days before the date in a profile trait)", tag: "Date triggers", access: .editor, requestBody: Self.triggerSchema, success: .created)) {
            request, context in
            let principal = try context.principal()
            let fields = try DateTriggerFields(create: try await dependencies.body.read(request))
            let trigger = DateTrigger(id: dependencies.identifiers.make(.dateTrigger), workspaceId: principal.workspaceId, fields: fields, now: dependencies.now())
            try await dependencies.dateTriggers.createDateTrigger(trigger)
            return .json(trigger.document, status: .created)
        }
        routes.add(.init(method: .get, path: "/v1/date-triggers/{id}", summary: "Get a date trigger", tag: "Date triggers", access: .viewer)) { request, context in
            let principal = try context.principal()
            guard let trigger = try await dependencies.dateTriggers.dateTrigger(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("date trigger")
            }
            return .json(trigger.document)
        }
        routes.add(.init(method: .delete, path: "/v1/date-triggers/{id}", summary: "Delete a date trigger", tag: "Date triggers", access: .editor, success: .noContent)) {
            request, context in
            let principal = try context.principal()
            guard try await dependencies.dateTriggers.deleteDateTrigger(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId) else {
                throw APIError.notFound("date trigger")
            }
            return .noContent
        }
    }

    private func view(_ id: String, _ principal: Principal) async throws -> SyncView {
        guard let view = try await dependencies.syncs.sync(id: id, workspaceId: principal.workspaceId) else { throw APIError.notFound("sync") }
        return view
    }

    /// Storage's refusals in the API's words.
    private func storing(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch SyncStoreError.noSuchAudience {
            throw APIError.validation(field: "audienceId", "no such audience")
        } catch SyncStoreError.noSuchDestination {
            throw APIError.validation(field: "destinationId", "no such destination")
        } catch SyncStoreError.tooManyRecurring(let maximum) {
            throw APIError.conflict("this workspace has \(maximum) recurring syncs, the most allowed: make one manual (intervalSeconds null) or disable it first")
        }
    }

    static func schema(required: [String]) -> JSONValue {
        Schema.object(
            [
                "audienceId": Schema.string, "destinationId": Schema.string, "intervalSeconds": ["type": ["integer", "null"], "minimum": 60],
                "mode": Schema.oneOf(SyncMode.allCases.map(\.rawValue)), "batchSize": ["type": "integer", "minimum": 1, "maximum": 10_000],
                "mapping": Schema.nullableObject, "enabled": ["type": "boolean"],
            ], required: required)
    }

    static let triggerSchema = Schema.object(
        [
            "name": Schema.name, "field": Schema.name, "daysBefore": ["type": "integer", "minimum": 0], "eventName": Schema.name,
            "atTime": ["type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"],
        ], required: ["name", "field", "daysBefore", "eventName"])
}

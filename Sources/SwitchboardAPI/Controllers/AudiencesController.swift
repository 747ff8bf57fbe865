import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Profiles (read-only: events write them) and audiences, conditions over profiles.
struct AudiencesController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/profiles", summary: "List profiles (members of an audience with ?audience=KEY)", tag: "Profiles", access: .viewer, query: ["audience", "search", "limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let query = QueryReader(request)
            var audienceId: String?
            if let key = query.string("audience") {
                guard let audience = try await audienceByKey(key, workspaceId: principal.workspaceId) else { throw APIError.notFound("audience") }
                audienceId = audience.id
            }
            let page = try await dependencies.profiles.listProfiles(
                workspaceId: principal.workspaceId, audienceId: audienceId, search: query.string("search"), page: try query.keyPage())
            return .json(page.document(\.document))
        }
        routes.add(.init(method: .get, path: "/v1/profiles/{userId}", summary: "Get a user's profile", tag: "Profiles", access: .viewer)) { request, context in
            let principal = try context.principal()
            guard let view = try await dependencies.profiles.profile(workspaceId: principal.workspaceId, id: context.parameters.get("userId") ?? "") else {
                throw APIError.notFound("profile")
            }
            return .json(view.document)
        }
        routes.add(.init(method: .get, path: "/v1/audiences", summary: "List audiences", tag: "Audiences", access: .viewer, query: ["limit", "cursor"])) { request, context in
            let principal = try context.principal()
            let page = try await dependencies.audiences.listAudiences(workspaceId: principal.workspaceId, page: try QueryReader(request).page(of: .audience))
            return .json(page.document(\.document))
        }
        routes.add(.init(method: .post, path: "/v1/audiences", summary: "Create an audience (built over existing profiles in the background)", tag: "Audiences", access: .editor, requestBody: Self.schema(required: ["key", "name", "condition"]), success: .created)) {
            request, context in
            let principal = try context.principal()
            let fields = try AudienceFields(create: try await dependencies.body.read(request))
            let now = dependencies.now()
            let audience = Audience(id: dependencies.identifiers.make(.audience), workspaceId: principal.workspaceId, fields: fields, now: now)
            do {
                try await dependencies.audiences.createAudience(audience, now: now)
            } catch StorageError.conflict {
                throw APIError.conflict("this workspace has or had an audience with key \"\(audience.key)\": keys are never reused")
            }
            return .json(try await view(audience.id, principal).document, status: .created)
        }
        routes.add(.init(method: .get, path: "/v1/audiences/{id}", summary: "Get an audience", tag: "Audiences", access: .viewer)) { request, context in
            .json(try await view(context.parameters.get("id") ?? "", try context.principal()).document)
        }
        routes.add(.init(method: .patch, path: "/v1/audiences/{id}", summary: "Change an audience (a new condition builds it again)", tag: "Audiences", access: .editor, requestBody: Self.schema(required: []))) {
            request, context in
            let principal = try context.principal()
            let current = try await view(context.parameters.get("id") ?? "", principal).audience
            let fields = try AudienceFields(patch: try await dependencies.body.read(request), current: current)
            let now = dependencies.now()
            let updated = fields.applied(to: current, now: now)
            guard try await dependencies.audiences.updateAudience(updated, rebuild: updated.conditionJSON != current.conditionJSON, now: now) else {
                throw APIError.notFound("audience")
            }
            return .json(try await view(current.id, principal).document)
        }
        routes.add(.init(method: .delete, path: "/v1/audiences/{id}", summary: "Delete an audience (its key stays taken)", tag: "Audiences", access: .editor, success: .noContent)) {
            request, context in
            let principal = try context.principal()
            guard try await dependencies.audiences.deleteAudience(id: context.parameters.get("id") ?? "", workspaceId: principal.workspaceId, now: dependencies.now())
            else { throw APIError.notFound("audience") }
            return .noContent
        }
        routes.add(.init(method: .get, path: "/v1/audiences/{id}/members", summary: "List an audience's members", tag: "Audiences", access: .viewer, query: ["limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let audience = try await view(context.parameters.get("id") ?? "", principal).audience
            let page = try await dependencies.profiles.listProfiles(
                workspaceId: principal.workspaceId, audienceId: audience.id, search: nil, page: try QueryReader(request).keyPage())
            return .json(page.document(\.document))
        }
    }

    private func view(_ id: String, _ principal: Principal) async throws -> AudienceView {
        guard let view = try await dependencies.audiences.audience(id: id, workspaceId: principal.workspaceId) else { throw APIError.notFound("audience") }
        return view
    }

    private func audienceByKey(_ key: String, workspaceId: String) async throws -> Audience? {
        var page = PageRequest(limit: PageRequest.maximumLimit)
        while true {
            let audiences = try await dependencies.audiences.listAudiences(workspaceId: workspaceId, page: page)
            if let found = audiences.items.first(where: { $0.audience.key == key || $0.audience.id == key }) { return found.audience }
            guard let next = audiences.nextCursor else { return nil }
            page.cursor = next
        }
    }

    static func schema(required: [String]) -> JSONValue {
        Schema.object(
            ["key": Schema.name, "name": Schema.name, "condition": Schema.anyObject, "emitOnBuild": ["type": "boolean"]], required: required)
    }
}

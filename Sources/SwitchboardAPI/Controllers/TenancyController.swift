import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardServices
import SwitchboardStorage

/// Workspaces and API keys: admin keys only. An admin manages its own workspace and the
/// workspaces it created; every other workspace is invisible to it (404).
struct TenancyController {
    let dependencies: Dependencies

    func register(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/workspaces", summary: "List workspaces", tag: "Tenancy", access: .admin, query: ["limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let page = try await dependencies.tenancy.listWorkspaces(
                visibleTo: principal.workspaceId, page: QueryReader(request).page(of: .workspace))
            return .json(page.document(Self.document))
        }
        routes.add(
            .init(
                method: .post, path: "/v1/workspaces", summary: "Create a workspace", tag: "Tenancy", access: .admin,
                requestBody: Schema.object(["name": Schema.name], required: ["name"]), success: .created)
        ) { request, context in
            let principal = try context.principal()
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            let workspace = Workspace(
                id: dependencies.identifiers.make(.workspace), name: try fields.requiredString("name"),
                parentId: principal.workspaceId, createdAt: dependencies.now())
            try await dependencies.tenancy.createWorkspace(workspace)
            return .json(Self.document(workspace), status: .created)
        }
        registerKeys(on: routes)
    }

    private func registerKeys(on routes: APIRouteBuilder) {
        routes.add(.init(method: .get, path: "/v1/keys", summary: "List API keys", tag: "Tenancy", access: .admin, query: ["workspaceId", "limit", "cursor"])) {
            request, context in
            let principal = try context.principal()
            let query = QueryReader(request)
            let workspace = try await managedWorkspace(query.string("workspaceId") ?? principal.workspaceId, by: principal, field: "workspaceId")
            let page = try await dependencies.tenancy.listAPIKeys(workspaceId: workspace.id, page: query.page(of: .apiKey))
            return .json(page.document { Self.document($0) })
        }
        routes.add(
            .init(
                method: .post, path: "/v1/keys", summary: "Create an API key (the key is shown only in this response)", tag: "Tenancy", access: .admin,
                requestBody: Schema.object(
                    ["name": Schema.name, "role": Schema.oneOf(Role.allCases.map(\.rawValue)), "workspaceId": Schema.string],
                    required: ["name", "role"]),
                success: .created)
        ) { request, context in
            let principal = try context.principal()
            let fields = try JSONObjectReader(try await dependencies.body.read(request))
            let name = try fields.requiredString("name")
            guard let role = try fields.enumeration("role", as: Role.self) else {
                throw APIError.validation(field: "role", "role is required: \"admin\", \"editor\" or \"viewer\"")
            }
            let workspace = try await managedWorkspace(
                try fields.string("workspaceId") ?? principal.workspaceId, by: principal, field: "workspaceId", missing: .validation)
            let secret = Secrets.newAPIKey()
            let key = APIKey(
                id: dependencies.identifiers.make(.apiKey), name: name, role: role, workspaceId: workspace.id,
                keyHash: Secrets.hash(apiKey: secret), createdAt: dependencies.now())
            try await dependencies.tenancy.createAPIKey(key)
            return .json(Self.document(key, secret: secret), status: .created)
        }
        routes.add(.init(method: .delete, path: "/v1/keys/{id}", summary: "Revoke an API key", tag: "Tenancy", access: .admin, success: .noContent)) {
            request, context in
            let principal = try context.principal()
            let id = context.parameters.get("id") ?? ""
            guard let key = try await dependencies.tenancy.apiKey(id: id),
                (try? await managedWorkspace(key.workspaceId, by: principal, field: "id")) != nil
            else { throw APIError.notFound("API key") }
            _ = try await dependencies.tenancy.deleteAPIKey(id: key.id)
            return .noContent
        }
    }

    private enum MissingWorkspace { case notFound, validation }

    /// The workspace if the principal's admin may manage it: its own, or one it created.
    private func managedWorkspace(
        _ id: String, by principal: Principal, field: String, missing: MissingWorkspace = .notFound
    ) async throws -> Workspace {
        if let workspace = try await dependencies.tenancy.workspace(id: id),
            workspace.id == principal.workspaceId || workspace.parentId == principal.workspaceId
        {
            return workspace
        }
        switch missing {
        case .notFound: throw APIError.notFound("workspace")
        case .validation: throw APIError.validation(field: field, "no such workspace")
        }
    }
}

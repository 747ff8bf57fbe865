import Foundation
import Hummingbird
import SwitchboardCore
import SwitchboardStorage

/// Keys and workspaces, for admins: this workspace's keys and those of the workspaces it made;
/// a new key is shown once, a revoked one stops at once (sessions included).
struct KeyPages {
    let panel: AdminPanel

    func register(on group: RouterGroup<AdminRequestContext>) {
        group.get("keys") { request, context in
            let user = try context.admin()
            let workspaceId = FormFields(encoded: request.uri.query ?? "")["workspace"] ?? user.workspaceId
            return try await page(user: user, workspaceId: workspaceId, values: [:], notice: nil, error: nil)
        }
        group.post("keys") { _, context in
            let user = try context.admin()
            let (name, roleText) = ((context.form.raw("name") ?? "").trimmingCharacters(in: .whitespaces), context.form.raw("role") ?? "")
            let workspace = try await managed(context.form.raw("workspaceId") ?? user.workspaceId, user)
            guard !name.isEmpty, name.count <= 200, let role = Role(rawValue: roleText) else {
                var response = try await page(
                    user: user, workspaceId: workspace.id, values: ["name": name], notice: nil, error: "A key needs a name (up to 200 characters) and a role.")
                response.status = .unprocessableContent
                return response
            }
            let secret = Secrets.newAPIKey()
            try await panel.storage.createAPIKey(
                APIKey(id: panel.identifiers.make(.apiKey), name: name, role: role, workspaceId: workspace.id, keyHash: Secrets.hash(apiKey: secret), createdAt: panel.now()))
            return try await page(user: user, workspaceId: workspace.id, values: [:], notice: nil, error: nil, secret: ["name": name, "key": secret])
        }
        group.post("keys/{id}/revoke") { _, context in
            let user = try context.admin()
            guard let key = try await panel.storage.apiKey(id: context.parameters.get("id") ?? "") else { throw AdminError.notFound("There is no such key.") }
            let workspace = try await managed(key.workspaceId, user)
            _ = try await panel.storage.deleteAPIKey(id: key.id)
            // Revoking the key this session signed in with ends the session at its next request.
            return try await page(user: user, workspaceId: workspace.id, values: [:], notice: "Key \(key.name) revoked: it works nowhere any more.", error: nil)
        }
        group.post("workspaces") { _, context in
            let user = try context.admin()
            let name = (context.form.raw("workspaceName") ?? "").trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 200 else {
                var response = try await page(user: user, workspaceId: user.workspaceId, values: [:], notice: nil, error: "A workspace needs a name (up to 200 characters).")
                response.status = .unprocessableContent
                return response
            }
            let workspace = Workspace(id: panel.identifiers.make(.workspace), name: name, parentId: user.workspaceId, createdAt: panel.now())
            try await panel.storage.createWorkspace(workspace)
            return try await page(user: user, workspaceId: workspace.id, values: [:], notice: "Workspace \(name) created: add its first key below.", error: nil)
        }
    }

    /// The workspace if this admin manages it: its own, or one it made (as the API decides).
    private func managed(_ id: String, _ user: AdminUser) async throws -> Workspace {
        guard let workspace = try await panel.storage.workspace(id: id), workspace.id == user.workspaceId || workspace.parentId == user.workspaceId else {
            throw AdminError.notFound("There is no such workspace among those this key manages.")
        }
        return workspace
    }

    private func page(
        user: AdminUser, workspaceId: String, values: [String: String], notice: String?, error: String?, secret: [String: String]? = nil
    ) async throws -> Response {
        let workspace = try await managed(workspaceId, user)
        let workspaces = try await panel.storage.listWorkspaces(visibleTo: user.workspaceId, page: PageRequest(limit: PageRequest.maximumLimit))
        let keys = try await panel.storage.listAPIKeys(workspaceId: workspace.id, page: PageRequest(limit: PageRequest.maximumLimit))
        var data: [String: Any] = [
            "workspaceId": workspace.id, "workspaceName": workspace.name, "name": values["name"] ?? "",
            "workspaces": workspaces.items.map { ["id": $0.id, "name": $0.name, "selected": $0.id == workspace.id] as [String: Any] },
            "keys": keys.items.map { key in
                ["id": key.id, "name": key.name, "role": key.role.rawValue, "created": AdminFormat.time(key.createdAt), "current": key.id == user.keyId] as [String: Any]
            },
            "roles": Role.allCases.map { ["value": $0.rawValue, "selected": $0 == .viewer] as [String: Any] },
        ]
        if let notice { data["notice"] = notice }
        if let error { data["error"] = error }
        if let secret { data["secret"] = secret }
        return panel.renderer.page("keys", title: "Keys and workspaces", data: data, user: user, section: "keys")
    }
}

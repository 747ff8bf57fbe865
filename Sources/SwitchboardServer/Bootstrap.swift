import Foundation
import SwitchboardCore
import SwitchboardStorage

/// First start: a root workspace, and an admin key (the given one, or a new one to show once).
public enum Bootstrap {
    /// Returns a newly made admin key that must be shown to the operator, or nil.
    public static func run(storage: any TenancyStore, adminKey: String?, identifiers: IdentifierGenerator, now: Date) async throws -> String? {
        let workspace: Workspace
        if let root = try await storage.rootWorkspace() {
            workspace = root
        } else {
            workspace = Workspace(id: identifiers.make(.workspace), name: "Default", parentId: nil, createdAt: now)
            try await storage.createWorkspace(workspace)
        }
        func register(_ key: String, name: String) async throws {
            try await storage.createAPIKey(
                APIKey(id: identifiers.make(.apiKey), name: name, role: .admin, workspaceId: workspace.id, keyHash: Secrets.hash(apiKey: key), createdAt: now))
        }
        if let adminKey, !adminKey.isEmpty {
            if try await storage.apiKey(hash: Secrets.hash(apiKey: adminKey)) == nil {
                try await register(adminKey, name: "SWITCHBOARD_ADMIN_KEY")
            }
            return nil
        }
        guard try await storage.countAPIKeys() == 0 else { return nil }
        let key = Secrets.newAPIKey()
        try await register(key, name: "first admin key")
        return key
    }
}

import SwitchboardCore

/// Workspaces and the API keys that act in them.
public protocol TenancyStore: Sendable {
    func createWorkspace(_ workspace: Workspace) async throws
    func workspace(id: String) async throws -> Workspace?
    /// The workspace itself and the ones it created.
    func listWorkspaces(visibleTo workspaceId: String, page: PageRequest) async throws -> Page<Workspace>
    /// The first workspace created without a parent: where the bootstrap admin key lives.
    func rootWorkspace() async throws -> Workspace?

    func createAPIKey(_ key: APIKey) async throws
    func apiKey(hash: String) async throws -> APIKey?
    func apiKey(id: String) async throws -> APIKey?
    func listAPIKeys(workspaceId: String, page: PageRequest) async throws -> Page<APIKey>
    func deleteAPIKey(id: String) async throws -> Bool
    func countAPIKeys() async throws -> Int
}

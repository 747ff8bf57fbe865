import SwitchboardCore

/// Where events come from, each with its write key.
public protocol SourceStore: Sendable {
    func createSource(_ source: Source) async throws
    func source(id: String, workspaceId: String) async throws -> Source?
    func source(writeKey: String) async throws -> Source?
    /// Any workspace's source by id: `/ingest/{sourceId}` names no workspace (the id is globally unique).
    func source(id: String) async throws -> Source?
    func listSources(workspaceId: String, page: PageRequest) async throws -> Page<Source>
    func updateSource(_ source: Source) async throws -> Bool
    func deleteSource(id: String, workspaceId: String) async throws -> Bool
}

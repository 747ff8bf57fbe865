import Foundation
import SwitchboardCore

/// Filters of the event explorer.
public struct EventFilter: Sendable, Equatable {
    public var name: String?
    public var userId: String?
    public var type: EventType?
    public var sourceId: String?
    /// Only events received at or after this time.
    public var since: Date?

    public init(name: String? = nil, userId: String? = nil, type: EventType? = nil, sourceId: String? = nil, since: Date? = nil) {
        self.name = name
        self.userId = userId
        self.type = type
        self.sourceId = sourceId
        self.since = since
    }
}

/// Everything Switchboard keeps, behind one narrow interface with one implementation per
/// database. Implementations hold no state that the database should own, so several
/// processes can share one database.
public protocol Storage: Sendable {
    /// Creates or upgrades the schema.
    func migrate() async throws
    /// Succeeds when the database answers.
    func ping() async throws

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

    func createSource(_ source: Source) async throws
    func source(id: String, workspaceId: String) async throws -> Source?
    func source(writeKey: String) async throws -> Source?
    func listSources(workspaceId: String, page: PageRequest) async throws -> Page<Source>
    func updateSource(_ source: Source) async throws -> Bool
    func deleteSource(id: String, workspaceId: String) async throws -> Bool

    /// Stores events in one transaction; an event whose `messageId` its source already has is
    /// skipped. Returns how many were new. Returns only once the transaction is durable.
    @discardableResult
    func insertEvents(_ events: [Event]) async throws -> Int
    func event(id: String, workspaceId: String) async throws -> Event?
    /// Newest first.
    func listEvents(workspaceId: String, filter: EventFilter, page: PageRequest) async throws -> Page<Event>
}

/// A storage failure a caller can act on.
public enum StorageError: Error, Equatable, Sendable {
    /// A uniqueness or reference rule of the schema refused the write.
    case conflict(String)
}

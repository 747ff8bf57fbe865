import Foundation
import SwitchboardCore

/// The catalogue of event names a workspace knows, with optional schemas.
public protocol EventTypeStore: Sendable {
    func listEventTypes(workspaceId: String) async throws -> [EventTypeRecord]
    func createEventType(_ type: EventTypeRecord) async throws
    func deleteEventType(workspaceId: String, name: String) async throws -> Bool
}

/// A catalogue entry.
public struct EventTypeRecord: Sendable, Equatable {
    public var workspaceId: String
    public var name: String
    public var description: String?
    public var schema: JSONValue?
    public var createdAt: Date

    public init(workspaceId: String, name: String, description: String?, schema: JSONValue?, createdAt: Date) {
        self.workspaceId = workspaceId
        self.name = name
        self.description = description
        self.schema = schema
        self.createdAt = createdAt
    }
}

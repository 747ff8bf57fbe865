import Foundation

/// The isolation unit: every resource belongs to exactly one workspace.
public struct Workspace: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The workspace whose admin created this one; its admins manage this one's keys.
    public var parentId: String?
    public var createdAt: Date

    public init(id: String, name: String, parentId: String?, createdAt: Date) {
        self.id = id
        self.name = name
        self.parentId = parentId
        self.createdAt = createdAt
    }
}

/// What an API key may do.
public enum Role: String, Sendable, CaseIterable {
    case admin
    case editor
    case viewer

    public func allows(_ access: Access) -> Bool {
        switch access {
        case .read: true
        case .write: self != .viewer
        case .administer: self == .admin
        }
    }
}

/// The kinds of access a route needs.
public enum Access: Sendable {
    /// Reading workspace resources.
    case read
    /// Changing workspace resources.
    case write
    /// Workspaces and keys.
    case administer
}

/// A stored API key: the key itself is never kept, only its hash.
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: Role
    public var workspaceId: String
    public var keyHash: String
    public var createdAt: Date

    public init(id: String, name: String, role: Role, workspaceId: String, keyHash: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.role = role
        self.workspaceId = workspaceId
        self.keyHash = keyHash
        self.createdAt = createdAt
    }
}

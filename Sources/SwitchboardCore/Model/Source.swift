import Foundation

/// Where events come from.
public enum SourceType: String, Sendable, CaseIterable {
    case segment
    case webhook
    case openloyalty
    case brazeCurrents = "braze-currents"
}

public struct Source: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var name: String
    public var type: SourceType
    /// How the source proves what it sends (token header, basic, HMAC, Standard Webhooks).
    public var verification: JSONValue?
    public var eventNamePrefix: String?
    /// Segment sources only: the key Segment SDKs send as the Basic auth user name.
    public var writeKey: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, workspaceId: String, name: String, type: SourceType, verification: JSONValue?,
        eventNamePrefix: String?, writeKey: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.workspaceId = workspaceId
        self.name = name
        self.type = type
        self.verification = verification
        self.eventNamePrefix = eventNamePrefix
        self.writeKey = writeKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The ways a source may verify what it receives.
public enum VerificationType: String, Sendable, CaseIterable {
    case token
    case basic
    case hmacSHA256 = "hmac-sha256"
    case standardWebhooks = "standard-webhooks"
}

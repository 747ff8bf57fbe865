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
    /// How inbound bodies become events (`transform`, `itemsPath`, `eventName`, `userIdField`).
    public var settings: InboundSettings
    /// Segment sources only: the key Segment SDKs send as the Basic auth user name.
    public var writeKey: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, workspaceId: String, name: String, type: SourceType, verification: JSONValue?,
        eventNamePrefix: String?, settings: InboundSettings = InboundSettings(), writeKey: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.workspaceId = workspaceId
        self.name = name
        self.type = type
        self.verification = verification
        self.eventNamePrefix = eventNamePrefix
        self.settings = settings
        self.writeKey = writeKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The ways a source may verify what it receives.
public enum VerificationType: String, Sendable, CaseIterable {
    case token
    case basic
    case hmac
    case standardWebhooks = "standard-webhooks"
}

extension Source {
    /// Verification settings that are not secrets, so responses show them; every other setting
    /// (`secret`, `password`, a `token`, anything unknown) is write-only, as destinations' secrets are.
    public static let shownVerificationFields: Set<String> = ["type", "header", "username", "algorithm", "encoding", "prefix", "timestampHeader"]

    /// `verification` as every response shows it: without its secrets.
    public var shownVerification: JSONValue? {
        guard let fields = verification?.objectValue else { return verification.map { _ in [:] } }
        return .object(fields.filter { Self.shownVerificationFields.contains($0.key) })
    }

    /// New verification settings that keep the stored secrets they leave out, when the type stays:
    /// a client that sends back what it read (secrets absent) does not wipe them; `null` clears one.
    public static func verification(_ new: JSONValue?, keepingSecretsOf old: JSONValue?) -> JSONValue? {
        guard var fields = new?.objectValue, let stored = old?.objectValue, fields["type"] == stored["type"] else { return new }
        for (key, value) in stored where !shownVerificationFields.contains(key) && fields[key] == nil {
            fields[key] = value
        }
        return .object(fields)
    }
}

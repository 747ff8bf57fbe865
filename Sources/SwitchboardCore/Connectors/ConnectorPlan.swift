import Foundation

/// What a connector install creates, in order: destinations, then the one-off setup requests
/// (e.g. Braze's cohort), then subscriptions and syncs, which point at destinations by index.
public struct ConnectorPlan: Sendable {
    public struct DestinationSpec: Sendable {
        public var name: String
        public var url: String
        public var method: HTTPMethodName = .post
        /// Where secret parameters go (shown as any destination header is).
        public var headers: [String: String] = [:]
        public var signing: SigningScheme = .none
        /// A signing secret of the user's (Segment's shared secret); nil: a new one.
        public var secret: String? = nil
        public var rateLimitPerSecond: Int? = nil
        public var batching: Destination.Batching? = nil
        /// The parameter its URL came from: an address the server refuses is reported there.
        public var urlField = "parameters.url"
    }

    public struct SubscriptionSpec: Sendable {
        public var destination: Int
        public var name: String
        public var eventNames: [String]
        public var condition: Condition? = nil
        public var mapping: Mapping? = nil
        public var format: BodyFormat = .event
    }

    public struct SyncSpec: Sendable {
        public var destination: Int
        /// The audience by its key; the service finds its id.
        public var audienceKey: String
        public var intervalSeconds: Int?
        public var mode: SyncMode = .diff
        public var batchSize: Int
        public var mapping: Mapping?
    }

    /// A request sent once at install through the guarded sender; a non-2xx answer undoes the install.
    public struct SetupRequest: Sendable {
        /// What it does, for the error message (never its body, which may hold secrets).
        public var purpose: String
        /// The parameter an error is reported on.
        public var field: String
        public var request: RenderedRequest
    }

    public var destinations: [DestinationSpec] = []
    public var setupRequests: [SetupRequest] = []
    public var subscriptions: [SubscriptionSpec] = []
    public var syncs: [SyncSpec] = []

    public init() {}
}

extension Mapping {
    /// A mapping a connector writes: its templates are the connector's own, parameters inside
    /// them were checked to hold no `{{`, so a failure here is a bug, reported on `parameters`.
    static func preset(_ json: JSONValue) throws(ValidationError) -> Mapping {
        try Mapping(validating: json, path: "parameters")
    }
}

import Foundation

/// Where and how to send: URL, method, headers, signing, timeouts, retries and controls.
public struct Destination: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var name: String
    public var url: String
    public var method: HTTPMethodName
    public var headers: [String: String]
    public var signing: SigningScheme
    public var secret: String
    /// The secret before the last rotation; it keeps signing until `previousSecretExpiresAt`.
    public var previousSecret: String?
    public var previousSecretExpiresAt: Date?
    public var timeoutMs: Int
    public var retrySchedule: [Int]
    public var rateLimitPerSecond: Int?
    public var maxConcurrency: Int?
    public var batching: Batching?
    public var ordering: Ordering
    public var activeFrom: Date?
    public var enabled: Bool
    public var disabledReason: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// The connector that installed it (`POST /v1/connectors/{name}/install`), nil for others.
    public var connector: String?

    public struct Batching: Sendable, Equatable {
        public var maxSize: Int
        public var maxWaitMs: Int
        /// How the batched bodies become one request body.
        public var combine: BatchCombine
        public init(maxSize: Int, maxWaitMs: Int, combine: BatchCombine = .array) {
            self.maxSize = maxSize
            self.maxWaitMs = maxWaitMs
            self.combine = combine
        }
    }

    public enum Ordering: String, Sendable, CaseIterable {
        case none
        case perUser = "per-user"
    }

    public init(
        id: String, workspaceId: String, name: String, url: String, method: HTTPMethodName = .post, headers: [String: String] = [:],
        signing: SigningScheme = .standardWebhooks, secret: String, previousSecret: String? = nil, previousSecretExpiresAt: Date? = nil,
        timeoutMs: Int = 15_000, retrySchedule: [Int] = RetryPolicy.defaultSchedule, rateLimitPerSecond: Int? = nil,
        maxConcurrency: Int? = nil, batching: Batching? = nil, ordering: Ordering = .none, activeFrom: Date? = nil,
        enabled: Bool = true, disabledReason: String? = nil, createdAt: Date, updatedAt: Date, connector: String? = nil
    ) {
        self.connector = connector
        self.id = id
        self.workspaceId = workspaceId
        self.name = name
        self.url = url
        self.method = method
        self.headers = headers
        self.signing = signing
        self.secret = secret
        self.previousSecret = previousSecret
        self.previousSecretExpiresAt = previousSecretExpiresAt
        self.timeoutMs = timeoutMs
        self.retrySchedule = retrySchedule
        self.rateLimitPerSecond = rateLimitPerSecond
        self.maxConcurrency = maxConcurrency
        self.batching = batching
        self.ordering = ordering
        self.activeFrom = activeFrom
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The secrets that sign at `now`: the current one, and the previous one while it lasts.
    public func signingSecrets(at now: Date) -> [String] {
        if let previousSecret, let expiry = previousSecretExpiresAt, expiry > now { return [secret, previousSecret] }
        return [secret]
    }

    public var retryPolicy: RetryPolicy { RetryPolicy(schedule: retrySchedule) }
}

/// What to send to a destination: which events, under which condition, shaped how.
public struct Subscription: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var destinationId: String
    public var name: String
    /// Routing names, or `["*"]` for every event.
    public var eventNames: [String]
    public var condition: Condition?
    public var mapping: Mapping?
    public var format: BodyFormat
    public var enabled: Bool
    public var createdAt: Date
    public var updatedAt: Date
    /// The connector that installed it, nil for others.
    public var connector: String?

    public init(
        id: String, workspaceId: String, destinationId: String, name: String, eventNames: [String], condition: Condition?,
        mapping: Mapping?, format: BodyFormat = .event, enabled: Bool = true, createdAt: Date, updatedAt: Date, connector: String? = nil
    ) {
        self.connector = connector
        self.id = id
        self.workspaceId = workspaceId
        self.destinationId = destinationId
        self.name = name
        self.eventNames = eventNames
        self.condition = condition
        self.mapping = mapping
        self.format = format
        self.enabled = enabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the event goes to this subscription: its name is listed (or `*`) and the condition holds.
    public func matches(_ event: Event, profile: JSONValue? = nil) -> Bool {
        guard enabled, eventNames.contains("*") || eventNames.contains(event.name) else { return false }
        guard let condition else { return true }
        return condition.matches(RequestRenderer.conditionDocument(event: event, profile: profile))
    }
}

/// How a batching destination joins the bodies of a batch into one request body.
public enum BatchCombine: String, Sendable, CaseIterable {
    /// A JSON array of the bodies (Segment's batching).
    case array
    /// One JSON object: array fields concatenated, equal scalars kept once (Braze /users/track, Heap bulk track).
    case merge
}

/// The body a subscription sends when it has no body template.
public enum BodyFormat: String, Sendable, CaseIterable {
    /// The whole event, as Segment's webhooks send it.
    case event
    /// `{"type": <routing name>, "timestamp", "data": <event>}`
    case standardWebhooks = "standard-webhooks"
    /// Open Loyalty's legacy webhook body: `{"type": "customer.registered", "data": {...}}`.
    case openloyaltyLegacy = "openloyalty-legacy"
}

public enum DeliveryStatus: String, Sendable, CaseIterable {
    case pending, succeeded, failed, cancelled
}

/// One attempt at sending a delivery.
public struct Attempt: Sendable, Equatable {
    public var number: Int
    public var at: Date
    public var durationMs: Int
    public var responseStatus: Int?
    /// Cut at 4 KiB.
    public var responseBody: String?
    public var error: DeliveryErrorKind?

    public static let maximumBodyBytes = 4096

    public init(number: Int, at: Date, durationMs: Int, responseStatus: Int?, responseBody: String?, error: DeliveryErrorKind?) {
        self.number = number
        self.at = at
        self.durationMs = durationMs
        self.responseStatus = responseStatus
        self.responseBody = responseBody
        self.error = error
    }
}

/// One (event, subscription) pair to send, and what happened so far.
public struct Delivery: Sendable, Equatable {
    public var id: String
    public var workspaceId: String
    public var eventId: String
    public var subscriptionId: String
    public var destinationId: String
    public var status: DeliveryStatus
    public var attemptCount: Int
    public var nextAttemptAt: Date?
    public var createdAt: Date
    public var attempts: [Attempt]

    public init(
        id: String, workspaceId: String, eventId: String, subscriptionId: String, destinationId: String, status: DeliveryStatus,
        attemptCount: Int, nextAttemptAt: Date?, createdAt: Date, attempts: [Attempt] = []
    ) {
        self.id = id
        self.workspaceId = workspaceId
        self.eventId = eventId
        self.subscriptionId = subscriptionId
        self.destinationId = destinationId
        self.status = status
        self.attemptCount = attemptCount
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
        self.attempts = attempts
    }
}

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
public protocol Storage: DeliveryStorage {
    /// Creates or upgrades the schema.
    func migrate() async throws
    /// Succeeds when the database answers.
    func ping() async throws
    /// Lets go of the database's connections (tests; a server keeps them until it exits).
    func close()

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

    /// Which subscriptions each event goes to: reads the candidates (no write lock, no transaction
    /// others wait on) and evaluates their conditions. The first half of storing events.
    func routeEvents(_ events: [Event]) async throws -> [RoutedEvent]
    /// Stores routed events in one transaction, with a pending delivery for each subscription each
    /// new event matched that is still enabled; an event whose `messageId` its source already has
    /// is skipped. No condition is evaluated inside. Returns how many were new, once durable.
    @discardableResult
    func insertEvents(_ events: [RoutedEvent]) async throws -> Int
    func event(id: String, workspaceId: String) async throws -> Event?
    /// Newest first.
    func listEvents(workspaceId: String, filter: EventFilter, page: PageRequest) async throws -> Page<Event>

    // Several processes on one database.

    /// Calls `wake` whenever any process adds due work, until the task is cancelled. Storage
    /// that only one process uses returns at once: its own wake signal is enough.
    func watchForWork(_ wake: @escaping @Sendable () -> Void) async throws
    /// Runs `job` unless it is already running, in this process or any other sharing the
    /// database; returns false when it was skipped. For schedules that must run once.
    func runExclusively(_ name: String, _ job: @Sendable () async throws -> Void) async throws -> Bool
}

/// A storage failure a caller can act on.
public enum StorageError: Error, Equatable, Sendable {
    /// A uniqueness or reference rule of the schema refused the write.
    case conflict(String)
    /// `--database` looked like a PostgreSQL URL but is not one Switchboard can use.
    case invalidDatabaseURL
    /// The lock an exclusive job takes could not be opened.
    case lockUnavailable(String)
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

/// Filters of the activity log.
public struct DeliveryFilter: Sendable, Equatable {
    public var status: DeliveryStatus?
    public var destinationId: String?
    public var subscriptionId: String?
    public var eventId: String?
    public var since: Date?

    public init(status: DeliveryStatus? = nil, destinationId: String? = nil, subscriptionId: String? = nil, eventId: String? = nil, since: Date? = nil) {
        self.status = status
        self.destinationId = destinationId
        self.subscriptionId = subscriptionId
        self.eventId = eventId
        self.since = since
    }
}

/// Leased work: one delivery, or a batch of one subscription's deliveries, to send as one request.
public struct DeliveryJob: Sendable {
    public var deliveries: [Delivery]
    public var subscription: Subscription
    public var destination: Destination
    /// When the destination's rate limit lets this request start (nil: at once).
    public var startAt: Date?
    /// The events as stored: parsed on access, by whichever task sends the request.
    let storedEvents: [RawEvent]

    /// The events of `deliveries`, in the same order.
    public var events: [Event] { storedEvents.map(Event.init(raw:)) }

    init(deliveries: [Delivery], storedEvents: [RawEvent], subscription: Subscription, destination: Destination, startAt: Date?) {
        self.deliveries = deliveries
        self.storedEvents = storedEvents
        self.subscription = subscription
        self.destination = destination
        self.startAt = startAt
    }
}

/// The outcome of one attempt, to record with the delivery's next state.
public struct AttemptRecord: Sendable {
    public var deliveryId: String
    public var destinationId: String
    public var attempt: Attempt
    public var decision: DeliveryDecision

    public init(deliveryId: String, destinationId: String, attempt: Attempt, decision: DeliveryDecision) {
        self.deliveryId = deliveryId
        self.destinationId = destinationId
        self.attempt = attempt
        self.decision = decision
    }
}

/// Routing, configuration and delivery state.
public protocol DeliveryStorage: Sendable {
    func listEventTypes(workspaceId: String) async throws -> [EventTypeRecord]
    func createEventType(_ type: EventTypeRecord) async throws
    func deleteEventType(workspaceId: String, name: String) async throws -> Bool

    func createDestination(_ destination: Destination) async throws
    func destination(id: String, workspaceId: String) async throws -> Destination?
    func listDestinations(workspaceId: String, search: String?, page: PageRequest) async throws -> Page<Destination>
    func updateDestination(_ destination: Destination) async throws -> Bool
    func deleteDestination(id: String, workspaceId: String) async throws -> Bool

    func createSubscription(_ subscription: Subscription) async throws
    func subscription(id: String, workspaceId: String) async throws -> Subscription?
    func listSubscriptions(workspaceId: String, destinationId: String?, page: PageRequest) async throws -> Page<Subscription>
    func updateSubscription(_ subscription: Subscription) async throws -> Bool
    func deleteSubscription(id: String, workspaceId: String) async throws -> Bool

    /// Newest first, each with its attempts.
    func listDeliveries(workspaceId: String, filter: DeliveryFilter, page: PageRequest) async throws -> Page<Delivery>
    func delivery(id: String, workspaceId: String) async throws -> Delivery?
    /// Puts a delivery back to pending, due now.
    func retryDelivery(id: String, workspaceId: String, now: Date) async throws -> Delivery?
    /// Puts a destination's failed deliveries created in [since, until) back to pending; returns how many.
    func recoverDeliveries(destinationId: String, workspaceId: String, since: Date, until: Date?, now: Date) async throws -> Int

    /// Leases up to `limit` requests' worth of due deliveries of enabled, active destinations for
    /// `leaseSeconds`, under each destination's rate limit, concurrency cap, per-user order and
    /// batching; a lease that expires (its node died) makes the deliveries due again.
    func leaseDeliveries(now: Date, leaseSeconds: Double, limit: Int) async throws -> [DeliveryJob]
    /// Records attempts and moves their deliveries on, in one transaction. A destination whose
    /// attempts have all failed for `disableAfter` is disabled and `Destination Disabled` emitted.
    func recordAttempts(_ records: [AttemptRecord], now: Date, disableAfter: TimeInterval) async throws
    /// Gives leased deliveries back unsent (a missed rate-limit slot): due again at once.
    func releaseLeases(deliveryIds: [String]) async throws
}

import Foundation
import SwitchboardCore

/// What the shared orchestration (`QueueBackend`) asks of one database transaction: each backend
/// fetches rows and applies changes in its own SQL, and decides nothing.
protocol QueueTransaction: Sendable {
    /// The enabled subscriptions of each key's workspace whose event names could match its name.
    func candidateSubscriptions(_ keys: Set<RoutePlanner.Key>) async throws -> [RoutePlanner.Key: [Subscription]]
    /// Inserts the events whose source does not have their `messageId` yet; returns their ids.
    func insertNewEvents(_ events: [Event]) async throws -> Set<String>
    /// A pending delivery, due at the event's receipt, for each matched subscription still enabled,
    /// to that subscription's destination as it is now.
    func insertDeliveries(_ routed: [RoutedEvent]) async throws

    /// Due, unleased deliveries of enabled, active destinations, oldest due first; for per-user
    /// destinations only the head of each user's queue.
    func dueCandidates(now: Date, limit: Int) async throws -> [LeasePlanner.Candidate]
    /// The destinations and the state their controls need (in-flight count, next rate-limit slot).
    func leaseInputs(destinationIds: [String], now: Date) async throws -> [String: LeaseInput]
    /// Reserves rate-limit slots: each destination's next free start.
    func reserveSendSlots(_ nextSendAt: [String: Date]) async throws
    /// Leases the planned sends until `until` (a batch shares one lease group); returns the leased
    /// deliveries with their events as stored, by delivery id.
    func lease(_ sends: [LeasePlanner.Send], until: Date) async throws -> [String: LeasedDelivery]
    func subscriptions(ids: [String]) async throws -> [String: Subscription]

    /// Writes attempts and moves their deliveries to the given states (clearing their leases).
    func writeAttempts(_ attempts: [(record: AttemptRecord, state: DeliveryTransition.State)], now: Date) async throws
    func failingSince(destinationIds: [String]) async throws -> [String: Date]
    func setFailingSince(_ date: Date?, destinationId: String) async throws
    /// The destinations with these ids that still exist.
    func destinations(ids: [String]) async throws -> [String: Destination]
    /// Those of these deliveries that carry an event Switchboard emitted itself.
    func deliveriesOfSystemEvents(ids: [String]) async throws -> Set<String>
    /// Disables the destination if it is enabled; returns it as disabled, or nil when it already was.
    func disableDestination(id: String, reason: String, now: Date) async throws -> Destination?
}

/// A destination as leasing sees it.
struct LeaseInput: Sendable {
    var destination: Destination
    var state: LeasePlanner.DestinationState
}

/// A leased delivery and its event as stored.
struct LeasedDelivery: Sendable {
    var delivery: Delivery
    var event: RawEvent
}

/// How a transaction commits.
enum TransactionKind: Sendable {
    /// Waits for the disk: acknowledged events.
    case durable
    /// Delivery bookkeeping (attempts): the commit does not wait for the disk; losing it in a
    /// machine crash only means a delivery is sent again.
    case bookkeeping
    /// Leasing: bookkeeping, and due work read in index order whatever the planner's statistics say.
    case leasing
}

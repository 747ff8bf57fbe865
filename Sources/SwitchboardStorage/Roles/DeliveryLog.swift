import Foundation
import SwitchboardCore

/// The activity log: deliveries with their attempts, and putting failed ones back in the queue.
public protocol DeliveryLog: Sendable {
    /// Newest first, each with its attempts.
    func listDeliveries(workspaceId: String, filter: DeliveryFilter, page: PageRequest) async throws -> Page<Delivery>
    func delivery(id: String, workspaceId: String) async throws -> Delivery?
    /// Puts a delivery back to pending, due now.
    func retryDelivery(id: String, workspaceId: String, now: Date) async throws -> Delivery?
    /// Puts a destination's failed deliveries created in [since, until) back to pending; returns how many.
    func recoverDeliveries(destinationId: String, workspaceId: String, since: Date, until: Date?, now: Date) async throws -> Int
}

/// Filters of the activity log.
public struct DeliveryFilter: Sendable, Equatable {
    public var status: DeliveryStatus?
    public var destinationId: String?
    public var subscriptionId: String?
    public var eventId: String?
    public var since: Date?
    /// Created before this time.
    public var until: Date?
    /// The routing name of the delivery's event.
    public var eventName: String?

    public init(
        status: DeliveryStatus? = nil, destinationId: String? = nil, subscriptionId: String? = nil, eventId: String? = nil, since: Date? = nil,
        until: Date? = nil, eventName: String? = nil
    ) {
        self.until = until
        self.eventName = eventName
        self.status = status
        self.destinationId = destinationId
        self.subscriptionId = subscriptionId
        self.eventId = eventId
        self.since = since
    }
}

import Foundation
import SwitchboardCore

/// Due deliveries, leased to one sender at a time, and the attempts that move them on.
public protocol DeliveryQueue: Sendable {
    /// Leases up to `limit` requests' worth of due deliveries of enabled, active destinations for
    /// `leaseSeconds`, under each destination's rate limit, concurrency cap, per-user order and
    /// batching; a lease that expires (its node died) makes the deliveries due again. Rate-limited
    /// starts are reserved from `startLead` seconds after `now` (`StartLead`).
    func leaseDeliveries(now: Date, leaseSeconds: Double, limit: Int, startLead: TimeInterval) async throws -> [DeliveryJob]
    /// Records attempts and moves their deliveries on, in one transaction. A destination whose
    /// attempts have all failed for `disableAfter` is disabled and `Destination Disabled` emitted.
    /// Returns true when that added deliveries (new work is due).
    @discardableResult
    func recordAttempts(_ records: [AttemptRecord], now: Date, disableAfter: TimeInterval) async throws -> Bool
    /// Gives leased deliveries back unsent (a missed rate-limit slot, a shutdown): due again at once.
    func releaseLeases(deliveryIds: [String]) async throws
}

extension DeliveryQueue {
    public func leaseDeliveries(now: Date, leaseSeconds: Double, limit: Int) async throws -> [DeliveryJob] {
        try await leaseDeliveries(now: now, leaseSeconds: leaseSeconds, limit: limit, startLead: 0)
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
    /// The profile of the first event's user, as templates see it under `profile` (only loaded
    /// for mappings that mention it).
    public var profile: JSONValue?

    /// The W3C `traceparent` of the request that received the first event (nil: not traced).
    public var traceParent: String? { storedEvents.first?.traceParent }

    /// The events of `deliveries`, in the same order.
    public var events: [Event] { storedEvents.map(Event.init(raw:)) }

    /// The first `count` deliveries as one job, and the others as another (a merged batch that took only some).
    public func split(at count: Int) -> (head: DeliveryJob, tail: DeliveryJob) {
        let count = min(max(count, 1), deliveries.count)
        func part(_ range: Range<Int>) -> DeliveryJob {
            DeliveryJob(
                deliveries: Array(deliveries[range]), storedEvents: Array(storedEvents[range]), subscription: subscription, destination: destination,
                startAt: startAt, profile: profile)
        }
        return (part(0..<count), part(count..<deliveries.count))
    }

    init(deliveries: [Delivery], storedEvents: [RawEvent], subscription: Subscription, destination: Destination, startAt: Date?, profile: JSONValue? = nil) {
        self.profile = profile
        self.deliveries = deliveries
        self.storedEvents = storedEvents
        self.subscription = subscription
        self.destination = destination
        self.startAt = startAt
    }
}

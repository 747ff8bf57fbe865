import Foundation
import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers

/// Destinations as the API and the admin panel change them: every saved URL passes the address
/// check, a rotated secret keeps signing for a day, re-enabling and recovery signal new work.
public struct DestinationService: Sendable {
    let destinations: any DestinationStore
    let deliveries: any DeliveryLog
    let sender: WebhookSender
    let work: WorkSignal
    let now: @Sendable () -> Date
    /// Where `Destination Recovered` goes when a destination is enabled again.
    let events: (any EventLog)?
    let identifiers: IdentifierGenerator

    /// How long the previous secret keeps signing after a rotation.
    public static let rotationOverlap: TimeInterval = 24 * 3600

    public init(
        destinations: any DestinationStore, deliveries: any DeliveryLog, sender: WebhookSender, work: WorkSignal,
        now: @escaping @Sendable () -> Date, events: (any EventLog)? = nil, identifiers: IdentifierGenerator = IdentifierGenerator()
    ) {
        self.events = events
        self.identifiers = identifiers
        self.destinations = destinations
        self.deliveries = deliveries
        self.sender = sender
        self.work = work
        self.now = now
    }

    public func create(_ destination: Destination) async throws {
        try await checkAddress(destination.url)
        try await destinations.createDestination(destination)
    }

    /// Saves a changed destination; nil when it no longer exists.
    public func update(_ destination: Destination, was previous: Destination) async throws -> Destination? {
        try await checkAddress(destination.url)
        var destination = destination
        destination.updatedAt = now()
        guard try await destinations.updateDestination(destination) else { return nil }
        // Re-enabling resumes the deliveries that waited, and tells whoever subscribed.
        if destination.enabled, !previous.enabled {
            if let events {
                let event = SystemEvents.destinationRecovered(destination, because: .enabled, at: destination.updatedAt, id: identifiers.make(.event))
                _ = try await events.insertEvents(try await events.routeEvents([event]))
            }
            work.workIsDue()
        }
        return destination
    }

    /// A new signing secret (the given one, or a fresh one); the previous one signs for `rotationOverlap` more.
    public func rotateSecret(of destination: Destination, to secret: String?) async throws -> Destination? {
        var destination = destination
        let now = now()
        destination.previousSecret = destination.secret
        destination.previousSecretExpiresAt = now.addingTimeInterval(Self.rotationOverlap)
        destination.secret = secret ?? WebhookSigner.newSecret()
        destination.updatedAt = now
        return try await destinations.updateDestination(destination) ? destination : nil
    }

    /// Sends one event now, as a delivery would be sent, and returns what went and what came back.
    public func testSend(to destination: Destination, event: Event) async throws -> (request: RenderedRequest, result: SendResult) {
        let subscription = Subscription(
            id: "sub_test", workspaceId: destination.workspaceId, destinationId: destination.id, name: "test", eventNames: ["*"], condition: nil,
            mapping: nil, createdAt: now(), updatedAt: now())
        let request = try RequestRenderer.signedRequest(
            event: event, subscription: subscription, destination: destination, deliveryId: "msg_test_" + event.id.dropFirst(4), at: now())
        return (request, await sender.send(request, timeoutMs: destination.timeoutMs))
    }

    /// Sends one request now through the guarded sender (the address check applies), as the test send does.
    public func sendOnce(_ request: RenderedRequest, timeoutMs: Int) async -> SendResult {
        await sender.send(request, timeoutMs: timeoutMs)
    }

    /// Puts the destination's failed deliveries created in [since, until) back in the queue.
    public func recover(_ destination: Destination, since: Date, until: Date?) async throws -> Int {
        let count = try await deliveries.recoverDeliveries(
            destinationId: destination.id, workspaceId: destination.workspaceId, since: since, until: until, now: now())
        if count > 0 { work.workIsDue() }
        return count
    }

    private func checkAddress(_ url: String) async throws {
        if let refusal = await sender.addressGuard.refusal(for: url) {
            throw ValidationError(field: "url", "\(refusal): destinations on loopback, private or link-local networks are refused")
        }
    }
}

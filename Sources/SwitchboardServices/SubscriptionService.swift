import Foundation
import SwitchboardCore
import SwitchboardStorage

/// What a subscription would do with an event, without sending anything.
public struct SubscriptionService: Sendable {
    let destinations: any DestinationStore
    let profiles: any ProfileStore
    let now: @Sendable () -> Date

    public init(destinations: any DestinationStore, profiles: any ProfileStore, now: @escaping @Sendable () -> Date) {
        self.destinations = destinations
        self.profiles = profiles
        self.now = now
    }

    /// The request the event would be sent as, or nil when it would not match (a paused
    /// subscription is previewed as if enabled). Conditions and templates see the stored profile
    /// of the event's user, as they would had the event just been received. A signature over a body the caller chose is as
    /// good as the secret: it is shown only when `revealSignature`, else a placeholder.
    public func preview(_ subscription: Subscription, event: Event, revealSignature: Bool) async throws -> RenderedRequest? {
        var preview = subscription
        preview.enabled = true
        let id = event.userId ?? event.anonymousId
        let profile = try await id.asyncFlatMap { try await profiles.profile(workspaceId: event.workspaceId, id: $0)?.profile.document }
        guard preview.matches(event, profile: profile),
            let destination = try await destinations.destination(id: subscription.destinationId, workspaceId: subscription.workspaceId)
        else { return nil }
        // Over the size limit: an error, as the delivery itself would fail.
        return try RequestRenderer.signedRequest(
            event: event, subscription: subscription, destination: destination, deliveryId: "msg_preview_" + event.id.dropFirst(4), at: now(),
            revealSignature: revealSignature, profile: profile)
    }
}

extension Optional {
    fileprivate func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

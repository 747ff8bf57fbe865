import Foundation

/// Ids of verified inbound requests (a Standard Webhooks `webhook-id`, a timestamped HMAC
/// signature), kept until their timestamp could no longer pass: shared by every node, so a
/// replayed request is refused whichever node it reaches.
public protocol InboundReplayStore: Sendable {
    /// Records the id for the source; false when it is already held and not yet expired.
    /// Expired ids are removed on the way (the table only ever holds five minutes' worth).
    func claimInboundReplay(sourceId: String, id: String, expiresAt: Date, now: Date) async throws -> Bool
    /// Gives an id back: the request that claimed it stored nothing, so its retry must pass.
    func releaseInboundReplay(sourceId: String, id: String) async throws
}

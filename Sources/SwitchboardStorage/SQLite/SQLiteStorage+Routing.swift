import Foundation
import GRDB
import SwitchboardCore

extension SQLiteStorage {
    /// Candidates come from one read transaction on a reader connection (WAL: beside the writer,
    /// never waiting for it); conditions are evaluated after it, holding no connection at all.
    public func routeEvents(_ events: [Event]) async throws -> [RoutedEvent] {
        guard !events.isEmpty else { return [] }
        let keys = Set(events.map(EventRouter.Key.init))
        let candidates = try await pool.read { db in
            var candidates: [EventRouter.Key: [Subscription]] = [:]
            for key in keys { candidates[key] = try Self.candidateSubscriptions(db, workspaceId: key.workspaceId, eventName: key.name) }
            return candidates
        }
        return await EventRouter.route(events, candidates: candidates)
    }

    @discardableResult
    public func insertEvents(_ events: [RoutedEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        return try await write { db in
            var inserted = 0
            // A duplicate is skipped, and so is its routing: it was routed when first stored.
            for routed in events where try insertEvent(db, routed.event) {
                inserted += 1
                try insertDeliveries(db, routed)
            }
            return inserted
        }
    }

    /// A pending delivery, due now, for each subscription the event matched that is still enabled
    /// (one deleted or paused since routing gets none), to the subscription's destination as it is now.
    func insertDeliveries(_ db: Database, _ routed: RoutedEvent) throws {
        let event = routed.event
        for subscriptionId in routed.subscriptionIds {
            try db.cachedStatement(
                sql: """
                    INSERT INTO deliveries (id, workspace_id, event_id, subscription_id, destination_id, status, attempt_count,
                        next_attempt_at, created_at, updated_at, order_key)
                    SELECT ?, ?, ?, id, destination_id, 'pending', 0, ?, ?, ?, ? FROM subscriptions WHERE id = ? AND enabled = 1
                    """
            ).execute(arguments: [
                identifiers.make(.delivery), event.workspaceId, event.id, event.receivedAt.milliseconds, event.receivedAt.milliseconds,
                event.receivedAt.milliseconds, event.userId ?? event.anonymousId, subscriptionId,
            ])
        }
    }
}

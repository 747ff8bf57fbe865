import Foundation
import SwitchboardCore

/// A database the shared delivery orchestration runs on: it opens transactions, and each
/// backend answers `QueueTransaction`'s small questions in its own SQL.
protocol QueueBackend: EventLog, DeliveryQueue {
    associatedtype Transaction: QueueTransaction & ProfileTransaction & SQLTransaction
    var identifiers: IdentifierGenerator { get }
    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws.
    func transaction<T: Sendable>(_ kind: TransactionKind, _ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T
    /// Candidate subscriptions read outside any write transaction (a reader, a pooled connection).
    func readCandidateSubscriptions(_ keys: Set<RoutePlanner.Key>) async throws -> [RoutePlanner.Key: [Subscription]]
}

// Routing and storing events: written once for every backend.
extension QueueBackend {
    /// Candidates come from outside any write transaction; conditions are evaluated after it,
    /// holding no connection at all.
    public func routeEvents(_ events: [Event]) async throws -> [RoutedEvent] {
        guard !events.isEmpty else { return [] }
        let candidates = try await readCandidateSubscriptions(RoutePlanner.keys(events))
        return await RoutePlanner.route(events, candidates: candidates)
    }

    @discardableResult
    public func insertEvents(_ events: [RoutedEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        return try await transaction(.durable) { transaction in try await Self.store(events, in: transaction).count }
    }

    /// Stores the events new to their sources, applies them to their profiles, and stores the
    /// deliveries of those and of the audience events they cause; a duplicate is skipped, and so
    /// is its routing: it was routed when first stored. Returns the new ones.
    static func store(_ events: [RoutedEvent], in transaction: Transaction) async throws -> [RoutedEvent] {
        let inserted = try await transaction.insertNewEvents(events.map(\.event))
        var new = events.filter { inserted.contains($0.event.id) }
        let emitted = try await updateProfiles(&new, in: transaction)
        try await transaction.insertDeliveries(new)
        if !emitted.isEmpty { _ = try await emit(emitted, in: transaction) }
        return new
    }

    /// Routes and stores events storage emits itself (`Destination Disabled`, `Audience Entered`)
    /// inside the transaction that emits them, without applying them to profiles; true when any
    /// of them got deliveries (new work is due).
    static func emit(_ events: [ProfileEvent], in transaction: Transaction) async throws -> Bool {
        let candidates = try await transaction.candidateSubscriptions(RoutePlanner.keys(events.map(\.event)))
        var routed = events.map { RoutePlanner.plan($0.event, candidates: candidates[RoutePlanner.Key($0.event)] ?? []) }
        for (index, emitted) in events.enumerated() { routed[index].matchProfileCandidates(profile: emitted.profile?.document) }
        let inserted = try await transaction.insertNewEvents(routed.map(\.event))
        let new = routed.filter { inserted.contains($0.event.id) }
        try await transaction.insertDeliveries(new)
        return new.contains { !$0.subscriptionIds.isEmpty }
    }
}

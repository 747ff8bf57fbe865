import Foundation
import SwitchboardCore

// Leasing: read the due candidates and their destinations, plan (`LeasePlanner`), apply.
extension QueueBackend {
    public func leaseDeliveries(now: Date, leaseSeconds: Double, limit: Int, startLead: TimeInterval) async throws -> [DeliveryJob] {
        try await transaction(.leasing) { transaction in
            try await Self.lease(in: transaction, now: now, leaseSeconds: leaseSeconds, limit: limit, startLead: startLead)
        }
    }

    static func lease(in transaction: Transaction, now: Date, leaseSeconds: Double, limit: Int, startLead: TimeInterval) async throws -> [DeliveryJob] {
        let candidates = try await transaction.dueCandidates(now: now, limit: min(limit * 2, 2000))
        guard !candidates.isEmpty else { return [] }
        let inputs = try await transaction.leaseInputs(destinationIds: Array(Set(candidates.map(\.destinationId))).sorted(), now: now)
        let plan = LeasePlanner.plan(candidates: candidates, destinations: inputs.mapValues(\.state), now: now, limit: limit, startLead: startLead)
        if !plan.setAside.isEmpty {
            let setAside = candidates.filter { plan.setAside.contains($0.deliveryId) }.map(LeasePlanner.crashedAttempt(now: now))
            try await transaction.writeAttempts(setAside.map { ($0, $0.nextState) }, now: now)
        }
        guard !plan.sends.isEmpty else { return [] }
        if !plan.nextSendAt.isEmpty { try await transaction.reserveSendSlots(plan.nextSendAt) }
        let slowest = plan.sends.compactMap { inputs[$0.destinationId]?.destination.timeoutMs }.max() ?? 0
        let until = now.addingTimeInterval(LeasePlanner.leaseDuration(leaseSeconds, timeoutMs: slowest))
        let leased = try await transaction.lease(plan.sends, until: until)
        let subscriptions = try await transaction.subscriptions(ids: Array(Set(leased.values.map(\.delivery.subscriptionId))))
        let profiles = try await profilesForTemplates(leased: Array(leased.values), subscriptions: subscriptions, in: transaction)
        return plan.sends.compactMap { send in
            let rows = send.deliveryIds.compactMap { leased[$0] }
            guard let first = rows.first, let destination = inputs[send.destinationId]?.destination,
                let subscription = subscriptions[first.delivery.subscriptionId]
            else { return nil }
            // Events' JSON is parsed later, by the task that sends them, not inside the transaction.
            return DeliveryJob(
                deliveries: rows.map(\.delivery), storedEvents: rows.map(\.event), subscription: subscription, destination: destination,
                startAt: send.startAt, profile: profiles[first.delivery.id])
        }
    }

    /// The profiles of the deliveries whose mapping mentions `profile`, by delivery id: the others
    /// (nearly all) cost nothing.
    private static func profilesForTemplates(
        leased: [LeasedDelivery], subscriptions: [String: Subscription], in transaction: Transaction
    ) async throws -> [String: JSONValue] {
        let wanting = leased.filter { subscriptions[$0.delivery.subscriptionId]?.mapping?.mentionsProfile == true }
        var refs: [String: ProfileRef] = [:]
        for lease in wanting {
            let key = lease.event.userId.map(ProfileKey.user) ?? lease.event.anonymousId.map(ProfileKey.anonymous)
            if let key { refs[lease.delivery.id] = ProfileRef(workspaceId: lease.event.workspaceId, key: key) }
        }
        guard !refs.isEmpty else { return [:] }
        let profiles = try await transaction.profiles(Set(refs.values))
        return refs.compactMapValues { profiles[$0]?.document }
    }
}

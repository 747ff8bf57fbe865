import Foundation
import SwitchboardCore

// Recording attempts: move each delivery on (`DeliveryTransition`), then judge each destination's
// health (`DestinationHealth`) and apply what it says, emitting `Destination Disabled`.
extension QueueBackend {
    @discardableResult
    public func recordAttempts(_ records: [AttemptRecord], now: Date, disableAfter: TimeInterval) async throws -> Bool {
        guard !records.isEmpty else { return false }
        let identifiers = identifiers
        return try await transaction(.bookkeeping) { transaction in
            try await transaction.writeAttempts(records.map { ($0, $0.nextState) }, now: now)
            let failingSince = try await transaction.failingSince(destinationIds: Array(Set(records.map(\.destinationId))))
            var emitted: [ProfileEvent] = []
            for (destinationId, change) in DestinationHealth.assess(records, failingSince: failingSince, now: now, disableAfter: disableAfter) {
                switch change {
                case .recovered:
                    try await transaction.setFailingSince(nil, destinationId: destinationId)
                case .failingSince(let since):
                    try await transaction.setFailingSince(since, destinationId: destinationId)
                case .disable(let reason):
                    if let disabled = try await transaction.disableDestination(id: destinationId, reason: reason, now: now) {
                        let event = SystemEvents.destinationDisabled(disabled, reason: reason, at: now, id: identifiers.make(.event))
                        emitted.append(ProfileEvent(event: event, profile: nil))
                    }
                }
            }
            return emitted.isEmpty ? false : try await Self.emit(emitted, in: transaction)
        }
    }
}

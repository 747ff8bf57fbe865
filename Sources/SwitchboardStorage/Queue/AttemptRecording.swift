import Foundation
import SwitchboardCore

// Recording attempts: move each delivery on (`DeliveryTransition`), then judge each destination's
// health (`DestinationHealth`) and apply what it says, emitting `Destination Disabled` and
// `Destination Recovered`, and `Delivery Failed` for each delivery that will not be tried again.
extension QueueBackend {
    @discardableResult
    public func recordAttempts(_ records: [AttemptRecord], now: Date, disableAfter: TimeInterval) async throws -> Bool {
        guard !records.isEmpty else { return false }
        let identifiers = identifiers
        return try await transaction(.bookkeeping) { transaction in
            try await transaction.writeAttempts(records.map { ($0, $0.nextState) }, now: now)
            let failingSince = try await transaction.failingSince(destinationIds: Array(Set(records.map(\.destinationId))))
            var emitted: [ProfileEvent] = []
            var recovered: [String] = []
            for (destinationId, change) in DestinationHealth.assess(records, failingSince: failingSince, now: now, disableAfter: disableAfter) {
                switch change {
                case .recovered:
                    try await transaction.setFailingSince(nil, destinationId: destinationId)
                    recovered.append(destinationId)
                case .failingSince(let since):
                    try await transaction.setFailingSince(since, destinationId: destinationId)
                case .disable(let reason):
                    if let disabled = try await transaction.disableDestination(id: destinationId, reason: reason, now: now) {
                        let event = SystemEvents.destinationDisabled(disabled, reason: reason, at: now, id: identifiers.make(.event))
                        emitted.append(ProfileEvent(event: event, profile: nil))
                    }
                }
            }
            // `Destination Recovered` and `Delivery Failed`, for subscriptions that alert on them.
            var failed = records.filter { $0.nextState.status == .failed }
            // A failed delivery of an operational event emits none: a subscription to `*` on a
            // failing destination would otherwise feed itself forever.
            let ofSystemEvents = try await transaction.deliveriesOfSystemEvents(ids: failed.map(\.deliveryId))
            failed.removeAll { ofSystemEvents.contains($0.deliveryId) }
            if !recovered.isEmpty || !failed.isEmpty {
                let destinations = try await transaction.destinations(ids: Array(Set(recovered + failed.map(\.destinationId))).sorted())
                for id in recovered {
                    guard let destination = destinations[id] else { continue }
                    let event = SystemEvents.destinationRecovered(destination, because: .succeeded, at: now, id: identifiers.make(.event))
                    emitted.append(ProfileEvent(event: event, profile: nil))
                }
                for record in failed {
                    guard let destination = destinations[record.destinationId] else { continue }
                    let event = SystemEvents.deliveryFailed(record, destination: destination, at: now, id: identifiers.make(.event))
                    emitted.append(ProfileEvent(event: event, profile: nil))
                }
            }
            return emitted.isEmpty ? false : try await Self.emit(emitted, in: transaction)
        }
    }
}

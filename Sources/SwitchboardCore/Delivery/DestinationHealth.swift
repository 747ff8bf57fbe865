import Foundation

/// Whether a destination keeps receiving: 410 Gone disables it at once; attempts that have all
/// failed for `disableAfter` disable it; a success clears its failing streak. Pure: storage gives
/// it the attempts and each destination's `failingSince`, and applies the changes it returns.
public enum DestinationHealth {
    public enum Change: Sendable, Equatable {
        /// Disable it, and emit `Destination Disabled` with this reason.
        case disable(reason: String)
        /// Its failing streak began at this time.
        case failingSince(Date)
        /// A success ended its failing streak.
        case recovered
    }

    public static let goneReason = "the destination answered 410 Gone"

    public static func failingReason(_ disableAfter: TimeInterval) -> String {
        "every attempt failed for \(Int64(flooringSaturating: disableAfter) ?? 0) seconds"
    }

    /// The changes the attempts call for, in destination id order (the order rows are locked in,
    /// so two nodes never wait on each other in a cycle); destinations needing none are left out.
    /// - Parameter failingSince: the stored start of each destination's failing streak, if any.
    public static func assess(
        _ records: [AttemptRecord], failingSince: [String: Date], now: Date, disableAfter: TimeInterval
    ) -> [(destinationId: String, change: Change)] {
        var outcomes: [String: (succeeded: Bool, gone: Bool, firstFailure: Date)] = [:]
        for record in records {
            var outcome = outcomes[record.destinationId] ?? (false, false, record.attempt.at)
            outcome.succeeded = outcome.succeeded || record.decision == .succeeded
            outcome.gone = outcome.gone || record.decision == .failedAndDisableDestination
            outcome.firstFailure = min(outcome.firstFailure, record.attempt.at)
            outcomes[record.destinationId] = outcome
        }
        return outcomes.sorted { $0.key < $1.key }.compactMap { id, outcome in
            if outcome.gone { return (id, .disable(reason: goneReason)) }
            let stored = failingSince[id]
            if outcome.succeeded { return stored == nil ? nil : (id, .recovered) }
            let since = stored ?? outcome.firstFailure
            if now.timeIntervalSince(since) >= disableAfter { return (id, .disable(reason: failingReason(disableAfter))) }
            return stored == nil ? (id, .failingSince(since)) : nil
        }
    }
}

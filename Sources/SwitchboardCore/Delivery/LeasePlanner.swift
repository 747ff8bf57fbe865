import Foundation

/// Decides which due deliveries to send now under each destination's controls: rate limit
/// (evenly spaced starts), maximum concurrency, per-user order and batching. Pure: storage
/// gives it the candidates and the destinations' state and applies what it returns.
public enum LeasePlanner {
    /// A due, unleased delivery (for per-user destinations: the head of its user's queue).
    public struct Candidate: Sendable, Equatable {
        public var deliveryId: String
        public var destinationId: String
        public var subscriptionId: String
        public var dueAt: Date
        /// Times leased since its last recorded attempt.
        public var leaseCount: Int
        /// Attempts recorded so far.
        public var attemptCount: Int

        public init(deliveryId: String, destinationId: String, subscriptionId: String, dueAt: Date, leaseCount: Int = 0, attemptCount: Int = 0) {
            self.deliveryId = deliveryId
            self.destinationId = destinationId
            self.subscriptionId = subscriptionId
            self.dueAt = dueAt
            self.leaseCount = leaseCount
            self.attemptCount = attemptCount
        }
    }

    /// A destination's controls and the state storage keeps for them.
    public struct DestinationState: Sendable, Equatable {
        public var rateLimitPerSecond: Int?
        public var maxConcurrency: Int?
        public var batching: Destination.Batching?
        /// Requests now in flight to it (leased, not yet recorded).
        public var inFlight: Int
        /// The earliest start the rate limit allows for the next request.
        public var nextSendAt: Date?

        public init(rateLimitPerSecond: Int?, maxConcurrency: Int?, batching: Destination.Batching?, inFlight: Int, nextSendAt: Date?) {
            self.rateLimitPerSecond = rateLimitPerSecond
            self.maxConcurrency = maxConcurrency
            self.batching = batching
            self.inFlight = inFlight
            self.nextSendAt = nextSendAt
        }
    }

    /// One request to make: one delivery, or a batch of one subscription's deliveries.
    public struct Send: Sendable, Equatable {
        public var deliveryIds: [String]
        public var destinationId: String
        /// When the rate limit lets it start (nil: at once).
        public var startAt: Date?
    }

    public struct Plan: Sendable, Equatable {
        public var sends: [Send]
        /// The new `nextSendAt` of each rate-limited destination that got sends.
        public var nextSendAt: [String: Date]
        /// Deliveries to fail with `crashed` instead of sending (see `maximumUnrecordedLeases`).
        public var setAside: [String] = []
    }

    /// Leases without a recorded attempt after which a delivery is set aside: whatever unknown
    /// fault kills the process while sending it, the node is not taken down forever.
    public static let maximumUnrecordedLeases = 3

    /// What the activity log shows for a delivery set aside.
    public static let crashedMessage =
        "set aside: leased \(maximumUnrecordedLeases) times without an attempt being recorded (the process sending it stopped each time); retry it by hand"

    /// The attempt that fails a set-aside delivery, so the activity log says why it stopped.
    public static func crashedAttempt(now: Date) -> @Sendable (Candidate) -> AttemptRecord {
        { candidate in
            AttemptRecord(
                deliveryId: candidate.deliveryId, destinationId: candidate.destinationId,
                attempt: Attempt(
                    number: candidate.attemptCount + 1, at: now, durationMs: 0, responseStatus: nil, responseBody: crashedMessage, error: .crashed),
                decision: .failed)
        }
    }

    /// How far ahead rate-limited starts are reserved in one lease.
    public static let rateLookahead: TimeInterval = 1

    /// - Parameters:
    ///   - candidates: oldest due first.
    ///   - limit: most requests to plan (the dispatcher's free capacity).
    ///   - startLead: the earliest rate-limited start, after `now`: when the node can actually start it.
    public static func plan(
        candidates: [Candidate], destinations: [String: DestinationState], now: Date, limit: Int, startLead: TimeInterval = 0
    ) -> Plan {
        let earliestStart = now.addingTimeInterval(min(max(startLead, 0), StartLead.maximum))
        var sends: [Send] = []
        var state = destinations
        var nextSendAt: [String: Date] = [:]
        let setAside = candidates.filter { $0.leaseCount >= maximumUnrecordedLeases }.map(\.deliveryId)
        var taken = Set(setAside)

        for (index, candidate) in candidates.enumerated() where sends.count < limit && !taken.contains(candidate.deliveryId) {
            guard var destination = state[candidate.destinationId] else { continue }
            if let cap = destination.maxConcurrency, destination.inFlight >= cap { continue }
            var ids = [candidate.deliveryId]
            if let batching = destination.batching {
                let group = candidates[index...].filter {
                    $0.subscriptionId == candidate.subscriptionId && $0.destinationId == candidate.destinationId && !taken.contains($0.deliveryId)
                }
                let waited = now.timeIntervalSince(candidate.dueAt) * 1000 >= Double(batching.maxWaitMs)
                guard group.count >= batching.maxSize || waited else { continue }
                ids = group.prefix(batching.maxSize).map(\.deliveryId)
            }
            var startAt: Date?
            if let perSecond = destination.rateLimitPerSecond {
                let slot = max(earliestStart, destination.nextSendAt ?? earliestStart)
                guard slot.timeIntervalSince(now) < rateLookahead else { continue }
                startAt = slot
                destination.nextSendAt = slot.addingTimeInterval(spacing(perSecond: perSecond))
                nextSendAt[candidate.destinationId] = destination.nextSendAt
            }
            destination.inFlight += 1
            state[candidate.destinationId] = destination
            taken.formUnion(ids)
            sends.append(Send(deliveryIds: ids, destinationId: candidate.destinationId, startAt: startAt))
        }
        return Plan(sends: sends, nextSendAt: nextSendAt, setAside: setAside)
    }

    /// How long to lease a request to a destination: the dispatcher's lease, or longer when the
    /// destination's timeout needs it, so that a live send never looks like a dead node's.
    public static func leaseDuration(_ base: TimeInterval, timeoutMs: Int) -> TimeInterval {
        max(base, Double(timeoutMs) / 1000 + rateLookahead + 2)
    }

    /// Time between starts for `perSecond`: 1.1/n, so that starts up to 0.1 s off their slots
    /// (a busy node, a slow connect, the receiver's own delays) leave no one-second window with n + 1.
    public static func spacing(perSecond: Int) -> TimeInterval {
        1.1 / Double(max(perSecond, 1))
    }

    /// How late a rate-limited request may start after its slot: half of the 0.1 s slack, the
    /// other half left for the network and the receiver.
    public static let startTolerance: TimeInterval = 0.05
}

import Foundation

/// The outcome of one attempt at one delivery, with what happens to the delivery next.
public struct AttemptRecord: Sendable {
    public var deliveryId: String
    public var destinationId: String
    public var attempt: Attempt
    public var decision: DeliveryDecision

    public init(deliveryId: String, destinationId: String, attempt: Attempt, decision: DeliveryDecision) {
        self.deliveryId = deliveryId
        self.destinationId = destinationId
        self.attempt = attempt
        self.decision = decision
    }

    /// The delivery's state after this attempt.
    public var nextState: DeliveryTransition.State { DeliveryTransition.after(decision) }
}

/// The one place a delivery's state changes: after an attempt, when set aside, when retried
/// by hand. Pure and clock-free: the caller passes `now` and the jitter.
public enum DeliveryTransition {
    public struct State: Sendable, Equatable {
        public var status: DeliveryStatus
        /// When it is due next (pending only).
        public var nextAttemptAt: Date?

        public init(status: DeliveryStatus, nextAttemptAt: Date?) {
            self.status = status
            self.nextAttemptAt = nextAttemptAt
        }
    }

    /// The state a decision leads to.
    public static func after(_ decision: DeliveryDecision) -> State {
        switch decision {
        case .succeeded: State(status: .succeeded, nextAttemptAt: nil)
        case .retry(let at): State(status: .pending, nextAttemptAt: at)
        case .failed, .failedAndDisableDestination: State(status: .failed, nextAttemptAt: nil)
        }
    }

    /// Retried or recovered by hand: pending, due now.
    public static func requeued(now: Date) -> State {
        State(status: .pending, nextAttemptAt: now)
    }

    /// What one request's result means for each delivery it carried (one, or a batch). One jitter
    /// draw for the whole request, so that a failed batch is retried together.
    /// - Parameters:
    ///   - started: when the attempt began (the attempt's `at`).
    ///   - now: when the result came, which retry delays count from.
    public static func records(
        for deliveries: [Delivery], destination: Destination, outcome: AttemptOutcome, response: AttemptResponse,
        started: Date, now: Date, jitter: Double
    ) -> [AttemptRecord] {
        deliveries.map { delivery in
            let number = delivery.attemptCount + 1
            return AttemptRecord(
                deliveryId: delivery.id, destinationId: destination.id,
                attempt: Attempt(
                    number: number, at: started, durationMs: response.durationMs, responseStatus: response.status, responseBody: response.body,
                    error: response.error),
                decision: destination.retryPolicy.decide(after: outcome, attemptNumber: number, now: now, random: jitter))
        }
    }

    /// A request that could not even be built (too large, say): it fails the same way on every
    /// retry, so its deliveries fail at once with the reason in the activity log.
    public static func unsendable(_ deliveries: [Delivery], destination: Destination, reason: String, at: Date) -> [AttemptRecord] {
        deliveries.map { delivery in
            AttemptRecord(
                deliveryId: delivery.id, destinationId: destination.id,
                attempt: Attempt(number: delivery.attemptCount + 1, at: at, durationMs: 0, responseStatus: nil, responseBody: reason, error: .other),
                decision: .failed)
        }
    }
}

/// What the activity log keeps of one request's answer (or of why there was none).
public struct AttemptResponse: Sendable, Equatable {
    public var status: Int?
    public var body: String?
    public var durationMs: Int
    public var error: DeliveryErrorKind?

    public init(status: Int?, body: String?, durationMs: Int, error: DeliveryErrorKind?) {
        self.status = status
        self.body = body
        self.durationMs = durationMs
        self.error = error
    }
}

import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import SwitchboardCore
import SwitchboardStorage

/// Sends due deliveries: leases them from storage, renders, signs, sends, records each attempt
/// and moves the delivery on by the retry policy. Leases expire, so a delivery whose process
/// died mid-send is sent again by whoever runs next.
public struct Dispatcher: Service {
    public struct Settings: Sendable {
        /// Requests in flight at once, over all destinations.
        public var concurrency = 64
        /// How long a leased delivery stays reserved for this process.
        public var leaseSeconds = 15.0
        /// How often to look for due work when nothing wakes the dispatcher.
        public var pollInterval = Duration.milliseconds(200)

        public init() {}
    }

    let storage: any Storage
    let sender: WebhookSender
    let settings: Settings
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let wake: WakeSignal
    let logger: Logger
    private let attempts: GroupCommitter<AttemptRecord>

    init(
        storage: any Storage, sender: WebhookSender, settings: Settings, now: @escaping @Sendable () -> Date,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }, wake: WakeSignal, logger: Logger
    ) {
        self.storage = storage
        self.sender = sender
        self.settings = settings
        self.now = now
        self.random = random
        self.wake = wake
        self.logger = logger
        self.attempts = GroupCommitter { [now] records in try await storage.recordAttempts(records, now: now()) }
    }

    public func run() async throws {
        let inFlight = Counter()
        await withDiscardingTaskGroup { group in
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let room = settings.concurrency - inFlight.value
                var jobs: [DeliveryJob] = []
                if room > 0 {
                    do {
                        jobs = try await storage.leaseDeliveries(now: now(), leaseSeconds: settings.leaseSeconds, limit: room)
                    } catch {
                        logger.error("leasing deliveries failed", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
                    }
                }
                for job in jobs {
                    inFlight.add(1)
                    group.addTask {
                        await deliver(job)
                        inFlight.add(-1)
                        wake.signal()
                    }
                }
                if jobs.isEmpty || jobs.count == room {
                    await cancelWhenGracefulShutdown { await wake.wait(timeout: settings.pollInterval) }
                }
            }
        }
    }

    /// Wakes the dispatcher now: new work was committed.
    func signal() { wake.signal() }

    /// One attempt at one delivery, recorded with its outcome.
    func deliver(_ job: DeliveryJob) async {
        let started = now()
        let request = RequestRenderer.sign(
            RequestRenderer.render(event: job.event, subscription: job.subscription, destination: job.destination),
            destination: job.destination, deliveryId: job.delivery.id, at: started)
        let result = await sender.send(request, timeoutMs: job.destination.timeoutMs)
        let outcome: AttemptOutcome =
            result.status.map { status in
                .response(status: status, retryAfter: result.header("Retry-After").flatMap { RetryPolicy.parseRetryAfter($0, now: now()) })
            } ?? .failure(result.error ?? .other)
        let attemptNumber = job.delivery.attemptCount + 1
        let decision = job.destination.retryPolicy.decide(after: outcome, attemptNumber: attemptNumber, now: now(), random: random())
        let attempt = Attempt(
            number: attemptNumber, at: started, durationMs: result.durationMs, responseStatus: result.status, responseBody: result.body,
            error: result.error)
        do {
            try await attempts.commit([AttemptRecord(deliveryId: job.delivery.id, attempt: attempt, decision: decision)])
        } catch {
            // The lease expires and the delivery is attempted again: at least once, never lost.
            logger.error("recording an attempt failed", metadata: ["delivery": "\(job.delivery.id)"])
        }
    }
}

/// A count shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
}

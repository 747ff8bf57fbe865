import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Tracing
import SwitchboardCore
import SwitchboardStorage

/// Sends due deliveries: leases them from storage, renders, signs, sends, records each attempt
/// and moves the delivery on by the retry policy. Leases expire, so a delivery whose process
/// died mid-send is sent again by whoever runs next.
public struct Dispatcher: Service {
    public struct Settings: Sendable {
        /// Requests in flight at once, over all destinations.
        public var concurrency = 128
        /// While there is a backlog, lease again only once this many requests have finished:
        /// one lease per many sends rather than one per send (each lease is a transaction).
        public var leaseBatch = 32
        /// How long a leased delivery stays reserved for this process.
        public var leaseSeconds = 15.0
        /// How often to look for due work when nothing wakes the dispatcher.
        public var pollInterval = Duration.milliseconds(200)
        /// A destination whose every attempt failed for this long is disabled (default 5 days).
        public var disableAfter: TimeInterval = 5 * 86_400
        /// On graceful shutdown, how long requests in flight may take to finish before they are
        /// cut off and their deliveries handed back.
        public var drainTimeout = Duration.seconds(30)

        public init() {}
    }

    let queue: any DeliveryQueue
    let sender: WebhookSender
    let settings: Settings
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let work: WorkSignal
    let logger: Logger
    let metrics: SwitchboardMetrics
    private let pacer = Pacer()
    private let startLead = SharedStartLead()
    private let attempts: GroupCommitter<AttemptRecord>

    public init(
        queue: any DeliveryQueue, sender: WebhookSender, settings: Settings, now: @escaping @Sendable () -> Date,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }, work: WorkSignal, logger: Logger,
        metrics: SwitchboardMetrics = .disabled
    ) {
        self.metrics = metrics
        self.queue = queue
        self.sender = sender
        self.settings = settings
        self.now = now
        self.random = random
        self.work = work
        self.logger = logger
        self.attempts = GroupCommitter { [now, settings, metrics] records in
            // A destination disabled by these attempts emits an event, which may have deliveries.
            if try await queue.recordAttempts(records, now: now(), disableAfter: settings.disableAfter) { work.workIsDue() }
            // Counted once recorded: a lost commit is sent (and counted) again, not counted twice.
            metrics.deliveries(records)
        }
    }

    /// Sends until a graceful shutdown, then lets the requests in flight finish for up to
    /// `drainTimeout`, and cancels the rest: their deliveries are handed back unsent.
    public func run() async {
        let inFlight = Counter()
        let running = Counter()
        await withDiscardingTaskGroup { group in
            var backlog = false
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                backlog = await leaseAndStart(into: &group, inFlight: inFlight, running: running, backlog: backlog)
            }
            await drain(running)
            group.cancelAll()
        }
    }

    /// One round: leases as much as there is room for and starts each request in `group`;
    /// returns whether a backlog is left (the lease was full).
    private func leaseAndStart(into group: inout DiscardingTaskGroup, inFlight: Counter, running: Counter, backlog: Bool) async -> Bool {
        let room = settings.concurrency - inFlight.value
        if backlog, room < min(settings.leaseBatch, settings.concurrency) {
            await cancelWhenGracefulShutdown { await work.wait(timeout: settings.pollInterval) }
            return true
        }
        var jobs: [DeliveryJob] = []
        let leasedAt = now()
        if room > 0 {
            do {
                jobs = try await queue.leaseDeliveries(
                    now: leasedAt, leaseSeconds: settings.leaseSeconds, limit: room, startLead: startLead.seconds)
            } catch {
                logger.error("leasing deliveries failed", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            }
        }
        var started = 0
        for job in jobs {
            // A request waiting for its rate-limit slot is not in flight yet: it takes no capacity.
            let waits = job.startAt.map { $0 > now() } ?? false
            if !waits {
                inFlight.add(1)
                started += 1
            }
            running.add(1)
            group.addTask {
                defer {
                    running.add(-1)
                    work.capacityFreed()
                }
                guard await waitForSlot(job, leasedAt: leasedAt) else {
                    if !waits { inFlight.add(-1) }
                    return
                }
                if waits { inFlight.add(1) }
                await deliver(job)
                inFlight.add(-1)
            }
        }
        if jobs.isEmpty || started == room {
            await cancelWhenGracefulShutdown { await work.wait(timeout: settings.pollInterval) }
        }
        // A full lease means more is due: the next waits for a batch's worth of room.
        return room > 0 && jobs.count == room
    }

    /// After a graceful shutdown began: lets the requests still running finish, for up to
    /// `drainTimeout`; the group then cancels the rest, which hand their deliveries back.
    private func drain(_ running: Counter) async {
        let deadline = ContinuousClock.now + settings.drainTimeout
        while running.value > 0, !Task.isCancelled, ContinuousClock.now < deadline {
            await work.wait(timeout: min(.milliseconds(100), deadline - .now))
        }
    }

    /// Waits for the request's rate-limit slot, which storage reserved for it among every
    /// node's, then keeps this node's actual starts apart too; false when the slot was missed by
    /// more than the tolerance: the deliveries are handed back, to be leased again with a new slot.
    func waitForSlot(_ job: DeliveryJob, leasedAt: Date) async -> Bool {
        guard let startAt = job.startAt, let perSecond = job.destination.rateLimitPerSecond else { return true }
        startLead.observe(delay: now().timeIntervalSince(leasedAt))
        let wait = startAt.timeIntervalSince(now())
        if wait > 0 { try? await Task.sleep(for: .microseconds(Int64(flooringSaturating: (wait * 1_000_000).rounded(.up)) ?? 0)) }
        // The latest start that stays within the slot's tolerance, on this process's clock.
        let slack = startAt.addingTimeInterval(LeasePlanner.startTolerance).timeIntervalSince(now())
        let latest = ContinuousClock.now + .microseconds(Int64(flooringSaturating: slack * 1_000_000) ?? 0)
        if slack >= 0, await pacer.start(job.destination.id, spacing: LeasePlanner.spacing(perSecond: perSecond), latest: latest) {
            return true
        }
        logger.debug("missed its rate-limit slot", metadata: ["delivery": "\(job.deliveries[0].id)", "late.seconds": "\(-slack)"])
        await handBack(job)
        return false
    }

    /// Gives a job's deliveries back unsent: due again at once, here or on another node.
    private func handBack(_ job: DeliveryJob) async {
        do {
            // In a task of its own: a shutdown that cancelled the send must not cancel this too.
            try await Task { [queue] in try await queue.releaseLeases(deliveryIds: job.deliveries.map(\.id)) }.value
        } catch {
            // The lease expires instead: later, but nothing is lost.
            logger.error("handing back a lease failed", metadata: ["delivery": "\(job.deliveries[0].id)"])
        }
    }

    /// One attempt at one request (a delivery or a batch), recorded for each delivery in it.
    /// Traced as a client span that continues the trace of the request that received the event.
    func deliver(_ job: DeliveryJob) async {
        await withSpan("deliver", context: TraceParent.context(continuing: job.traceParent), ofKind: .client) { span in
            // Ids only: a destination's URL or headers may hold its credentials.
            span.attributes["switchboard.delivery.id"] = job.deliveries[0].id
            span.attributes["switchboard.destination.id"] = job.destination.id
            span.attributes["switchboard.deliveries"] = job.deliveries.count
            await attempt(job, span: span)
        }
    }

    private func attempt(_ job: DeliveryJob, span: any Span) async {
        let started = now()
        var job = job
        let request: RenderedRequest
        do {
            let batch = try RequestRenderer.signedBatch(
                events: job.events, subscription: job.subscription, destination: job.destination, deliveryId: job.deliveries[0].id, at: started,
                profile: job.profile)
            request = batch.request
            // A merged body that could not take them all: the rest go back, due at once, for the next request.
            if batch.taken < job.deliveries.count {
                let (sent, rest) = job.split(at: batch.taken)
                job = sent
                await handBack(rest)
            }
        } catch {
            // Too large now is too large on every retry: fail at once, the reason in the log.
            await record(DeliveryTransition.unsendable(job.deliveries, destination: job.destination, reason: error.message, at: started), job)
            return
        }
        let result = await sender.send(request, timeoutMs: job.destination.timeoutMs)
        // Cut short by a shutdown that ran out of time: not an attempt, the next node sends it.
        if Task.isCancelled, result.status == nil { return await handBack(job) }
        let outcome: AttemptOutcome =
            result.status.map { status in
                .response(status: status, retryAfter: result.header("Retry-After").flatMap { RetryPolicy.parseRetryAfter($0, now: now()) })
            } ?? .failure(result.error ?? .other)
        let response = AttemptResponse(status: result.status, body: result.body, durationMs: result.durationMs, error: result.error)
        if let status = result.status { span.attributes["http.response.status_code"] = status }
        if !(200..<300).contains(result.status ?? 0) { span.setStatus(SpanStatus(code: .error, message: result.error?.rawValue)) }
        metrics.attemptDuration(milliseconds: result.durationMs)
        await record(
            DeliveryTransition.records(
                for: job.deliveries, destination: job.destination, outcome: outcome, response: response, started: started, now: now(),
                jitter: random()), job)
    }

    private func record(_ records: [AttemptRecord], _ job: DeliveryJob) async {
        do {
            try await attempts.commit(records)
            log(records)
        } catch {
            // The lease expires and the delivery is attempted again: at least once, never lost.
            logger.error("recording an attempt failed", metadata: ["delivery": "\(job.deliveries[0].id)"])
        }
    }
}

extension Dispatcher {
    /// One line per attempt, with ids only: never a header, body or URL of the destination.
    func log(_ records: [AttemptRecord]) {
        for record in records {
            let outcome = SwitchboardMetrics.outcome(record)
            // Built only when written: this runs for every attempt.
            guard outcome == "failed" || logger.logLevel <= .debug else { continue }
            var metadata: Logger.Metadata = [
                "delivery": "\(record.deliveryId)", "destination": "\(record.destinationId)", "attempt": "\(record.attempt.number)",
                "outcome": "\(outcome)",
            ]
            if let status = record.attempt.responseStatus { metadata["response.status"] = "\(status)" }
            if let error = record.attempt.error { metadata["error.kind"] = "\(error.rawValue)" }
            if outcome == "failed" {
                logger.notice("delivery failed", metadata: metadata)
            } else {
                logger.debug("delivery attempted", metadata: metadata)
            }
        }
    }
}

/// Spaces the actual starts of requests to one destination by at least `spacing`.
actor Pacer {
    private var lastStart: [String: ContinuousClock.Instant] = [:]

    /// Returns true when a request to the destination may start now, counted as started; false,
    /// counting nothing, when spacing would push its start past `latest`.
    func start(_ destinationId: String, spacing: TimeInterval, latest: ContinuousClock.Instant) async -> Bool {
        let gap = Duration.microseconds(Int64(flooringSaturating: spacing * 1_000_000) ?? 0)
        while true {
            let now = ContinuousClock.now
            guard let last = lastStart[destinationId], now < last + gap else {
                lastStart[destinationId] = now
                return true
            }
            if last + gap > latest || Task.isCancelled { return false }
            try? await Task.sleep(until: last + gap, clock: .continuous)
        }
    }
}

/// This node's `StartLead`, shared by its sending tasks.
final class SharedStartLead: Sendable {
    private let state = Mutex(StartLead())
    var seconds: TimeInterval { state.withLock(\.seconds) }
    func observe(delay: TimeInterval) { state.withLock { $0.observe(delay: delay) } }
}

/// A count shared by concurrent tasks.
final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
}

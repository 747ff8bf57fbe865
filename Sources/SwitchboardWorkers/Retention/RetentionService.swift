import Foundation
import Logging
import ServiceLifecycle
import SwitchboardStorage

/// Bounds the disk: events older than the retention period go, with their finished deliveries
/// and attempts, a small batch per transaction with a pause between batches so ingest and
/// delivery go on meanwhile. Pending work and the events it needs stay. Runs in one node at a
/// time; it reads the clock it was given, so tests move time instead of sleeping.
public struct RetentionService: Service {
    public struct Settings: Sendable {
        /// Events received more than this many days ago are deleted; 0 keeps everything.
        public var days = 30
        /// How often it looks for old events.
        public var interval: Duration = .seconds(60)
        /// Events per transaction (each with its deliveries and attempts).
        public var batchSize = 1000
        /// Between batches: the writer is free for ingest.
        public var pause: Duration = .milliseconds(20)
        public init() {}

        /// The longest retention accepted: a hundred years.
        public static let maximumDays = 36_500
    }

    let storage: any EventRetention
    let coordination: any Coordination
    let settings: Settings
    let now: @Sendable () -> Date
    let logger: Logger

    public init(storage: any EventRetention, coordination: any Coordination, settings: Settings, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.storage = storage
        self.coordination = coordination
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        guard settings.days > 0 else {
            // Nothing to do, but a service that ends early would end the whole group.
            try? await gracefulShutdown()
            return
        }
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        while !Task.isCancelled {
            do {
                _ = try await coordination.runExclusively("retention") { _ = try await step() }
            } catch is CancellationError {
                return
            } catch {
                logger.error("retention purge failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.interval)
        }
    }

    /// Deletes everything past the retention period now (also what tests call); returns the counts.
    @discardableResult
    public func step() async throws -> PurgeCounts {
        guard settings.days > 0 else { return PurgeCounts() }
        let cutoff = now().addingTimeInterval(-Double(settings.days) * 86_400)
        let counts = try await Self.purge(storage, receivedBefore: cutoff, batchSize: settings.batchSize, pause: settings.pause)
        if counts.rows > 0 {
            logger.info(
                "retention purge",
                metadata: [
                    "events": "\(counts.events)", "deliveries": "\(counts.deliveries)", "attempts": "\(counts.attempts)",
                    "keptForPendingWork": "\(counts.keptForPendingWork)",
                ])
        }
        return counts
    }

    /// Deletes the events received before `cutoff` batch by batch, calling `progress` with the
    /// running totals after each; shared by the service and `switchboard purge`.
    public static func purge(
        _ storage: any EventRetention, receivedBefore cutoff: Date, batchSize: Int, pause: Duration,
        progress: (PurgeCounts) -> Void = { _ in }
    ) async throws -> PurgeCounts {
        var total = PurgeCounts()
        var cursor: EventCursor?
        repeat {
            try Task.checkCancellation()
            let batch = try await storage.purgeEvents(receivedBefore: cutoff, after: cursor, limit: batchSize)
            total = total + batch.counts
            progress(total)
            cursor = batch.next
            if cursor != nil, pause > .zero { try await Task.sleep(for: pause) }
        } while cursor != nil
        return total
    }
}

import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStorage

/// Work that comes due with time rather than with events: audience builds (a page per
/// transaction, so the API and ingest go on between pages), counts that left their window,
/// recurring sync runs and their outcomes, and date triggers. Runs in one node at a time; each
/// step reads the clock it was given, so tests move time instead of sleeping.
public struct Scheduler: Service {
    public struct Settings: Sendable {
        /// How often it looks for work when there was none.
        public var interval: Duration = .seconds(1)
        public var pageSize = 500
        public init() {}
    }

    public typealias Maintenance = AudienceMaintenance & ScheduleMaintenance

    let maintenance: any Maintenance
    let coordination: any Coordination
    let work: WorkSignal
    let settings: Settings
    let now: @Sendable () -> Date
    let logger: Logger
    let metrics: SwitchboardMetrics

    public init(
        maintenance: any Maintenance, coordination: any Coordination, work: WorkSignal, settings: Settings = Settings(),
        now: @escaping @Sendable () -> Date, logger: Logger, metrics: SwitchboardMetrics = .disabled
    ) {
        self.metrics = metrics
        self.maintenance = maintenance
        self.coordination = coordination
        self.work = work
        self.settings = settings
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        while !Task.isCancelled {
            do {
                _ = try await coordination.runExclusively("scheduler") { try await step() }
            } catch is CancellationError {
                return
            } catch {
                metrics.schedulerFailed()
                logger.error("scheduled work failed", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            }
            try? await Task.sleep(for: settings.interval)
        }
    }

    /// Everything due now (also what tests call).
    public func step() async throws {
        while !Task.isCancelled, try await maintenance.buildAudiences(now: now(), pageSize: settings.pageSize) {
            work.workIsDue()
        }
        while !Task.isCancelled, try await maintenance.armDateTriggers(now: now(), pageSize: settings.pageSize) {}
        try await drain { try await maintenance.expireCounts(now: now(), limit: settings.pageSize) }
        try await drain {
            let fired = try await maintenance.fireDateTriggers(now: now(), limit: settings.pageSize)
            metrics.dateTriggersFired(fired)
            return fired
        }
        let started = try await maintenance.startDueSyncs(now: now())
        metrics.syncRuns(outcome: "started", count: started)
        if started > 0 { work.workIsDue() }
        let settled = try await maintenance.settleSyncRuns(now: now())
        metrics.syncRuns(outcome: "succeeded", count: settled.count { $0 == .succeeded })
        metrics.syncRuns(outcome: "failed", count: settled.count { $0 == .failed })
    }

    /// Repeats a step while it finds a full page; new events may be due after any of them.
    private func drain(_ step: () async throws -> Int) async throws {
        while !Task.isCancelled {
            let done = try await step()
            if done > 0 { work.workIsDue() }
            if done < settings.pageSize { return }
        }
    }
}

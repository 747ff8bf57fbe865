import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import SwitchboardStorage

/// Keeps audiences current without events: builds new or changed audiences over existing
/// profiles, a page per transaction (the API and ingest go on between pages), and re-evaluates
/// profiles whose event counts left their window. Runs in one node at a time.
public struct AudienceWorker: Service {
    public struct Settings: Sendable {
        /// How often it looks for work when there was none.
        public var interval: Duration = .seconds(1)
        public var pageSize = 500
        public init() {}
    }

    let maintenance: any AudienceMaintenance
    let coordination: any Coordination
    let work: WorkSignal
    let settings: Settings
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        maintenance: any AudienceMaintenance, coordination: any Coordination, work: WorkSignal, settings: Settings = Settings(),
        now: @escaping @Sendable () -> Date, logger: Logger
    ) {
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
                _ = try await coordination.runExclusively("audience-maintenance") { try await step() }
            } catch is CancellationError {
                return
            } catch {
                logger.error("audience maintenance failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.interval)
        }
    }

    /// Everything due now: every build page, then every expired count (also what tests call).
    public func step() async throws {
        while !Task.isCancelled, try await maintenance.buildAudiences(now: now(), pageSize: settings.pageSize) {
            work.workIsDue()
        }
        while !Task.isCancelled {
            let expired = try await maintenance.expireCounts(now: now(), limit: settings.pageSize)
            if expired > 0 { work.workIsDue() }
            if expired < settings.pageSize { break }
        }
    }
}

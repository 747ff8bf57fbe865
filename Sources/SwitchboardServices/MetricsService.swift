import CoreMetrics
import Foundation
import Prometheus
import Synchronization
import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers

/// `/metrics`: one Prometheus registry per application (servers in one process keep apart), the
/// counters the workers and the API record into it, and the gauges read from the database at
/// scrape time: each destination's backlog in one query, refreshed at most every `refreshInterval`.
public final class MetricsService: Sendable {
    public let metrics: SwitchboardMetrics
    /// When set, a scrape must send `Authorization: Bearer <token>`.
    public let token: String?
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let statistics: any OperationalStatistics
    private let refreshInterval: TimeInterval
    private let now: @Sendable () -> Date
    private let state = Mutex(GaugeState())

    /// The backlog gauges now shown, by destination id, and when they were read.
    private struct GaugeState {
        var refreshedAt: Date?
        var backlogs: [String: BacklogGauges] = [:]
    }

    private struct BacklogGauges {
        var pending: CoreMetrics.Gauge
        var age: CoreMetrics.Gauge
        /// Shown as 0 since the last reading: dropped at the next one if still empty.
        var emptied = false
    }

    public init(
        statistics: any OperationalStatistics, token: String?, refreshInterval: TimeInterval = 5, now: @escaping @Sendable () -> Date = Date.init
    ) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Deliveries take milliseconds to seconds; requests to the API are mostly under 100 ms.
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        metrics = SwitchboardMetrics(factory: factory)
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
        self.statistics = statistics
        self.refreshInterval = refreshInterval
        self.now = now
    }

    /// Whether a request's `Authorization` header may read the metrics.
    public func allows(authorization: String?) -> Bool {
        guard let token else { return true }
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        return ConstantTime.equalSecrets(String(authorization.dropFirst("Bearer ".count)), token)
    }

    /// The exposition, gauges read afresh when the last reading is older than `refreshInterval`.
    /// A database that cannot answer leaves the last gauges as they were: counters still come out.
    public func exposition() async -> [UInt8] {
        let now = now()
        let due = state.withLock { state in state.refreshedAt.map { now.timeIntervalSince($0) >= refreshInterval || $0 > now } ?? true }
        if due { try? await refresh(now: now) }
        if let connections = statistics.connectionsInUse {
            CoreMetrics.Gauge(label: SwitchboardMetrics.Name.connectionsInUse, dimensions: [], factory: factory).record(connections)
        }
        return registry.emitToBuffer()
    }

    private func refresh(now: Date) async throws {
        let backlogs = try await statistics.destinationBacklogs(now: now)
        let disabled = try await statistics.countDisabledDestinations()
        CoreMetrics.Gauge(label: SwitchboardMetrics.Name.destinationsDisabled, dimensions: [], factory: factory).record(disabled)
        state.withLock { state in
            var shown: [String: BacklogGauges] = [:]
            for backlog in backlogs {
                let gauges =
                    state.backlogs[backlog.destinationId]
                    ?? BacklogGauges(
                        pending: CoreMetrics.Gauge(label: SwitchboardMetrics.Name.pendingDeliveries, dimensions: [("destination", backlog.destinationId)], factory: factory),
                        age: CoreMetrics.Gauge(label: SwitchboardMetrics.Name.backlogSeconds, dimensions: [("destination", backlog.destinationId)], factory: factory))
                gauges.pending.record(backlog.pending)
                gauges.age.record(backlog.oldestDueSeconds)
                shown[backlog.destinationId] = BacklogGauges(pending: gauges.pending, age: gauges.age)
            }
            // A destination whose queue emptied (or that was deleted) reads 0 once, then drops out:
            // series stay as many as the destinations with a backlog.
            for (id, var gauges) in state.backlogs where shown[id] == nil {
                if gauges.emptied {
                    gauges.pending.destroy()
                    gauges.age.destroy()
                } else {
                    gauges.pending.record(0)
                    gauges.age.record(0)
                    gauges.emptied = true
                    shown[id] = gauges
                }
            }
            state.backlogs = shown
            state.refreshedAt = now
        }
    }
}

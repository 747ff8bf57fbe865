import CoreMetrics
import Foundation
import SwitchboardCore

/// Every metric Switchboard records, named once here (Prometheus conventions: `switchboard_`
/// prefix, `_total` counters, `_seconds` durations). Each application has its own factory, so
/// servers in one process (tests) never count into each other's metrics; labels hold only
/// bounded values: enumerations, routes as declared, and destination ids.
public struct SwitchboardMetrics: Sendable {
    let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records nothing (tools, tests that do not look).
    public static let disabled = SwitchboardMetrics(factory: NOOPMetricsHandler.instance)

    public enum Name {
        public static let eventsIngested = "switchboard_events_ingested_total"
        public static let deliveries = "switchboard_deliveries_total"
        public static let attemptDuration = "switchboard_delivery_attempt_duration_seconds"
        public static let pendingDeliveries = "switchboard_destination_pending_deliveries"
        public static let backlogSeconds = "switchboard_destination_backlog_seconds"
        public static let destinationsDisabled = "switchboard_destinations_disabled"
        public static let httpRequests = "switchboard_http_requests_total"
        public static let httpDuration = "switchboard_http_request_duration_seconds"
        public static let syncRuns = "switchboard_sync_runs_total"
        public static let dateTriggersFired = "switchboard_date_triggers_fired_total"
        public static let schedulerFailures = "switchboard_scheduler_failures_total"
        public static let connectionsInUse = "switchboard_database_connections_in_use"
    }

    /// Events a source sent: `accepted` (stored or a repeated messageId) or `rejected` (refused with a 4xx).
    public func eventsIngested(sourceType: String, outcome: String, count: Int = 1) {
        guard count > 0 else { return }
        CoreMetrics.Counter(label: Name.eventsIngested, dimensions: [("source_type", sourceType), ("outcome", outcome)], factory: factory).increment(by: count)
    }

    /// Deliveries moved on by attempts: `succeeded`, `retrying` or `failed`, by destination
    /// (`cancelled` is kept for the state; no attempt leads to it).
    func deliveries(_ records: [AttemptRecord]) {
        var counts: [DeliveryCountKey: Int] = [:]
        for record in records { counts[DeliveryCountKey(destinationId: record.destinationId, outcome: Self.outcome(record)), default: 0] += 1 }
        for (key, count) in counts {
            CoreMetrics.Counter(label: Name.deliveries, dimensions: [("destination", key.destinationId), ("outcome", key.outcome)], factory: factory)
                .increment(by: count)
        }
    }

    /// How long one request to a destination took (a batch is one request).
    func attemptDuration(milliseconds: Int) {
        CoreMetrics.Timer(label: Name.attemptDuration, dimensions: [], factory: factory).recordMilliseconds(max(0, milliseconds))
    }

    /// One HTTP request the API answered; `route` is the declared path (`/v1/sources/{id}`), never the URL.
    public func httpRequest(route: String, method: String, status: Int, nanoseconds: UInt64) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        CoreMetrics.Counter(label: Name.httpRequests, dimensions: dimensions, factory: factory).increment()
        CoreMetrics.Timer(label: Name.httpDuration, dimensions: [("route", route), ("method", method)], factory: factory)
            .recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Recurring sync runs `started` by the scheduler, and runs (recurring or "Sync now") that ended `succeeded` or `failed`.
    func syncRuns(outcome: String, count: Int) {
        guard count > 0 else { return }
        CoreMetrics.Counter(label: Name.syncRuns, dimensions: [("outcome", outcome)], factory: factory).increment(by: count)
    }

    func dateTriggersFired(_ count: Int) {
        guard count > 0 else { return }
        CoreMetrics.Counter(label: Name.dateTriggersFired, dimensions: [], factory: factory).increment(by: count)
    }

    func schedulerFailed() {
        CoreMetrics.Counter(label: Name.schedulerFailures, dimensions: [], factory: factory).increment()
    }

    static func outcome(_ record: AttemptRecord) -> String {
        switch record.nextState.status {
        case .succeeded: "succeeded"
        case .pending: "retrying"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
    }

    private struct DeliveryCountKey: Hashable {
        var destinationId: String
        var outcome: String
    }
}

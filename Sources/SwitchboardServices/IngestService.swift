import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers
import Tracing

/// Stores ingested events: each caller routes its own events, then joins a group commit; the
/// call returns once they are durable, and the work signal goes out when any was new.
public struct IngestService: Sendable {
    private let committer: EventGroupCommitter

    public init(eventLog: any EventLog, work: WorkSignal) {
        committer = EventGroupCommitter(route: { events in
            try await withSpan("route") { span in
                span.attributes["switchboard.events"] = events.count
                return try await eventLog.routeEvents(events)
            }
        }) { routed in
            if try await eventLog.insertEvents(routed) > 0 { work.workIsDue() }
        }
    }

    /// Returns once the events are durably stored (a repeated `messageId` is skipped). When
    /// traced, each event keeps the request's trace, for its deliveries to continue.
    public func ingest(_ events: [Event]) async throws {
        guard let traceParent = TraceParent.current() else { return try await committer.commit(events) }
        try await committer.commit(events.map { event in
            var event = event
            event.traceParent = traceParent
            return event
        })
    }
}

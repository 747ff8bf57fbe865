import SwitchboardCore
import SwitchboardStorage
import SwitchboardWorkers

/// Stores ingested events: each caller routes its own events, then joins a group commit; the
/// call returns once they are durable, and the work signal goes out when any was new.
public struct IngestService: Sendable {
    private let committer: EventGroupCommitter

    public init(eventLog: any EventLog, work: WorkSignal) {
        committer = EventGroupCommitter(route: { events in try await eventLog.routeEvents(events) }) { routed in
            if try await eventLog.insertEvents(routed) > 0 { work.workIsDue() }
        }
    }

    /// Returns once the events are durably stored (a repeated `messageId` is skipped).
    public func ingest(_ events: [Event]) async throws {
        try await committer.commit(events)
    }
}

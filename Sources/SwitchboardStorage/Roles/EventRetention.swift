import Foundation
import SwitchboardCore

/// Old events going away, and all events going out: both walk events in the order they were
/// received, by an index, a bounded page per call.
public protocol EventRetention: Sendable {
    /// Deletes, in one short transaction, up to `limit` events received before `cutoff` (after
    /// `cursor`, oldest first) with their finished deliveries and attempts. An event with a pending
    /// delivery is kept, and so is that delivery: work still to do is never lost.
    func purgeEvents(receivedBefore cutoff: Date, after cursor: EventCursor?, limit: Int) async throws -> PurgeBatch
    /// Events of every workspace received in [since, until), oldest first, after `cursor`.
    func exportEvents(since: Date, until: Date?, after cursor: EventCursor?, limit: Int) async throws -> EventPage
}

/// A page of an export and where the next one starts (nil: this was the last).
public struct EventPage: Sendable {
    public var events: [Event]
    public var next: EventCursor?
}

/// Where a walk over events in receipt order stopped.
/// Times stay integer milliseconds as stored: a round trip through `Date` could move them.
public struct EventCursor: Sendable, Equatable {
    let receivedAt: Int64
    let id: String

    /// The start: before every event.
    static let start = EventCursor(receivedAt: .min, id: "")

    /// After the last row of a page read in receipt order.
    init(row: some StoredRow) {
        self.init(receivedAt: row.integer("received_at") ?? .min, id: row.string("id"))
    }

    init(receivedAt: Int64, id: String) {
        self.receivedAt = receivedAt
        self.id = id
    }
}

/// What one purge step did.
public struct PurgeBatch: Sendable, Equatable {
    /// Rows deleted.
    public var counts: PurgeCounts
    /// Where the next step starts; nil when no old event is left past this one.
    public var next: EventCursor?

    public init(counts: PurgeCounts, next: EventCursor?) {
        self.counts = counts
        self.next = next
    }
}

/// Rows a purge deleted, and old events it kept for their pending deliveries.
public struct PurgeCounts: Sendable, Equatable {
    public var events = 0
    public var deliveries = 0
    public var attempts = 0
    public var keptForPendingWork = 0

    public init(events: Int = 0, deliveries: Int = 0, attempts: Int = 0, keptForPendingWork: Int = 0) {
        self.events = events
        self.deliveries = deliveries
        self.attempts = attempts
        self.keptForPendingWork = keptForPendingWork
    }

    public static func + (left: PurgeCounts, right: PurgeCounts) -> PurgeCounts {
        PurgeCounts(
            events: left.events + right.events, deliveries: left.deliveries + right.deliveries, attempts: left.attempts + right.attempts,
            keptForPendingWork: left.keptForPendingWork + right.keptForPendingWork)
    }

    /// Every row deleted.
    public var rows: Int { events + deliveries + attempts }
}

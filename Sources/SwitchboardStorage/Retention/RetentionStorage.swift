import Foundation
import GRDB
import SwitchboardCore

// Retention and export, written once for both databases: events are walked in (received_at, id)
// order on the `events_received` index, so old rows are found without a scan.
extension QueueBackend {
    public func purgeEvents(receivedBefore cutoff: Date, after cursor: EventCursor?, limit: Int) async throws -> PurgeBatch {
        let limit = min(max(limit, 1), 10_000)
        let cursor = cursor ?? .start
        return try await transaction(.bookkeeping) { transaction in
            let old = try await transaction.execute(
                """
                SELECT id, received_at FROM events WHERE received_at < ? AND (received_at, id) > (?, ?)
                ORDER BY received_at, id LIMIT ?
                """,
                [.date(cutoff), .integer(cursor.receivedAt), .text(cursor.id), .int(limit)])
            guard let last = old.last else { return PurgeBatch(counts: PurgeCounts(), next: nil) }
            let ids = old.map { $0.string("id") }
            let kept = Set(
                try await transaction.execute(
                    "SELECT DISTINCT event_id FROM deliveries WHERE event_id IN (\(Transaction.placeholders(ids.count))) AND status = 'pending'",
                    ids.map { .text($0) }
                ).map { $0.string("event_id") })
            let deletable = ids.filter { !kept.contains($0) }
            var counts = PurgeCounts(keptForPendingWork: kept.count)
            if !deletable.isEmpty {
                let list = Transaction.placeholders(deletable.count)
                let arguments = deletable.map { ColumnValue.text($0) }
                // Only finished deliveries and their attempts: one made pending again meanwhile stays, and so does its event.
                counts.attempts = try await transaction.execute(
                    """
                    DELETE FROM attempts WHERE delivery_id IN
                        (SELECT id FROM deliveries WHERE event_id IN (\(list)) AND status <> 'pending') RETURNING number
                    """, arguments
                ).count
                counts.deliveries = try await transaction.execute(
                    "DELETE FROM deliveries WHERE event_id IN (\(list)) AND status <> 'pending' RETURNING status", arguments
                ).count
                counts.events = try await transaction.execute(
                    """
                    DELETE FROM events WHERE id IN (\(list))
                        AND NOT EXISTS (SELECT 1 FROM deliveries WHERE deliveries.event_id = events.id) RETURNING id
                    """, arguments
                ).count
            }
            return PurgeBatch(counts: counts, next: old.count < limit ? nil : EventCursor(row: last))
        }
    }
}

/// The export's one query, read outside any write transaction (a reader, a pooled connection):
/// a long export never holds the writer that ingest needs.
enum EventExport {
    static func query(since: Date, until: Date?, after cursor: EventCursor?, limit: Int) -> (sql: String, arguments: [ColumnValue]) {
        let cursor = cursor ?? .start
        return (
            """
            SELECT * FROM events WHERE received_at >= ? AND received_at < ? AND (received_at, id) > (?, ?)
            ORDER BY received_at, id LIMIT ?
            """,
            [.date(since), .integer(until?.milliseconds ?? .max), .integer(cursor.receivedAt), .text(cursor.id), .int(min(max(limit, 1), 10_000))]
        )
    }

    static func page(_ rows: [some StoredRow], limit: Int) -> EventPage {
        EventPage(events: rows.map { Event(row: $0) }, next: rows.count < min(max(limit, 1), 10_000) ? nil : rows.last.map { EventCursor(row: $0) })
    }
}

extension SQLiteStorage {
    public func exportEvents(since: Date, until: Date?, after cursor: EventCursor?, limit: Int) async throws -> EventPage {
        let (sql, arguments) = EventExport.query(since: since, until: until, after: cursor, limit: limit)
        return try await pool.read { db in EventExport.page(try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)), limit: limit) }
    }
}

extension PostgresStorage {
    public func exportEvents(since: Date, until: Date?, after cursor: EventCursor?, limit: Int) async throws -> EventPage {
        let (sql, arguments) = EventExport.query(since: since, until: until, after: cursor, limit: limit)
        var statement = Statement()
        var rest = sql[...]
        var values = arguments.makeIterator()
        while let mark = rest.firstIndex(of: "?") {
            statement.add(String(rest[..<mark]))
            statement.bind(values.next() ?? .text(nil))
            rest = rest[rest.index(after: mark)...]
        }
        statement.add(String(rest))
        return EventExport.page(try await rows(statement), limit: limit)
    }
}

import Foundation
import GRDB
import PostgresNIO
import SwitchboardCore
import Testing

@testable import SwitchboardStorage

/// `EventRetention`: old finished work deleted batch by batch, pending work kept; the export's
/// pages; and the migrations a database still lacks, for every backend.
@Suite struct RetentionContractTests: StorageContract {
    let ids = IdentifierGenerator()
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400

    /// Every batch of a purge of what was received before `cutoff`, `limit` events at a time.
    private func purge(_ storage: any Storage, before cutoff: Date, limit: Int) async throws -> (counts: PurgeCounts, batches: Int) {
        var total = PurgeCounts()
        var cursor: EventCursor?
        var batches = 0
        repeat {
            let batch = try await storage.purgeEvents(receivedBefore: cutoff, after: cursor, limit: limit)
            total = total + batch.counts
            cursor = batch.next
            batches += 1
        } while cursor != nil && batches < 100
        return (total, batches)
    }

    private func delivery(of event: Event, _ storage: any Storage) async throws -> Delivery {
        try #require(try await deliveries(storage, in: event.workspaceId, DeliveryFilter(eventId: event.id)).first)
    }

    @Test(arguments: StorageBackend.allCases)
    func oldFinishedWorkIsDeletedAndPendingWorkKept(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, _, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            // The clock is injected: events "received" 40 days before now, and one a day before.
            let delivered = (0..<3).map { event(source, name: "Delivered", at: -40 * Self.day + Double($0)) }
            let failed = event(source, name: "Failed", at: -40 * Self.day + 10)
            let waiting = event(source, name: "Waiting", at: -40 * Self.day + 20)
            let recent = event(source, name: "Recent", at: -Self.day)
            try await storage.insertEvents(delivered + [failed, waiting, recent])
            for event in delivered + [recent] {
                try await storage.recordAttempts([record(try await delivery(of: event, storage), .succeeded, status: 200)], now: now, disableAfter: 86_400)
            }
            let failedDelivery = try await delivery(of: failed, storage)
            try await storage.recordAttempts([record(failedDelivery, .retry(at: at(-39 * Self.day)), number: 1)], now: now, disableAfter: 86_400)
            try await storage.recordAttempts([record(failedDelivery, .failed, number: 2)], now: now, disableAfter: 86_400)
            let waitingDelivery = try await delivery(of: waiting, storage)

            let (counts, batches) = try await purge(storage, before: at(-30 * Self.day), limit: 2)
            #expect(counts == PurgeCounts(events: 4, deliveries: 4, attempts: 5, keptForPendingWork: 1))
            #expect(batches == 3)  // five old events, two a batch
            for event in delivered + [failed] {
                #expect(try await storage.event(id: event.id, workspaceId: source.workspaceId) == nil)
                #expect(try await deliveries(storage, in: source.workspaceId, DeliveryFilter(eventId: event.id)).isEmpty)
            }
            #expect(try await storage.delivery(id: failedDelivery.id, workspaceId: source.workspaceId) == nil)
            // Pending work and the event it needs stay, and so does everything recent.
            #expect(try await storage.event(id: waiting.id, workspaceId: source.workspaceId) != nil)
            #expect(try await storage.delivery(id: waitingDelivery.id, workspaceId: source.workspaceId)?.status == .pending)
            #expect(try await storage.event(id: recent.id, workspaceId: source.workspaceId) != nil)
            #expect(try await delivery(of: recent, storage).attempts.count == 1)

            // Nothing more to delete: a second purge only finds the kept one again.
            #expect(try await purge(storage, before: at(-30 * Self.day), limit: 2).counts == PurgeCounts(keptForPendingWork: 1))
            // Once it is delivered, it goes too.
            try await storage.recordAttempts([record(waitingDelivery, .succeeded, status: 200)], now: now, disableAfter: 86_400)
            #expect(try await purge(storage, before: at(-30 * Self.day), limit: 1000).counts == PurgeCounts(events: 1, deliveries: 1, attempts: 1))
            // Of the source's events (the failure emitted a recent `Delivery Failed` of its own).
            #expect(try await storage.listEvents(workspaceId: source.workspaceId, filter: EventFilter(sourceId: source.id), page: PageRequest()).items.map(\.id) == [recent.id])
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func aRetriedDeliveryKeepsItsOldEvent(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let (source, destination, _) = try await DeliverySetUp.make(storage, ids: ids, now: now)
            let old = event(source, name: "Old", at: -40 * Self.day)
            try await storage.insertEvents([old])
            try await storage.recordAttempts([record(try await delivery(of: old, storage), .failed)], now: now, disableAfter: 86_400)
            // Recovery puts it back in the queue before the purge comes.
            #expect(try await storage.recoverDeliveries(destinationId: destination.id, workspaceId: source.workspaceId, since: at(-50 * Self.day), until: nil, now: now) == 1)
            #expect(try await purge(storage, before: now, limit: 10).counts == PurgeCounts(keptForPendingWork: 1))
            #expect(try await delivery(of: old, storage).attempts.count == 1)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func exportWalksEveryWorkspaceInReceiptOrder(backend: StorageBackend) async throws {
        try await backend.withStorage { storage in
            let first = try await source(storage, in: try await workspace(storage))
            let second = try await source(storage, in: try await workspace(storage))
            // Received out of id order, two at the same millisecond.
            let events = [
                event(first, name: "c", at: 30), event(second, name: "a", at: 10), event(first, name: "b", at: 20), event(second, name: "b2", at: 20),
                event(first, name: "early", at: -100), event(second, name: "late", at: 100),
            ]
            try await storage.insertEvents(events)
            var exported: [Event] = []
            var cursor: EventCursor?
            var pages = 0
            repeat {
                let page = try await storage.exportEvents(since: at(0), until: at(100), after: cursor, limit: 2)
                exported += page.events
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 10
            // Same millisecond: id order (b's id was made first).
            #expect(exported.map(\.name) == ["a", "b", "b2", "c"])
            #expect(Set(exported.map(\.workspaceId)).count == 2)
            #expect(exported.first?.message["event"] == "a")
            #expect(try await storage.exportEvents(since: at(101), until: nil, after: nil, limit: 10).events.isEmpty)
        }
    }

    @Test(arguments: StorageBackend.allCases)
    func pendingMigrationsAreAllOfThemUntilMigrated(backend: StorageBackend) async throws {
        let database = try backend.makeDatabase()
        let storage = try database.open()
        defer {
            storage.close()
            database.cleanUp()
        }
        let before = try await storage.pendingMigrations()
        #expect(!before.isEmpty)
        #expect(before.contains { $0.hasSuffix("retention") })
        #expect(before.contains { $0.hasSuffix("retention") })
        try await storage.migrate()
        #expect(try await storage.pendingMigrations().isEmpty)
    }

    /// The purge finds old rows by the index, whatever the table holds.
    @Test func sqlitePurgeReadsOldEventsByTheIndex() async throws {
        try await StorageBackend.sqlite.withStorage { storage in
            let sqlite = try #require(storage as? SQLiteStorage)
            let plan = try await sqlite.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        EXPLAIN QUERY PLAN SELECT id, received_at FROM events WHERE received_at < ? AND (received_at, id) > (?, ?)
                        ORDER BY received_at, id LIMIT ?
                        """, arguments: [1, 0, "", 10]
                ).map { $0["detail"] as String? ?? "" }
            }
            #expect(plan.contains { $0.contains("events_received") }, "\(plan)")
            #expect(!plan.contains { $0.contains("SCAN events") && !$0.contains("INDEX") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        }
    }

    @Test(.enabled(if: TestPostgres.url != nil)) func postgresPurgeReadsOldEventsByTheIndex() async throws {
        try await StorageBackend.postgres.withStorage { storage in
            let postgres = try #require(storage as? PostgresStorage)
            // A tiny table is cheaper to scan; with scans priced out the planner must still have an index to use.
            let plan = try await postgres.withTransaction { connection in
                try await connection.query("SET LOCAL enable_seqscan = off", logger: postgres.logger)
                // And with bitmaps too (an empty table's choice): the index's order must serve the ORDER BY.
                try await connection.query("SET LOCAL enable_bitmapscan = off", logger: postgres.logger)
                return try await connection.rows(
                    """
                    EXPLAIN SELECT id, received_at FROM events WHERE received_at < 1 AND (received_at, id) > (0, '')
                    ORDER BY received_at, id LIMIT 10
                    """, logger: postgres.logger
                ).map { $0.string("QUERY PLAN") }
            }
            #expect(plan.contains { $0.contains("events_received") }, "\(plan)")
            #expect(!plan.contains { $0.contains("Sort") }, "\(plan)")
        }
    }
}

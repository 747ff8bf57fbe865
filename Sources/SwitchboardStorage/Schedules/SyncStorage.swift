import Foundation
import SwitchboardCore

// Syncs, written once for both databases (their SQL is the same): a run sends its batches as
// events delivered to the sync's own subscription, and takes effect only when all succeeded.
extension QueueBackend {
    public func createSync(_ sync: AudienceSync, maximumRecurring: Int, now: Date) async throws {
        try await transaction(.durable) { transaction in
            try await Self.checkSync(sync, maximumRecurring: maximumRecurring, in: transaction)
            try await transaction.execute(
                """
                INSERT INTO syncs (id, workspace_id, audience_id, destination_id, interval_seconds, mode, batch_size, mapping, enabled, next_run_at,
                    created_at, updated_at, connector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(sync.id), .text(sync.workspaceId)] + Self.syncColumns(sync, nextRunAt: sync.intervalSeconds == nil ? nil : now)
                    + [.date(sync.createdAt), .date(sync.updatedAt), .text(sync.connector)])
            _ = try await transaction.execute(
                """
                INSERT INTO subscriptions (id, workspace_id, destination_id, name, event_names, condition, mapping, format, enabled, created_at,
                    updated_at, sync_id) VALUES (?, ?, ?, ?, '[]', NULL, ?, 'event', ?, ?, ?, ?)
                """,
                [
                    .text(sync.id), .text(sync.workspaceId), .text(sync.destinationId), .text("sync " + sync.id), .json(Self.subscriptionMapping(sync)),
                    .flag(true), .date(now), .date(now), .text(sync.id),
                ])
        }
    }

    public func sync(id: String, workspaceId: String) async throws -> SyncView? {
        try await transaction(.bookkeeping) { transaction in
            guard let row = try await transaction.first("SELECT * FROM syncs WHERE id = ? AND workspace_id = ?", [.text(id), .text(workspaceId)]),
                let sync = AudienceSync(row: row)
            else { return nil }
            return SyncView(sync: sync, lastRun: try await Self.lastRun(syncId: id, in: transaction))
        }
    }

    public func listSyncs(workspaceId: String, page: PageRequest) async throws -> Page<SyncView> {
        try await transaction(.bookkeeping) { transaction in
            var views: [SyncView] = []
            for row in try await transaction.execute(
                "SELECT * FROM syncs WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?", [.text(workspaceId), .text(page.cursor ?? ""), .int(page.limit + 1)])
            {
                guard let sync = AudienceSync(row: row) else { continue }
                views.append(SyncView(sync: sync, lastRun: try await Self.lastRun(syncId: sync.id, in: transaction)))
            }
            return Page(fetched: views, limit: page.limit, id: \.sync.id)
        }
    }

    public func updateSync(_ sync: AudienceSync, maximumRecurring: Int, now: Date) async throws -> Bool {
        try await transaction(.durable) { transaction in
            guard let row = try await transaction.first("SELECT * FROM syncs WHERE id = ? AND workspace_id = ?", [.text(sync.id), .text(sync.workspaceId)])
            else { return false }
            try await Self.checkSync(sync, maximumRecurring: maximumRecurring, in: transaction)
            // A new interval counts from now; an unchanged one keeps its schedule.
            let nextRunAt = sync.intervalSeconds == nil ? nil : (row.int("interval_seconds") == sync.intervalSeconds ? row.date("next_run_at") ?? now : now)
            try await transaction.execute(
                """
                UPDATE syncs SET audience_id = ?, destination_id = ?, interval_seconds = ?, mode = ?, batch_size = ?, mapping = ?, enabled = ?,
                    next_run_at = ?, updated_at = ? WHERE id = ?
                """, Self.syncColumns(sync, nextRunAt: nextRunAt) + [.date(sync.updatedAt), .text(sync.id)])
            try await transaction.execute(
                "UPDATE subscriptions SET destination_id = ?, mapping = ?, updated_at = ? WHERE id = ? AND sync_id = ?",
                [.text(sync.destinationId), .json(Self.subscriptionMapping(sync)), .date(now), .text(sync.id), .text(sync.id)])
            return true
        }
    }

    public func deleteSync(id: String, workspaceId: String) async throws -> Bool {
        try await transaction(.durable) { transaction in
            let deleted = try await transaction.execute("DELETE FROM syncs WHERE id = ? AND workspace_id = ? RETURNING id", [.text(id), .text(workspaceId)])
            // Its subscription goes too, and with it the requests not sent yet.
            try await transaction.execute("DELETE FROM subscriptions WHERE id = ? AND sync_id = ?", [.text(id), .text(id)])
            return !deleted.isEmpty
        }
    }

    public func runSync(id: String, workspaceId: String, now: Date) async throws -> SyncRun? {
        try await transaction(.durable) { transaction in
            guard let row = try await transaction.first("SELECT * FROM syncs WHERE id = ? AND workspace_id = ?", [.text(id), .text(workspaceId)]),
                let sync = AudienceSync(row: row)
            else { return nil }
            return try await Self.startRun(sync, now: now, in: transaction)
        }
    }

    public func listSyncRuns(syncId: String, workspaceId: String, page: PageRequest) async throws -> Page<SyncRun> {
        try await transaction(.bookkeeping) { transaction in
            let rows = try await transaction.execute(
                "SELECT * FROM sync_runs WHERE sync_id = ? AND workspace_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?",
                [.text(syncId), .text(workspaceId), .text(page.cursor ?? ""), .text(page.cursor ?? ""), .int(page.limit + 1)])
            return Page(fetched: rows.map { SyncRun(row: $0) }, limit: page.limit, id: \.id)
        }
    }

    public func startDueSyncs(now: Date) async throws -> Int {
        try await transaction(.durable) { transaction in
            let due = try await transaction.execute(
                "SELECT * FROM syncs WHERE next_run_at IS NOT NULL AND next_run_at <= ? AND enabled = ? ORDER BY next_run_at LIMIT 10"
                    + transaction.dialect.skipLocked, [.date(now), .flag(true)])
            for row in due {
                guard let sync = AudienceSync(row: row), let interval = sync.intervalSeconds else { continue }
                _ = try await Self.startRun(sync, now: now, in: transaction)
                try await transaction.execute(
                    "UPDATE syncs SET next_run_at = ? WHERE id = ?", [.date(now.addingTimeInterval(TimeInterval(interval))), .text(sync.id)])
            }
            return due.count
        }
    }

    public func settleSyncRuns(now: Date) async throws -> [SyncRunStatus] {
        try await transaction(.bookkeeping) { transaction in
            var settled: [SyncRunStatus] = []
            for row in try await transaction.execute(
                "SELECT * FROM sync_runs WHERE status = 'running' ORDER BY id LIMIT 50" + transaction.dialect.skipLocked, [])
            {
                let run = SyncRun(row: row)
                let eventIds = (row.json("event_ids")?.arrayValue ?? []).compactMap(\.stringValue)
                var counts: [String: Int] = [:]
                for count in try await transaction.execute(
                    "SELECT status, COUNT(*) AS n FROM deliveries WHERE event_id IN (\(Transaction.placeholders(eventIds.count))) GROUP BY status",
                    eventIds.map { .text($0) })
                {
                    counts[count.string("status")] = count.int("n") ?? 0
                }
                guard counts["pending", default: 0] == 0 else { continue }
                let failed = counts["failed", default: 0] + counts["cancelled", default: 0]
                settled.append(try await Self.finish(run, failed: failed, of: eventIds.count, now: now, in: transaction))
            }
            return settled
        }
    }

    /// A run: the diff against what the destination has (as of the last successful run), in
    /// batches, each an event with one delivery to the sync's subscription. One at a time per sync.
    static func startRun(_ sync: AudienceSync, now: Date, in transaction: Transaction) async throws -> SyncRun {
        if let running = try await transaction.first(
            "SELECT * FROM sync_runs WHERE sync_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1", [.text(sync.id)])
        {
            return SyncRun(row: running)
        }
        let runId = transaction.identifiers.make(.syncRun)
        var run = SyncRun(id: runId, syncId: sync.id, workspaceId: sync.workspaceId, startedAt: now)
        guard
            let audience = try await transaction.first(
                "SELECT * FROM audiences WHERE id = ? AND deleted_at IS NULL", [.text(sync.audienceId)]
            ).flatMap({ Audience(row: $0) })
        else {
            run.status = .failed
            run.finishedAt = now
            run.error = "the audience no longer exists"
            try await insert(run, eventIds: [], in: transaction)
            return run
        }
        let members = try await transaction.execute(
            "SELECT user_id FROM audience_members WHERE audience_id = ? AND user_id IS NOT NULL", [.text(audience.id)]
        ).map { $0.string("user_id") }
        let synced = try await transaction.execute("SELECT user_id FROM sync_members WHERE sync_id = ?", [.text(sync.id)]).map { $0.string("user_id") }
        let changes = SyncPlanner.changes(mode: sync.mode, members: Set(members), lastSynced: Set(synced))
        let batches = SyncPlanner.batches(changes, mode: sync.mode, batchSize: sync.batchSize)
        let events = batches.enumerated().map { index, batch in
            let messageId = "sync-\(runId)-\(index)"
            var message = SyncPlanner.message(
                batch: batch, audience: (audience.key, audience.name), syncId: sync.id, runId: runId, batchIndex: index, batchCount: batches.count,
                cohortChanges: sync.mentionsCohortChanges)
            message["messageId"] = .string(messageId)
            message["timestamp"] = .string(Timestamp.format(now))
            return Event(
                id: transaction.identifiers.make(.event), workspaceId: sync.workspaceId, sourceId: SystemEvents.sourceId, type: .track,
                name: SyncPlanner.eventName, messageId: messageId, userId: nil, anonymousId: nil, receivedAt: now, message: message)
        }
        _ = try await transaction.insertNewEvents(events)
        try await transaction.insertDeliveries(events.map { RoutedEvent(event: $0, subscriptionIds: [sync.id]) })
        run.added = changes.added.count
        run.removed = changes.removed.count
        run.requests = events.count
        try await insert(run, eventIds: events.map(\.id), in: transaction)
        for chunk in (changes.added.map { ($0, false) } + changes.removed.map { ($0, true) }).chunked(500) {
            try await transaction.execute(
                "INSERT INTO sync_run_changes (run_id, user_id, removed) VALUES " + Array(repeating: "(?, ?, ?)", count: chunk.count).joined(separator: ", "),
                chunk.flatMap { [ColumnValue.text(runId), .text($0.0), .flag($0.1)] })
        }
        if events.isEmpty {
            try await finish(run, failed: 0, of: 0, now: now, in: transaction)
            run.status = .succeeded
            run.finishedAt = now
        }
        return run
    }

    /// All requests succeeded: what the run sent is what the destination has now. Otherwise the
    /// run failed and the next one sends its changes again.
    @discardableResult
    static func finish(_ run: SyncRun, failed: Int, of total: Int, now: Date, in transaction: Transaction) async throws -> SyncRunStatus {
        let status: SyncRunStatus = failed == 0 ? .succeeded : .failed
        if failed == 0 {
            try await transaction.execute(
                """
                INSERT INTO sync_members (sync_id, user_id) SELECT ?, user_id FROM sync_run_changes WHERE run_id = ? AND removed = ?
                ON CONFLICT DO NOTHING
                """, [.text(run.syncId), .text(run.id), .flag(false)])
            try await transaction.execute(
                "DELETE FROM sync_members WHERE sync_id = ? AND user_id IN (SELECT user_id FROM sync_run_changes WHERE run_id = ? AND removed = ?)",
                [.text(run.syncId), .text(run.id), .flag(true)])
        }
        try await transaction.execute("DELETE FROM sync_run_changes WHERE run_id = ?", [.text(run.id)])
        try await transaction.execute(
            "UPDATE sync_runs SET status = ?, finished_at = ?, error = ? WHERE id = ?",
            [
                .text(status.rawValue), .date(now),
                .text(failed == 0 ? nil : "\(failed) of \(total) requests failed; the next run sends these changes again"), .text(run.id),
            ])
        return status
    }

    private static func insert(_ run: SyncRun, eventIds: [String], in transaction: Transaction) async throws {
        try await transaction.execute(
            """
            INSERT INTO sync_runs (id, sync_id, workspace_id, started_at, finished_at, status, added, removed, requests, error, event_ids)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(run.id), .text(run.syncId), .text(run.workspaceId), .date(run.startedAt), .date(run.finishedAt), .text(run.status.rawValue),
                .int(run.added), .int(run.removed), .int(run.requests), .text(run.error), .json(.array(eventIds.map(JSONValue.string))),
            ])
    }

    private static func lastRun(syncId: String, in transaction: Transaction) async throws -> SyncRun? {
        try await transaction.first("SELECT * FROM sync_runs WHERE sync_id = ? ORDER BY id DESC LIMIT 1", [.text(syncId)]).map { SyncRun(row: $0) }
    }

    /// The audience and destination exist in the workspace, and a recurring sync stays within the cap.
    private static func checkSync(_ sync: AudienceSync, maximumRecurring: Int, in transaction: Transaction) async throws {
        guard
            try await transaction.first(
                "SELECT id FROM audiences WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL", [.text(sync.audienceId), .text(sync.workspaceId)]) != nil
        else { throw SyncStoreError.noSuchAudience }
        guard
            try await transaction.first(
                "SELECT id FROM destinations WHERE id = ? AND workspace_id = ?", [.text(sync.destinationId), .text(sync.workspaceId)]) != nil
        else { throw SyncStoreError.noSuchDestination }
        guard sync.intervalSeconds != nil, sync.enabled else { return }
        let others = try await transaction.first(
            "SELECT COUNT(*) AS n FROM syncs WHERE workspace_id = ? AND interval_seconds IS NOT NULL AND enabled = ? AND id <> ?",
            [.text(sync.workspaceId), .flag(true), .text(sync.id)])?.int("n") ?? 0
        if others >= maximumRecurring { throw SyncStoreError.tooManyRecurring(maximumRecurring) }
    }

    private static func syncColumns(_ sync: AudienceSync, nextRunAt: Date?) -> [ColumnValue] {
        [
            .text(sync.audienceId), .text(sync.destinationId), .int(sync.intervalSeconds), .text(sync.mode.rawValue), .int(sync.batchSize),
            .json(sync.mapping?.json), .flag(sync.enabled), .date(nextRunAt),
        ]
    }

    /// The mapping as a subscription holds it: a bare body template is the mapping's `body`.
    static func subscriptionMapping(_ sync: AudienceSync) -> JSONValue? {
        guard let json = sync.mapping?.json else { return nil }
        guard let object = json.objectValue, !object.keys.allSatisfy(AudienceSync.mappingKeys.contains) else { return json }
        return ["body": json]
    }
}

extension AudienceSync {
    init?(row: some StoredRow) {
        let mapping = row.json("mapping").flatMap { try? AudienceSync.mapping($0, validating: false) }
        self.init(
            id: row.string("id"), workspaceId: row.string("workspace_id"), audienceId: row.string("audience_id"),
            destinationId: row.string("destination_id"), intervalSeconds: row.int("interval_seconds"),
            mode: SyncMode(rawValue: row.string("mode")) ?? .diff, batchSize: row.int("batch_size") ?? AudienceSync.defaultBatchSize,
            mapping: mapping, enabled: row.flag("enabled"), createdAt: row.requiredDate("created_at"), updatedAt: row.requiredDate("updated_at"),
            connector: row.text("connector"))
    }
}

extension SyncRun {
    init(row: some StoredRow) {
        self.init(
            id: row.string("id"), syncId: row.string("sync_id"), workspaceId: row.string("workspace_id"), startedAt: row.requiredDate("started_at"),
            finishedAt: row.date("finished_at"), status: SyncRunStatus(rawValue: row.string("status")) ?? .running, added: row.int("added") ?? 0,
            removed: row.int("removed") ?? 0, requests: row.int("requests") ?? 0, error: row.text("error"))
    }
}

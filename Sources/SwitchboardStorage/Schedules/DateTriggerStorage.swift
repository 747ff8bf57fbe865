import Foundation
import SwitchboardCore

// Date triggers, written once for both databases: each (trigger, profile) has one schedule row
// holding the date and when to fire, found through an index on the due time; `fired_at`
// makes the event once per date, whatever the restarts and nodes.
extension QueueBackend {
    public func createDateTrigger(_ trigger: DateTrigger) async throws {
        try await transaction(.durable) { transaction in
            _ = try await transaction.execute(
                """
                INSERT INTO date_triggers (id, workspace_id, name, field, days_before, event_name, at_time, armed, arm_cursor, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                """,
                [
                    .text(trigger.id), .text(trigger.workspaceId), .text(trigger.name), .text(trigger.field), .int(trigger.daysBefore),
                    .text(trigger.eventName), .text(trigger.atTime.text), .flag(false), .date(trigger.createdAt),
                ])
        }
    }

    public func dateTrigger(id: String, workspaceId: String) async throws -> DateTrigger? {
        try await transaction(.bookkeeping) { transaction in
            try await transaction.first("SELECT * FROM date_triggers WHERE id = ? AND workspace_id = ?", [.text(id), .text(workspaceId)])
                .map { DateTrigger(row: $0) }
        }
    }

    public func listDateTriggers(workspaceId: String, page: PageRequest) async throws -> Page<DateTrigger> {
        try await transaction(.bookkeeping) { transaction in
            let rows = try await transaction.execute(
                "SELECT * FROM date_triggers WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                [.text(workspaceId), .text(page.cursor ?? ""), .int(page.limit + 1)])
            return Page(fetched: rows.map { DateTrigger(row: $0) }, limit: page.limit, id: \.id)
        }
    }

    public func deleteDateTrigger(id: String, workspaceId: String) async throws -> Bool {
        try await transaction(.durable) { transaction in
            try await !transaction.execute("DELETE FROM date_triggers WHERE id = ? AND workspace_id = ? RETURNING id", [.text(id), .text(workspaceId)]).isEmpty
        }
    }

    public func fireDateTriggers(now: Date, limit: Int) async throws -> Int {
        try await transaction(.bookkeeping) { transaction in
            let due = try await transaction.execute(
                """
                SELECT s.trigger_id, s.workspace_id, s.profile_key, s.date_text, s.date_at, s.due_at FROM date_trigger_schedule s
                WHERE s.fired_at IS NULL AND s.due_at <= ? ORDER BY s.due_at LIMIT ?
                """ + transaction.dialect.skipLocked, [.date(now), .int(limit)])
            guard !due.isEmpty else { return 0 }
            let triggerIds = Array(Set(due.map { $0.string("trigger_id") }))
            var triggers: [String: DateTrigger] = [:]
            for row in try await transaction.execute(
                "SELECT * FROM date_triggers WHERE id IN (\(Transaction.placeholders(triggerIds.count)))", triggerIds.map { .text($0) })
            {
                let trigger = DateTrigger(row: row)
                triggers[trigger.id] = trigger
            }
            let refs = due.compactMap { row in ProfileKey(stored: row.string("profile_key")).map { ProfileRef(workspaceId: row.string("workspace_id"), key: $0) } }
            let profiles = try await transaction.profiles(Set(refs))
            var emitted: [ProfileEvent] = []
            for row in due {
                guard let trigger = triggers[row.string("trigger_id")], let key = ProfileKey(stored: row.string("profile_key")) else { continue }
                let profile = profiles[ProfileRef(workspaceId: trigger.workspaceId, key: key)]
                // A date already passed (or a moment missed until after it) never fires.
                if let profile, DateTriggerSchedule.shouldFire(dueAt: row.requiredDate("due_at"), date: row.requiredDate("date_at"), now: now) {
                    let event = DateTriggerSchedule.event(
                        trigger: trigger, userId: key.userId, anonymousId: profile.anonymousIds.first, dateText: row.string("date_text"),
                        id: transaction.identifiers.make(.event), now: now)
                    emitted.append(ProfileEvent(event: event, profile: profile))
                }
                try await transaction.execute(
                    "UPDATE date_trigger_schedule SET fired_at = ? WHERE trigger_id = ? AND profile_key = ?",
                    [.date(now), .text(trigger.id), .text(key.stored)])
            }
            if !emitted.isEmpty { _ = try await Self.emit(emitted, in: transaction) }
            return due.count
        }
    }

    public func armDateTriggers(now: Date, pageSize: Int) async throws -> Bool {
        try await transaction(.bookkeeping) { transaction in
            guard
                let row = try await transaction.first(
                    "SELECT * FROM date_triggers WHERE armed = ? ORDER BY id LIMIT 1" + transaction.dialect.skipLocked, [.flag(false)])
            else { return false }
            let trigger = DateTrigger(row: row)
            let keys = try await transaction.profilePage(workspaceId: trigger.workspaceId, after: row.text("arm_cursor"), limit: pageSize)
            let profiles = try await transaction.profiles(Set(keys.map { ProfileRef(workspaceId: trigger.workspaceId, key: $0) }))
            try await Self.arm(profiles.values.map { ($0, trigger) }, now: now, in: transaction)
            try await transaction.execute(
                "UPDATE date_triggers SET arm_cursor = ?, armed = ? WHERE id = ?", [.text(keys.last?.stored), .flag(keys.count < pageSize), .text(trigger.id)])
            return true
        }
    }

    /// The triggers of each workspace, for ingest to re-arm as traits change.
    static func dateTriggers(workspaceIds: Set<String>, in transaction: Transaction) async throws -> [String: [DateTrigger]] {
        guard !workspaceIds.isEmpty else { return [:] }
        var triggers: [String: [DateTrigger]] = [:]
        for row in try await transaction.execute(
            "SELECT * FROM date_triggers WHERE workspace_id IN (\(Transaction.placeholders(workspaceIds.count)))", workspaceIds.map { .text($0) })
        {
            let trigger = DateTrigger(row: row)
            triggers[trigger.workspaceId, default: []].append(trigger)
        }
        return triggers
    }

    /// Sets each profile's schedule for its trigger from the date its trait holds now: a new date
    /// re-arms it, the same date keeps whether it fired, no date (or one already passed) removes it.
    static func arm(_ entries: [(profile: Profile, trigger: DateTrigger)], now: Date, in transaction: Transaction) async throws {
        for (profile, trigger) in entries {
            let value = trigger.value(in: profile.traits)
            guard let date = DateTriggerSchedule.date(in: value), let text = value?.stringValue, date > now else {
                try await transaction.execute(
                    "DELETE FROM date_trigger_schedule WHERE trigger_id = ? AND profile_key = ?", [.text(trigger.id), .text(profile.key.stored)])
                continue
            }
            try await transaction.execute(
                """
                INSERT INTO date_trigger_schedule (trigger_id, workspace_id, profile_key, date_text, date_at, due_at, fired_at) VALUES (?, ?, ?, ?, ?, ?, NULL)
                ON CONFLICT (trigger_id, profile_key) DO UPDATE SET date_at = excluded.date_at, due_at = excluded.due_at,
                    fired_at = CASE WHEN date_trigger_schedule.date_text = excluded.date_text THEN date_trigger_schedule.fired_at ELSE NULL END,
                    date_text = excluded.date_text
                """,
                [
                    .text(trigger.id), .text(profile.workspaceId), .text(profile.key.stored), .text(text), .date(date),
                    .date(DateTriggerSchedule.dueAt(date: date, trigger: trigger)),
                ])
        }
    }
}

extension DateTrigger {
    init(row: some StoredRow) {
        self.init(
            id: row.string("id"), workspaceId: row.string("workspace_id"), name: row.string("name"), field: row.string("field"),
            daysBefore: row.int("days_before") ?? 0, eventName: row.string("event_name"), atTime: TimeOfDay(row.string("at_time")) ?? .nine,
            createdAt: row.requiredDate("created_at"))
    }
}

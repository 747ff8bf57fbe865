/// Who joined and who left since the last run, or every member (full mode), as sorted ids.
public struct SyncChanges: Sendable, Equatable {
    public var added: [String]
    public var removed: [String]
    /// Every member (full mode only; empty in diff mode).
    public var members: [String]

    public init(added: [String], removed: [String], members: [String]) {
        self.added = added
        self.removed = removed
        self.members = members
    }
}

/// The ids one request carries.
public struct SyncBatch: Sendable, Equatable {
    public var added: [String]
    public var removed: [String]
    public var members: [String]
    /// Which mode made it: a full batch shows `members` (even empty), a diff batch does not.
    public var mode: SyncMode

    public init(added: [String] = [], removed: [String] = [], members: [String] = [], mode: SyncMode = .diff) {
        self.added = added
        self.removed = removed
        self.members = members
        self.mode = mode
    }
}

/// What a sync run sends: pure set arithmetic and chunking, no I/O.
public enum SyncPlanner {
    public static let eventName = "Audience Synced"

    /// `members` against what the last successful run left the destination knowing.
    public static func changes(mode: SyncMode, members: Set<String>, lastSynced: Set<String>) -> SyncChanges {
        SyncChanges(
            added: members.subtracting(lastSynced).sorted(),
            removed: lastSynced.subtracting(members).sorted(),
            members: mode == .full ? members.sorted() : [])
    }

    /// The requests of a run, each at most `batchSize` ids. Diff: `added` then `removed`, a batch
    /// may hold the tail of one and the head of the other; nothing changed sends nothing. Full:
    /// `members` in chunks, and one empty batch for an empty audience so the destination learns it.
    public static func batches(_ changes: SyncChanges, mode: SyncMode, batchSize: Int) -> [SyncBatch] {
        // A size below 1 would never advance; stored syncs are validated, this only guards.
        let size = max(1, batchSize)
        switch mode {
        case .full:
            guard !changes.members.isEmpty else { return [SyncBatch(mode: .full)] }
            return stride(from: 0, to: changes.members.count, by: size).map { start in
                SyncBatch(members: Array(changes.members[start..<min(start + size, changes.members.count)]), mode: .full)
            }
        case .diff:
            let addedCount = changes.added.count
            let total = addedCount + changes.removed.count
            return stride(from: 0, to: total, by: size).map { start in
                let end = min(start + size, total)
                let added = start < addedCount ? Array(changes.added[start..<min(end, addedCount)]) : []
                let removed = end > addedCount ? Array(changes.removed[max(start, addedCount) - addedCount..<end - addedCount]) : []
                return SyncBatch(added: added, removed: removed, mode: .diff)
            }
        }
    }

    /// The document a batch's request is rendered from; its fields are the template roots
    /// (`added`, `removed`, `members` in full mode, `audience`, `sync`; `cohortChanges` when asked).
    public static func message(
        batch: SyncBatch, audience: (key: String, name: String), syncId: String, runId: String, batchIndex: Int, batchCount: Int,
        cohortChanges: Bool = false
    ) -> [String: JSONValue] {
        var message: [String: JSONValue] = [
            "type": "track", "event": .string(eventName),
            "added": .array(batch.added.map(JSONValue.string)), "removed": .array(batch.removed.map(JSONValue.string)),
            "audience": ["key": .string(audience.key), "name": .string(audience.name)],
            "sync": ["id": .string(syncId), "runId": .string(runId), "batch": .int(Int64(batchIndex)), "batches": .int(Int64(batchCount))],
        ]
        if batch.mode == .full { message["members"] = .array(batch.members.map(JSONValue.string)) }
        if cohortChanges { message["cohortChanges"] = Self.cohortChanges(batch) }
        return message
    }

    /// Braze's `cohort_changes` for a batch: `{"user_ids": added}` and `{"user_ids": removed,
    /// "should_remove": true}` (full mode: the members), an empty list left out rather than sent.
    public static func cohortChanges(_ batch: SyncBatch) -> JSONValue {
        var changes: [JSONValue] = []
        let added = batch.mode == .full ? batch.members : batch.added
        if !added.isEmpty { changes.append(["user_ids": .array(added.map(JSONValue.string))]) }
        if !batch.removed.isEmpty { changes.append(["user_ids": .array(batch.removed.map(JSONValue.string)), "should_remove": true]) }
        return .array(changes)
    }
}

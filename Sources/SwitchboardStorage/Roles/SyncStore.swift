import Foundation
import SwitchboardCore

/// Audience syncs: an audience pushed to a destination as added/removed id lists, on demand or
/// every N seconds, each request a delivery like any other.
public protocol SyncStore: Sendable {
    /// Refused (`SyncStoreError`) when the audience or destination is not there, or a recurring
    /// sync would pass `maximumRecurring`.
    func createSync(_ sync: AudienceSync, maximumRecurring: Int, now: Date) async throws
    func sync(id: String, workspaceId: String) async throws -> SyncView?
    func listSyncs(workspaceId: String, page: PageRequest) async throws -> Page<SyncView>
    func updateSync(_ sync: AudienceSync, maximumRecurring: Int, now: Date) async throws -> Bool
    func deleteSync(id: String, workspaceId: String) async throws -> Bool
    /// Starts a run now ("Sync now"); a run still going is returned instead of a second one.
    func runSync(id: String, workspaceId: String, now: Date) async throws -> SyncRun?
    /// Newest first.
    func listSyncRuns(syncId: String, workspaceId: String, page: PageRequest) async throws -> Page<SyncRun>
}

/// A sync and its latest run.
public struct SyncView: Sendable, Equatable {
    public var sync: AudienceSync
    public var lastRun: SyncRun?

    public var document: JSONValue {
        guard case .object(var fields) = sync.document else { return sync.document }
        fields["lastRun"] = lastRun?.document ?? .null
        return .object(fields)
    }
}

public enum SyncStoreError: Error, Equatable, Sendable {
    case noSuchAudience
    case noSuchDestination
    case tooManyRecurring(Int)
}

/// Date triggers: events N days before a date a profile trait holds.
public protocol DateTriggerStore: Sendable {
    /// Stores it; profiles that exist already are armed in the background.
    func createDateTrigger(_ trigger: DateTrigger) async throws
    func dateTrigger(id: String, workspaceId: String) async throws -> DateTrigger?
    func listDateTriggers(workspaceId: String, page: PageRequest) async throws -> Page<DateTrigger>
    func deleteDateTrigger(id: String, workspaceId: String) async throws -> Bool
}

/// Scheduled work over syncs and date triggers, one bounded step per call, in one transaction.
public protocol ScheduleMaintenance: Sendable {
    /// Starts the recurring syncs that are due; returns how many started.
    func startDueSyncs(now: Date) async throws -> Int
    /// Ends the runs whose requests all finished; returns how each ended.
    func settleSyncRuns(now: Date) async throws -> [SyncRunStatus]
    /// Emits the date-trigger events due by `now`; returns how many schedule entries were handled.
    func fireDateTriggers(now: Date, limit: Int) async throws -> Int
    /// Arms one page of a new trigger over existing profiles; false when none is left to arm.
    func armDateTriggers(now: Date, pageSize: Int) async throws -> Bool
}

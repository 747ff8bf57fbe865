/// What processes sharing one database do together: tell each other new work is due, and run
/// a job in only one of them at a time.
public protocol Coordination: Sendable {
    /// Whether other processes may share the database (PostgreSQL): only then is there anyone to
    /// announce work to or to hear it from.
    var sharesDatabase: Bool { get }
    /// Tells every other process sharing the database that work is due. Storage that only one
    /// process uses does nothing: that process's own signal is enough.
    func announceWork() async throws
    /// Calls `wake` whenever another process announces work, until the task is cancelled. Storage
    /// that only one process uses returns at once.
    func watchForWork(_ wake: @escaping @Sendable () -> Void) async throws
    /// Runs `job` unless it is already running, in this process or any other sharing the
    /// database; returns false when it was skipped. For schedules that must run once.
    func runExclusively(_ name: String, _ job: @Sendable () async throws -> Void) async throws -> Bool
}

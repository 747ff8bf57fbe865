#if canImport(Glibc)
import Glibc
private let closeFile = Glibc.close
#else
import Darwin
private let closeFile = Darwin.close
#endif

extension SQLiteStorage {
    /// GRDB closes the pool when the last reference goes.
    public func close() {}

    /// One process owns a SQLite database.
    public var sharesDatabase: Bool { false }

    /// One process owns a SQLite database: its own work signal is enough.
    public func announceWork() async throws {}

    /// One process owns a SQLite database: nobody else announces work.
    public func watchForWork(_ wake: @escaping @Sendable () -> Void) async throws {}

    /// An exclusive `flock` on a file beside the database: it holds across handles and
    /// processes, and the system lets go of it when a process dies.
    public func runExclusively(_ name: String, _ job: @Sendable () async throws -> Void) async throws -> Bool {
        let safeName = String(name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        let descriptor = open("\(path)-\(safeName).lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError.lockUnavailable(name) }
        defer { _ = closeFile(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return false }
        try await job()
        return true
    }
}

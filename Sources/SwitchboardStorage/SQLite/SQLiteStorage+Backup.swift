import Foundation
import GRDB

/// How far an online backup is, in database pages.
public struct BackupProgress: Sendable, Equatable {
    public var copiedPages: Int
    public var totalPages: Int
    public var pageSize: Int
    public var isCompleted: Bool
}

extension SQLiteStorage {
    /// Copies the database as of one moment to a new file at `path`, while other connections and
    /// processes go on writing: SQLite's online backup from a read snapshot (WAL), `pagesPerStep`
    /// pages a step, each step reported. The copy is made beside `path` and renamed into place only
    /// when complete, so a failed backup never leaves a half file under the name asked for.
    public func backup(to path: String, pagesPerStep: Int32 = 1024, progress: @escaping @Sendable (BackupProgress) -> Void = { _ in }) async throws {
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        let pageSize = try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096 }
        do {
            // The copy blocks a thread for its whole length: one of its own, not one the tasks share.
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                Thread { [pool] in
                    do {
                        let destination = try DatabaseQueue(path: partial)
                        try pool.backup(to: destination, pagesPerStep: max(pagesPerStep, 1)) { step in
                            progress(
                                BackupProgress(
                                    copiedPages: step.completedPageCount, totalPages: step.totalPageCount, pageSize: pageSize, isCompleted: step.isCompleted))
                        }
                        // A single file that opens anywhere: no write-ahead log beside it.
                        try destination.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
                        try destination.close()
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }.start()
            }
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }
}

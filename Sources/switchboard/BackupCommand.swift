import ArgumentParser
import Foundation
import SwitchboardStorage
import Synchronization

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the SQLite database to FILE while the server runs (PostgreSQL: use pg_dump).",
        discussion: """
            A consistent copy as of the moment it starts, made with SQLite's online backup in steps: the \
            server goes on ingesting and delivering meanwhile. The copy is written beside FILE and renamed \
            into place when complete. For PostgreSQL, pg_dump makes the same kind of copy: \
            pg_dump --format=custom --file=FILE DATABASE_URL.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "Where to write the copy (replaced if it exists).")
    var file: String

    @Option(help: "Database pages copied per step (of 4 KiB by default).")
    var pagesPerStep = 1024

    func validate() throws {
        guard (1...1_000_000).contains(pagesPerStep) else { throw ArgumentParser.ValidationError("--pages-per-step must be from 1 to 1000000") }
    }

    func run() async throws {
        let database = try await SettingsReader(common: common).database
        guard !PostgresStorage.isURL(database) else {
            Console.announce(
                "The database is PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=\(file) \"$SWITCHBOARD_DATABASE_URL\" "
                    + "(restore with pg_restore). Nothing was copied.")
            throw ExitCode.failure
        }
        guard FileManager.default.fileExists(atPath: database) else { throw OperatorError("no database at \(database)") }
        guard URL(fileURLWithPath: file).standardizedFileURL != URL(fileURLWithPath: database).standardizedFileURL else {
            throw OperatorError("the copy cannot replace the database itself")
        }
        let storage = try SQLiteStorage(path: database)
        defer { storage.close() }
        let progress = ProgressLine("backup", unit: "pages")
        let copied = Copied()
        try await storage.backup(to: file, pagesPerStep: Int32(pagesPerStep)) { step in
            progress.update(step.copiedPages, of: step.totalPages)
            copied.set(step)
        }
        progress.finish()
        let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        Console.announce("Copied \(copied.pages) pages (\(bytes) bytes) of \(database) to \(file).")
    }
}

/// The last step's count, kept for the summary (steps report on the copying thread).
private final class Copied: Sendable {
    private let value = Mutex(0)
    func set(_ step: BackupProgress) { value.withLock { $0 = step.totalPages } }
    var pages: Int { value.withLock { $0 } }
}

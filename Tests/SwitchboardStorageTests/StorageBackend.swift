import Foundation
import Logging
import SwitchboardCore
import SwitchboardStorage
import Testing

/// The storage implementations the contract suite runs against: SQLite always, PostgreSQL when
/// `SWITCHBOARD_TEST_POSTGRES_URL` names a server (`.ci/run` starts one).
enum StorageBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var allCases: [StorageBackend] { TestPostgres.url == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }

    /// A fresh, migrated, empty store, and a way to drop it afterwards.
    func make() async throws -> (storage: any Storage, cleanUp: @Sendable () -> Void) {
        let database = try makeDatabase()
        let storage = try database.open()
        try await storage.migrate()
        return (storage, { storage.close(); database.cleanUp() })
    }

    /// A fresh database that several storage handles (standing in for several nodes) can open.
    func makeDatabase() throws -> (open: @Sendable () throws -> any Storage, cleanUp: @Sendable () -> Void) {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("test.sqlite").path
            return ({ try SQLiteStorage(path: path) }, { try? FileManager.default.removeItem(at: directory) })
        case .postgres:
            let url = try #require(TestPostgres.url)
            let schemaURL = TestPostgres.urlWithNewSchema(url)
            return ({ try PostgresStorage(url: schemaURL, logger: Logger(label: "test")) }, {})
        }
    }
}

extension StorageBackend {
    /// Runs `body` on a fresh, migrated, empty store, dropped afterwards.
    func withStorage(_ body: (any Storage) async throws -> Void) async throws {
        let (storage, cleanUp) = try await make()
        defer { cleanUp() }
        try await body(storage)
    }

    /// Runs `body` on two migrated handles on one fresh database (two nodes), closed afterwards.
    func withTwoNodes(_ body: (any Storage, any Storage) async throws -> Void) async throws {
        let database = try makeDatabase()
        let first = try database.open()
        let second = try database.open()
        defer {
            first.close()
            second.close()
            database.cleanUp()
        }
        try await first.migrate()
        try await second.migrate()
        try await body(first, second)
    }
}

/// Expects `body` to be refused with `StorageError.conflict` (not any other error).
func expectConflict(sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    let error = await #expect(throws: StorageError.self, sourceLocation: sourceLocation) { try await body() }
    guard let error else { return }
    if case .conflict = error { return }
    Issue.record("expected StorageError.conflict, got \(error)", sourceLocation: sourceLocation)
}

enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// The same server and database, in a schema of its own: tests never see each other's rows.
    static func urlWithNewSchema(_ url: String) -> String {
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return url + (url.contains("?") ? "&" : "?") + "schema=" + schema
    }
}

/// Says loudly, in every run without PostgreSQL, that its contract tests did not run.
@Suite struct PostgresAvailability {
    @Test(.enabled(if: TestPostgres.url != nil, "PostgreSQL tests SKIPPED: set SWITCHBOARD_TEST_POSTGRES_URL (see .ci/run) to run them"))
    func postgresAnswers() async throws {
        let (storage, cleanUp) = try await StorageBackend.postgres.make()
        defer { cleanUp() }
        try await storage.ping()
    }
}

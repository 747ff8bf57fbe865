import Foundation
import SwitchboardCore
import SwitchboardStorage

/// The storage implementations the contract suite runs against; PostgreSQL joins this list.
enum StorageBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite

    var testDescription: String { rawValue }

    /// A fresh, migrated, empty store, and a way to drop it afterwards.
    func make() async throws -> (storage: any Storage, cleanUp: @Sendable () -> Void) {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let storage = try SQLiteStorage(path: directory.appendingPathComponent("test.sqlite").path)
            try await storage.migrate()
            return (storage, { try? FileManager.default.removeItem(at: directory) })
        }
    }
}

import Testing

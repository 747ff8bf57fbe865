import Logging
import ServiceLifecycle

/// The storage `database` names: a `postgres://` URL, or else the path of a SQLite file. The
/// storage runs what it needs itself (a PostgreSQL pool): for tests and tools.
/// `cachesConfiguration`: as a server's SQLite storage does (see `SQLiteStorage.init`).
public func openStorage(_ database: String, logger: Logger, cachesConfiguration: Bool = false) throws -> any Storage {
    PostgresStorage.isURL(database)
        ? try PostgresStorage(url: database, logger: logger) : try SQLiteStorage(path: database, cachesConfiguration: cachesConfiguration)
}

/// Storage for a server: what runs for it (a PostgreSQL pool) is a service of the server's group.
public struct ServedStorage {
    public var storage: any Storage
    public var services: [any Service]

    /// Opens the storage `database` names (or takes `given`), after running `setUp` on it (migrations,
    /// first start). Those run before the service group does, so on PostgreSQL on a pool of their own.
    public static func open(
        _ database: String, given: (any Storage)?, logger: Logger, setUp: (any Storage) async throws -> Void
    ) async throws -> ServedStorage {
        if let given {
            try await setUp(given)
            return ServedStorage(storage: given, services: [])
        }
        guard PostgresStorage.isURL(database) else {
            let storage = try SQLiteStorage(path: database, cachesConfiguration: true)
            try await setUp(storage)
            return ServedStorage(storage: storage, services: [])
        }
        let setUpStorage = try PostgresStorage(url: database, logger: logger)
        defer { setUpStorage.close() }
        try await setUp(setUpStorage)
        let storage = try PostgresStorage(url: database, logger: logger, runsOwnPool: false)
        return ServedStorage(storage: storage, services: [storage.poolService])
    }
}

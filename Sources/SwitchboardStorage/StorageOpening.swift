import Logging

/// The storage `database` names: a `postgres://` URL, or else the path of a SQLite file.
public func openStorage(_ database: String, logger: Logger) throws -> any Storage {
    PostgresStorage.isURL(database) ? try PostgresStorage(url: database, logger: logger) : try SQLiteStorage(path: database)
}

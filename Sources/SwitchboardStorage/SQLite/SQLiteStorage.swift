import Foundation
import GRDB
import SwitchboardCore

/// Storage on an embedded SQLite database: one writer, many readers (WAL), and full
/// synchronous commits so an acknowledged write survives a crash of the process or the machine.
public struct SQLiteStorage: Storage {
    let pool: DatabasePool
    let identifiers = IdentifierGenerator()
    /// The database file: exclusive jobs lock files beside it.
    let path: String

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A larger page cache and memory-mapped reads keep index lookups off read(2); the map
            // stays at 64 MiB because its pages count as the process's resident memory.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 67108864")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
    }

    public func migrate() async throws {
        try SQLiteSchema.migrator.migrate(pool)
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: Workspaces

    public func createWorkspace(_ workspace: Workspace) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO workspaces (id, name, parent_id, created_at) VALUES (?, ?, ?, ?)",
                arguments: [workspace.id, workspace.name, workspace.parentId, workspace.createdAt.milliseconds]
            )
            try Self.insertPresetEventTypes(db, workspaceId: workspace.id, at: workspace.createdAt)
        }
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workspaces WHERE id = ?", arguments: [id]).map(Workspace.init(row:))
        }
    }

    public func listWorkspaces(visibleTo workspaceId: String, page: PageRequest) async throws -> Page<Workspace> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: """
                    SELECT * FROM workspaces WHERE (id = ? OR parent_id = ?) AND id > ?
                    ORDER BY id LIMIT ?
                    """,
                arguments: [workspaceId, workspaceId, page.cursor ?? "", page.limit + 1], Workspace.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func rootWorkspace() async throws -> Workspace? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM workspaces WHERE parent_id IS NULL ORDER BY id LIMIT 1")
                .map(Workspace.init(row:))
        }
    }

    // MARK: API keys

    public func createAPIKey(_ key: APIKey) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, workspace_id, name, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [key.id, key.workspaceId, key.name, key.role.rawValue, key.keyHash, key.createdAt.milliseconds]
            )
        }
    }

    public func apiKey(hash: String) async throws -> APIKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE key_hash = ?", arguments: [hash]).map(APIKey.init(row:))
        }
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(APIKey.init(row:))
        }
    }

    public func listAPIKeys(workspaceId: String, page: PageRequest) async throws -> Page<APIKey> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: "SELECT * FROM api_keys WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [workspaceId, page.cursor ?? "", page.limit + 1], APIKey.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func deleteAPIKey(id: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM api_keys WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func countAPIKeys() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys") ?? 0 }
    }

    // MARK: Sources

    public func createSource(_ source: Source) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO sources (id, workspace_id, name, type, verification, event_name_prefix, write_key, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    source.id, source.workspaceId, source.name, source.type.rawValue,
                    source.verification.map(JSONCoding.string), source.eventNamePrefix, source.writeKey,
                    source.createdAt.milliseconds, source.updatedAt.milliseconds,
                ]
            )
        }
    }

    public func source(id: String, workspaceId: String) async throws -> Source? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
                .map(Source.init(row:))
        }
    }

    public func source(writeKey: String) async throws -> Source? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE write_key = ?", arguments: [writeKey]).map(Source.init(row:))
        }
    }

    public func listSources(workspaceId: String, page: PageRequest) async throws -> Page<Source> {
        try await pool.read { db in
            let rows = try Row.mapAll(
                db,
                sql: "SELECT * FROM sources WHERE workspace_id = ? AND id > ? ORDER BY id LIMIT ?",
                arguments: [workspaceId, page.cursor ?? "", page.limit + 1], Source.init(row:))
            return Page(fetched: rows, limit: page.limit, id: \.id)
        }
    }

    public func updateSource(_ source: Source) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE sources SET name = ?, verification = ?, event_name_prefix = ?, updated_at = ?
                    WHERE id = ? AND workspace_id = ?
                    """,
                arguments: [
                    source.name, source.verification.map(JSONCoding.string), source.eventNamePrefix,
                    source.updatedAt.milliseconds, source.id, source.workspaceId,
                ]
            )
            return db.changesCount > 0
        }
    }

    public func deleteSource(id: String, workspaceId: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM sources WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
            return db.changesCount > 0
        }
    }

    // MARK: Events

    /// Inserts one event; false when its source already has its messageId.
    func insertEvent(_ db: Database, _ event: Event) throws -> Bool {
        try db.cachedStatement(
            sql: """
                INSERT INTO events (id, workspace_id, source_id, message_id, type, name, user_id, anonymous_id, received_at, message)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (source_id, message_id) DO NOTHING
                """
        ).execute(arguments: StatementArguments(event.columnValues))
        return db.changesCount > 0
    }

    public func event(id: String, workspaceId: String) async throws -> Event? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM events WHERE id = ? AND workspace_id = ?", arguments: [id, workspaceId])
                .map { Event(row: $0) }
        }
    }

    public func listEvents(workspaceId: String, filter: EventFilter, page: PageRequest) async throws -> Page<Event> {
        var conditions = ["workspace_id = ?"]
        var arguments: StatementArguments = [workspaceId]
        if let cursor = page.cursor {
            conditions.append("id < ?")
            arguments += [cursor]
        }
        if let name = filter.name {
            conditions.append("name = ?")
            arguments += [name]
        }
        if let userId = filter.userId {
            conditions.append("user_id = ?")
            arguments += [userId]
        }
        if let type = filter.type {
            conditions.append("type = ?")
            arguments += [type.rawValue]
        }
        if let sourceId = filter.sourceId {
            conditions.append("source_id = ?")
            arguments += [sourceId]
        }
        if let since = filter.since {
            conditions.append("received_at >= ?")
            arguments += [since.milliseconds]
        }
        arguments += [page.limit + 1]
        let sql = "SELECT * FROM events WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT ?"
        return try await pool.read { [arguments] db in
            return Page(fetched: try Row.mapAll(db, sql: sql, arguments: arguments) { Event(row: $0) }, limit: page.limit, id: \.id)
        }
    }

    /// A write transaction whose constraint failures surface as `StorageError.conflict`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StorageError.conflict(error.message ?? "constraint failed")
        }
    }

    /// A write transaction committed without waiting for the disk: for delivery bookkeeping
    /// (leases, attempts), whose loss in a machine crash only means a delivery is sent again.
    /// The next fully synchronous commit (every event insert) makes it durable too.
    func writeWithoutSync<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }
}

extension Row: StoredRow {
    func text(_ column: String) -> String? { self[column] }
    func integer(_ column: String) -> Int64? { self[column] }
    func flag(_ column: String) -> Bool { self[column] ?? false }
}

extension Row {
    /// Rows mapped as they are stepped: a cursor's row finds columns through a table GRDB builds
    /// once per statement, where a copied row (`fetchAll`) lowercases every column name on each read.
    static func mapAll<T>(_ statement: GRDB.Statement, arguments: StatementArguments = StatementArguments(), _ transform: (Row) throws -> T) throws -> [T] {
        let cursor = try fetchCursor(statement, arguments: arguments)
        var results: [T] = []
        while let row = try cursor.next() { results.append(try transform(row)) }
        return results
    }

    static func mapAll<T>(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments(), _ transform: (Row) throws -> T) throws -> [T] {
        try mapAll(db.makeStatement(sql: sql), arguments: arguments, transform)
    }
}

extension StatementArguments {
    init(_ values: [ColumnValue]) {
        self.init(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .text(let text): text
            case .integer(let integer): integer
            case .flag(let flag): flag
            }
        })
    }
}

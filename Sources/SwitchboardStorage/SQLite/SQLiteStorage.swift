import Foundation
import GRDB
import SwitchboardCore

/// Storage on an embedded SQLite database: one writer, many readers (WAL), and full
/// synchronous commits so an acknowledged write survives a crash of the process or the machine.
public struct SQLiteStorage: Storage, QueueBackend {
    let pool: DatabasePool
    let identifiers = IdentifierGenerator()
    /// The database file: exclusive jobs lock files beside it.
    let path: String
    /// This process's writes, one at a time: a queue transaction spans several trips to the writer.
    let writer = AsyncLock()

    /// Write-key lookups and routing candidates from memory; nil reads the database every time.
    let configuration: ConfigurationCache?

    /// `cachesConfiguration`: only when this is the one process that changes the file's sources and
    /// subscriptions (a server; not tests or tools that open a second handle on it).
    public init(path: String, cachesConfiguration: Bool = false) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        // Queue transactions stay open across writer accesses (each an await); `writer` keeps others out.
        configuration.allowsUnsafeTransactions = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A larger page cache and memory-mapped reads keep index lookups off read(2); the map
            // stays at 64 MiB because its pages count as the process's resident memory.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA mmap_size = 67108864")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.path = path
        self.configuration = cachesConfiguration ? ConfigurationCache() : nil
        if let cache = self.configuration {
            pool.writeWithoutTransaction { db in db.add(transactionObserver: cache.changes, extent: .databaseLifetime) }
        }
    }

    public func migrate() async throws {
        try await writer.withLock { [pool] in try SQLiteSchema.migrator.migrate(pool) }
    }

    public func pendingMigrations() async throws -> [String] {
        try await pool.read { db in
            let migrator = SQLiteSchema.migrator
            let applied = try migrator.appliedIdentifiers(db)
            return migrator.migrations.filter { !applied.contains($0) }
        }
    }

    public func ping() async throws {
        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    /// A write transaction in one trip to the writer; constraint failures surface as `StorageError.conflict`.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.withLock { [pool] in try await pool.write(body) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StorageError.conflict(error.message ?? "constraint failed")
        }
    }

    /// A transaction that spans awaits, its steps run on the calling thread (`SQLiteTransaction`);
    /// bookkeeping commits without waiting for the disk (the next full commit, every event
    /// insert, makes it durable too). It always ends, committed or rolled back (a cancelled
    /// caller's commit is refused, and the transaction rolled back).
    func transaction<T: Sendable>(_ kind: TransactionKind, _ body: @escaping @Sendable (SQLiteTransaction) async throws -> T) async throws -> T {
        let synchronous = kind == .durable ? "FULL" : "NORMAL"
        return try await writer.withLock { [pool, identifiers] in
            let transaction = SQLiteTransaction(pool: pool, identifiers: identifiers)
            try transaction.begin(synchronous: synchronous)
            do {
                let result = try await body(transaction)
                try await transaction.commit()
                return result
            } catch {
                transaction.rollback()
                if let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT {
                    throw StorageError.conflict(error.message ?? "constraint failed")
                }
                throw error
            }
        }
    }

    func readCandidateSubscriptions(_ keys: Set<RoutePlanner.Key>) async throws -> [RoutePlanner.Key: [Subscription]] {
        guard let cache = configuration else {
            // A reader connection (WAL): beside the writer, never waiting for it.
            return try await pool.read { db in try Self.candidateSubscriptions(db, keys) }
        }
        let generation = cache.current
        var (found, missing) = cache.candidates(keys)
        guard !missing.isEmpty else { return found }
        let read = try await pool.read { [missing] db in try Self.candidateSubscriptions(db, missing) }
        cache.remember(read, readAt: generation)
        found.merge(read) { $1 }
        return found
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
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

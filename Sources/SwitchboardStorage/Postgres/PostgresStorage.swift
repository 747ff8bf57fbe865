import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import SwitchboardCore

/// Storage on a PostgreSQL database that any number of Switchboard processes share: every bit of
/// shared state (leases, rate-limit slots, in-flight counts) lives in rows, changed under row locks.
public struct PostgresStorage: Storage, QueueBackend {
    let client: PostgresClient
    let identifiers = IdentifierGenerator()
    let logger: Logger
    /// The schema `?schema=` names, created by `migrate()`.
    let schema: String?
    /// Runs the connection pool when no service group does (tests, tools, setting up before the
    /// server starts); nil when the pool is a service of the server's group.
    private let poolTask: Task<Void, Never>?
    /// Connections this process has taken from the pool and not yet given back (`/metrics`).
    let connectionGauge = ConnectionGauge()

    /// The channel a node notifies when it adds due work, so idle nodes wake at once.
    static let workChannel = "switchboard_work"
    /// The first key of profile advisory locks: keeps them apart from every other advisory lock.
    static let profileLockSpace: Int32 = 0x5350_5246

    /// - Parameter url: `postgres://user:password@host:port/database`, then optionally
    ///   `?sslmode=disable|require` (default: TLS when the server offers it), `schema=name`,
    ///   `pool_max=n` (connections per process, default 20).
    /// - Parameter runsOwnPool: false when the caller runs `poolService` in its service group.
    public init(url: String, logger: Logger = Logger(label: "switchboard.postgres"), runsOwnPool: Bool = true) throws {
        let configuration = try Self.configuration(url: url)
        schema = configuration.options.additionalStartupParameters.first { $0.0 == "search_path" }?.1
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        poolTask = runsOwnPool ? Task { [client] in await client.run() } : nil
    }

    /// The connection pool, to run in a service group: graceful shutdown closes its connections.
    public var poolService: some Service { client }

    /// True when `database` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ database: String) -> Bool {
        database.hasPrefix("postgres://") || database.hasPrefix("postgresql://")
    }

    static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), isURL(url), let host = components.host, !host.isEmpty else {
            throw StorageError.invalidDatabaseURL
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let tls: PostgresClient.Configuration.TLS =
            switch query["sslmode"] {
            case "disable": .disable
            case "require", "verify-ca", "verify-full": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
        let database = components.path.drop(while: { $0 == "/" })
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.percentEncodedUser?.removingPercentEncoding ?? "postgres",
            password: components.percentEncodedPassword?.removingPercentEncoding, database: database.isEmpty ? nil : String(database), tls: tls)
        configuration.options.maximumConnections = Int(query["pool_max"] ?? "") ?? 20
        // Short statements only: compiling one with JIT costs more than running it.
        configuration.options.additionalStartupParameters = [("jit", "off")]
        // A schema of its own (`?schema=name`; each test gets one): statements name tables unqualified.
        if let schema = query["schema"] {
            guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw StorageError.invalidDatabaseURL
            }
            configuration.options.additionalStartupParameters.append(("search_path", schema))
        }
        return configuration
    }

    /// Stops the connection pool (tests; `serve` keeps it until the process ends).
    public func close() {
        poolTask?.cancel()
    }

    public func migrate() async throws {
        try await withTransaction { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: logger)
            if let schema { try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger) }
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)", logger: logger)
            let applied = Set(try await connection.rows("SELECT name FROM schema_migrations", logger: logger).map { $0.string("name") })
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                // One statement at a time: the extended protocol takes no more.
                for statement in migration.sql.components(separatedBy: ";\n") where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (\(migration.name), \(Date().milliseconds))", logger: logger)
            }
        }
    }

    public func pendingMigrations() async throws -> [String] {
        try await withConnection { connection in
            let present = try await connection.rows("SELECT to_regclass('schema_migrations') IS NOT NULL AS present", logger: logger).first?.flag("present") ?? false
            var applied = Set<String>()
            if present { applied = Set(try await connection.rows("SELECT name FROM schema_migrations", logger: logger).map { $0.string("name") }) }
            return PostgresSchema.migrations.map(\.name).filter { !applied.contains($0) }
        }
    }

    public func ping() async throws {
        try await withConnection { connection in try await connection.rows("SELECT 1", logger: logger) }
    }

    // MARK: Connections and transactions

    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            connectionGauge.add(1)
            defer { connectionGauge.add(-1) }
            return try await body(connection)
        }
    }

    /// A transaction on one pooled connection; errors reach the caller as thrown (a conflict stays a conflict).
    func withTransaction<T: Sendable>(_ kind: TransactionKind = .durable, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let settings = Self.settings(kind)
                if !settings.isEmpty {
                    let settings = settings.map { "set_config('\($0.0)', '\($0.1)', true)" }.joined(separator: ", ")
                    try await connection.query(PostgresQuery(unsafeSQL: "SELECT " + settings), logger: logger)
                }
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    func transaction<T: Sendable>(_ kind: TransactionKind, _ body: @escaping @Sendable (PostgresTransaction) async throws -> T) async throws -> T {
        try await withTransaction(kind) { connection in
            try await body(PostgresTransaction(connection: connection, logger: logger, identifiers: identifiers))
        }
    }

    /// Bookkeeping does not wait for the disk; leasing also reads due work in index order whatever
    /// the planner's statistics say (a backlog that arrived faster than ANALYZE runs is never sorted).
    private static func settings(_ kind: TransactionKind) -> [(String, String)] {
        switch kind {
        case .durable: []
        case .bookkeeping: [("synchronous_commit", "off")]
        case .leasing: [("synchronous_commit", "off"), ("enable_sort", "off"), ("enable_bitmapscan", "off")]
        }
    }

    func readCandidateSubscriptions(_ keys: Set<RoutePlanner.Key>) async throws -> [RoutePlanner.Key: [Subscription]] {
        // A pooled connection outside any transaction, handed back before conditions are evaluated.
        try await withConnection { connection in try await Self.candidateSubscriptions(connection, keys, logger: logger) }
    }

    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await withConnection { connection in try await connection.rows(query, logger: logger) }
    }

    @discardableResult
    func rows(_ statement: Statement) async throws -> [PostgresRandomAccessRow] {
        try await rows(statement.query)
    }
}

extension Statement {
    /// Appends ` AND <condition> $n` when the value is set: the optional filters of list endpoints.
    mutating func filter(_ condition: String, _ value: ColumnValue) {
        switch value {
        case .text(nil), .integer(nil): return
        default:
            add(" AND \(condition) ")
            bind(value)
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}

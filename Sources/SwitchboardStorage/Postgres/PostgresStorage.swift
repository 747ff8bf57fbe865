import Foundation
import Logging
import PostgresNIO
import SwitchboardCore

/// Storage on a PostgreSQL database that any number of Switchboard processes share: every bit of
/// shared state (leases, rate-limit slots, in-flight counts) lives in rows, changed under row locks.
public struct PostgresStorage: Storage {
    let client: PostgresClient
    let identifiers = IdentifierGenerator()
    let logger: Logger
    /// The schema `?schema=` names, created by `migrate()`.
    let schema: String?
    /// Runs the connection pool: it must run before the service group does, because migrations
    /// and the first-start bootstrap happen before the server starts.
    private let poolTask: Task<Void, Never>

    /// The channel a node notifies when it adds due work, so idle nodes wake at once.
    static let workChannel = "switchboard_work"

    /// - Parameter url: `postgres://user:password@host:port/database`, then optionally
    ///   `?sslmode=disable|require` (default: TLS when the server offers it), `schema=name`,
    ///   `pool_max=n` (connections per process, default 20).
    public init(url: String, logger: Logger = Logger(label: "switchboard.postgres")) throws {
        let configuration = try Self.configuration(url: url)
        schema = configuration.options.additionalStartupParameters.first { $0.0 == "search_path" }?.1
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        poolTask = Task { [client] in await client.run() }
    }

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
        poolTask.cancel()
    }

    public func migrate() async throws {
        try await transaction { connection in
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

    public func ping() async throws {
        try await withConnection { connection in try await connection.rows("SELECT 1", logger: logger) }
    }

    // MARK: Connections and transactions

    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection) }
    }

    /// Settings of a transaction, for what it is.
    enum TransactionKind {
        case durable
        /// Delivery bookkeeping (attempts): the commit does not wait for the disk; losing it in a
        /// machine crash only means a delivery is sent again.
        case bookkeeping
        /// Leasing: bookkeeping, and due work read in index order whatever the planner's statistics
        /// say: a backlog that arrived faster than ANALYZE runs must not be sorted on every lease
        /// (only the few candidates each destination gives are).
        case leasing

        var settings: [(String, String)] {
            switch self {
            case .durable: []
            case .bookkeeping: [("synchronous_commit", "off")]
            case .leasing: [("synchronous_commit", "off"), ("enable_sort", "off"), ("enable_bitmapscan", "off")]
            }
        }
    }

    /// A transaction on one pooled connection; errors reach the caller as thrown (a conflict stays a conflict).
    func transaction<T: Sendable>(_ kind: TransactionKind = .durable, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                if !kind.settings.isEmpty {
                    let settings = kind.settings.map { "set_config('\($0.0)', '\($0.1)', true)" }.joined(separator: ", ")
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

    @discardableResult
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await withConnection { connection in try await connection.rows(query, logger: logger) }
    }

    @discardableResult
    func rows(_ statement: Statement) async throws -> [PostgresRandomAccessRow] {
        try await rows(statement.query)
    }

    // MARK: Workspaces

    public func createWorkspace(_ workspace: Workspace) async throws {
        try await transaction { connection in
            try await connection.rows(
                "INSERT INTO workspaces (id, name, parent_id, created_at) VALUES (\(workspace.id), \(workspace.name), \(workspace.parentId), \(workspace.createdAt.milliseconds))",
                logger: logger)
            try await Self.insertPresetEventTypes(connection, workspaceId: workspace.id, at: workspace.createdAt, logger: logger)
        }
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await rows("SELECT * FROM workspaces WHERE id = \(id)").first.map(Workspace.init(row:))
    }

    public func listWorkspaces(visibleTo workspaceId: String, page: PageRequest) async throws -> Page<Workspace> {
        let rows = try await rows(
            "SELECT * FROM workspaces WHERE (id = \(workspaceId) OR parent_id = \(workspaceId)) AND id > \(page.cursor ?? "") ORDER BY id LIMIT \(page.limit + 1)")
        return Page(fetched: rows.map(Workspace.init(row:)), limit: page.limit, id: \.id)
    }

    public func rootWorkspace() async throws -> Workspace? {
        try await rows("SELECT * FROM workspaces WHERE parent_id IS NULL ORDER BY id LIMIT 1").first.map(Workspace.init(row:))
    }

    // MARK: API keys

    public func createAPIKey(_ key: APIKey) async throws {
        try await rows(
            "INSERT INTO api_keys (id, workspace_id, name, role, key_hash, created_at) VALUES (\(key.id), \(key.workspaceId), \(key.name), \(key.role.rawValue), \(key.keyHash), \(key.createdAt.milliseconds))"
        )
    }

    public func apiKey(hash: String) async throws -> APIKey? {
        try await rows("SELECT * FROM api_keys WHERE key_hash = \(hash)").first.map(APIKey.init(row:))
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await rows("SELECT * FROM api_keys WHERE id = \(id)").first.map(APIKey.init(row:))
    }

    public func listAPIKeys(workspaceId: String, page: PageRequest) async throws -> Page<APIKey> {
        let rows = try await rows(
            "SELECT * FROM api_keys WHERE workspace_id = \(workspaceId) AND id > \(page.cursor ?? "") ORDER BY id LIMIT \(page.limit + 1)")
        return Page(fetched: rows.map(APIKey.init(row:)), limit: page.limit, id: \.id)
    }

    public func deleteAPIKey(id: String) async throws -> Bool {
        try await !rows("DELETE FROM api_keys WHERE id = \(id) RETURNING id").isEmpty
    }

    public func countAPIKeys() async throws -> Int {
        try await rows("SELECT COUNT(*) AS count FROM api_keys").first?.int("count") ?? 0
    }

    // MARK: Sources

    public func createSource(_ source: Source) async throws {
        let verification = source.verification.map(JSONCoding.string)
        try await rows(
            """
            INSERT INTO sources (id, workspace_id, name, type, verification, event_name_prefix, write_key, created_at, updated_at)
            VALUES (\(source.id), \(source.workspaceId), \(source.name), \(source.type.rawValue), \(verification), \(source.eventNamePrefix),
                \(source.writeKey), \(source.createdAt.milliseconds), \(source.updatedAt.milliseconds))
            """)
    }

    public func source(id: String, workspaceId: String) async throws -> Source? {
        try await rows("SELECT * FROM sources WHERE id = \(id) AND workspace_id = \(workspaceId)").first.map(Source.init(row:))
    }

    public func source(writeKey: String) async throws -> Source? {
        try await rows("SELECT * FROM sources WHERE write_key = \(writeKey)").first.map(Source.init(row:))
    }

    public func listSources(workspaceId: String, page: PageRequest) async throws -> Page<Source> {
        let rows = try await rows(
            "SELECT * FROM sources WHERE workspace_id = \(workspaceId) AND id > \(page.cursor ?? "") ORDER BY id LIMIT \(page.limit + 1)")
        return Page(fetched: rows.map(Source.init(row:)), limit: page.limit, id: \.id)
    }

    public func updateSource(_ source: Source) async throws -> Bool {
        let verification = source.verification.map(JSONCoding.string)
        return try await !rows(
            """
            UPDATE sources SET name = \(source.name), verification = \(verification), event_name_prefix = \(source.eventNamePrefix),
                updated_at = \(source.updatedAt.milliseconds)
            WHERE id = \(source.id) AND workspace_id = \(source.workspaceId) RETURNING id
            """
        ).isEmpty
    }

    public func deleteSource(id: String, workspaceId: String) async throws -> Bool {
        try await !rows("DELETE FROM sources WHERE id = \(id) AND workspace_id = \(workspaceId) RETURNING id").isEmpty
    }

    // MARK: Events

    /// Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters per statement.
    static let rowsPerStatement = 2_000

    /// Inserts events and returns the new ones: a duplicate messageId is skipped, and so is its
    /// routing, since it was routed when first stored.
    func insertNewEvents(_ connection: PostgresConnection, _ events: [Event]) async throws -> [Event] {
        var inserted: [Event] = []
        for chunk in events.chunked(Self.rowsPerStatement) {
            var statement = Statement(
                "INSERT INTO events (id, workspace_id, source_id, message_id, type, name, user_id, anonymous_id, received_at, message) VALUES ")
            statement.values(chunk.map(\.columnValues), types: ["text", "text", "text", "text", "text", "text", "text", "text", "bigint", "text"])
            statement.add(" ON CONFLICT (source_id, message_id) DO NOTHING RETURNING id")
            let new = Set(try await connection.rows(statement, logger: logger).map { $0.string("id") })
            inserted += chunk.filter { new.contains($0.id) }
        }
        return inserted
    }

    public func event(id: String, workspaceId: String) async throws -> Event? {
        try await rows("SELECT * FROM events WHERE id = \(id) AND workspace_id = \(workspaceId)").first.map { Event(row: $0) }
    }

    public func listEvents(workspaceId: String, filter: EventFilter, page: PageRequest) async throws -> Page<Event> {
        var statement = Statement("SELECT * FROM events WHERE workspace_id = ")
        statement.bind(.text(workspaceId))
        statement.filter("id <", .text(page.cursor))
        statement.filter("name =", .text(filter.name))
        statement.filter("user_id =", .text(filter.userId))
        statement.filter("type =", .text(filter.type?.rawValue))
        statement.filter("source_id =", .text(filter.sourceId))
        statement.filter("received_at >=", .date(filter.since))
        statement.add(" ORDER BY id DESC LIMIT ")
        statement.bind(.int(page.limit + 1))
        return Page(fetched: try await rows(statement).map { Event(row: $0) }, limit: page.limit, id: \.id)
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

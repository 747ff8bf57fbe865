import PostgresNIO

extension PostgresStorage {
    /// Any number of nodes may share it.
    public var sharesDatabase: Bool { true }

    /// Wakes every node listening on the work channel.
    public func announceWork() async throws {
        try await rows("SELECT pg_notify(\(Self.workChannel), '')")
    }

    /// Listens on the work channel on a connection of its own.
    public func watchForWork(_ wake: @escaping @Sendable () -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: Self.workChannel) { notifications in
                for try await _ in notifications { wake() }
            }
        }
    }

    /// A session advisory lock keyed by the job's name, held on one connection while the job runs.
    public func runExclusively(_ name: String, _ job: @Sendable () async throws -> Void) async throws -> Bool {
        try await client.withConnection { connection in
            let locked = try await connection.rows("SELECT pg_try_advisory_lock(hashtext(\(name))) AS locked", logger: logger).first?.flag("locked")
            guard locked == true else { return false }
            do {
                try await job()
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(\(name)))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(hashtext(\(name)))", logger: logger)
            return true
        }
    }
}

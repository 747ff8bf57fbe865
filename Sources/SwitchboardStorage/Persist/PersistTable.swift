/// The `persist` table in both dialects: key, JSON value, expiry in milliseconds (null: none).
enum PersistTable {
    static let sqliteMigration = """
        -- Values kept by key until they expire (admin panel sessions), shared by every node.
        CREATE TABLE persist (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL,
            expires_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX persist_expiry ON persist(expires_at);
        """
    static let postgresMigration = """
        -- Values kept by key until they expire (admin panel sessions), shared by every node.
        CREATE TABLE persist (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL,
            expires_at BIGINT
        );
        CREATE INDEX persist_expiry ON persist(expires_at);
        """
}

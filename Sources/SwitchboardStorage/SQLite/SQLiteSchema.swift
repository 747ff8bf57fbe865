import GRDB

/// The SQLite schema, one migration per step; times are integer milliseconds since 1970.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-foundation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE workspaces (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL CHECK (length(name) > 0),
                        parent_id TEXT REFERENCES workspaces(id) ON DELETE RESTRICT,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX workspaces_parent ON workspaces(parent_id, id);

                    CREATE TABLE api_keys (
                        id TEXT PRIMARY KEY NOT NULL,
                        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
                        key_hash TEXT NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX api_keys_workspace ON api_keys(workspace_id, id);

                    CREATE TABLE sources (
                        id TEXT PRIMARY KEY NOT NULL,
                        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        name TEXT NOT NULL CHECK (length(name) > 0),
                        type TEXT NOT NULL CHECK (type IN ('segment', 'webhook', 'openloyalty', 'braze-currents')),
                        verification TEXT,
                        event_name_prefix TEXT,
                        write_key TEXT UNIQUE,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX sources_workspace ON sources(workspace_id, id);

                    -- Events outlive their source: deleting a source keeps what it sent.
                    CREATE TABLE events (
                        id TEXT PRIMARY KEY NOT NULL,
                        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                        source_id TEXT NOT NULL,
                        message_id TEXT NOT NULL,
                        type TEXT NOT NULL,
                        name TEXT NOT NULL,
                        user_id TEXT,
                        anonymous_id TEXT,
                        received_at INTEGER NOT NULL,
                        message TEXT NOT NULL,
                        UNIQUE (source_id, message_id)
                    );
                    CREATE INDEX events_workspace ON events(workspace_id, id);
                    CREATE INDEX events_name ON events(workspace_id, name, id);
                    CREATE INDEX events_user ON events(workspace_id, user_id, id);
                    """
            )
        }
        return migrator
    }
}

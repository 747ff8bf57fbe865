/// The PostgreSQL schema: the same tables and columns as SQLite's, one migration per step,
/// applied in one transaction under an advisory lock so nodes starting together agree.
enum PostgresSchema {
    /// Any fixed number: the advisory lock migrations take.
    static let migrationLock: Int64 = 0x5357_4D49_4752

    static let migrations: [(name: String, sql: String)] = [
        (
            "1-foundation",
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL CHECK (length(name) > 0),
                parent_id TEXT REFERENCES workspaces(id) ON DELETE RESTRICT,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX workspaces_parent ON workspaces(parent_id, id);

            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
                key_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX api_keys_workspace ON api_keys(workspace_id, id);

            CREATE TABLE sources (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL CHECK (length(name) > 0),
                type TEXT NOT NULL CHECK (type IN ('segment', 'webhook', 'openloyalty', 'braze-currents')),
                verification TEXT,
                event_name_prefix TEXT,
                write_key TEXT UNIQUE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE INDEX sources_workspace ON sources(workspace_id, id);

            -- Events outlive their source: deleting a source keeps what it sent.
            CREATE TABLE events (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                source_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                type TEXT NOT NULL,
                name TEXT NOT NULL,
                user_id TEXT,
                anonymous_id TEXT,
                received_at BIGINT NOT NULL,
                message TEXT NOT NULL,
                UNIQUE (source_id, message_id)
            );
            CREATE INDEX events_workspace ON events(workspace_id, id);
            CREATE INDEX events_name ON events(workspace_id, name, id);
            CREATE INDEX events_user ON events(workspace_id, user_id, id);

            CREATE TABLE event_types (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL CHECK (length(name) > 0),
                description TEXT,
                schema TEXT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (workspace_id, name)
            );

            CREATE TABLE destinations (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                url TEXT NOT NULL,
                method TEXT NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH')),
                headers TEXT NOT NULL,
                signing TEXT NOT NULL,
                secret TEXT NOT NULL,
                previous_secret TEXT,
                previous_secret_expires_at BIGINT,
                timeout_ms BIGINT NOT NULL CHECK (timeout_ms > 0),
                retry_schedule TEXT NOT NULL,
                rate_limit_per_second BIGINT,
                max_concurrency BIGINT,
                batching TEXT,
                ordering TEXT NOT NULL,
                active_from BIGINT,
                enabled BOOLEAN NOT NULL,
                disabled_reason TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                -- The earliest start the rate limit allows, shared by every node under a row lock.
                next_send_at BIGINT,
                failing_since BIGINT
            );
            CREATE INDEX destinations_workspace ON destinations(workspace_id, id);

            CREATE TABLE subscriptions (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                destination_id TEXT NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                event_names TEXT NOT NULL,
                condition TEXT,
                mapping TEXT,
                format TEXT NOT NULL,
                enabled BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE INDEX subscriptions_workspace ON subscriptions(workspace_id, id);
            CREATE INDEX subscriptions_destination ON subscriptions(destination_id, id);

            -- Routing index: one row per (subscription, event name), '*' for every event.
            CREATE TABLE subscription_routes (
                workspace_id TEXT NOT NULL,
                event_name TEXT NOT NULL,
                subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                PRIMARY KEY (workspace_id, event_name, subscription_id)
            );

            CREATE TABLE deliveries (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
                subscription_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
                destination_id TEXT NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
                status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
                attempt_count BIGINT NOT NULL DEFAULT 0,
                next_attempt_at BIGINT,
                lease_until BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                order_key TEXT,
                lease_group TEXT
            ) WITH (
                -- Vacuum often, so scans of due work do not wade through the row versions delivery leaves.
                autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
                autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0
            );
            -- Due work per destination in (time, id) order: a paused destination's backlog is never walked.
            CREATE INDEX deliveries_destination_due ON deliveries(destination_id, next_attempt_at, id) WHERE status = 'pending';
            CREATE INDEX deliveries_workspace ON deliveries(workspace_id, id);
            CREATE INDEX deliveries_event ON deliveries(event_id);
            CREATE INDEX deliveries_destination ON deliveries(destination_id, status, id);
            CREATE INDEX deliveries_subscription ON deliveries(subscription_id, id);
            -- Per-user order: the head of each user's queue is the smallest pending id.
            CREATE INDEX deliveries_user_queue ON deliveries(destination_id, order_key, id) WHERE status = 'pending';
            -- Requests in flight to a capped destination, counted without walking its backlog.
            CREATE INDEX deliveries_leased ON deliveries(destination_id, lease_until) WHERE status = 'pending' AND lease_until IS NOT NULL;

            CREATE TABLE attempts (
                delivery_id TEXT NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
                number BIGINT NOT NULL,
                at BIGINT NOT NULL,
                duration_ms BIGINT NOT NULL,
                response_status BIGINT,
                response_body TEXT,
                error TEXT,
                PRIMARY KEY (delivery_id, number)
            );
            """
        ),
        (
            "2-lease-count",
            """
            -- Leases since the last recorded attempt: the crash-loop breaker's count.
            ALTER TABLE deliveries ADD COLUMN lease_count BIGINT NOT NULL DEFAULT 0;
            """
        ),
        (
            "3-profiles-audiences",
            """
            CREATE TABLE profiles (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                -- Byte order, as SQLite sorts: builds page through profiles by key.
                profile_key TEXT COLLATE "C" NOT NULL,
                user_id TEXT,
                anonymous_ids TEXT NOT NULL,
                traits TEXT NOT NULL,
                audience_ids TEXT NOT NULL,
                counters TEXT NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                next_expiry BIGINT,
                PRIMARY KEY (workspace_id, profile_key)
            );
            -- When each profile's event counts next drop: what the expiry sweep reads, in time order.
            CREATE INDEX profiles_next_expiry ON profiles(next_expiry) WHERE next_expiry IS NOT NULL;
            -- Which profile an anonymous id now belongs to (after an identify or alias merged it).
            CREATE TABLE profile_identities (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                anonymous_id TEXT NOT NULL,
                profile_key TEXT NOT NULL,
                PRIMARY KEY (workspace_id, anonymous_id)
            );
            -- A deleted audience keeps its row (deleted_at) so its key is never reused.
            CREATE TABLE audiences (
                id TEXT PRIMARY KEY,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                name TEXT NOT NULL,
                condition TEXT NOT NULL,
                emit_on_build BOOLEAN NOT NULL,
                status TEXT NOT NULL,
                build_started_at BIGINT,
                build_cursor TEXT,
                build_processed BIGINT NOT NULL DEFAULT 0,
                build_total BIGINT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                deleted_at BIGINT,
                UNIQUE (workspace_id, key)
            );
            CREATE INDEX audiences_workspace ON audiences(workspace_id, id);
            CREATE TABLE audience_members (
                audience_id TEXT NOT NULL REFERENCES audiences(id) ON DELETE CASCADE,
                profile_key TEXT NOT NULL,
                user_id TEXT,
                entered_at BIGINT NOT NULL,
                PRIMARY KEY (audience_id, profile_key)
            );
            """
        ),
        (
            "4-syncs-date-triggers",
            """
            -- A sync's own subscription (id = the sync's): its deliveries go through the engine like any other; lists hide it.
            ALTER TABLE subscriptions ADD COLUMN sync_id TEXT;
            CREATE TABLE syncs (
                id TEXT PRIMARY KEY NOT NULL,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                audience_id TEXT NOT NULL REFERENCES audiences(id) ON DELETE CASCADE,
                destination_id TEXT NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
                interval_seconds BIGINT,
                mode TEXT NOT NULL,
                batch_size BIGINT NOT NULL,
                mapping TEXT,
                enabled BOOLEAN NOT NULL,
                next_run_at BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            );
            CREATE INDEX syncs_workspace ON syncs(workspace_id, id);
            CREATE INDEX syncs_due ON syncs(next_run_at) WHERE next_run_at IS NOT NULL;
            CREATE TABLE sync_runs (
                id TEXT PRIMARY KEY NOT NULL,
                sync_id TEXT NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL,
                started_at BIGINT NOT NULL,
                finished_at BIGINT,
                status TEXT NOT NULL,
                added BIGINT NOT NULL,
                removed BIGINT NOT NULL,
                requests BIGINT NOT NULL,
                error TEXT,
                event_ids TEXT NOT NULL
            );
            CREATE INDEX sync_runs_sync ON sync_runs(sync_id, id);
            CREATE INDEX sync_runs_running ON sync_runs(id) WHERE status = 'running';
            -- Who the destination has, as of the last successful run: what the next diff is taken against.
            CREATE TABLE sync_members (
                sync_id TEXT NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL,
                PRIMARY KEY (sync_id, user_id)
            );
            -- What a running run sends: applied to sync_members only when all its requests succeeded.
            CREATE TABLE sync_run_changes (
                run_id TEXT NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL,
                removed BOOLEAN NOT NULL,
                PRIMARY KEY (run_id, user_id)
            );
            CREATE TABLE date_triggers (
                id TEXT PRIMARY KEY NOT NULL,
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                field TEXT NOT NULL,
                days_before BIGINT NOT NULL,
                event_name TEXT NOT NULL,
                at_time TEXT NOT NULL,
                armed BOOLEAN NOT NULL,
                arm_cursor TEXT,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX date_triggers_workspace ON date_triggers(workspace_id, id);
            -- One row per (trigger, profile): the date it holds and when to fire; fired_at makes it once per date.
            CREATE TABLE date_trigger_schedule (
                trigger_id TEXT NOT NULL REFERENCES date_triggers(id) ON DELETE CASCADE,
                workspace_id TEXT NOT NULL,
                profile_key TEXT NOT NULL,
                date_text TEXT NOT NULL,
                date_at BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                fired_at BIGINT,
                PRIMARY KEY (trigger_id, profile_key)
            );
            CREATE INDEX date_trigger_schedule_due ON date_trigger_schedule(due_at) WHERE fired_at IS NULL;
            """
        ),
        (
            "5-inbound-sources",
            """
            -- How a webhook, openloyalty or braze-currents source makes events (transform, itemsPath, ...), as JSON.
            ALTER TABLE sources ADD COLUMN settings TEXT;
            -- Verified request ids (webhook-id, timestamped signatures) until they could no longer pass: replays are refused.
            CREATE TABLE inbound_replays (
                source_id TEXT NOT NULL,
                replay_id TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                PRIMARY KEY (source_id, replay_id)
            );
            CREATE INDEX inbound_replays_expiry ON inbound_replays(expires_at);
            """
        ),
        ("6-connectors", ConnectorColumns.migration),
        ("7-retention", RetentionIndex.migration),
        ("8-trace-parent", TraceParentColumn.migration),
        ("9-persist", PersistTable.postgresMigration),
        ("10-activity-indexes", ActivityIndexes.migration),
    ]
}

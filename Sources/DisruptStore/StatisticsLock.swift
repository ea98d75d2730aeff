import Postgres

/// PostgreSQL's statistics that count rows or writes (`pg_stat_*_tables`, the `pg_stat_get_*`
/// functions behind them, function call counts, table, tablespace and database sizes, the WAL's
/// position and counters, the background writer's), and its views of who is doing what now: the
/// sessions (`pg_stat_activity` and the `pg_stat_get_backend_*` functions, which name every
/// connected login), the lock table (`pg_locks`) and the functions that say which session blocks
/// which, the running and finished transactions (`pg_current_snapshot`, `pg_xact_status`, the
/// lockers of a row `pg_get_multixact_members`, commit times), the NOTIFY queue's fill, the
/// control file's counters, `pg_cancel_backend`/`pg_terminate_backend`, whose refusals told
/// which process ids were connected (then `pg_signal_backend`'s), and `pg_logical_emit_message`,
/// which writes a WAL message and returns its position (the WAL a rolled-back write of hers made
/// told whether it made an alert for another recipient, helper-79). They are made the monitoring role's
/// (`pg_monitor`) and the superuser's only, `pg_stat_activity`, its functions and
/// `pg_xact_status` and `pg_current_snapshot` also the schema owner's (the consultation gate reads its own session's start and whether the
/// transaction that opened the consultation committed; `caller_identity` whether its snapshot sees the last change of
/// what staff may read), `pg_stat_activity` and
/// `pg_stat_get_activity` also `disrupt_role_admin`'s (it ends the sessions of a staff login
/// whose agency, role or access changed, `staff_login_end_sessions`), and `pg_locks` with
/// `pg_lock_status` too (it finds her sessions altering her role, `staff_login_alter`): otherwise every login reads a person count go
/// from 3,000 to 3,001 the moment another agency records a restricted one, or who was writing
/// which table then. The advisory-lock functions become the schema owner's (the migration lock):
/// any login could hold a lock with a known key and stall whoever waits on it. Only a superuser
/// may change privileges on `pg_catalog`, and they are not dropped with the definitions, so
/// `Migrator` runs this on every migration. It is text in the binary, not a function in
/// disrupt's schema, because a superuser runs it and the schema's owner could replace such a
/// function.
///
/// The BRIN maintenance functions (`brin_summarize_new_values`, `brin_summarize_range`,
/// `brin_desummarize_range`) become the schema owner's too: given any index, they lock its table
/// SHARE UPDATE EXCLUSIVE before they check the index or the caller, and a client that never reads
/// the refusal keeps that lock (helper-104; `SchemaChangeGuard` says why that matters); so do
/// `gin_clean_pending_list` (ROW EXCLUSIVE on any relation before "is not an index") and
/// `currtid2` (helper-106), which disrupt does not use.
///
/// Every trusted language (SQL, PL/pgSQL, and any other installed) becomes the schema owner's too
/// (issue 12): a login that may write a function or a `DO` block of her own can build a
/// statement's text on the server, where `disrupt.refuse_explain` cannot see it
/// (`EXECUTE 'EXPL' || 'AIN ...'`), and run EXPLAIN (ANALYZE, BUFFERS) of a reader function that way.
enum StatisticsLock {
    /// The views, functions and languages locked: kind (`v` view, `f` function, `l` language),
    /// regclass, regprocedure or language name text, and the roles that keep them.
    static let objects = """
        SELECT 'v' AS kind, c.oid::pg_catalog.regclass::pg_catalog.text AS name,
               CASE WHEN c.relname = 'pg_stat_activity' THEN 'pg_monitor, disrupt_owner, disrupt_role_admin'
                    WHEN c.relname = 'pg_locks' THEN 'pg_monitor, disrupt_role_admin'
                    ELSE 'pg_monitor' END AS grantees
          FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace AND c.relkind = 'v'
           AND (c.relname ~ '^pg_stat(io)?_(all|sys|user|xact_all|xact_sys|xact_user)_(tables|indexes|sequences|functions)$'
                OR c.relname ~ '^pg_stat_progress_'
                OR c.relname IN ('pg_stat_database', 'pg_stat_wal', 'pg_stat_bgwriter', 'pg_stat_slru', 'pg_locks',
                                 'pg_stat_activity', 'pg_stat_ssl', 'pg_stat_gssapi'))
        UNION ALL
        SELECT 'f', p.oid::pg_catalog.regprocedure::pg_catalog.text,
               CASE WHEN p.proname ~ 'advisory' OR p.proname = 'pg_logical_emit_message' OR p.proname ~ '^brin_'
                         OR p.proname IN ('gin_clean_pending_list', 'currtid2') THEN 'disrupt_owner'
                    WHEN p.proname IN ('pg_cancel_backend', 'pg_terminate_backend') THEN 'pg_signal_backend'
                    WHEN p.proname = 'pg_stat_get_activity' THEN 'pg_monitor, disrupt_owner, disrupt_role_admin'
                    WHEN p.proname = 'pg_lock_status' THEN 'pg_monitor, disrupt_role_admin'
                    WHEN p.proname IN ('pg_xact_status', 'pg_current_snapshot') OR p.proname ~ '^pg_stat_get_backend_'
                         THEN 'pg_monitor, disrupt_owner'
                    ELSE 'pg_monitor' END
          FROM pg_catalog.pg_proc p
         WHERE p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
           AND (p.proname ~ '^pg_stat_get_(xact_)?(numscans|lastscan|tuples_|live_tuples|dead_tuples|mod_since_analyze|ins_since_vacuum|blocks_|last_|vacuum_count|autovacuum_count|analyze_count|autoanalyze_count|function_)'
                OR p.proname ~ '^pg_stat_get_(db_|bgwriter_|checkpoint_|buf_|backend_)'
                OR p.proname ~ '^pg_(try_)?advisory_'
                OR p.proname ~ '^pg_control_'
                OR p.proname IN ('pg_relation_size', 'pg_total_relation_size', 'pg_table_size', 'pg_indexes_size',
                                 'pg_database_size', 'pg_tablespace_size', 'pg_stat_get_wal', 'pg_stat_get_slru',
                                 'pg_current_wal_lsn', 'pg_current_wal_insert_lsn', 'pg_current_wal_flush_lsn',
                                 'pg_lock_status', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids',
                                 'pg_isolation_test_session_is_blocked', 'pg_current_snapshot', 'txid_current_snapshot',
                                 'pg_xact_status', 'txid_status', 'pg_notification_queue_usage',
                                 'pg_stat_get_activity', 'pg_stat_get_progress_info', 'pg_get_multixact_members',
                                 'pg_xact_commit_timestamp', 'pg_xact_commit_timestamp_origin', 'pg_last_committed_xact',
                                 'pg_cancel_backend', 'pg_terminate_backend', 'pg_logical_emit_message',
                                 'brin_summarize_new_values', 'brin_summarize_range', 'brin_desummarize_range',
                                 'gin_clean_pending_list', 'currtid2'))
        UNION ALL
        SELECT 'l', l.lanname::pg_catalog.text, 'disrupt_owner'
          FROM pg_catalog.pg_language l
         WHERE l.lanpltrusted
        """

    /// Locks them when the connection is a superuser's; answers whether they are locked (PUBLIC
    /// may use none of them). Any role may ask. Runs with `search_path` pinned to `pg_catalog`.
    static func apply(_ connection: PostgresConnection) throws -> Bool {
        try connection.superuserTransaction { superuser in
            if superuser {
                try connection.executeScript(unsafeSQL: """
                    DO $lock$
                    DECLARE
                        o record;
                    BEGIN
                        FOR o IN \(objects) LOOP
                            IF o.kind = 'v' THEN
                                EXECUTE pg_catalog.format('REVOKE SELECT ON %s FROM PUBLIC', o.name);
                                EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %s', o.name, o.grantees);
                            ELSIF o.kind = 'l' THEN
                                EXECUTE pg_catalog.format('REVOKE USAGE ON LANGUAGE %I FROM PUBLIC', o.name);
                                EXECUTE pg_catalog.format('GRANT USAGE ON LANGUAGE %I TO %s', o.name, o.grantees);
                            ELSE
                                EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', o.name);
                                EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s', o.name, o.grantees);
                            END IF;
                        END LOOP;
                    END
                    $lock$
                    """)
            }
            return try connection.query(PostgresQuery(unsafeSQL: """
                SELECT NOT EXISTS (
                    SELECT 1 FROM (\(objects)) o
                     WHERE CASE o.kind WHEN 'v' THEN pg_catalog.has_table_privilege('public', o.name, 'SELECT')
                                       WHEN 'l' THEN pg_catalog.has_language_privilege('public', o.name, 'USAGE')
                                       ELSE pg_catalog.has_function_privilege('public', o.name, 'EXECUTE') END) AS locked
                """)).first?.decode("locked", as: Bool.self) ?? false
        }
    }

    /// The cluster's other databases that every login may connect to. The lock is made in this
    /// database only (privileges on `pg_catalog` are each database's): connected to one of
    /// those where it is not made (any but another disrupt database), a staff login reads `pg_locks`, `pg_stat_activity` and `pg_xact_status` there,
    /// and with them who is changing whose access, and whether it committed (helper-98). Their
    /// names only; any role may ask.
    static func openDatabases(_ connection: PostgresConnection) throws -> [String] {
        try connection.query("""
            SELECT d.datname FROM pg_catalog.pg_database d
             WHERE d.datallowconn AND d.datname <> pg_catalog.current_database()
               AND pg_catalog.has_database_privilege('public', d.oid, 'CONNECT')
             ORDER BY d.datname
            """).map { try $0.decode("datname", as: String.self) }
    }
}

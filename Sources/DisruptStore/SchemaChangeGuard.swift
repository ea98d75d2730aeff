import Postgres

/// The event trigger that refuses every schema command (CREATE, ALTER, DROP, COMMENT, GRANT,
/// SECURITY LABEL, ...) of any role but a superuser, the schema owner (`disrupt_owner` and its
/// members: migrations) and `disrupt_stager` (which makes staff sessions' temporary tables,
/// migration 0026: only CREATE TABLE and GRANT, only inside the functions it owns): before
/// PostgreSQL runs the command, so before it takes any lock. With it, the walls behind it: no
/// temporary table but disrupt_stager's, and no schema where every login may create.
///
/// Why (issue 12): PostgreSQL takes some commands' table locks before it checks whether the
/// caller may run them (CREATE RULE: ACCESS EXCLUSIVE; CREATE TEMP TABLE ... PARTITION OF:
/// ACCESS EXCLUSIVE on the parent; a temporary table's REFERENCES: SHARE ROW EXCLUSIVE; LIKE,
/// INHERITS, COMMENT, CREATE STATISTICS: weaker ones), and a client that never reads the refusal
/// keeps the lock: PostgreSQL sends the error before it lets go and holds off termination while
/// it sends. On `disrupt.staff` or the audit log that stopped every login (helper-100, -102,
/// -103). `ddl_command_start` fires before the command's own work, so the refusal comes first.
///
/// An event trigger's function runs as whoever runs the command, superusers included, so it must
/// be one no one but a superuser can change: it lives in schema `disrupt_guard`, which the
/// superuser who migrates makes whenever it is not as this binary makes it (a schema of that name
/// someone else made is dropped first), and reads only `pg_catalog`. Only a superuser may create an event trigger, so,
/// like `StatisticsLock`, it is text in the binary that `Migrator` runs on every migration, and a
/// migrate by anyone else reports whether it is in place (`schema_changes_guarded`).
enum SchemaChangeGuard {
    /// The guard's function body: it reads only `pg_catalog`.
    static let body = """

        BEGIN
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) current_user AND r.rolsuper)
               OR pg_catalog.pg_has_role(current_user, 'disrupt_owner', 'MEMBER')
               OR (current_user OPERATOR(pg_catalog.=) 'disrupt_stager'
                   AND session_user OPERATOR(pg_catalog.<>) 'disrupt_stager'
                   AND tg_tag OPERATOR(pg_catalog.=) ANY (ARRAY['CREATE TABLE', 'GRANT'])) THEN
                RETURN;
            END IF;
            RAISE EXCEPTION USING ERRCODE = '42501',
                MESSAGE = pg_catalog.format('%s: schema commands are refused to this role in disrupt''s database', tg_tag),
                HINT = 'Only disrupt''s migrations change the schema; the disrupt command makes the temporary tables it needs.';
        END

        """

    /// Makes the guard when the connection is a superuser's and it is not in place as this binary
    /// would make it; answers whether it is in place. Any role may ask. What is in place already is
    /// left alone: a session that holds a lock on the event trigger or on the database's row
    /// (commands on them lock before they check, and no event trigger sees them: helper-106) then
    /// holds up nothing, and where something must change, each lock is waited for 5 seconds at most.
    static func apply(_ connection: PostgresConnection) throws -> Bool {
        do {
            return try connection.superuserTransaction { superuser in
                guard superuser else { return try isInPlace(connection) }
                try connection.execute("SET LOCAL lock_timeout = '5s'")
                if try !triggerInPlace(connection) {
                    try connection.executeScript(unsafeSQL: """
                        DROP EVENT TRIGGER IF EXISTS disrupt_schema_guard;
                        DROP SCHEMA IF EXISTS disrupt_guard CASCADE;
                        CREATE SCHEMA disrupt_guard;
                        REVOKE ALL ON SCHEMA disrupt_guard FROM PUBLIC;
                        CREATE FUNCTION disrupt_guard.refuse_schema_change() RETURNS event_trigger
                        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
                        AS $guard$\(body)$guard$;
                        REVOKE ALL ON FUNCTION disrupt_guard.refuse_schema_change() FROM PUBLIC;
                        CREATE EVENT TRIGGER disrupt_schema_guard ON ddl_command_start
                            EXECUTE FUNCTION disrupt_guard.refuse_schema_change();
                        ALTER EVENT TRIGGER disrupt_schema_guard ENABLE ALWAYS;
                        """)
                }
                // The second wall: no temporary table but disrupt_stager's. PostgreSQL checks the
                // privilege before any lock a temporary table's LIKE, INHERITS, PARTITION OF or
                // REFERENCES takes, so it holds where the guard is missing, and it refuses the
                // table EXPLAIN ANALYZE CREATE TABLE AS makes, which fires no event trigger.
                // And no schema where every login may create (PostgreSQL 15's public schema has
                // none, one upgraded from 14 or made from another template may): EXPLAIN ANALYZE
                // CREATE TABLE AS would make a table there (helper-107).
                if try !temporaryClosed(connection) {
                    try connection.executeScript(unsafeSQL: """
                        DO $temporary$
                        DECLARE
                            n pg_catalog.text;
                        BEGIN
                            EXECUTE pg_catalog.format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', pg_catalog.current_database());
                            EXECUTE pg_catalog.format('GRANT TEMPORARY ON DATABASE %I TO disrupt_stager', pg_catalog.current_database());
                            FOR n IN SELECT s.nspname FROM pg_catalog.pg_namespace s
                                     WHERE pg_catalog.has_schema_privilege('public', s.oid, 'CREATE') LOOP
                                EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', n);
                            END LOOP;
                        END
                        $temporary$;
                        """)
                }
                return try isInPlace(connection)
            }
        } catch let error as PostgresError where error.sqlState == "55P03" {
            throw StoreError(
                .failure, "the schema guard was not made: another session kept a lock on the guard or on the database for more than 5 seconds (the migration itself is done)",
                hint: "Find the session (pg_locks where locktype = 'object'), end it, and run disrupt db migrate again as a superuser.")
        }
    }

    /// Whether the guard is in place: the event trigger, enabled always, on a function with this
    /// binary's body, both the superuser's; no temporary table and no schema to create in for
    /// PUBLIC; and disrupt_stager a role with no login, no members and no memberships (migration
    /// 0026). Reads only the catalogs, so any role may ask (`disrupt db status`).
    static func isInPlace(_ connection: PostgresConnection) throws -> Bool {
        try triggerInPlace(connection) && temporaryClosed(connection) && stagerBare(connection)
    }

    private static func stagerBare(_ connection: PostgresConnection) throws -> Bool {
        try connection.query("""
            SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = 'disrupt_stager'
                                  AND (r.rolcanlogin OR r.rolsuper OR r.rolbypassrls))
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.rolname = 'disrupt_stager'
                                    WHERE m.roleid = r.oid OR m.member = r.oid) AS bare
            """).first?.decode("bare", as: Bool.self) ?? false
    }

    private static func triggerInPlace(_ connection: PostgresConnection) throws -> Bool {
        try connection.query("""
            SELECT EXISTS (
                SELECT 1 FROM pg_catalog.pg_event_trigger e
                  JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid
                  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                  JOIN pg_catalog.pg_roles o ON o.oid = p.proowner AND o.rolsuper
                  JOIN pg_catalog.pg_roles s ON s.oid = n.nspowner AND s.rolsuper
                 WHERE e.evtname = 'disrupt_schema_guard' AND e.evtevent = 'ddl_command_start'
                   AND e.evtenabled = 'A' AND e.evttags IS NULL
                   AND n.nspname = 'disrupt_guard' AND p.proname = 'refuse_schema_change'
                   AND p.prosrc = \(body) AND NOT p.prosecdef) AS guarded
            """).first?.decode("guarded", as: Bool.self) ?? false
    }

    private static func temporaryClosed(_ connection: PostgresConnection) throws -> Bool {
        try connection.query("""
            SELECT NOT pg_catalog.has_database_privilege('public', pg_catalog.current_database(), 'TEMPORARY')
                   AND pg_catalog.has_database_privilege('disrupt_stager', pg_catalog.current_database(), 'TEMPORARY')
                   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace s
                                    WHERE pg_catalog.has_schema_privilege('public', s.oid, 'CREATE')) AS closed
            """).first?.decode("closed", as: Bool.self) ?? false
    }
}

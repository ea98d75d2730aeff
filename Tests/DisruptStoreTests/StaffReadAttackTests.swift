import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 12, the read side: each attack connects as a real staff login with libpq, exactly as
/// psql would, and tries to read, audit or learn what the CLI would not let it.
@Suite("Security: reads leave a consultation, the audit is the database's, disabled means nothing")
struct StaffReadAttackTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// How many rows a plain SELECT of each personal-data table staff may still read returns on `db`.
    func visibleCounts(_ db: PostgresConnection) throws -> [Int] {
        try ["person", "plan", "action", "action_history", "risk_current"].map { table in
            try db.query("SELECT count(*)::int AS n FROM disrupt.\(identifier: table)")[0].decode("n", as: Int.self)
        }
    }

    /// The record tables, which no staff or administrator login may SELECT (she reads them only
    /// through the functions of SQL/definitions/reading.sql): whether a plain SELECT of each is
    /// refused (42501) on `db`, table by table.
    func recordTablesRefused(_ db: PostgresConnection) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: RecordReadFunctionTests.recordTables.map { table in
            (table, sqlState { _ = try db.query("SELECT count(*)::int AS n FROM disrupt.\(identifier: table)") } == "42501")
        })
    }

    /// A person restricted to health, with a restricted health marker and a restricted child.
    func restrictedHealthPerson(_ suffix: String) throws -> (id: Int64, ref: String) {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let ref = "P-\(f.token)-\(suffix)"
        let id: Int64 = try su.query("""
            INSERT INTO disrupt.person (person_ref, given_name, family_name, agency, sensitivity)
            VALUES (\(ref), 'Hidden', 'Health', 'health', 'restricted') RETURNING id
            """)[0].decode("id")
        try su.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
            VALUES (\("M-\(f.token)-\(suffix)"), \(id), 'mental_ill_health', '2026-06-01', 'health', 'restricted')
            """)
        return (id, ref)
    }

    @Test func aPlainSelectSeesNothingUntilAConsultationWithAPurposeIsCommitted() throws {
        let f = fixture
        let db = try f.connect(as: f.police)
        defer { db.close() }
        #expect(try visibleCounts(db).allSatisfy { $0 == 0 })
        #expect(recordTablesRefused(db).values.allSatisfy { $0 }, "\(recordTablesRefused(db).filter { !$0.value }.keys)")
        #expect(try db.query("SELECT disrupt.person_dossier(\(f.personID))::text AS d")[0].decode("d", as: String?.self) == nil)
        #expect(try db.query("SELECT * FROM disrupt.person").isEmpty)

        // read and roll back: the consultation inside the transaction opens nothing, so nothing
        // is read and nothing goes unrecorded
        let rolledBack = "read and roll back \(UUID().uuidString)"
        try db.execute("BEGIN")
        _ = try db.query("SELECT disrupt.consult(\(rolledBack), 'psql')")
        #expect(try db.query("SELECT 1 FROM disrupt.person WHERE id = \(f.personID)").isEmpty)
        try db.execute("ROLLBACK")
        #expect(try db.query("SELECT 1 FROM disrupt.person WHERE id = \(f.personID)").isEmpty)

        // committed: from then on this session reads, and the audit log holds the purpose
        let purpose = "psql look-up \(UUID().uuidString)"
        _ = try db.query("SELECT disrupt.consult(\(purpose), 'psql')")
        #expect(try db.query("SELECT 1 FROM disrupt.person WHERE id = \(f.personID)").count == 1)
        // (the record tables stay refused, consultation or not: she reads them through reading.sql's
        // functions, which read what the policies let her see, as the person's dossier shows)
        #expect(recordTablesRefused(db).values.allSatisfy { $0 }, "\(recordTablesRefused(db).filter { !$0.value }.keys)")
        let dossier: String? = try db.query("SELECT disrupt.person_dossier(\(f.personID))::text AS d")[0].decode("d")
        #expect(dossier?.contains(f.marker("ps")) == true && dossier?.contains(f.marker("hr")) == false)
        try db.execute("BEGIN")
        #expect(try db.query("SELECT 1 FROM disrupt.person WHERE id = \(f.personID)").count == 1)
        try db.execute("ROLLBACK")
        // another session of the same login is closed until it consults for itself
        let other = try f.connect(as: f.police)
        defer { other.close() }
        #expect(try other.query("SELECT 1 FROM disrupt.person WHERE id = \(f.personID)").isEmpty)

        let su = try f.superuser()
        defer { su.close() }
        #expect(try su.query("SELECT 1 FROM disrupt.audit_log WHERE purpose = \(rolledBack)").isEmpty)
        let rows = try su.query("SELECT login, agency, operation, purpose, object_table FROM disrupt.audit_log WHERE purpose = \(purpose)")
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(try row.decode("login", as: String.self) == f.police)
        #expect(try row.decode("agency", as: String.self) == "police")
        #expect(try row.decode("operation", as: String.self) == "consult")
        #expect(try row.decode("purpose", as: String.self) == purpose)
        #expect(try row.decode("object_table", as: String.self) == "psql")
        // a blank purpose opens nothing
        #expect(sqlState { _ = try db.query("SELECT disrupt.consult('   ', 'psql')") } == "22023")
        // the gate's state is the owner's: staff cannot write or read it
        #expect(sqlState { _ = try db.execute("INSERT INTO disrupt.consultation VALUES (pg_backend_pid(), now(), pg_current_xact_id(), 1)") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT * FROM disrupt.consultation") } == "42501")
    }

    @Test func theAuditTrailCannotBeWrittenOrBentByStaff() throws {
        let f = try SecurityFixture()  // its own: it opens the database as if never locked, below
        let db = try f.connect(as: f.health)
        defer { db.close() }
        // the free-standing audit writers are gone, and the log takes no direct insert
        #expect(sqlState { _ = try db.query("SELECT disrupt.audit_consult(\(f.personID), 'x', 'person', NULL)") } == "42883")
        #expect(sqlState { _ = try db.query("SELECT disrupt.audit_disclose(\(f.personID), 'x', 'someone', 'person', NULL)") } == "42883")
        #expect(sqlState {
            _ = try db.execute("INSERT INTO disrupt.audit_log (agency, operation, object_table, purpose) VALUES ('health', 'disclose', 'person', 'never happened')")
        } == "42501")
        // only import_run marks an import: a direct call, or one from a function of one's own, is refused
        #expect(sqlState { _ = try db.query("SELECT disrupt.import_mark('fake.csv')") } == "42501")
        // staff may write no function at all (StatisticsLock, SchemaChangeGuard); a login that could
        // (a database never migrated by a superuser, simulated for a throwaway login) is refused
        // by import_mark's own check of its caller
        let marker = try f.addStaff("mark", agency: "health")
        try f.openAsIfNeverLocked(for: marker)
        let own = try f.connect(as: marker)
        defer { own.close() }
        try own.execute("""
            CREATE FUNCTION pg_temp.import_run(kind text, default_agency text, source_file text) RETURNS void
            LANGUAGE plpgsql SET search_path = pg_temp, disrupt AS $$ BEGIN PERFORM disrupt.import_mark(source_file); END $$
            """)
        try own.execute("SET search_path = pg_temp, disrupt")
        #expect(failure { _ = try own.query("SELECT pg_temp.import_run('markers', NULL, 'fake.csv')") }?.message.contains("only disrupt.import_run marks an import") == true)
        // the old session setting is not trusted: a hand-made insert keeps its whole row image
        let ref = "M-\(f.token)-guc"
        try db.asConsulting {
            try db.execute("SELECT set_config('disrupt.import_file', 'fake.csv', true)")
            try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, note, agency)
                VALUES (\(ref), \(f.personID), 'weapons', '2026-03-01', 'by hand', 'health')
                """)
        }
        let su = try f.superuser()
        defer { su.close() }
        let after: String = try su.query("""
            SELECT a.after::text AS after FROM disrupt.audit_log a
            WHERE a.operation = 'collect' AND a.object_table = 'marker' AND a.after ->> 'source_ref' = \(ref)
            """)[0].decode("after")
        #expect(after.contains("by hand") && !after.contains("fake.csv"))
    }

    /// Her own sessions end when the disable commits (StaffChangeSessionTests); a session the
    /// disable does not end (as one she opened in the moment before the commit would be) can do
    /// nothing either: every function and policy asks whether the login is active.
    @Test func aDisabledLoginsOpenSessionCanDoNothing() throws {
        let f = fixture
        let login = try f.addStaff("quit", agency: "police", role: "spoc")
        let own = try f.connect(as: login)
        defer { own.close() }
        let ownPid: Int = try own.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
        let open = try f.sessionAuthorised(as: login)
        defer { open.close() }
        // before: it works, and it consults (so what follows is shut by the disabling alone)
        #expect(try open.query("SELECT count(*)::int AS n FROM disrupt.agency")[0].decode("n", as: Int.self) > 0)
        #expect(try open.query("SELECT disrupt.next_ref('marker') AS r").count == 1)
        _ = try open.query("SELECT disrupt.consult('before leaving', 'psql')")
        #expect(try open.query("SELECT * FROM disrupt.audit_entries(NULL, NULL, NULL, NULL, NULL, 100)").count == 1)
        #expect(try open.query("SELECT disrupt.person_dossier(\(f.personID))::text AS d")[0].decode("d", as: String?.self) != nil)
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left')")
        #expect(try f.sessionEnded(ownPid))
        #expect(throws: PostgresError.self) { _ = try own.query("SELECT 1 AS one") }

        #expect(sqlState { _ = try open.query("SELECT disrupt.consult('after', 'psql')") } == "42501")
        #expect(sqlState { _ = try open.query("SELECT disrupt.next_ref('marker')") } == "42501")
        #expect(sqlState { _ = try open.query("SELECT disrupt.reminder_ack(1)") } == "DR403")
        #expect(sqlState { _ = try open.query("SELECT disrupt.plan_open(\("P-\(f.token)"), \(login), current_date + 7)") } == "DR403")
        #expect(sqlState { _ = try open.query("SELECT disrupt.merge_person('a', 'b', 'c')") } == "42501")
        #expect(try open.query("SELECT * FROM disrupt.inbox(true)").isEmpty)
        #expect(try open.query("SELECT * FROM disrupt.withheld_counts(\(f.personID))").isEmpty)
        #expect(try open.query("SELECT disrupt.person_dossier(\(f.personID))::text AS d")[0].decode("d", as: String?.self) == nil)
        #expect(try open.query("SELECT * FROM disrupt.agenda(current_date, NULL, 12)").isEmpty)
        #expect(try open.query("SELECT disrupt.consulting() AS c")[0].decode("c", as: Bool.self) == false)
        for table in ["agency", "marker_kind", "offence", "order_type", "staff"] {
            #expect(try open.query("SELECT 1 FROM disrupt.\(identifier: table)").isEmpty, "\(table)")
        }
        #expect(try open.query("SELECT * FROM disrupt.audit_entries(NULL, NULL, NULL, NULL, NULL, 100)").isEmpty)
        #expect(try visibleCounts(open).allSatisfy { $0 == 0 })
        #expect(recordTablesRefused(open).values.allSatisfy { $0 }, "\(recordTablesRefused(open).filter { !$0.value }.keys)")
    }

    @Test func withheldCountsSayNothingAboutAPersonTheCallerCannotSee() throws {
        let f = fixture
        let hidden = try restrictedHealthPerson("wh")
        let db = try f.connect(as: f.police)
        defer { db.close() }
        // without a consultation: nothing, even for a person it may see
        #expect(try db.query("SELECT * FROM disrupt.withheld_counts(\(f.personID))").isEmpty)
        try db.asConsulting {
            #expect(try db.query("SELECT * FROM disrupt.withheld_counts(\(hidden.id))").isEmpty)
            // for a person it may see: the health marker it cannot read is counted
            let rows = try db.query("SELECT agency, record_table, n FROM disrupt.withheld_counts(\(f.personID))")
            #expect(try rows.map { try $0.decode("agency", as: String.self) } == ["health"])
        }
        // a consultation asked for a hidden person's reference records no person and no counts
        let curious = "curious \(UUID().uuidString)"
        let named: Int64? = try db.query("SELECT disrupt.consult(\(curious), 'psql', \(hidden.ref)) AS p")[0].decode("p")
        #expect(named == nil)
        let su = try f.superuser()
        defer { su.close() }
        let row = try su.query("SELECT person_id, detail ? 'records' AS counted FROM disrupt.audit_log WHERE purpose = \(curious)")[0]
        #expect(try row.decode("person_id", as: Int64?.self) == nil)
        #expect(try row.decode("counted", as: Bool.self) == false)
    }

    /// PostgreSQL's statistics count every row, hidden ones included, the moment they are
    /// written: a police login may not read them (nor the tables' sizes, nor how often each
    /// function is called), while the monitoring role still may.
    @Test func theStatisticsCountNoRowsForStaff() throws {
        let f = fixture
        _ = try restrictedHealthPerson("stats")
        let db = try f.connect(as: f.police)
        defer { db.close() }
        try Consultation(purpose: "statistics attack test", scope: "test").open(on: db)
        for probe in [
            "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'person'",
            "SELECT n_live_tup FROM pg_stat_all_tables WHERE relname = 'person'",
            "SELECT n_tup_ins FROM pg_stat_xact_user_tables WHERE relname = 'person'",
            "SELECT heap_blks_read FROM pg_statio_user_tables WHERE relname = 'person'",
            "SELECT idx_scan FROM pg_stat_user_indexes LIMIT 1",
            "SELECT calls FROM pg_stat_user_functions LIMIT 1",
            "SELECT tup_inserted FROM pg_stat_database",
            "SELECT pg_stat_get_tuples_inserted('disrupt.person'::regclass)",
            "SELECT pg_stat_get_live_tuples('disrupt.person'::regclass)",
            "SELECT pg_stat_get_xact_tuples_inserted('disrupt.person'::regclass)",
            "SELECT pg_stat_get_db_tuples_inserted(oid) FROM pg_database",
            "SELECT pg_relation_size('disrupt.person')",
            "SELECT pg_total_relation_size('disrupt.audit_log')",
            "SELECT pg_table_size('disrupt.consultation')",
            "SELECT pg_database_size(current_database())",
            "SELECT pg_tablespace_size('pg_default')",
            "SELECT wal_records FROM pg_stat_wal",
            "SELECT pg_current_wal_lsn()",
            // a WAL message returns its position: the WAL a rolled-back write of hers made, and so
            // whether it made an alert for someone else (helper-79)
            "SELECT pg_logical_emit_message(false, 'a', '')",
            "SELECT pg_logical_emit_message(false, 'a', '\\x00'::bytea)",
            "SELECT buffers_alloc FROM pg_stat_bgwriter",
            // who is writing which table now, and whom a row lock of hers holds up (helper-46)
            "SELECT pid, relation, mode FROM pg_locks",
            "SELECT * FROM pg_lock_status()",
            "SELECT pg_blocking_pids(pg_backend_pid())",
            "SELECT pg_safe_snapshot_blocking_pids(pg_backend_pid())",
            "SELECT pg_isolation_test_session_is_blocked(pg_backend_pid(), ARRAY[pg_backend_pid()])",
            "SELECT pg_current_snapshot()",
            "SELECT txid_current_snapshot()",
            "SELECT pg_notification_queue_usage()",
            // who is connected, and which transactions are running or ended (helper-48)
            "SELECT pid, usename FROM pg_stat_activity",
            "SELECT * FROM pg_stat_get_activity(NULL)",
            "SELECT pg_stat_get_backend_userid(s) FROM pg_stat_get_backend_idset() s",
            "SELECT pid FROM pg_stat_ssl",
            "SELECT pid FROM pg_stat_progress_vacuum",
            "SELECT pg_xact_status(pg_current_xact_id())",
            "SELECT txid_status(1)",
            "SELECT * FROM pg_control_checkpoint()",
            "SELECT * FROM pg_get_multixact_members('1')",
            "SELECT pg_xact_commit_timestamp('1')",
            "SELECT * FROM pg_last_committed_xact()",
            "SELECT pg_cancel_backend(1)",
            "SELECT pg_terminate_backend(1)",
            // a lock with a known key, held to stall the migration (or, before, every sweep)
            "SELECT pg_advisory_lock(hashtext('disrupt.schema_migrations'))",
            "SELECT pg_try_advisory_lock_shared(hashtext('disrupt.reminder_sweep'))",
            "SELECT pg_advisory_xact_lock(1)",
        ] {
            #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: probe)) } == "42501", "\(probe)")
        }
        // nor the tables that wake the service and that sweeps take turns on, in any mode, even
        // through statements that lock before they check privileges (helper-50); a wait would
        // end in 55P03 (lock_timeout), not 42501
        try db.execute("SET lock_timeout = '200ms'")
        for probe in ["COMMENT ON TABLE disrupt_private.sweep_turn IS NULL", "COMMENT ON TABLE disrupt_private.service_wake IS NULL",
                      "CREATE TRIGGER t AFTER INSERT ON disrupt_private.service_wake FOR EACH STATEMENT EXECUTE FUNCTION disrupt.wake_on_change()",
                      "SELECT * FROM disrupt_private.service_wake"] {
            #expect(sqlState { try db.execute(PostgresQuery(unsafeSQL: probe)) } == "42501", "\(probe)")
        }
        try db.execute("BEGIN")
        #expect(sqlState { try db.execute("LOCK TABLE disrupt_private.sweep_turn IN ACCESS SHARE MODE") } == "42501")
        try db.execute("ROLLBACK")
        try db.execute("RESET lock_timeout")
        // the consultation gate, which reads its own session's start, still works
        try Consultation(purpose: "statistics attack test, again", scope: "test").open(on: db)
        #expect(try db.query("SELECT disrupt.consulting() AS ok")[0].decode("ok", as: Bool.self))
        let su = try f.superuser()
        defer { su.close() }
        #expect(try su.query("""
            SELECT has_table_privilege('pg_monitor', 'pg_catalog.pg_stat_user_tables', 'SELECT')
               AND has_function_privilege('pg_monitor', 'pg_catalog.pg_stat_get_tuples_inserted(oid)', 'EXECUTE') AS ok
            """)[0].decode("ok", as: Bool.self))
    }

    /// helper-54: consult clears the consultations of sessions that have gone, and a login that
    /// consulted in a transaction she kept open held those rows: every other login's consult,
    /// and so every read, waited for her. It now skips rows another consult is clearing.
    @Test func aConsultationHeldOpenStallsNoOneElsesConsultation() throws {
        let f = fixture
        let gone = try f.connect(as: f.police)
        try Consultation(purpose: "a session that ends", scope: "test").open(on: gone)
        let gonePID: Int = try gone.query("SELECT pg_backend_pid() AS p")[0].decode("p")
        gone.close()
        let holder = try f.connect(as: f.police)
        defer { holder.close() }
        // wait until the server has let the ended session go, so its row is one to clear
        let su = try f.superuser()
        defer { su.close() }
        var waits = 0
        while try su.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(gonePID)").count > 0, waits < 100 {
            Thread.sleep(forTimeInterval: 0.05)
            waits += 1
        }
        try holder.execute("BEGIN")
        _ = try holder.query("SELECT disrupt.consult('held open', 'psql')")
        let other = try f.connect(as: f.probation)
        defer { other.close() }
        try other.execute("SET lock_timeout = '2s'")
        // (held up, it would end in 55P03, lock_timeout)
        #expect(sqlState { _ = try other.query("SELECT disrupt.consult('not held up', 'psql')") } == nil)
        try holder.execute("ROLLBACK")
    }

    /// A trigger (or a check, a policy, an index) on the stage runs its author's code inside
    /// import_run's marked statement, where a hand-made insert was logged as `{"import": file}`,
    /// without its row image. Four walls: staff may write no function (StatisticsLock revokes
    /// PUBLIC's use of PL/pgSQL and SQL) and run no schema command (SchemaChangeGuard); the stage
    /// is disrupt_stager's, so she cannot change it; and import_run refuses a stage that is not
    /// exactly as import_stage made it (one of her own, made where the first two walls are down),
    /// and nothing is written.
    @Test func aHandMadeInsertCannotRideOnAnImportsStatement() throws {
        let f = try SecurityFixture()  // its own: it opens the database as if never locked, below
        let login = try f.addStaff("ride", agency: "health")
        let db = try f.connect(as: login)
        defer { db.close() }
        try Consultation(purpose: "import stage attack test", scope: "test").open(on: db)
        let ref = "M-\(f.token)-ride"
        // (the reference is letters, digits and dashes: safe as a literal in the functions' text)
        let ride = """
            CREATE FUNCTION pg_temp.ride() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, note, agency)
                SELECT '\(ref)', \(f.personID), 'weapons', '2026-03-01', 'by hand', 'health'
                WHERE NOT disrupt.ref_in_use('marker', '\(ref)');
                RETURN NULL;
            END $$
            """
        // the first two walls: a staff login may write no function, nor run a schema command
        #expect(sqlState { try db.executeScript(unsafeSQL: ride) } == "42501")
        #expect(failure { try db.execute("CREATE TEMP TABLE stage_markers (line integer)") }?.message.contains("schema commands are refused") == true)
        // the others: this one login is let use PL/pgSQL and run schema commands, as in a database
        // never migrated by a superuser, so that the attack reaches the stage and import_run
        try f.openAsIfNeverLocked(for: login)
        let su = try f.superuser()
        defer { su.close() }
        // (the functions test the reference with ref_in_use: she may not SELECT disrupt.marker, and
        // a refused read inside them would end the import in 42501 whatever import_run checks)
        try db.executeScript(unsafeSQL: ride)
        try db.executeScript(unsafeSQL: """
            CREATE FUNCTION pg_temp.ride_check(t text) RETURNS boolean LANGUAGE plpgsql AS $$
            BEGIN
                IF t IS NOT NULL THEN
                    INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, note, agency)
                    SELECT '\(ref)', \(f.personID), 'weapons', '2026-03-01', 'by hand', 'health'
                    WHERE NOT disrupt.ref_in_use('marker', '\(ref)');
                END IF;
                RETURN true;
            END $$
            """)
        // (a control: run on their own, they do write, so each refusal below is import_run's)
        try db.execute("BEGIN")
        _ = try db.query("SELECT pg_temp.ride_check('x')")
        #expect(try db.query("SELECT disrupt.ref_in_use('marker', \(ref)) AS used")[0].decode("used", as: Bool.self))
        try db.execute("ROLLBACK")
        let additions = [
            "CREATE TRIGGER ride AFTER UPDATE ON pg_temp.stage_markers FOR EACH ROW WHEN (NEW.reject_reason IS NOT NULL) EXECUTE FUNCTION pg_temp.ride()",
            "ALTER TABLE pg_temp.stage_markers ADD CONSTRAINT ride CHECK (pg_temp.ride_check(reject_reason))",
            "ALTER TABLE pg_temp.stage_markers ENABLE ROW LEVEL SECURITY; ALTER TABLE pg_temp.stage_markers FORCE ROW LEVEL SECURITY; "
                + "CREATE POLICY ride ON pg_temp.stage_markers USING (pg_temp.ride_check(reject_reason))",
            "CREATE INDEX ride ON pg_temp.stage_markers (line)",
            "ALTER TABLE pg_temp.stage_markers ADD COLUMN ride text",
            // a domain of her own that prints as "text" (helper-53)
            "CREATE DOMAIN pg_temp.text AS pg_catalog.text CHECK (pg_temp.ride_check(VALUE)); "
                + "ALTER TABLE pg_temp.stage_markers ALTER COLUMN reject_reason TYPE pg_temp.text",
        ]
        // the third wall: the stage import_stage makes is disrupt_stager's, not hers to change
        for addition in additions + ["DROP TABLE pg_temp.stage_markers"] {
            try db.execute("BEGIN")
            _ = try db.query("SELECT * FROM disrupt.import_stage('markers')")
            #expect(sqlState { try db.executeScript(unsafeSQL: addition) } == "42501", "\(addition)")
            try db.execute("ROLLBACK")
        }
        // the fourth: a stage of her own, made as import_stage would make it, with each addition
        try db.execute("BEGIN")
        let columns = try db.query("SELECT column_name FROM disrupt.import_stage('markers')").map { try $0.decode("column_name", as: String.self) }
        try db.execute("ROLLBACK")
        let own = "CREATE TEMP TABLE stage_markers (line integer, "
            + columns.map { "\(PostgresQuery.quoteIdentifier($0)) text" }.joined(separator: ", ") + ", reject_column text, reject_reason text) ON COMMIT DROP"
        for addition in [""] + additions + ["DROP TABLE pg_temp.stage_markers; CREATE TEMP VIEW stage_markers AS SELECT 1 AS line"] {
            try db.execute("BEGIN")
            try db.execute(PostgresQuery(unsafeSQL: own))
            try db.execute("INSERT INTO pg_temp.stage_markers (line, source_ref) VALUES (2, 'M-not-a-marker')")
            if !addition.isEmpty { try db.executeScript(unsafeSQL: addition) }
            #expect(sqlState { _ = try db.query("SELECT * FROM disrupt.import_run('markers', NULL, 'innocent.csv')") } == "42501", "\(addition)")
            try db.execute("COMMIT")   // what the attacker would do; a refused import leaves nothing to commit
        }
        try db.execute("DROP VIEW IF EXISTS pg_temp.stage_markers")
        #expect(try su.query("SELECT 1 FROM disrupt.marker WHERE source_ref = \(ref)").isEmpty)
        #expect(try su.query("SELECT 1 FROM disrupt.audit_log WHERE after ->> 'import' = 'innocent.csv'").isEmpty)
        // the stage as import_stage makes it still imports (and rejects the bad line)
        try db.execute("BEGIN")
        _ = try db.query("SELECT * FROM disrupt.import_stage('markers')")
        try db.execute("INSERT INTO pg_temp.stage_markers (line, source_ref) VALUES (2, 'M-not-a-marker')")
        let counts = try db.query("SELECT * FROM disrupt.import_run('markers', NULL, 'innocent.csv')")
        #expect(try counts[0].decode("rejected", as: Int.self) == 1)
        try db.execute("ROLLBACK")
    }

    /// helper-49: `xmax` of a row names the last transaction that locked it, and every record
    /// written locks the person, party, order and code rows it names `FOR KEY SHARE` (the
    /// reference checks, the outbox's foreign keys), hidden records included: a login that polled
    /// `xmax` of a person she may see learnt that a record hidden from her was written about him,
    /// and when. No role but the owner reads a system column of any table of the schema; every
    /// user column reads as before (a whole row, `*`, a count).
    @Test func noTableShowsStaffTheRowVersionsOfItsRows() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        // a restricted health record about the shared person locks his row while it is written
        try su.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
            VALUES (\(f.marker("xm")), \(f.personID), 'mental_ill_health', '2026-06-02', 'health', 'restricted')
            """)
        let tables: [String] = try su.query("""
            SELECT c.relname::text AS t FROM pg_catalog.pg_class c
            WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind IN ('r', 'p')
              AND (has_any_column_privilege('disrupt_staff', c.oid, 'SELECT')
                   OR has_any_column_privilege('disrupt_admin', c.oid, 'SELECT')
                   OR has_any_column_privilege('disrupt_service', c.oid, 'SELECT'))
            ORDER BY 1
            """).map { try $0.decode("t") }
        #expect(Set(["person", "offence", "staff", "plan"]).isSubset(of: tables))
        #expect(Set(RecordReadFunctionTests.recordTables).isDisjoint(with: tables),
                "read through the functions of reading.sql only (RecordReadFunctionTests)")
        #expect(!tables.contains("audit_log") && !tables.contains("reminder"),
                "read through disrupt.audit_entries and the reminder functions only (SecurityAuditTests, noLoginCanCount...)")
        let granted: [String] = try su.query("""
            SELECT r.rolname || ' ' || c.relname || '.' || a.attname AS g
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum < 0
            CROSS JOIN pg_catalog.pg_roles r
            WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind IN ('r', 'p')
              AND r.rolname IN ('disrupt_staff', 'disrupt_admin', 'disrupt_service')
              AND has_column_privilege(r.oid, c.oid, a.attnum, 'SELECT')
            ORDER BY 1
            """).map { try $0.decode("g") }
        #expect(granted.isEmpty, "\(granted.count) system columns readable, first \(granted.prefix(3))")
        for login in [f.police, f.admin] {
            let db = try f.connect(as: login)
            defer { db.close() }
            try Consultation(purpose: "row version attack test", scope: "test").open(on: db)
            for table in tables {
                for column in ["xmin", "xmax", "ctid", "cmin", "cmax", "tableoid"] {
                    #expect(sqlState { _ = try db.query("SELECT \(identifier: column) FROM disrupt.\(identifier: table) LIMIT 1") } == "42501",
                            "\(login): \(column) of \(table)")
                }
            }
            #expect(try db.query("SELECT p FROM disrupt.person p WHERE id = \(f.personID)").count == 1)
            #expect(try db.query("SELECT * FROM disrupt.person WHERE id = \(f.personID)").count == 1)
            #expect(try db.query("SELECT count(*)::int AS n FROM disrupt.offence")[0].decode("n", as: Int.self) > 0)
        }
    }

    /// Every command checks the schema with a dry run of the migrator; a staff login may not take
    /// the migration lock (an advisory lock: no staff may hold one), so the dry run takes none.
    @Test func aStaffLoginChecksTheSchemaWithoutTheMigrationLock() throws {
        let db = try fixture.connect(as: fixture.police)
        defer { db.close() }
        let report = try Migrator().migrate(db, dryRun: true)
        #expect(!report.definitionsApplied && report.pending.isEmpty)
    }

    /// An administrator reads the audit log's row images only within a consultation (and only
    /// through disrupt.audit_entries), and never claims the delivery queue (every recipient's
    /// messages): that is the service's.
    @Test func anAdministratorReadsNoPersonalDataUnconsulted() throws {
        let f = fixture
        let db = try f.connect(as: f.admin)
        defer { db.close() }
        let count: PostgresQuery = "SELECT count(*)::int AS n FROM disrupt.audit_entries(NULL, NULL, NULL, NULL, NULL, 10000)"
        let unconsulted: Int = try db.query(count)[0].decode("n")
        #expect(unconsulted == 0)
        #expect(sqlState { _ = try db.query("SELECT * FROM disrupt.reminder_claim_for_delivery(5, interval '1 second')") } == "42501")
        let consulted: Int = try db.asConsulting { try db.query(count)[0].decode("n") }
        #expect(consulted > 0)
        #expect(sqlState { _ = try db.query("SELECT count(*) FROM disrupt.audit_log") } == "42501")
    }

    @Test func storedScoresAreComputedFromSharedRecordsOnly() throws {
        let f = fixture
        let hidden = try restrictedHealthPerson("rk")
        let su = try f.superuser()
        defer { su.close() }
        // a shared person (police) with only a restricted health marker and a restricted child relationship
        let ref = "P-\(f.token)-sc"
        let id: Int64 = try su.query("""
            INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\(ref), 'Shared', 'Score', 'police') RETURNING id
            """)[0].decode("id")
        let child: Int64 = try su.query("""
            INSERT INTO disrupt.party (party_ref, kind, given_name, family_name, date_of_birth, agency, sensitivity)
            VALUES (\("C-\(f.token)"), 'child', 'Kid', 'Score', '2020-01-01', 'health', 'restricted') RETURNING id
            """)[0].decode("id")
        try su.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
            VALUES (\("M-\(f.token)-sc"), \(id), 'mental_ill_health', '2026-06-01', 'health', 'restricted')
            """)
        try su.execute("""
            INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, has_contact, agency, sensitivity)
            VALUES (\(id), \(child), 'child', '2020-01-01', true, 'health', 'restricted')
            """)
        let model = try ConfigurationLoader.riskModel()
        let asOf = Day.today()
        // the restricted rows do fire triggers for someone who may read them (the superuser, who
        // reads the record tables through risk_facts, under the policies, once it has consulted) ...
        try Consultation(purpose: "test: stored scores", scope: "test").open(on: su)
        let all = try #require(try FactsLoader(model: model).load(lo: id, hi: id, ids: nil, on: su).first)
        #expect(!model.evaluator(asOf: asOf).assess(all.facts).triggers.isEmpty)
        _ = try RiskRecompute(model: model).run(all: true, asOf: asOf, on: su)
        // ... but the stored score every police or housing login reads moves for none of them
        let police = try f.connect(as: f.police)
        defer { police.close() }
        let stored = try police.asConsulting {
            try police.query("SELECT score, band, trigger_codes::text AS codes FROM disrupt.risk_current WHERE person_id = \(id)")
        }
        let row = try #require(stored.first)
        #expect(try row.decode("score", as: Int.self) == 0)
        #expect(try row.decode("codes", as: String.self) == "{}")
        // the hidden person's stored score is not readable at all
        #expect(try police.asConsulting { try police.query("SELECT 1 FROM disrupt.risk_current WHERE person_id = \(hidden.id)") }.isEmpty)
    }

    @Test func noReminderNamesAPersonItsRecipientCannotSee() throws {
        let f = fixture
        let hidden = try restrictedHealthPerson("rm")
        let su = try f.superuser()
        defer { su.close() }
        // a reminder to a police login about a person restricted to health is never stored
        let stored = try su.execute("""
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
            VALUES ('new_incident', \(f.police), \(hidden.id), 'incident', 1, current_date, \("about \(hidden.ref)"))
            """)
        #expect(stored == 0)
        // one about a person it could see, who is restricted to another agency later, leaves its inbox
        let ref = "P-\(f.token)-later"
        let later: Int64 = try su.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(ref), 'Later', 'health') RETURNING id
            """)[0].decode("id")
        let incident: Int64 = try su.query("""
            INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, agency) VALUES (\("I-\(f.token)-later"), \(later), current_date, 'health')
            RETURNING id
            """)[0].decode("id")
        #expect(try su.execute("""
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
            VALUES ('new_incident', \(f.police), \(later), 'incident', \(incident), current_date, \("about \(ref)"))
            """) == 1)
        let police = try f.connect(as: f.police)
        defer { police.close() }
        func inbox() throws -> [String] {
            try police.asConsulting { try police.query("SELECT message FROM disrupt.inbox(true)").map { try $0.decode("message", as: String.self) } }
        }
        #expect(try inbox().contains("about \(ref)"))
        func about() throws -> [String] {
            try police.asConsulting {
                try police.query("SELECT message FROM disrupt.reminders_about(\(later), current_date - 1, current_date + 1)")
                    .map { try $0.decode("message", as: String.self) }
            }
        }
        #expect(try about() == ["about \(ref)"])
        // without a consultation the inbox says nothing
        let fresh = try f.connect(as: f.police)
        defer { fresh.close() }
        #expect(try fresh.query("SELECT * FROM disrupt.inbox(true)").isEmpty)
        try su.execute("UPDATE disrupt.person SET sensitivity = 'restricted' WHERE id = \(later)")
        #expect(try !inbox().contains("about \(ref)"))
        #expect(try about().isEmpty)
    }

    /// EXPLAIN ANALYZE counts the rows a policy hides ("Rows Removed by Filter"): a login that
    /// could SELECT the reminders could count other recipients' reminders about a person, or a
    /// login's, by value. No staff or admin login may SELECT the table; each reads her own
    /// (an administrator every recipient's) through `disrupt.reminders_about`. EXPLAIN (ANALYZE,
    /// BUFFERS) of that call counted the buffers it read, and with the person tested first another
    /// recipient's reminders about him cost her more than none (helper-69): that channel is closed
    /// by the refusal of any staff statement that mentions EXPLAIN (disrupt.refuse_explain). The
    /// function's access path, her rows read by recipient and day alone and only then tested for
    /// the person, stays as a second wall, against a timer.
    @Test func noLoginCanCountAnotherRecipientsRemindersAboutAPerson() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let ref = "P-\(f.token)-reminded"
        let person: Int64 = try su.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(ref), 'Reminded', 'police') RETURNING id
            """)[0].decode("id")
        #expect(try su.execute("""
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
            SELECT 'plan_review', \(f.health), \(person), 'plan', g, current_date, \("health's reminder about \(ref)")
            FROM generate_series(1, 40) g
            """) == 40)
        let none: Int64 = try su.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\("P-\(f.token)-unreminded"), 'None', 'police') RETURNING id
            """)[0].decode("id")

        // a login of its own: the call reads her reminders, which other tests do not add to
        let police = try f.connect(as: try f.addStaff("remind", agency: "police", role: "spoc"))
        defer { police.close() }
        let explain: PostgresQuery = "EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1 FROM disrupt.reminder WHERE person_id = \(person)"
        #expect(sqlState { _ = try police.query(explain) } == "42501")
        #expect(sqlState { _ = try police.asConsulting { try police.query(explain) } } == "42501")
        #expect(sqlState { _ = try police.query("SELECT count(*) FROM disrupt.reminder WHERE recipient_login = \(f.health)") } == "42501")
        // the function, with any arguments, gives her only her own reminders
        let policeSees = try police.asConsulting {
            try police.query("SELECT message FROM disrupt.reminders_about(\(person), '1900-01-01', '2100-01-01')")
        }
        #expect(policeSees.isEmpty)
        // ... and she cannot count another's by what the call read: EXPLAIN (ANALYZE, BUFFERS) of
        // it is refused, consulted or not, for a person with reminders as for one with none
        for id in [person, none] {
            let buffers: PostgresQuery =
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM disrupt.reminders_about(\(id), '1900-01-01', '2100-01-01')"
            #expect(sqlState { _ = try police.query(buffers) } == "42501")
            #expect(sqlState { _ = try police.asConsulting { try police.query(buffers) } } == "42501")
        }
        let health = try f.connect(as: f.health)
        defer { health.close() }
        #expect(try health.query("SELECT 1 FROM disrupt.reminders_about(\(person), '1900-01-01', '2100-01-01')").isEmpty)
        #expect(try health.asConsulting {
            try health.query("SELECT message FROM disrupt.reminders_about(\(person), '1900-01-01', '2100-01-01')")
        }.count == 40)
        // an administrator reads every recipient's, still only through the function
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        #expect(sqlState { _ = try admin.asConsulting { try admin.query(explain) } } == "42501")
        #expect(try admin.asConsulting {
            try admin.query("SELECT message FROM disrupt.reminders_about(\(person), '1900-01-01', '2100-01-01')")
        }.count == 40)
    }

    /// helper-71: debug_print_plan and trace_sort are any login's to set, and a function runs
    /// with its caller's settings: with them on, psql printed the plan of every statement a
    /// SECURITY DEFINER function ran (row estimates from every agency's rows: about 300 reminders
    /// about a person hidden from her) and every sort's size. Every such function now runs with
    /// both off; her own statements still print theirs (the channel is hers).
    @Test func noDefinerFunctionPrintsItsPlansOrSortsToItsCaller() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let loud: [String] = try su.query("""
            SELECT p.oid::regprocedure::text AS f FROM pg_catalog.pg_proc p
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname IN ('disrupt', 'disrupt_private')
            WHERE p.prosecdef
              AND NOT coalesce(p.proconfig, '{}') @> ARRAY['debug_print_plan=off', 'trace_sort=off',
                                                         'debug_print_parse=off', 'debug_print_rewritten=off']
            """).map { try $0.decode("f") }
        #expect(loud.isEmpty, "\(loud)")
        // and no login but the owner may run the step itself
        #expect(try su.query("""
            SELECT has_function_privilege('disrupt_staff', 'disrupt.quiet_definer_functions()', 'EXECUTE')
                OR has_function_privilege('disrupt_admin', 'disrupt.quiet_definer_functions()', 'EXECUTE') AS granted
            """)[0].decode("granted", as: Bool.self) == false)
        let tables: [String] = try su.query("""
            SELECT c.oid::text AS o FROM pg_catalog.pg_class c
            WHERE c.oid IN ('disrupt.reminder'::regclass, 'disrupt.audit_log'::regclass, 'disrupt.person'::regclass)
            """).map { try $0.decode("o") }
        let login = try f.addStaff("plans", agency: "police", role: "spoc")
        let psql = try ServerBinaries.locate("psql")
        let run = try DisruptBinary.runProgram(psql, [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", TestCluster.url(database: f.location.testDatabaseName, user: login),
            "-c", "SELECT disrupt.consult('plans test', 'psql')",
            "-c", "SET client_min_messages = log; SET debug_print_plan = on; SET debug_pretty_print = off; SET trace_sort = on; "
                + "SELECT count(*) FROM disrupt.reminders_about(\(f.personID), '1900-01-01', '2100-01-01'); "
                + "SELECT count(*) FROM disrupt.audit_entries(\(f.personID), NULL, NULL, NULL, NULL, 100); "
                + "SELECT count(*) FROM disrupt.inbox(true); "
                + "SELECT count(*) FROM disrupt.withheld_counts(\(f.personID))",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("PLANNEDSTMT"), "her own statements' plans are printed: the setting took")
        for oid in tables {
            #expect(!run.stderr.contains(":relid \(oid) "), "a plan that reads table \(oid) reached her")
        }
        #expect(!run.stderr.contains("sort ended"), "a sort inside a function reached her")
    }
}

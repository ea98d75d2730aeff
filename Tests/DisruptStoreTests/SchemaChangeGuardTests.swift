import CLibPQ
import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 12: PostgreSQL takes some schema commands' table locks before it checks whether the
/// caller may run them (CREATE RULE: ACCESS EXCLUSIVE; PARTITION OF: ACCESS EXCLUSIVE on the
/// parent; REFERENCES: SHARE ROW EXCLUSIVE; COMMENT, INHERITS, CREATE STATISTICS: SHARE UPDATE
/// EXCLUSIVE), and a client that never reads the refusal keeps the lock: on disrupt.staff or the
/// audit log every login stopped (helper-100, -102, -103). The schema guard (`SchemaChangeGuard`)
/// refuses every schema command of staff before it runs. Each attack waits behind a lock a
/// superuser holds, so a command that locks before its check shows as a lock timeout (55P03), a
/// refusal before any lock as 42501 from the guard. Connects as real staff logins through plain
/// libpq, as psql would.
@Suite("Security: staff run no schema command, and none locks a table before it is refused")
struct SchemaChangeGuardTests {
    static let refusal = "schema commands are refused to this role in disrupt's database"

    /// The schema commands tried on `table`, each of which names it.
    static func attacks(on table: String) -> [String] {
        [
            "CREATE RULE r AS ON INSERT TO \(table) DO INSTEAD NOTHING",
            "CREATE TRIGGER t BEFORE UPDATE ON \(table) FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
            "COMMENT ON TABLE \(table) IS 'x'",
            "CREATE TEMP TABLE p PARTITION OF \(table) DEFAULT",
            "CREATE TEMP TABLE i () INHERITS (\(table))",
            "CREATE TEMP TABLE l (LIKE \(table))",
            "CREATE TEMP TABLE o OF disrupt.staff",
            "CREATE TEMP TABLE f (k text REFERENCES disrupt.staff (login))",
            "CREATE TEMP TABLE g (k text, FOREIGN KEY (k) REFERENCES disrupt.staff)",
            "CREATE STATISTICS s ON login, agency FROM disrupt.staff",
            "CREATE INDEX ON \(table) ((1))",
            "ALTER TABLE \(table) ENABLE TRIGGER ALL",
            "GRANT SELECT ON \(table) TO PUBLIC",
            "CREATE TEMP VIEW v AS SELECT 1 AS x FROM \(table)",
            "DROP TABLE \(table)",
            "SECURITY LABEL ON TABLE \(table) IS 'x'",
            // and the harmless ones: staff make no object at all
            "CREATE TEMP TABLE plain (x int)",
            "CREATE TYPE pg_temp.pair AS (x int, y int)",
            "CREATE TEMP SEQUENCE counter",
        ]
    }

    /// A superuser's open transaction holding SHARE UPDATE EXCLUSIVE on `tables`: it conflicts
    /// with every lock those commands take before their check (and with no lock a login needs).
    static func holdingLocks(_ fixture: SecurityFixture, on tables: [String]) throws -> PostgresConnection {
        let su = try fixture.superuser()
        try su.execute("BEGIN")
        for table in tables { try su.execute(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN SHARE UPDATE EXCLUSIVE MODE")) }
        return su
    }

    @Test func everySchemaCommandOfStaffIsRefusedBeforeItWaitsForALock() throws {
        let f = try SecurityFixture()  // its own: it holds locks on the staff table and the audit log
        let tables = ["disrupt.staff", "disrupt.audit_log"]
        // a function that runs the text it is given, as its caller (SPI): what a schema command
        // reached through a function of the product's would look like
        let run = "public.run_\(f.token)"
        let setup = try f.superuser()
        defer { setup.close() }
        try setup.execute(PostgresQuery(unsafeSQL: "CREATE FUNCTION \(run)(sql text) RETURNS void LANGUAGE plpgsql VOLATILE AS 'BEGIN EXECUTE sql; END'"))
        try setup.execute(PostgresQuery(unsafeSQL: "GRANT EXECUTE ON FUNCTION \(run)(text) TO \(f.police), \(f.admin)"))
        let su = try Self.holdingLocks(f, on: tables)
        defer { su.close() }
        for login in [f.police, f.admin] {
            let conn = try plainLibpqConnection(f, as: login)
            defer { PQfinish(conn) }
            #expect(sqlState(ofLibpqResult: PQexec(conn, "SET lock_timeout = '2s'")) == "")
            for table in tables {
                let spi = "SELECT \(run)('CREATE RULE r AS ON INSERT TO \(table) DO INSTEAD NOTHING')"
                for attack in Self.attacks(on: table) + [spi] {
                    let (state, message) = outcome(ofLibpqResult: PQexec(conn, attack))
                    #expect(state == "42501" && message.contains(Self.refusal), "\(login): \(attack): \(state) \(message)")
                }
                // not schema commands, but they lock before they check: a table made by running a
                // query under EXPLAIN (no event trigger fires), and the BRIN maintenance functions
                // (helper-104), refused by the missing TEMP privilege and by StatisticsLock
                for attack in ["EXPLAIN (ANALYZE) CREATE TEMP TABLE keep AS SELECT NULL::\(table) AS s",
                               "SELECT brin_summarize_new_values('\(table)_pkey'::regclass)",
                               "SELECT brin_summarize_range('\(table)_pkey'::regclass, 0)",
                               "SELECT brin_desummarize_range('\(table)_pkey'::regclass, 0)"] {
                    let (state, message) = outcome(ofLibpqResult: PQexec(conn, attack))
                    #expect(state == "42501" && message.contains("permission denied"), "\(login): \(attack): \(state) \(message)")
                }
            }
        }
        try su.execute("ROLLBACK")
        let left = try su.query("""
            SELECT (SELECT count(*) FROM pg_rewrite WHERE ev_class IN ('disrupt.staff'::regclass, 'disrupt.audit_log'::regclass))
                 + (SELECT count(*) FROM pg_trigger WHERE tgrelid = 'disrupt.staff'::regclass AND tgname = 't')
                 + (SELECT count(*) FROM pg_description WHERE objoid IN ('disrupt.staff'::regclass, 'disrupt.audit_log'::regclass) AND description = 'x')
                 + (SELECT count(*) FROM pg_statistic_ext WHERE stxname = 's') AS n
            """)[0].decode("n", as: Int.self)
        #expect(left == 0, "nothing was made")
    }

    /// Why the guard is there, and the walls behind it where it is not (a database a superuser
    /// never migrated): without it CREATE RULE and COMMENT wait for the lock before they are
    /// refused, and while they wait every login's read of the staff table queues behind them. A
    /// temporary table naming the table is still refused before any lock (staff hold no TEMP
    /// privilege on the database), and so are a function and a table in disrupt's schemas.
    @Test func withoutTheGuardACommandWaitsForItsLockBeforeItIsRefused() throws {
        let f = try SecurityFixture()
        let setup = try f.superuser()
        defer { setup.close() }
        try setup.execute("DROP EVENT TRIGGER disrupt_schema_guard")
        let su = try Self.holdingLocks(f, on: ["disrupt.staff"])
        defer { su.close() }
        let conn = try plainLibpqConnection(f, as: f.police)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SET lock_timeout = '1s'")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "CREATE RULE r AS ON INSERT TO disrupt.staff DO INSTEAD NOTHING")) == "55P03")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "COMMENT ON TABLE disrupt.staff IS 'x'")) == "55P03")
        for (attack, refusal) in [
            ("CREATE TEMP TABLE p PARTITION OF disrupt.staff DEFAULT", "permission denied to create temporary tables"),
            ("CREATE TEMP TABLE i () INHERITS (disrupt.staff)", "permission denied to create temporary tables"),
            ("CREATE TEMP TABLE f (k text REFERENCES disrupt.staff (login))", "permission denied to create temporary tables"),
            ("CREATE TEMP TABLE l (LIKE disrupt.staff)", "permission denied to create temporary tables"),
            ("CREATE TABLE disrupt.mine (v int)", "permission denied for schema disrupt"),
            ("COMMENT ON TABLE disrupt_private.sweep_turn IS NULL", "permission denied for schema disrupt_private"),
            ("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "permission denied for schema public"),
            ("DO $$ BEGIN PERFORM 1; END $$", "permission denied for language plpgsql"),
        ] {
            let (state, message) = outcome(ofLibpqResult: PQexec(conn, attack))
            #expect(state == "42501" && message.contains(refusal), "\(attack): \(state) \(message)")
        }
        try su.execute("ROLLBACK")
    }

    /// The product's own temporary tables are made for staff by disrupt_stager: an import's stage
    /// (any staff login) and a recompute's batch table (administrators). She fills and reads
    /// them; she cannot change them, nor mark the stage's rows (only import_run does).
    @Test func theProductsTemporaryTablesAreMadeForStaffAndStayAsMade() throws {
        let f = try SecurityFixture.shared.get()
        let conn = try plainLibpqConnection(f, as: f.police)
        defer { PQfinish(conn) }
        #expect(sqlState(ofLibpqResult: PQexec(conn, "BEGIN")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT * FROM disrupt.import_stage('markers')")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, """
            INSERT INTO pg_temp.stage_markers (line, source_ref, person_ref, marker, recorded_on) VALUES (2, 'M-x', 'P-x', 'weapons', '2024-01-01')
            """)) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SELECT disrupt.import_stage_analyze('markers')")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(conn, "SAVEPOINT m; UPDATE pg_temp.stage_markers SET reject_reason = 'x'")) == "42501")
        PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT m"))
        let owner = PQexec(conn, "SELECT relowner::regrole::text FROM pg_class WHERE oid = 'pg_temp.stage_markers'::regclass")
        #expect(PQntuples(owner) == 1 && String(cString: PQgetvalue(owner, 0, 0)) == "disrupt_stager")
        PQclear(owner)
        for attack in ["ALTER TABLE pg_temp.stage_markers ADD COLUMN extra text",
                       "CREATE TRIGGER ride AFTER UPDATE ON pg_temp.stage_markers FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
                       "CREATE INDEX ON pg_temp.stage_markers (line)"] {
            let (state, message) = outcome(ofLibpqResult: PQexec(conn, "SAVEPOINT a; \(attack)"))
            #expect(state == "42501" && message.contains(Self.refusal), "\(attack): \(state) \(message)")
            PQclear(PQexec(conn, "ROLLBACK TO SAVEPOINT a"))
        }
        #expect(outcome(ofLibpqResult: PQexec(conn, "SELECT disrupt.risk_batch_open()")).state == "42501", "only administrators recompute")
        PQclear(PQexec(conn, "ROLLBACK"))

        let admin = try plainLibpqConnection(f, as: f.admin)
        defer { PQfinish(admin) }
        #expect(sqlState(ofLibpqResult: PQexec(admin, "SELECT disrupt.risk_batch_open()")) == "")
        #expect(sqlState(ofLibpqResult: PQexec(admin, "SELECT disrupt.risk_batch_open()")) == "", "a second call keeps the table")
        #expect(sqlState(ofLibpqResult: PQexec(admin, "INSERT INTO risk_batch (person_id, score) VALUES (1, 2)")) == "")
        #expect(outcome(ofLibpqResult: PQexec(admin, "ALTER TABLE risk_batch ADD COLUMN extra text")).state == "42501")
    }

    /// The guard's function is the superuser's, in a schema only the superuser may change: the
    /// schema owner (whose commands the guard lets through) cannot replace, disable or drop it.
    @Test func theOwnerCannotChangeTheGuard() throws {
        let f = try SecurityFixture.shared.get()
        // the owner's role, taken by a superuser's session (after SET ROLE it has that role's rights only)
        let conn = try f.superuser()
        defer { conn.close() }
        try conn.execute("SET ROLE disrupt_owner")
        for attack in [
            "CREATE OR REPLACE FUNCTION disrupt_guard.refuse_schema_change() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END'",
            "ALTER EVENT TRIGGER disrupt_schema_guard DISABLE",
            "DROP EVENT TRIGGER disrupt_schema_guard",
            "ALTER FUNCTION disrupt_guard.refuse_schema_change() SECURITY DEFINER",
            "CREATE FUNCTION disrupt_guard.extra() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        ] {
            let state = failure { try conn.execute(PostgresQuery(unsafeSQL: attack)) }?.sqlState
            #expect(state == "42501", "\(attack): \(state ?? "allowed")")
        }
    }

    /// disrupt_stager may make a table only inside the functions it owns: a session that is
    /// disrupt_stager itself (a login of that name made before migration 0026 reserved it, its
    /// session still open) is refused like staff (helper-107).
    @Test func disruptStagerAsASessionsOwnRoleIsRefused() throws {
        let f = try SecurityFixture.shared.get()
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("SET SESSION AUTHORIZATION disrupt_stager")
        let refused = failure { try su.execute("CREATE TABLE pg_temp.made_by_stager (x int)") }
        #expect(refused?.sqlState == "42501" && refused?.message.contains(Self.refusal) == true, "\(String(describing: refused))")
    }

    /// A recompute by an administrator's login (not a superuser), on two connections at once:
    /// each opens its own batch table through disrupt_stager and fills, reads and empties it.
    @Test func anAdministratorsRecomputeOnTwoConnectionsStoresEveryScore() throws {
        let f = try SecurityFixture()  // its own: it writes every stored score
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        let su = try f.superuser()
        defer { su.close() }
        for n in 1...3 {
            try su.execute("""
                INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\("P-\(f.token)-r\(n)"), 'Recompute', \("Person\(n)"), 'police')
                """)
        }
        let people: Int = try su.query("SELECT count(*)::int AS n FROM disrupt.person WHERE merged_into IS NULL")[0].decode("n")
        let report = try RiskRecompute(model: try ConfigurationLoader.riskModel(), batchSize: 1, workers: 2)
            .run(all: true, asOf: Day(year: 2026, month: 3, day: 1)!, on: admin)
        #expect(report.people == people)
        #expect(try su.query("SELECT count(*)::int AS n FROM disrupt.risk_current")[0].decode("n", as: Int.self) == people)
        let again = try RiskRecompute(model: try ConfigurationLoader.riskModel(), batchSize: 1, workers: 2)
            .run(all: true, asOf: Day(year: 2026, month: 3, day: 1)!, on: admin)
        #expect(again.people == people && again.changed == 0, "a second run on the same connection changes nothing")
    }
}

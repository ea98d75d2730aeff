import CLibPQ
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 12: whoever may SELECT a table may EXPLAIN (ANALYZE) a query of it, and PostgreSQL runs
/// a condition on an indexed column before the row-level policy, so "Rows Removed by Filter"
/// counted the restricted rows another agency held, by value, with or without a consultation.
/// Staff read the record tables only through the functions of SQL/definitions/reading.sql now,
/// which refuse to run under EXPLAIN. Each attack connects as a real staff login with libpq, as
/// psql would.
@Suite("Security: the record tables are read through functions that EXPLAIN cannot see into")
struct RecordReadFunctionTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    static let recordTables = ["alias", "party", "relationship", "incident", "marker", "court_order", "breach", "forum_link", "referral"]

    /// A restricted health person with a shared health marker on him, and a restricted health
    /// party: what police must not learn of (a shared record of a person she may not see included).
    func hiddenHealthRecords(_ suffix: String) throws -> (personID: Int64, personRef: String, partyRef: String) {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let (personID, personRef, _) = try f.addHiddenHealthPerson(suffix)
        let partyRef = "V-\(f.token)-\(suffix)"
        try su.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
            VALUES (\("M-\(f.token)-\(suffix)"), \(personID), 'weapons', '2024-05-05', 'health', 'shared')
            """)
        try su.execute("""
            INSERT INTO disrupt.party (party_ref, family_name, kind, agency, sensitivity)
            VALUES (\(partyRef), 'Hidden', 'victim', 'health', 'restricted')
            """)
        return (personID, personRef, partyRef)
    }

    @Test func noStaffOrAdministratorLoginMaySelectOrExplainARecordTable() throws {
        let f = fixture
        try f.asEachLoginConsultedOrNot { db, login in
            for table in Self.recordTables {
                let column = table == "party" ? "id" : "person_id"
                for statement in [
                    "SELECT count(*) FROM disrupt.\(table)",
                    "EXPLAIN (ANALYZE) SELECT 1 FROM disrupt.\(table) WHERE \(column) = \(f.personID)",
                    "EXPLAIN SELECT 1 FROM disrupt.\(table) WHERE \(column) = \(f.personID)",
                ] {
                    #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: statement)) } == "42501", "\(login): \(statement)")
                }
            }
        }
    }

    /// EXPLAIN of a call shows a Function Scan, but BUFFERS counted what it read (hidden rows
    /// included): every reader refuses to run under EXPLAIN, however the statement reaches it.
    @Test func aReaderFunctionRefusesToRunUnderExplain() throws {
        let f = fixture
        let db = try f.connect(as: f.police)
        defer { db.close() }
        _ = try db.query("SELECT disrupt.consult('attack test', 'psql')")
        // the call itself reads
        let dossier: String? = try db.query("SELECT disrupt.person_dossier(\(f.personID))::text AS d")[0].decode("d")
        #expect(dossier?.contains(f.marker("ps")) == true)
        for statement in [
            "EXPLAIN (ANALYZE, BUFFERS) SELECT disrupt.person_dossier(\(f.personID))",
            "explain (analyze) SELECT * FROM disrupt.risk_facts(\(f.personID), \(f.personID), NULL, false)",
            "/* x */ ExPlAiN ANALYZE SELECT * FROM disrupt.person_find('Dupont')",
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM disrupt.person_candidates('P-\(f.token)')",
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM disrupt.people_with_records_from('health')",
            "EXPLAIN (ANALYZE, BUFFERS) SELECT disrupt.party_meant('V-none')",
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM disrupt.agenda('2026-12-01', NULL, 3)",
            "EXPLAIN (ANALYZE, BUFFERS) SELECT disrupt.ref_in_use('marker', '\(f.marker("hr"))')",
            "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM disrupt.withheld_counts(\(f.personID)) CROSS JOIN disrupt.reminders_about(\(f.personID), '1900-01-01', '2100-01-01')",
        ] {
            #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: statement)) } == "42501", "\(statement)")
        }
        // a write of hers, rolled back, counted the WAL of the alerts it made for other recipients
        try db.execute("BEGIN")
        #expect(sqlState {
            _ = try db.query(PostgresQuery(unsafeSQL: """
                EXPLAIN (ANALYZE, WAL) INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency)
                VALUES ('M-\(f.token)-wal', \(f.personID), 'weapons', '2026-01-01', 'police')
                """))
        } == "42501")
        try db.execute("ROLLBACK")
        // a prepared statement planned without EXPLAIN is refused when explained
        try db.executeScript(unsafeSQL: "PREPARE d(bigint) AS SELECT disrupt.person_dossier($1)")
        for _ in 0..<6 { _ = try db.query(PostgresQuery(unsafeSQL: "EXECUTE d(\(f.personID))")) }
        #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS) EXECUTE d(\(f.personID))")) } == "42501")
        // and the refusal says what to do
        let refusal = failure { _ = try db.query("EXPLAIN (ANALYZE) SELECT disrupt.person_dossier(\(f.personID))") }
        #expect(refusal?.message.contains("EXPLAIN") == true)
        #expect(refusal?.hint?.contains("without EXPLAIN") == true)
    }

    /// libpq prepares a statement by name at the protocol level, EXPLAIN included, and a later
    /// `EXECUTE s` (or a `FETCH` from a portal bound to it) runs it under a text that says nothing
    /// (helper-77 read BUFFERS and WAL that way): the prepared statements and portals of the
    /// session count too. Plain libpq, as any client would.
    @Test func anExplainPreparedByNameIsRefusedWhenExecuted() throws {
        let f = fixture
        let conn = try plainLibpqConnection(f, as: f.police)
        defer { PQfinish(conn) }
        let state = sqlState(ofLibpqResult:)
        #expect(state(PQexec(conn, "SELECT disrupt.consult('attack test', 'psql')")) == "")
        #expect(state(PQprepare(conn, "s", "EXPLAIN (ANALYZE, BUFFERS) SELECT disrupt.person_dossier(\(f.personID))", 0, nil)) == "")
        #expect(state(PQexec(conn, "EXECUTE s")) == "42501")
        // while it is prepared, nothing else of hers reads either; once deallocated, reads again
        #expect(state(PQexec(conn, "SELECT disrupt.person_dossier(\(f.personID))")) == "42501")
        #expect(state(PQexec(conn, "DEALLOCATE s")) == "")
        #expect(state(PQexec(conn, "SELECT disrupt.person_dossier(\(f.personID))")) == "")
        // a write prepared under EXPLAIN (its WAL counted the alerts made for others)
        #expect(state(PQprepare(conn, "w", """
            EXPLAIN (ANALYZE, WAL) INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency)
            VALUES ('M-\(f.token)-pw', \(f.personID), 'weapons', '2026-01-01', 'police')
            """, 0, nil)) == "")
        #expect(state(PQexec(conn, "BEGIN")) == "")
        #expect(state(PQexec(conn, "EXECUTE w")) == "42501")
        #expect(state(PQexec(conn, "ROLLBACK")) == "")
    }

    /// The refusal depends on the statement alone, never on a row: a policy that refused under
    /// EXPLAIN would refuse only when its table held a matching row, hidden or not, and a comment
    /// saying "explain" told her which references exist (helper-77).
    @Test func theRefusalNeverSaysWhetherAHiddenRowExists() throws {
        let f = fixture
        let hidden = try hiddenHealthRecords("ex")
        let db = try f.connect(as: f.police)
        defer { db.close() }
        for consulted in [false, true] {
            if consulted { _ = try db.query("SELECT disrupt.consult('attack test', 'psql')") }
            // refused while planned (not_explaining, PolicyPlanGuardTests), alike for both
            for ref in [hidden.personRef, "P-\(f.token)-none"] {
                #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: "SELECT 1 FROM disrupt.person WHERE person_ref = '\(ref)' /* explain */")) } == "42501")
                #expect(try db.query(PostgresQuery(unsafeSQL: "SELECT 1 FROM disrupt.person WHERE person_ref = '\(ref)'")).isEmpty)
            }
        }
    }

    /// Every SECURITY DEFINER function a staff login may call refuses under EXPLAIN first
    /// (`refuse_explain`, or `require_consultation`, which calls it), unless it is listed here
    /// with the reason it need not or must not: a new reader that forgets would let EXPLAIN
    /// (ANALYZE, BUFFERS) of a call count what it read, hidden rows included.
    @Test func everyDefinerFunctionStaffMayCallRefusesUnderExplainOrSaysWhyNot() throws {
        // policies call them per row (a refusal would be raised only when a row is found); and
        // session_read_scope, which every read policy asks through read_scope while its statement
        // is planned: it reads the caller's own staff row and consultation, nothing else
        let policyHelpers: Set = ["caller_agency", "caller_login", "caller_role", "consulting", "is_active_staff", "is_admin",
                                  "is_install_admin", "is_service", "may_see_person", "may_see_party", "may_see_referral",
                                  "session_read_scope"]
        // they write an audited table, whose statement trigger refuses under EXPLAIN before the
        // statement's output is returned (a refusal of their own comes earlier and says nothing)
        let writers: Set = ["action_add", "action_extend", "action_reassign", "action_safety_check", "action_transition",
                            "matac_enter", "matac_exit", "meeting_agree_action", "meeting_attend", "meeting_case_add",
                            "meeting_close", "meeting_decide", "meeting_hear", "meeting_plan", "meeting_research",
                            "plan_close", "plan_open", "plan_update", "plan_victim_add", "plan_victim_remove",
                            "tactic_retire", "tactic_set", "import_update"]
        // read nothing of any person: an id's default (new_id), a random unused reference
        // (next_ref), the caller's role (report_check), a meeting's own header
        // (forum_meeting_header), the import's statement mark (import_mark), the temporary tables
        // disrupt_stager makes (import_stage, import_stage_analyze, risk_batch_open)
        let noPersonalData: Set = ["new_id", "next_ref", "report_check", "forum_meeting_header", "import_mark",
                                   "import_stage", "import_stage_analyze", "risk_batch_open"]
        let su = try fixture.superuser()
        defer { su.close() }
        let silent: Set<String> = Set(try su.query("""
            SELECT p.proname::text AS name FROM pg_proc p
            WHERE p.pronamespace = 'disrupt'::regnamespace AND p.prosecdef
              AND has_function_privilege('disrupt_staff', p.oid, 'EXECUTE')
              AND p.prosrc !~ 'refuse_explain|require_consultation'
            """).map { try $0.decode("name", as: String.self) })
        #expect(silent == policyHelpers.union(writers).union(noPersonalData),
                "not listed: \(silent.subtracting(policyHelpers.union(writers).union(noPersonalData)).sorted()); listed but refusing now: \(policyHelpers.union(writers).union(noPersonalData).subtracting(silent).sorted())")
    }

    /// A PL/pgSQL function staff call as themselves keeps its plans for the session, and EXPLAIN
    /// of a later call runs a kept plan without planning it again, so the policies' guard
    /// (not_explaining) is not asked (helper-81: EXPLAIN (ANALYZE, BUFFERS) of import_agency,
    /// which reads disrupt.agency, after one plain call). Each such function that names a table
    /// with row-level security refuses under EXPLAIN first.
    @Test func everyFunctionStaffRunAsThemselvesThatReadsAGuardedTableRefusesUnderExplain() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let silent = try su.query("""
            SELECT p.proname::text AS name FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
             WHERE p.pronamespace = 'disrupt'::regnamespace AND NOT p.prosecdef AND l.lanname = 'plpgsql'
               AND has_function_privilege('disrupt_staff', p.oid, 'EXECUTE')
               AND EXISTS (SELECT 1 FROM pg_class c
                            WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relrowsecurity
                              AND p.prosrc ~ ('disrupt\\.' || c.relname || '\\M'))
               AND p.prosrc !~ 'refuse_explain'
            """).map { try $0.decode("name", as: String.self) }
        #expect(silent.isEmpty, "\(silent)")
        let db = try f.connect(as: f.police)
        defer { db.close() }
        try db.execute("SET plan_cache_mode = force_generic_plan")
        _ = try db.query("SELECT * FROM disrupt.import_agency(NULL)")
        #expect(sqlState { _ = try db.query("EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM disrupt.import_agency(NULL)") } == "42501")
    }

    /// With a function or a DO block of her own, a login could build "EXPL" || "AIN" on the
    /// server, out of the statement text's sight: staff may use neither language.
    @Test func staffCannotRunCodeOfTheirOwnOnTheServer() throws {
        let f = fixture
        let db = try f.connect(as: f.police)
        defer { db.close() }
        #expect(sqlState { try db.execute("DO $$ BEGIN PERFORM 1; END $$") } == "42501")
        #expect(sqlState { try db.execute("CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'SELECT 1'") } == "42501")
        #expect(sqlState { try db.execute("CREATE FUNCTION pg_temp.g() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 1; END'") } == "42501")
        // the built-in functions that run a query's text refuse EXPLAIN ("not allowed in a
        // non-volatile function", 0A000)
        _ = try db.query("SELECT disrupt.consult('attack test', 'psql')")
        for call in ["query_to_xml('EXPL' || 'AIN (ANALYZE, BUFFERS) SELECT disrupt.person_dossier(\(f.personID))', true, false, '')",
                     "ts_stat('EXPL' || 'AIN (ANALYZE) SELECT disrupt.person_dossier(\(f.personID))')"] {
            #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: "SELECT \(call)")) } == "0A000", "\(call)")
        }
        // a superuser (a database administrator) still explains
        let su = try f.superuser()
        defer { su.close() }
        #expect(try !su.query("EXPLAIN (ANALYZE) SELECT * FROM disrupt.marker WHERE person_id = \(f.personID)").isEmpty)
    }

    /// The readers answer as the policies do for the caller: nothing of another agency's
    /// restricted person, party or marker, and nothing at all without a consultation.
    @Test func theReadersReturnOnlyWhatTheCallerMaySee() throws {
        let f = fixture
        let hidden = try hiddenHealthRecords("rd")
        let police = try f.connect(as: f.police)
        defer { police.close() }
        let health = try f.connect(as: f.health)
        defer { health.close() }
        func dossier(_ db: PostgresConnection) throws -> String? {
            try db.query("SELECT disrupt.person_dossier(\(f.personID))::text AS d")[0].decode("d")
        }
        func found(_ db: PostgresConnection, _ text: String) throws -> [String] {
            try db.query("SELECT person_ref FROM disrupt.person_find(\(text))").map { try $0.decode("person_ref") }
        }
        func candidates(_ db: PostgresConnection, _ text: String) throws -> Int {
            try db.query("SELECT count(*)::int AS n FROM disrupt.person_candidates(\(text))")[0].decode("n")
        }
        func party(_ db: PostgresConnection) throws -> Int64? {
            try db.query("SELECT disrupt.party_meant(\(hidden.partyRef)) AS id")[0].decode("id")
        }
        func healthRecord(_ db: PostgresConnection) throws -> Bool {
            try db.query("SELECT \(f.personID) IN (SELECT disrupt.people_with_records_from('health')) AS b")[0].decode("b")
        }
        // before a consultation: nothing, from either
        for db in [police, health] {
            #expect(try dossier(db) == nil)
            #expect(try found(db, "Dupont").isEmpty)
            #expect(try party(db) == nil)
            #expect(try !healthRecord(db))
        }
        for db in [police, health] { _ = try db.query("SELECT disrupt.consult('reader test', 'psql')") }
        let policeDossier = try #require(try dossier(police))
        #expect(policeDossier.contains(f.marker("hs")) && policeDossier.contains(f.marker("pr")))
        #expect(!policeDossier.contains(f.marker("hr")))
        let healthDossier = try #require(try dossier(health))
        #expect(healthDossier.contains(f.marker("hr")) && !healthDossier.contains(f.marker("pr")))
        // the hidden person and party: found by health, not by police (by reference, PNC id or name)
        for text in [hidden.personRef, "PNC-\(f.token)-rd", "Zzhealthrd"] {
            #expect(try found(police, text).isEmpty, "\(text)")
            #expect(try found(health, text) == [hidden.personRef], "\(text)")
        }
        #expect(try candidates(police, hidden.personRef) == 0)
        // his shared marker is read for health, never for police, who may not see him
        func facts(_ db: PostgresConnection) throws -> Int {
            try db.query("SELECT count(*)::int AS n FROM disrupt.risk_facts(\(hidden.personID), \(hidden.personID), NULL, false)")[0].decode("n")
        }
        #expect(try facts(police) == 0)
        #expect(try facts(health) == 2)
        #expect(try police.query("SELECT \(hidden.personID) IN (SELECT disrupt.people_with_records_from('health')) AS b")[0].decode("b", as: Bool.self) == false)
        #expect(try health.query("SELECT \(hidden.personID) IN (SELECT disrupt.people_with_records_from('health')) AS b")[0].decode("b", as: Bool.self))
        #expect(try candidates(health, hidden.personRef) == 1)
        #expect(try party(police) == nil)
        #expect(try party(health) != nil)
        // police sees health's shared marker on him, so he holds a health record for her too
        #expect(try healthRecord(police) && healthRecord(health))
        #expect(try police.query("SELECT disrupt.ref_in_use('marker', \(f.marker("hr"))) AS b")[0].decode("b", as: Bool.self) == false)
        #expect(try health.query("SELECT disrupt.ref_in_use('marker', \(f.marker("hr"))) AS b")[0].decode("b", as: Bool.self) == true)
    }
}

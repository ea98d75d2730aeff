import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Row-level security as staff logins meet it through plain SQL (psql is as good as disrupt).
@Suite("Security: who sees and changes which rows")
struct SecurityRowLevelTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// The fixture's markers `db` sees of its person, read as the CLI reads them: through his
    /// dossier (`disrupt.person_dossier`, SQL/definitions/reading.sql; staff may not SELECT the
    /// record tables).
    func dossierMarkers(_ db: PostgresConnection) throws -> Set<String> {
        Set(try db.query("""
            SELECT m ->> 'source_ref' AS source_ref
            FROM jsonb_array_elements(disrupt.person_dossier(\(fixture.personID)) -> 'markers') m
            WHERE m ->> 'source_ref' = ANY(\(fixture.markers))
            """).map { try $0.decode("source_ref") })
    }

    func markers(as login: String) throws -> Set<String> {
        let db = try fixture.connect(as: login)
        defer { db.close() }
        return try db.asConsulting { try dossierMarkers(db) }
    }

    @Test func restrictedMarkersAreAbsentForOtherAgenciesAndSharedOnesVisible() throws {
        let f = fixture
        #expect(try markers(as: f.probation) == [f.marker("hs"), f.marker("ps")])
        #expect(try markers(as: f.health) == [f.marker("hr"), f.marker("hs"), f.marker("ps")])
        #expect(try markers(as: f.police) == [f.marker("hs"), f.marker("pr"), f.marker("ps")])
        #expect(try markers(as: f.admin) == [f.marker("hr"), f.marker("hs"), f.marker("pr"), f.marker("ps")])
        // the table itself is not staff's to SELECT, consultation or not (reading.sql)
        let db = try fixture.connect(as: f.probation)
        defer { db.close() }
        #expect(sqlState { _ = try db.asConsulting { try db.query("SELECT note FROM disrupt.marker WHERE source_ref = \(f.marker("hr"))") } } == "42501")
        // asked for by its key, a hidden row is simply not there (no error that confirms it exists)
        func inUse(_ db: PostgresConnection, _ ref: String) throws -> Bool {
            try db.query("SELECT disrupt.ref_in_use('marker', \(ref)) AS used")[0].decode("used")
        }
        #expect(try db.asConsulting { try inUse(db, f.marker("hr")) } == false)
        #expect(try db.asConsulting { try inUse(db, f.marker("hs")) } == true)
        // and in a session that has not consulted even a shared row is not there
        let unconsulted = try fixture.connect(as: f.probation)
        defer { unconsulted.close() }
        #expect(try inUse(unconsulted, f.marker("hs")) == false)
        #expect(try dossierMarkers(unconsulted).isEmpty)
        #expect(sqlState { _ = try unconsulted.query("SELECT note FROM disrupt.marker WHERE source_ref = \(f.marker("hs"))") } == "42501")
    }

    @Test func anotherAgencysRecordCannotBeUpdatedOrDeleted() throws {
        let f = fixture
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        // by hand staff update nothing, their own agency's rows included (no UPDATE privilege)
        try Consultation(purpose: "row level test", scope: "test").open(on: db)
        #expect(sqlState { _ = try db.execute("UPDATE disrupt.marker SET note = 'hijacked' WHERE source_ref = \(f.marker("ps"))") } == "42501")
        #expect(sqlState { _ = try db.execute("UPDATE disrupt.marker SET agency = 'probation' WHERE source_ref = \(f.marker("ps"))") } == "42501")
        // by import, the way staff change records, another agency's marker is refused
        try db.execute("BEGIN")
        _ = try db.query("SELECT * FROM disrupt.import_stage('markers')")
        try db.execute("""
            INSERT INTO pg_temp.stage_markers (line, source_ref, person_ref, marker, recorded_on, note)
            VALUES (2, \(f.marker("ps")), \("P-\(f.token)"), 'weapons', '2024-01-10', 'hijacked')
            """)
        let counts = try db.query("SELECT * FROM disrupt.import_run('markers', NULL, 'hijack.csv')")[0]
        let reason: String? = try db.query("SELECT reject_reason FROM pg_temp.stage_markers")[0].decode("reject_reason")
        try db.execute("COMMIT")
        #expect(try counts.decode("updated", as: Int.self) == 0 && counts.decode("rejected", as: Int.self) == 1)
        #expect(reason?.contains("belongs to agency police") == true, "\(reason ?? "")")
        // no member of staff deletes a record (a delete refused by a foreign key would name a hidden row)
        #expect(sqlState { _ = try db.execute("DELETE FROM disrupt.marker WHERE source_ref IN (\(f.marker("ps")), \(f.marker("pr")))") } == "42501")
        #expect(sqlState { _ = try db.execute("TRUNCATE disrupt.marker") } == "42501")
        let check = try f.superuser()
        defer { check.close() }
        let rows = try check.query("SELECT source_ref, note, agency FROM disrupt.marker WHERE source_ref = ANY(\(f.markers)) ORDER BY source_ref")
        #expect(rows.count == 4)
        #expect(try rows.map { try $0.decode("note", as: String.self) } == ["note hr", "note hs", "note pr", "note ps"])
        #expect(try rows.map { try $0.decode("agency", as: String.self) } == ["health", "health", "police", "police"])
    }

    @Test func aRowCannotClaimAnotherAgencyOrAnotherAuthor() throws {
        let f = fixture
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        func insert(_ ref: String, agency: String) throws {
            try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES (\(ref), \(f.personID), 'weapons', '2024-02-01', \(agency))
                """)
        }
        #expect(sqlState { try insert("M-\(f.token)-claim", agency: "police") } == "42501")
        try insert("M-\(f.token)-own", agency: "probation")
        // nor handed to another agency by hand (staff may not UPDATE; an import writes its own agency's)
        #expect(sqlState { _ = try db.execute("UPDATE disrupt.marker SET agency = 'police' WHERE source_ref = \("M-\(f.token)-own")") } == "42501")
        // provenance is the database's: not writable on INSERT, reset on UPDATE
        #expect(sqlState {
            _ = try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, created_by)
                VALUES (\("M-\(f.token)-forged"), \(f.personID), 'weapons', '2024-02-01', 'probation', \(f.police))
                """)
        } == "42501")
        // (an UPDATE by hand is a database administrator's: its author is still the database's)
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("UPDATE disrupt.marker SET created_by = \(f.police), updated_by = \(f.police) WHERE source_ref = \("M-\(f.token)-own")")
        let row = try su.query("SELECT agency, created_by, updated_by, session_user::text AS me FROM disrupt.marker WHERE source_ref = \("M-\(f.token)-own")")[0]
        #expect(try row.decode("agency", as: String.self) == "probation")
        #expect(try row.decode("created_by", as: String.self) == f.probation)
        #expect(try row.decode("updated_by", as: String?.self) == row.decode("me", as: String.self))
    }

    @Test func aDisabledLoginSeesNothingAndCannotLogIn() throws {
        let f = fixture
        let login = try f.addStaff("gone")
        let open = try f.connect(as: login)
        defer { open.close() }
        #expect(try open.asConsulting { try dossierMarkers(open) }.count == 2)
        // a session with a transaction open and a consultation in it ...
        try open.execute("BEGIN")
        try open.execute("SELECT disrupt.consult('before the disable', 'test')")
        let pid: Int = try open.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left the service')")
        // ... is ended when the disable commits: it can do nothing at all (StaffChangeSessionTests)
        #expect(try f.sessionEnded(pid))
        #expect(throws: PostgresError.self) { _ = try dossierMarkers(open) }
        // and no new session can be opened
        #expect(throws: PostgresError.self) { try f.connect(as: login) }
        let reason = try admin.query("SELECT active, disabled_reason FROM disrupt.staff WHERE login = \(login)")[0]
        #expect(try reason.decode("active", as: Bool.self) == false)
        #expect(try reason.decode("disabled_reason", as: String?.self) == "left the service")
    }

    /// The stored score history holds the evidence behind each score: administrators read it,
    /// and, like every read of personal data, only inside a consultation (its FOR ALL policy let
    /// one read every score's evidence in psql without one). Other staff never.
    @Test func theScoreHistoryIsReadByAnAdministratorOnlyInsideAConsultation() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("""
            INSERT INTO disrupt.risk_assessment (person_id, as_of, model_version, score, band, triggers, flags, rfg,
                                                 rfg_version, serial, escalating, is_repeat)
            VALUES (\(f.personID), '2026-11-30', 'test', 12, 'high', '[]', '{}', '{}', 'test', false, false, false)
            """)
        let count = "SELECT count(*)::int AS n FROM disrupt.risk_assessment WHERE person_id = \(f.personID)"
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        #expect(try admin.query(PostgresQuery(unsafeSQL: count))[0].decode("n", as: Int.self) == 0)
        #expect(try admin.asConsulting { try admin.query(PostgresQuery(unsafeSQL: count)) }[0].decode("n", as: Int.self) >= 1)
        let staff = try f.connect(as: f.probation)
        defer { staff.close() }
        #expect(sqlState { _ = try staff.asConsulting { try staff.query(PostgresQuery(unsafeSQL: count)) } } == "42501")
    }

    @Test func nameSearchWithFoldWorksForStaffAndMergeAndAnalyzeToo() throws {
        let f = fixture
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        // accent- and case-folded name match, as `person find` does it
        #expect(try db.asConsulting { try PersonResolver().resolve("eric DUPONT", on: db).id } == f.personID)
        let admin = try f.superuser()
        defer { admin.close() }
        try admin.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\("Q-\(f.token)-1"), 'Zoë', 'Brontë', 'police'), (\("Q-\(f.token)-2"), 'Zoe', 'Bronte', 'police')")
        // merging is for administrators (issue 12): a rep is refused, an admin merges
        #expect(sqlState { _ = try db.query("SELECT disrupt.merge_person(\("Q-\(f.token)-1"), \("Q-\(f.token)-2"), 'same man') AS id") } == "42501")
        let merger = try f.connect(as: f.admin)
        defer { merger.close() }
        #expect(try merger.query("SELECT disrupt.merge_person(\("Q-\(f.token)-1"), \("Q-\(f.token)-2"), 'same man') AS id").count == 1)
        // the merged name is now the survivor's alias, as her dossier shows it (staff read aliases
        // through disrupt.person_dossier and disrupt.person_find, never the table)
        #expect(try db.asConsulting {
            try db.query("""
                SELECT 1 FROM disrupt.person p, jsonb_array_elements(disrupt.person_dossier(p.id) -> 'aliases') a
                WHERE p.person_ref = \("Q-\(f.token)-1") AND disrupt.fold(a ->> 'name') = 'zoe bronte'
                """)
        }.count == 1)
        // and `person find` shows the survivor alone
        #expect(try db.asConsulting { try PersonSearch().find("Bronte", on: db).map(\.personRef).filter { $0.contains(f.token) } }
                == ["Q-\(f.token)-1"])
        #expect(sqlState {
            _ = try db.asConsulting { try db.query("SELECT 1 FROM disrupt.alias a WHERE disrupt.fold(a.alias_name) = 'zoe bronte'") }
        } == "42501")
        // ANALYZE evaluates the fold indexes as the table owner (as autovacuum does)
        try admin.execute("SET ROLE disrupt_owner")
        try admin.execute("ANALYZE disrupt.person")
        try admin.execute("RESET ROLE")
        let grants = try admin.query("""
            SELECT DISTINCT g.grantee::regrole::text AS grantee
            FROM pg_proc p, aclexplode(p.proacl) g
            WHERE p.oid = 'disrupt.unaccent(regdictionary, text)'::regprocedure AND g.privilege_type = 'EXECUTE'
            """).map { try $0.decode("grantee", as: String.self) }
        #expect(Set(grants).isSuperset(of: ["disrupt_owner", "disrupt_staff"]))
    }
}

import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `Importer` against a real database: agency rules for staff, and the generated force used
/// to measure import speed (README, "The record and imports").
@Suite("Importer")
struct ImportStoreTests {
    let location: DatabaseLocation
    let scratch: ScratchDirectory
    var directory: URL { scratch.url }

    init() throws {
        location = try TestCluster.freshDatabase("importer")
        scratch = try ScratchDirectory("disrupt-importer")
    }

    func file(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func staffImportUnderTheirOwnAgencyOnly() throws {
        let login = "imp_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { admin.close() }
        _ = try admin.query("SELECT disrupt.staff_add(\(login), 'Pat Probation', 'probation', 'rep')")
        let staff = try Database(location: location.asUser(login)).connect(migrateIfNeeded: false)
        defer { staff.close() }
        let people = try file("people.csv", "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nS-1,,Ann,Able,,\n")
        let report = try Importer(kind: .people, path: people).run(on: staff)
        #expect(report.inserted == 1 && report.rejected == 0)
        #expect(try admin.query("SELECT agency FROM disrupt.person WHERE person_ref = 'S-1'")[0].decode(0, as: String.self) == "probation")

        let markers = try file("markers.csv", """
            source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note
            S-M1,S-1,weapons,2026-01-01,,probation,shared,
            S-M2,S-1,weapons,2026-01-01,,police,shared,

            """)
        let marked = try Importer(kind: .markers, path: markers).run(on: staff)
        #expect(marked.inserted == 1 && marked.rejected == 1)
        #expect(marked.firstRejects.first?.column == "agency")
        #expect(marked.firstRejects.first?.line == 3)
        // an administrator-only option is refused for staff, and nothing lands
        #expect(throws: PostgresError.self) {
            try Importer(kind: .people, path: people, options: .init(defaultAgency: "police")).run(on: staff)
        }
    }

    /// A PNC id may be held by two rows a login sees (her agency's restricted person and another
    /// agency's shared one: unique among shared rows and within each agency). A new person with
    /// that PNC id is rejected once, for the PNC id: the look-up of its holders once answered each
    /// holder as a separate key, which doubled the stage row, and the copy read as an in-file
    /// duplicate of itself ("duplicate person_ref ... (first on line 2)", helper-85).
    @Test func aPNCIdHeldByTwoVisiblePeopleRejectsTheNewPersonOnceForThePNCId() throws {
        let token = UUID().uuidString.prefix(8).lowercased()
        let login = "imp_\(token)"
        let pnc = "26/\(token.prefix(6))P"
        let admin = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { admin.close() }
        _ = try admin.query("SELECT disrupt.staff_add(\(login), 'Pat Police', 'police', 'rep')")
        try admin.execute("""
            INSERT INTO disrupt.person (person_ref, family_name, agency, sensitivity, pnc_id)
            VALUES (\("R-\(token)"), 'Held', 'police', 'restricted', \(pnc)), (\("H-\(token)"), 'Held', 'health', 'shared', \(pnc))
            """)
        let staff = try Database(location: location.asUser(login)).connect(migrateIfNeeded: false)
        defer { staff.close() }
        let people = try file("people-pnc.csv", "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nN-\(token),\(pnc),Ann,New,,\n")
        let report = try Importer(kind: .people, path: people).run(on: staff)
        #expect(report.inserted == 0 && report.rejected == 1)
        #expect(report.firstRejects.map(\.column) == ["pnc_id"], "\(report.firstRejects)")
        #expect(report.firstRejects.first?.reason == "pnc_id \(pnc) is already recorded for person_ref R-\(token)", "\(report.firstRejects)")
        // which copy of the doubled row wrote the reject was the plan's choice: the look-up itself
        // answers each key once
        let holders = try staff.query("""
            SELECT count(*)::int AS n FROM disrupt.import_hidden_keys('people', 'pnc_id', ARRAY[\(pnc) || chr(31) || \("N-\(token)")])
            """)[0].decode("n", as: Int.self)
        #expect(holders == 1)
    }

    /// An imported row is logged as collected with its key, its person and the file it came
    /// from (not the whole row image); an update by a later import keeps its before/after.
    @Test func importedRowsAreAuditedWithKeyPersonAndFile() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let people = try file("people.csv", "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nA-1,,Ann,Able,,\n")
        _ = try Importer(kind: .people, path: people).run(on: db)
        let header = "source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note\n"
        let first = try file("markers-a.csv", header + "A-M1,A-1,weapons,2026-01-01,,police,shared,\n")
        #expect(try Importer(kind: .markers, path: first).run(on: db).inserted == 1)
        let collect = try db.query("""
            SELECT l.object_key, l.person_id, l.after::text AS after, m.id, m.person_id AS marker_person
            FROM disrupt.audit_log l JOIN disrupt.marker m ON m.id::text = l.object_key
            WHERE l.object_table = 'marker' AND l.operation = 'collect'
            """)
        #expect(collect.count == 1)
        #expect(try collect[0].decode("person_id", as: Int64.self) == collect[0].decode("marker_person", as: Int64.self))
        #expect(try collect[0].decode("after", as: String.self) == #"{"import": "markers-a.csv"}"#)
        let second = try file("markers-b.csv", header + "A-M1,A-1,weapons,2026-01-01,,police,shared,changed\n")
        #expect(try Importer(kind: .markers, path: second).run(on: db).updated == 1)
        let alter = try db.query("SELECT after ->> 'note' AS note FROM disrupt.audit_log WHERE object_table = 'marker' AND operation = 'alter'")
        #expect(try alter.map { try $0.decode("note", as: String.self) } == ["changed"])
        // outside an import an insert still logs the whole row
        try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) SELECT 'A-M2', id, 'weapons', '2026-01-02', 'police' FROM disrupt.person WHERE person_ref = 'A-1'")
        let direct = try db.query("SELECT after ->> 'source_ref' AS ref FROM disrupt.audit_log WHERE object_table = 'marker' AND operation = 'collect' ORDER BY at DESC, id DESC LIMIT 1")
        #expect(try direct[0].decode("ref", as: String.self) == "A-M2")
    }

    /// The record tables check agency against the fixed list (a CHECK, no per-row FK lookup):
    /// an unknown agency is refused, and the lookup's codes cannot be renamed or removed
    /// under the records (labels can change).  An imported person is audited with its own id
    /// as key and person.
    /// The merge changes stored rows through disrupt.import_update, 10,000 rows a call (a jsonb
    /// value is at most 256 MB): a file that changes more rows than that is counted whole.
    @Test func aFileThatChangesMoreThanOneCallsWorthOfRowsIsMergedWhole() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try Consultation(purpose: "import chunk test", scope: "test").open(on: db)
        func load(_ family: String) throws -> PostgresRow {
            try db.execute("BEGIN")
            _ = try db.query("SELECT * FROM disrupt.import_stage('people')")
            try db.execute("""
                INSERT INTO pg_temp.stage_people (line, person_ref, family_name)
                SELECT n + 1, 'P-CHUNK-' || n, \(family) FROM generate_series(1, 10001) n
                """)
            let counts = try db.query("SELECT * FROM disrupt.import_run('people', NULL, 'chunks.csv')")[0]
            try db.execute("COMMIT")
            return counts
        }
        let first = try load("Before")
        #expect(try first.decode("inserted", as: Int.self) == 10001)
        let second = try load("After")
        #expect(try second.decode("updated", as: Int.self) == 10001 && second.decode("unchanged", as: Int.self) == 0)
        #expect(try db.query("SELECT count(*)::int AS n FROM disrupt.person WHERE person_ref LIKE 'P-CHUNK-%' AND family_name = 'After'")[0]
                    .decode("n", as: Int.self) == 10001)
    }

    @Test func agencyIsCheckedAndItsCodesAreFixed() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let people = try file("people-ag.csv", "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nG-1,,Gus,Grey,,\n")
        _ = try Importer(kind: .people, path: people).run(on: db)
        let logged = try db.query("""
            SELECT l.object_key, l.person_id, p.id FROM disrupt.audit_log l JOIN disrupt.person p ON p.person_ref = 'G-1'
            WHERE l.object_table = 'person' AND l.operation = 'collect' AND l.after ->> 'import' = 'people-ag.csv'
            """)
        #expect(logged.count == 1)
        #expect(try logged[0].decode("object_key", as: String.self) == String(logged[0].decode("id", as: Int64.self)))
        #expect(try logged[0].decode("person_id", as: Int64.self) == logged[0].decode("id", as: Int64.self))
        #expect(sqlState {
            try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) SELECT 'G-M1', id, 'weapons', '2026-01-02', 'nope' FROM disrupt.person WHERE person_ref = 'G-1'")
        } == "23514")
        #expect(sqlState {
            try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) SELECT 'G-M2', id, 'weapons', '2026-01-02', 'health' FROM disrupt.person WHERE person_ref = 'G-1'")
        } == nil)
        #expect(sqlState { try db.execute("UPDATE disrupt.agency SET code = 'healthcare' WHERE code = 'health'") } == "42501")
        #expect(sqlState { try db.execute("DELETE FROM disrupt.agency WHERE code = 'other'") } == "42501")
        #expect(sqlState { try db.execute("UPDATE disrupt.agency SET label = 'Health services' WHERE code = 'health'") } == nil)
        #expect(try db.query("SELECT count(*) AS n FROM disrupt.agency")[0].decode("n", as: Int64.self) == Int64(Agency.allCases.count))
    }

    /// Writes a generated force to $DISRUPT_FORCE_DIR (people from $DISRUPT_FORCE_PEOPLE,
    /// default 100000) for the import measurements; skipped unless DISRUPT_FORCE_DIR is set.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DISRUPT_FORCE_DIR"] != nil))
    func writeAGeneratedForceForMeasuring() throws {
        let environment = ProcessInfo.processInfo.environment
        let people = Int(environment["DISRUPT_FORCE_PEOPLE"] ?? "") ?? 100_000
        let counts = try ForceGenerator(people: people, seed: 1).write(to: URL(fileURLWithPath: environment["DISRUPT_FORCE_DIR"]!))
        #expect(counts.people == people)
        print("generated \(counts.people) people, \(counts.markers) markers, \(counts.total) rows")
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The audit log: changes (an import's merge, an edit by hand) are recorded with what changed,
/// and rows are readable by administrators and by the login that made them only.
@Suite("Security: the audit log")
struct SecurityAuditTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// Staff change a record by importing it again (they may not UPDATE by hand); the import's
    /// merge is logged with the changed columns only.
    @Test func aChangedRecordIsLoggedWithTheChangedColumnsOnly() throws {
        let f = fixture
        let login = try f.addStaff("editor", agency: "health")
        let db = try f.connect(as: login)
        defer { db.close() }
        let ref = "M-\(f.token)-edit"
        let id: Int64 = try db.consulting(Consultation(purpose: "audit test", scope: "test")) {
            try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, note, agency) VALUES (\(ref), \(f.personID), 'weapons', '2024-03-01', 'before', 'health')")
            let id: Int64 = try db.query("SELECT id FROM disrupt.marker WHERE source_ref = \(ref)")[0].decode("id")
            return id
        }
        // the same marker imported again with a new note and date (the import protocol of
        // SQL/definitions/import.sql, as `disrupt import markers` runs it)
        try db.execute("BEGIN")
        _ = try db.query("SELECT * FROM disrupt.import_stage('markers')")
        try db.execute("""
            INSERT INTO pg_temp.stage_markers (line, source_ref, person_ref, marker, recorded_on, note)
            VALUES (2, \(ref), \("P-\(f.token)"), 'weapons', '2024-03-02', 'after')
            """)
        let counts = try db.query("SELECT * FROM disrupt.import_run('markers', NULL, 'edit.csv')")[0]
        try db.execute("COMMIT")
        #expect(try counts.decode("updated", as: Int.self) == 1 && counts.decode("rejected", as: Int.self) == 0)
        // staff delete nothing; the cluster's superuser may, and that too is logged (erase, whole row)
        #expect(sqlState { _ = try db.execute("DELETE FROM disrupt.marker WHERE source_ref = \(ref)") } == "42501")
        let su = try f.superuser()
        defer { su.close() }
        #expect(try su.execute("DELETE FROM disrupt.marker WHERE source_ref = \(ref)") == 1)

        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        // an administrator reads the log's row images within a consultation, as `disrupt audit` does
        try Consultation(purpose: "audit review", scope: "audit").open(on: admin)
        let entries = try AuditLog().entries(.init(login: login), on: admin).filter { $0.operation != "consult" }
        #expect(entries.map(\.operation) == ["alter", "collect"])
        let alter = try #require(entries.first { $0.operation == "alter" })
        #expect(alter.objectTable == "marker" && alter.objectKey == String(id) && alter.personID == f.personID)
        #expect(alter.agency == "health")
        #expect(alter.before == .object(["note": .string("before"), "recorded_on": .string("2024-03-01")]))
        #expect(alter.after == .object(["note": .string("after"), "recorded_on": .string("2024-03-02")]))
        let erased = try AuditLog().entries(.init(personID: f.personID), on: admin)
        let erase = try #require(erased.first { $0.operation == "erase" && $0.objectKey == String(id) })
        if case .object(let row) = erase.before {
            #expect(row["note"] == .string("after"))
        } else {
            Issue.record("erase carries the deleted row")
        }
    }

    @Test func auditRowsAreReadableByAdminsAndTheirAuthorOnlyWithinAConsultation() throws {
        let f = fixture
        let author = try f.addStaff("author", agency: "probation")
        let other = try f.addStaff("other", agency: "probation")
        let db = try f.connect(as: author)
        defer { db.close() }
        let person: Int64? = try db.query("SELECT disrupt.consult('Marac 2024-05-01', 'person', \("P-\(f.token)")) AS p")[0].decode("p")
        #expect(person == f.personID)

        let byAuthor = try AuditLog().entries(.init(personID: f.personID), on: db)
        #expect(byAuthor.count == 1)
        let id = try #require(byAuthor.first?.id)
        #expect(byAuthor.first?.purpose == "Marac 2024-05-01" && byAuthor.first?.login == author)

        let colleague = try f.connect(as: other)
        defer { colleague.close() }
        try Consultation(purpose: "a colleague's look", scope: "audit").open(on: colleague)
        #expect(try AuditLog().entries(.init(login: author), on: colleague).isEmpty)
        #expect(try AuditLog().entries(.init(personID: f.personID), on: colleague).allSatisfy { $0.login == other })
        #expect(sqlState { _ = try colleague.query("SELECT 1 FROM disrupt.audit_log WHERE id = \(id)") } == "42501")

        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        #expect(try AuditLog().entries(.init(login: author), on: admin).isEmpty)  // not without a consultation
        try Consultation(purpose: "audit review", scope: "audit").open(on: admin)
        #expect(try AuditLog().entries(.init(login: author), on: admin).map(\.id) == [id])
        // a consultation needs a purpose
        #expect(sqlState { _ = try db.query("SELECT disrupt.consult('  ', 'person', NULL)") } == "22023")
    }

    /// A consultation of a person records what the caller may read of his records, table by
    /// table, and how many rows each other agency withholds (counts only), whoever she is.
    @Test func aConsultationRecordsWhatTheCallerMaySeeOfHimAndWhatEachAgencyWithholds() throws {
        let f = fixture
        let ref = "P-\(f.token)-counted"
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("""
            WITH p AS (INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(ref), 'Counted', 'police') RETURNING id),
            m AS (INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
                  SELECT \(ref) || '-m' || n, p.id, 'weapons', '2024-01-10', a, s
                    FROM p, (VALUES (1, 'health', 'restricted'), (2, 'health', 'restricted'), (3, 'police', 'restricted'),
                                    (4, 'probation', 'shared')) v(n, a, s))
            INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, agency, sensitivity)
            SELECT \(ref) || '-i' || n, p.id, '2024-02-01', a, s
              FROM p, (VALUES (1, 'health', 'restricted'), (2, 'probation', 'shared')) v(n, a, s)
            """)
        func recorded(as login: String) throws -> String {
            let db = try f.connect(as: login)
            defer { db.close() }
            let purpose = "Marac 2024-05-01 \(login)"
            try db.execute("SELECT disrupt.consult(\(purpose), 'person', \(ref))")
            return try su.query("""
                SELECT jsonb_build_object('records', detail->'records', 'withheld', detail->'withheld', 'person', person_id IS NOT NULL)::text AS d
                  FROM disrupt.audit_log WHERE operation = 'consult' AND purpose = \(purpose)
                """)[0].decode("d")
        }
        func expected(markers: Int, incidents: Int, withheld: String) -> String {
            #"{"person": true, "records": {"orders": 0, "aliases": 0, "markers": \#(markers), "breaches": 0, "incidents": \#(incidents), "referrals": 0, "forum_links": 0, "relationships": 0}, "withheld": \#(withheld)}"#
        }
        #expect(try recorded(as: f.police) == expected(markers: 2, incidents: 1, withheld: """
            [{"count": 1, "agency": "health", "record_table": "incident"}, {"count": 2, "agency": "health", "record_table": "marker"}]
            """))
        #expect(try recorded(as: f.health) == expected(markers: 3, incidents: 2, withheld: """
            [{"count": 1, "agency": "police", "record_table": "marker"}]
            """))
        #expect(try recorded(as: f.probation) == expected(markers: 1, incidents: 1, withheld: """
            [{"count": 1, "agency": "health", "record_table": "incident"}, {"count": 2, "agency": "health", "record_table": "marker"}, \
            {"count": 1, "agency": "police", "record_table": "marker"}]
            """))
        #expect(try recorded(as: f.admin) == expected(markers: 4, incidents: 2, withheld: "[]"))
    }

    /// The keys of a consultation's detail that the database writes (subject, records,
    /// withheld, plan, scope) cannot be supplied by the caller, whether or not it writes them:
    /// a forged subject would read as a look-up of a person never consulted (helper-66).
    @Test func aCallerCannotWriteTheDatabasesKeysOfAConsultationsDetail() throws {
        let f = fixture
        let db = try f.connect(as: f.police)
        defer { db.close() }
        let su = try f.superuser()
        defer { su.close() }
        let forged = #"{"subject": "P-forged", "records": {"markers": 99}, "withheld": [], "plan_id": 7, "scope": "x", "format": "json"}"#
        for (purpose, subject) in [("forged by name", "Someone Else"), ("forged, no subject", nil), ("forged by ref", "P-\(f.token)")] {
            try db.execute("SELECT disrupt.consult(\(purpose), 'person', \(subject), \(forged)::jsonb)")
            let detail: String = try su.query("SELECT detail::text AS d FROM disrupt.audit_log WHERE operation = 'consult' AND purpose = \(purpose)")[0].decode("d")
            #expect(!detail.contains("P-forged") && !detail.contains("99") && !detail.contains(#""plan_id": 7"#), "\(purpose): \(detail)")
            #expect(detail.contains(#""scope": "person""#) && detail.contains(#""format": "json""#), "\(purpose): \(detail)")
        }
    }

    @Test func filtersNarrowByOperationTimeAndLimit() throws {
        let f = fixture
        let login = try f.addStaff("filter", agency: "police")
        let db = try f.connect(as: login)
        defer { db.close() }
        for purpose in ["one", "two", "three"] {
            try db.execute("SELECT disrupt.consult(\(purpose), 'person', NULL)")
        }
        let log = AuditLog()
        #expect(try log.entries(.init(login: login, operation: "consult"), on: db).map(\.purpose) == ["three", "two", "one"])
        #expect(try log.entries(.init(login: login, operation: "erase"), on: db).isEmpty)
        #expect(try log.entries(.init(login: login, limit: 2), on: db).count == 2)
        #expect(try log.entries(.init(login: login, since: Date().addingTimeInterval(3600)), on: db).isEmpty)
        #expect(try log.entries(.init(login: login, until: Date().addingTimeInterval(-3600)), on: db).isEmpty)
        #expect(try log.entries(.init(login: login, since: Date().addingTimeInterval(-3600), until: Date().addingTimeInterval(3600)), on: db).count == 3)
    }
}

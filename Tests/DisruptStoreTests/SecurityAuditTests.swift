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

    /// A consultation opens the gate for its own session only, and each consult clears away the
    /// records of sessions that have gone; a live session's stays, its gate open.
    @Test func aConsultClearsTheConsultationsOfSessionsThatHaveGone() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let live = try f.connect(as: f.police)
        defer { live.close() }
        try live.execute("SELECT disrupt.consult('audit test', 'live session')")
        let livePid: Int = try live.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
        // a session that has gone: a pid no backend has, and the live one's pid with another start
        try su.execute("""
            INSERT INTO disrupt.consultation (backend_pid, backend_start, xact, audit_id)
            SELECT p, s, pg_current_xact_id(), (SELECT max(id) FROM disrupt.audit_log)
              FROM (VALUES (2147483000, now() - interval '1 day'), (\(livePid), now() - interval '1 day')) AS gone(p, s)
            """)
        let other = try f.connect(as: f.health)
        defer { other.close() }
        try other.execute("SELECT disrupt.consult('audit test', 'clearing')")
        let left = try su.query("""
            SELECT backend_pid, backend_start < now() - interval '1 hour' AS old FROM disrupt.consultation
             WHERE backend_pid IN (2147483000, \(livePid)) ORDER BY old
            """).map { try ($0.decode("backend_pid", as: Int.self), $0.decode("old", as: Bool.self)) }
        #expect(left.count == 1)
        #expect(left.first?.0 == livePid && left.first?.1 == false)
        #expect(try live.query("SELECT disrupt.consulting() AS c")[0].decode("c", as: Bool.self))
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
            // (staff may not SELECT the table: the marker a reference means is read as the CLI reads it)
            let id: Int64 = try db.query("SELECT id FROM disrupt.marker_to_change(\(ref))")[0].decode("id")
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

    /// A person of health's, shared while each of `consulters` consults him (one audit row each,
    /// naming him), then restricted to health: probation and police may no longer see him.
    func personConsultedThenHidden(_ suffix: String, by consulters: [String]) throws -> (id: Int64, ref: String) {
        let f = fixture
        let ref = "P-\(f.token)-\(suffix)"
        let su = try f.superuser()
        defer { su.close() }
        let id: Int64 = try su.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency, sensitivity) VALUES (\(ref), 'Seen', 'health', 'shared') RETURNING id
            """)[0].decode("id")
        for login in consulters {
            let db = try f.connect(as: login)
            defer { db.close() }
            #expect(try Consultation(purpose: "Marac by \(login)", scope: "person", subject: ref).open(on: db) == id)
        }
        try su.execute("UPDATE disrupt.person SET sensitivity = 'restricted' WHERE id = \(id)")
        return (id, ref)
    }

    /// What `disrupt.audit_entries` gives `db`, called directly as psql would, with the person
    /// and login asked for: id, login, person_id and person_ref of each row, newest first.
    func entries(_ db: PostgresConnection, person: Int64?, login: String?) throws -> [(id: Int64, login: String, personID: Int64?, personRef: String?)] {
        try db.query("""
            SELECT id, login, person_id, person_ref FROM disrupt.audit_entries(\(person), \(login), NULL, NULL, NULL, 10000)
            """).map { row in
                (try row.decode("id", as: Int64.self), try row.decode("login", as: String.self),
                 try row.decode("person_id", as: Int64?.self), try row.decode("person_ref", as: String?.self))
            }
    }

    /// Issue 12: whoever may SELECT a table may EXPLAIN (ANALYZE) a query of it, and the plan
    /// counted the audit rows the policy hid ("Rows Removed by Filter", the indexes on person and
    /// login running first), with or without a consultation: how many rows other logins had about
    /// a person hidden from her, and when another login was busy. No staff or administrator login
    /// may read the table now, consulting or not, and EXPLAIN of the function is refused too
    /// (disrupt.refuse_explain: its BUFFERS counted what the call read).
    @Test func noLoginMaySelectOrExplainTheAuditLogOnlyCallItsFunction() throws {
        let f = fixture
        let hidden = try personConsultedThenHidden("explain", by: [f.health])
        let attempts = [
            "EXPLAIN (ANALYZE) SELECT 1 FROM disrupt.audit_log WHERE person_id = \(hidden.id)",
            "EXPLAIN (ANALYZE) SELECT 1 FROM disrupt.audit_log WHERE login = '\(f.health)'",
            "EXPLAIN SELECT 1 FROM disrupt.audit_log WHERE person_id = \(hidden.id)",
            "SELECT count(*) FROM disrupt.audit_log WHERE person_id = \(hidden.id)",
            "SELECT * FROM disrupt.audit_log",
        ]
        for login in [f.probation, f.admin] {
            let db = try f.connect(as: login)
            defer { db.close() }
            for consulted in [false, true] {
                if consulted { try Consultation(purpose: "explain attack test", scope: "psql").open(on: db) }
                for sql in attempts {
                    #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: sql)) } == "42501", "\(login), consulted \(consulted): \(sql)")
                }
            }
            #expect(sqlState {
                _ = try db.query(PostgresQuery(unsafeSQL: """
                    EXPLAIN (ANALYZE, VERBOSE, BUFFERS) SELECT * FROM disrupt.audit_entries(\(hidden.id), NULL, NULL, NULL, NULL, 100)
                    """))
            } == "42501", "\(login)")
            // the call itself still answers
            _ = try entries(db, person: hidden.id, login: nil)
        }
    }

    /// Buffers were the count EXPLAIN (ANALYZE, BUFFERS) of a call still showed: a plan that found
    /// her rows about a person through the index on person (the cheaper one for a login with many
    /// rows of her own, as here) read each of other logins' rows about him too, and the count said
    /// how many there were. Staff can no longer read that count: EXPLAIN of her call is refused
    /// (disrupt.refuse_explain), for a person others consulted as for one nobody did, and the call
    /// itself returns only her own rows. The access path (her rows found by login alone) stays as
    /// a second wall against a timer; this test does not time it.
    @Test func aStaffLoginCannotCountOtherLoginsAuditRowsThroughHerCall() throws {
        let f = fixture
        let login = try f.addStaff("buffers", agency: "probation")
        let su = try f.superuser()
        defer { su.close() }
        let people: [Int64] = try su.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency)
            VALUES (\("P-\(f.token)-busy"), 'Busy', 'police'), (\("P-\(f.token)-quiet"), 'Quiet', 'police') RETURNING id
            """).map { try $0.decode("id") }
        let (busy, quiet) = (people[0], people[1])
        // 3,000 rows of her own about nobody; 3,000 rows of other logins about the busy person
        try su.execute("""
            INSERT INTO disrupt.audit_log (login, agency, operation, object_table, person_id, purpose)
            SELECT \(login)::text, 'probation', 'consult', 'psql', NULL, 'buffers test' FROM generate_series(1, 3000)
            UNION ALL
            SELECT CASE WHEN n % 20 = 0 THEN \(f.health)::text ELSE 'other_' || (n % 7) END, 'health', 'consult', 'person',
                   \(busy)::bigint, 'buffers test'
              FROM generate_series(1, 3000) n
            """)
        // and 50 of her own about each of the two (helper-71: the join for their references was
        // planned on every login's rows about the person, and its buffers showed which plan)
        try su.execute("""
            INSERT INTO disrupt.audit_log (login, agency, operation, object_table, person_id, purpose)
            SELECT \(login)::text, 'probation', 'consult', 'person', p, 'buffers test'
              FROM unnest(ARRAY[\(busy), \(quiet)]::bigint[]) p CROSS JOIN generate_series(1, 50)
            """)
        try su.execute("ANALYZE disrupt.audit_log")
        let db = try f.connect(as: login)
        defer { db.close() }
        try Consultation(purpose: "buffers test", scope: "psql").open(on: db)
        // the count of what a call read is not hers to see, for the busy person or the quiet one
        for person in [busy, quiet] {
            #expect(sqlState {
                _ = try db.query(PostgresQuery(unsafeSQL: """
                    EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY OFF) SELECT * FROM disrupt.audit_entries(\(person), NULL, NULL, NULL, NULL, 100)
                    """))
            } == "42501")
        }
        // the call itself gives her own rows about each, and nothing of the other logins'
        #expect(try entries(db, person: quiet, login: nil).count == 50)
        #expect(try entries(db, person: busy, login: nil).count == 50)
    }

    /// Every branch of `audit_entries` against the same filter as a superuser's SELECT: an
    /// administrator by person, by login and by time alone, and a staff login's own rows, with
    /// each filter given or not, a limit that cuts through rows of the same instant (ties go by
    /// id, newest first) and one that does not.
    @Test func everyFilterGivesWhatTheLogHoldsNewestFirstUpToTheLimit() throws {
        let f = fixture
        let staff = try f.addStaff("filters", agency: "probation")
        let others = ["o1_\(f.token)", "o2_\(f.token)"]
        let su = try f.superuser()
        defer { su.close() }
        let people: [Int64] = try su.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency)
            VALUES (\("P-\(f.token)-f1"), 'One', 'police'), (\("P-\(f.token)-f2"), 'Two', 'police') RETURNING id
            """).map { try $0.decode("id") }
        // 60 rows on a day no other test writes, three to an instant
        try su.execute("""
            INSERT INTO disrupt.audit_log (at, login, agency, operation, object_table, person_id, purpose)
            SELECT timestamptz '2001-02-03 10:00:00+00' + (n / 3) * interval '1 minute',
                   (ARRAY[\(staff)::text, \(others[0])::text, \(others[1])::text])[1 + n % 3], 'probation',
                   (ARRAY['consult', 'collect'])[1 + n % 2], 'person',
                   (ARRAY[\(people[0])::bigint, \(people[1])::bigint, NULL])[1 + (n / 2) % 3], 'filter test'
            FROM generate_series(0, 59) n
            """)
        let day = ("2001-02-03T00:00:00Z", "2001-02-04T00:00:00Z"), narrow = ("2001-02-03T10:04:00Z", "2001-02-03T10:13:00Z")
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try Consultation(purpose: "filter test", scope: "psql").open(on: admin)
        let mine = try f.connect(as: staff)
        defer { mine.close() }
        try Consultation(purpose: "filter test", scope: "psql").open(on: mine)
        func got(_ db: PostgresConnection, _ person: Int64?, _ login: String?, _ window: (String, String)?, _ operation: String?, _ limit: Int) throws -> [Int64] {
            try db.query("""
                SELECT id FROM disrupt.audit_entries(\(person), \(login), \(window?.0)::timestamptz, \(window?.1)::timestamptz, \(operation), \(limit))
                """).map { try $0.decode("id") }
        }
        func held(_ person: Int64?, _ login: String?, _ window: (String, String)?, _ operation: String?, _ limit: Int) throws -> [Int64] {
            try su.query("""
                SELECT id FROM disrupt.audit_log
                WHERE (\(person)::bigint IS NULL OR person_id = \(person)::bigint) AND (\(login)::text IS NULL OR login = \(login)::text)
                  AND (\(window?.0)::timestamptz IS NULL OR at >= \(window?.0)::timestamptz)
                  AND (\(window?.1)::timestamptz IS NULL OR at < \(window?.1)::timestamptz)
                  AND (\(operation)::text IS NULL OR operation = \(operation)::text)
                ORDER BY at DESC, id DESC LIMIT \(limit)
                """).map { try $0.decode("id") }
        }
        for person in [nil, people[0]] as [Int64?] {
            for login in [nil, staff, others[0]] as [String?] {
                // with neither person nor login, the day keeps other tests' rows out
                for window in (person == nil && login == nil ? [day, narrow] : [nil, day, narrow]) as [(String, String)?] {
                    for operation in [nil, "collect"] as [String?] {
                        for limit in [4, 10000] {
                            let expected = try held(person, login, window, operation, limit)
                            #expect(try got(admin, person, login, window, operation, limit) == expected,
                                    "administrator: \(String(describing: person)) \(String(describing: login)) \(String(describing: window)) \(String(describing: operation)) \(limit)")
                            // a staff login: her own rows only, whatever login she names
                            let own = login == nil || login == staff ? try held(person, staff, window, operation, limit) : []
                            #expect(try got(mine, person, login, window, operation, limit) == own,
                                    "staff: \(String(describing: person)) \(String(describing: login)) \(String(describing: window)) \(String(describing: operation)) \(limit)")
                        }
                    }
                }
            }
        }
    }

    /// The function, called directly with any arguments: nothing without a consultation; then a
    /// staff login's own rows only (another login asked for: none; a person she may no longer
    /// see: her own rows about him, without his reference), exactly as the table holds them. An
    /// administrator, within a consultation, every row.
    @Test func theFunctionGivesAStaffLoginHerOwnRowsOnlyAndAnAdministratorEveryRow() throws {
        let f = fixture
        let login = try f.addStaff("reader", agency: "probation")
        let hidden = try personConsultedThenHidden("own", by: [f.health, login])
        let su = try f.superuser()
        defer { su.close() }
        func stored(_ condition: String) throws -> [Int64] {
            try su.query(PostgresQuery(unsafeSQL: "SELECT id FROM disrupt.audit_log WHERE \(condition) ORDER BY at DESC, id DESC"))
                .map { try $0.decode("id") }
        }
        let db = try f.connect(as: login)
        defer { db.close() }
        for (person, other) in [(nil, nil), (hidden.id, nil), (nil, f.health), (nil, login), (hidden.id, f.health)] as [(Int64?, String?)] {
            #expect(try entries(db, person: person, login: other).isEmpty, "unconsulted: \(String(describing: person)) \(String(describing: other))")
        }
        try Consultation(purpose: "audit function test", scope: "psql").open(on: db)
        #expect(try entries(db, person: nil, login: nil).map(\.id) == stored("login = '\(login)'"))
        #expect(try entries(db, person: nil, login: f.health).isEmpty)
        #expect(try entries(db, person: hidden.id, login: f.health).isEmpty)
        let aboutHim = try entries(db, person: hidden.id, login: nil)
        #expect(try aboutHim.map(\.id) == stored("login = '\(login)' AND person_id = \(hidden.id)") && aboutHim.count == 1)
        #expect(aboutHim.allSatisfy { $0.login == login && $0.personID == hidden.id && $0.personRef == nil }, "\(aboutHim)")
        for limit in ["NULL", "0", "-1", "10001"] {
            #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: "SELECT * FROM disrupt.audit_entries(NULL, NULL, NULL, NULL, NULL, \(limit))")) } == "DR422", "\(limit)")
        }

        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        #expect(try entries(admin, person: hidden.id, login: nil).isEmpty, "not without a consultation")
        try Consultation(purpose: "audit function test", scope: "audit").open(on: admin)
        let all = try entries(admin, person: hidden.id, login: nil)
        #expect(try all.map(\.id) == stored("person_id = \(hidden.id)"))
        #expect(Set(all.map(\.login)).isSuperset(of: [f.health, login]) && all.allSatisfy { $0.personRef == hidden.ref }, "\(all)")
    }

    /// Staff had SELECT on the log until this change: the definitions' reset takes every grant
    /// back before the files run, so `disrupt db migrate` of such a database leaves none.
    @Test func aDatabaseWhoseStaffCouldReadTheLogLosesItAtItsNextMigration() throws {
        let location = try TestCluster.freshDatabase("auditgrant")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        // as the previous security.sql left it
        let before = Migrator(definitions: Definition.embedded.map { file in
            file.name == "security" ? Definition(name: "security", sql: file.sql + "\nSELECT disrupt.grant_read('{disrupt_staff}', 'disrupt.audit_log');\n") : file
        })
        #expect(try before.migrate(db).definitionsApplied)
        let readable = "SELECT has_any_column_privilege('disrupt_staff', 'disrupt.audit_log', 'SELECT') AS p"
        #expect(try db.query(PostgresQuery(unsafeSQL: readable))[0].decode("p", as: Bool.self))
        #expect(try Migrator().migrate(db).definitionsApplied)
        let granted: [String] = try db.query("""
            SELECT r.rolname::text AS role FROM pg_roles r
            WHERE r.rolname IN ('disrupt_staff', 'disrupt_admin', 'disrupt_service')
              AND (has_table_privilege(r.oid, 'disrupt.audit_log', 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                   OR has_any_column_privilege(r.oid, 'disrupt.audit_log', 'SELECT, INSERT, UPDATE, REFERENCES'))
            """).map { try $0.decode("role") }
        #expect(granted.isEmpty, "\(granted)")
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

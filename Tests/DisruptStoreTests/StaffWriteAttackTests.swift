import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 12, the write side: a member of staff with psql (a real login through libpq) tries to
/// write onto people and parties they cannot see, merge, work the recompute queue, plan for a
/// hidden person, learn keys and counts, and switch other roles' LOGIN. Each attempt is refused
/// or sees nothing, and a refusal caused by a hidden row reads like "no such row".
///
/// One test at a time: several hold a transaction open on purpose (the lock attacks), and
/// `theRecomputeQueueIsNotStaffs` freezes the queue with a SHARE lock, which would wait for
/// such a transaction and hold up every write queued behind it meanwhile.
@Suite("Security: staff writes through psql", .serialized)
struct StaffWriteAttackTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// A restricted police person and party (hidden from probation), made by the superuser.
    func hidden(_ label: String) throws -> (person: Int64, personRef: String, party: Int64) {
        let db = try fixture.superuser()
        defer { db.close() }
        let ref = "H-\(fixture.token)-\(label)"
        let person: Int64 = try db.query("""
            INSERT INTO disrupt.person (person_ref, pnc_id, family_name, agency, sensitivity)
            VALUES (\(ref), \("PNC-\(fixture.token)-\(label)"), 'Hidden', 'police', 'restricted') RETURNING id
            """)[0].decode("id")
        let party: Int64 = try db.query("""
            INSERT INTO disrupt.party (party_ref, family_name, kind, agency, sensitivity)
            VALUES (\("V-\(ref)"), 'Victim', 'victim', 'police', 'restricted') RETURNING id
            """)[0].decode("id")
        return (person, ref, party)
    }

    /// Two refusals a client cannot tell apart: every field the server sends (SQLSTATE,
    /// message, detail, hint, CONTEXT, source location, constraint, table).
    func sameRefusal(_ a: PostgresError?, _ b: PostgresError?) -> Bool {
        guard let a, let b else { return false }
        return a.sqlState == b.sqlState && a.message == b.message && a.detail == b.detail && a.hint == b.hint
            && a.context == b.context && a.location == b.location && a.constraintName == b.constraintName
            && a.tableName == b.tableName && a.columnName == b.columnName
    }

    @Test func nothingIsAttachedToOrMovedOntoAHiddenPersonOrParty() throws {
        let f = fixture
        let h = try hidden("attach")
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        func marker(_ ref: String, person: Int64) throws {
            try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES (\(ref), \(person), 'weapons', '2024-02-01', 'probation')
                """)
        }
        // a hidden person and one that does not exist give the same error, word for word
        let onHidden = failure { try marker("M-\(f.token)-onhidden", person: h.person) }
        let missing = h.person + 1_000_000
        let onMissing = failure { try marker("M-\(f.token)-onmissing", person: missing) }
        #expect(onHidden?.sqlState == "23503")
        #expect(sameRefusal(onHidden, onMissing))
        #expect(onHidden?.detail?.contains("\(h.person)") == false)
        // a hidden party (victim of an incident, protected by an order, in a relationship)
        #expect(sqlState {
            try db.execute("""
                INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, agency)
                VALUES (\("I-\(f.token)-hp"), \(f.personID), \(h.party), '2024-02-01', 'abh', 'probation')
                """)
        } == "23503")
        #expect(sqlState {
            try db.execute("""
                INSERT INTO disrupt.relationship (person_id, party_id, relationship, agency) VALUES (\(f.personID), \(h.party), 'partner', 'probation')
                """)
        } == "23503")
        #expect(sqlState {
            try db.execute("INSERT INTO disrupt.alias (person_id, alias_name, agency) VALUES (\(h.person), 'Someone', 'probation')")
        } == "23503")
        // an own record cannot be moved onto the hidden person either: staff may not UPDATE by
        // hand (aStaffLoginHoldsNoRowLockAndUpdatesNothingByHand), and an import that names
        // him is refused alike whether the person is hidden or missing
        try marker("M-\(f.token)-mine", person: f.personID)
        #expect(sqlState {
            _ = try db.execute("UPDATE disrupt.marker SET person_id = \(h.person) WHERE source_ref = \("M-\(f.token)-mine")")
        } == "42501")
        func move(to personRef: String) throws -> String? {
            try db.execute("BEGIN")
            defer { _ = try? db.execute("ROLLBACK") }
            _ = try db.query("SELECT * FROM disrupt.import_stage('markers')")
            try db.execute("""
                INSERT INTO pg_temp.stage_markers (line, source_ref, person_ref, marker, recorded_on)
                VALUES (2, \("M-\(f.token)-mine"), \(personRef), 'weapons', '2024-02-01')
                """)
            _ = try db.query("SELECT * FROM disrupt.import_run('markers', NULL, 'move.csv')")
            return try db.query("SELECT reject_reason FROM pg_temp.stage_markers")[0].decode("reject_reason")
        }
        try Consultation(purpose: "move attack test", scope: "test").open(on: db)
        let su = try f.superuser()
        defer { su.close() }
        let hiddenRef: String = try su.query("SELECT person_ref FROM disrupt.person WHERE id = \(h.person)")[0].decode("person_ref")
        let movedOntoHidden = try move(to: hiddenRef)
        #expect(movedOntoHidden != nil)
        #expect(movedOntoHidden?.replacingOccurrences(of: hiddenRef, with: "X") == (try move(to: "P-missing-\(f.token)"))?
            .replacingOccurrences(of: "P-missing-\(f.token)", with: "X"))
        // a hidden party and a missing one, alike
        func victim(_ party: Int64) -> PostgresError? {
            failure {
                try db.execute("""
                    INSERT INTO disrupt.referral (source_ref, person_id, party_id, referred_on, criterion, agency)
                    VALUES (\("R-\(f.token)-vp"), \(f.personID), \(party), '2024-02-01', 'repeat', 'probation')
                    """)
            }
        }
        let hiddenVictim = victim(h.party)
        #expect(hiddenVictim?.sqlState == "23503")
        #expect(sameRefusal(hiddenVictim, victim(h.party + 1_000_000)))
        // merged_into is merge_person's alone
        #expect(sqlState { _ = try db.execute("UPDATE disrupt.person SET merged_into = \(h.person) WHERE id = \(f.personID)") } == "42501")
        #expect(sqlState {
            try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency, merged_into) VALUES (\("P-\(f.token)-mi"), 'X', 'probation', \(f.personID))")
        } == "42501")
        let check = try f.superuser()
        defer { check.close() }
        #expect(try check.query("SELECT 1 FROM disrupt.marker WHERE person_id = \(h.person)").isEmpty)
        #expect(try check.query("SELECT person_id FROM disrupt.marker WHERE source_ref = \("M-\(f.token)-mine")")[0].decode("person_id", as: Int64.self) == f.personID)
        // the owning agency still records onto its own restricted person
        let police = try f.connect(as: f.police)
        defer { police.close() }
        try police.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES (\("M-\(f.token)-polown"), \(h.person), 'weapons', '2024-02-01', 'police')
            """)
    }

    /// helper-49 and helper-52: an UPDATE grant is also a row lock. A police login that held
    /// `FOR UPDATE` on her agency's person in an open transaction (or `INSERT ... ON CONFLICT DO
    /// UPDATE ... WHERE false`, which PostgreSQL locks before any policy or WHERE is looked at,
    /// and which reached another agency's shared person too) made every write naming him wait,
    /// another agency's hidden record and the sweep's outbox included, and with `NOWAIT` or a
    /// lock timeout learnt that such a record was being written. Staff hold no UPDATE privilege
    /// now: stored records change through SECURITY DEFINER functions (the import's merge, the
    /// commands'), and every way of locking a row by hand is refused.
    @Test func aStaffLoginHoldsNoRowLockAndUpdatesNothingByHand() throws {
        let f = fixture
        let police = try f.connect(as: f.police)
        defer { police.close() }
        try Consultation(purpose: "row lock attack test", scope: "test").open(on: police)
        var probes = ["UPDATE", "NO KEY UPDATE", "SHARE", "KEY SHARE"].flatMap { strength in
            ["SELECT id FROM disrupt.person WHERE id = \(f.personID) FOR \(strength)",
             "SELECT id FROM disrupt.marker WHERE source_ref = '\(f.marker("ps"))' FOR \(strength) NOWAIT"]
        }
        probes += [
            "UPDATE disrupt.marker SET note = 'by hand' WHERE source_ref = '\(f.marker("ps"))'",
            "UPDATE disrupt.person SET given_name = 'Eric' WHERE id = \(f.personID)",
            "INSERT INTO disrupt.person (person_ref, family_name, agency) SELECT person_ref, 'x', 'police' FROM disrupt.person "
                + "WHERE id = \(f.personID) ON CONFLICT (person_ref, agency) DO UPDATE SET person_ref = excluded.person_ref WHERE false",
            "INSERT INTO disrupt.person (person_ref, family_name, agency) SELECT person_ref, 'x', 'police' FROM disrupt.person "
                + "WHERE id = \(f.personID) ON CONFLICT (person_ref) WHERE sensitivity = 'shared' DO UPDATE SET family_name = excluded.family_name WHERE false",
            "INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES ('\(f.marker("ps"))', \(f.personID), 'weapons', "
                + "'2024-01-10', 'police') ON CONFLICT (source_ref, agency) DO UPDATE SET note = excluded.note WHERE false",
            "LOCK TABLE disrupt.person IN ROW SHARE MODE",
            // the merge's writer, called by hand outside an import
            "SELECT disrupt.import_update('marker', '{note}', '[{\"id\": 1, \"note\": \"by hand\"}]')",
            "SELECT disrupt.import_writing()",  // only import_update (the owner's) reads the mark
        ]
        for probe in probes {
            try police.execute("BEGIN")
            #expect(sqlState { _ = try police.query(PostgresQuery(unsafeSQL: probe)) } == "42501", "\(probe)")
            try police.execute("ROLLBACK")
        }
        // her transaction stays open after what she may do (an insert that meets the person's
        // key does nothing and locks nothing); another agency writes a record naming him at once
        try police.execute("BEGIN")
        #expect(try police.execute("""
            INSERT INTO disrupt.person (person_ref, family_name, agency) SELECT person_ref, 'x', 'police' FROM disrupt.person
            WHERE id = \(f.personID) ON CONFLICT DO NOTHING
            """) == 0)
        let health = try f.connect(as: f.health)
        defer { health.close() }
        try health.execute("SET lock_timeout = '2s'")
        _ = try health.asConsulting {
            try health.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
                VALUES (\(f.marker("lock")), \(f.personID), 'mental_ill_health', '2026-06-03', 'health', 'restricted')
                """)
        }
        let su = try f.superuser()
        defer { su.close() }
        #expect(try su.query("SELECT 1 FROM disrupt.person WHERE id = \(f.personID) FOR UPDATE NOWAIT").count == 1)
        try police.execute("ROLLBACK")
        #expect(try su.query("SELECT note FROM disrupt.marker WHERE source_ref = \(f.marker("ps"))")[0].decode("note", as: String.self) == "note ps")

        // the commands' functions change only the caller's agency's rows; any other, hidden or
        // not, is "not found" like one that does not exist
        let marker: Int64 = try su.query("SELECT id FROM disrupt.marker WHERE source_ref = \(f.marker("ps"))")[0].decode("id")
        let healthMarker: Int64 = try su.query("SELECT id FROM disrupt.marker WHERE source_ref = \(f.marker("hs"))")[0].decode("id")
        let hiddenMarker: Int64 = try su.query("SELECT id FROM disrupt.marker WHERE source_ref = \(f.marker("hr"))")[0].decode("id")
        // (her session's consultation, committed above, still holds)
        for id in [healthMarker, hiddenMarker, Int64(1)] {
            #expect(sqlState { _ = try police.query("SELECT disrupt.marker_end(\(id), '2026-07-01')") } == "DR404")
        }
        #expect(sqlState { _ = try police.query("SELECT disrupt.marker_end(\(marker), '2020-01-01')") } == "22023")
        _ = try police.query("SELECT disrupt.marker_end(\(marker), '2026-07-01')")
        let ended = try su.query("SELECT expires_on::text AS d, updated_by::text AS who FROM disrupt.marker WHERE id = \(marker)")[0]
        #expect(try ended.decode("d", as: String.self) == "2026-07-01" && ended.decode("who", as: String.self) == f.police)
        // and without a consultation, not at all
        let fresh = try f.connect(as: f.police)
        defer { fresh.close() }
        #expect(sqlState { _ = try fresh.query("SELECT disrupt.marker_end(\(marker), '2026-07-02')") } == "42501")
    }

    /// Health records a restricted marker about the fixture's person (hidden from police) with a
    /// 2 s lock timeout; the SQLSTATE of its failure (55P03 when held up), or nil.
    func healthRecordsARestrictedMarkerWithoutWaiting(_ suffix: String) -> String? {
        let f = fixture
        return sqlState {
            let health = try f.connect(as: f.health)
            defer { health.close() }
            try health.execute("SET lock_timeout = '2s'")
            try health.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
                VALUES (\(f.marker(suffix)), \(f.personID), 'mental_ill_health', '2026-06-04', 'health', 'restricted')
                """)
        }
    }

    /// helper-54: every record written queues its person for a recompute, and the queue had one
    /// row per person, taken with ON CONFLICT DO UPDATE: a police login who wrote a record about
    /// her agency's person and kept her transaction open made health's restricted record about
    /// him wait, and with a lock timeout learnt that one was in flight. The queue now has a row
    /// per write (migration 0018): neither writer waits, and the recompute still sees both.
    @Test func aWriteHeldOpenHoldsUpNoOtherAgencysWriteAboutTheSamePerson() throws {
        let f = fixture
        let police = try f.connect(as: f.police)
        defer { police.close() }
        try police.execute("BEGIN")
        try police.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency)
            VALUES (\(f.marker("held")), \(f.personID), 'weapons', '2026-06-04', 'police')
            """)
        #expect(healthRecordsARestrictedMarkerWithoutWaiting("beside") == nil)
        try police.execute("COMMIT")
        let su = try f.superuser()
        defer { su.close() }
        #expect(try su.query("SELECT count(*)::int AS n FROM disrupt.person_dirty WHERE person_id = \(f.personID)")[0].decode("n", as: Int.self) >= 2)
        #expect(try su.query("SELECT disrupt.recompute_pending() AS n")[0].decode("n", as: Int.self) >= 1)
    }

    /// helper-54: an import that changed a PNC id updated a column of a unique key, which
    /// PostgreSQL locks FOR UPDATE; a police login who kept that import's transaction open made
    /// every record naming the person wait (the sweep's reminders too), and a lock timeout told
    /// her of one in flight. The key `(agency, pnc_id)` is now partial (`WHERE pnc_id IS NOT
    /// NULL`, the same uniqueness: migration 0019), which PostgreSQL does not count as a key a
    /// foreign key could reference, so the update's lock no longer conflicts with the `FOR KEY
    /// SHARE` that a record written about him takes.
    @Test func anImportThatChangesAPNCIdHeldOpenHoldsUpNoOtherAgencysRecord() throws {
        let f = fixture
        let police = try f.connect(as: f.police)
        defer { police.close() }
        try Consultation(purpose: "pnc lock attack test", scope: "test").open(on: police)
        let pnc = String(format: "26/%06dP", Int.random(in: 0..<1_000_000))
        try police.execute("BEGIN")
        _ = try police.query("SELECT * FROM disrupt.import_stage('people')")
        try police.execute("""
            INSERT INTO pg_temp.stage_people (line, person_ref, pnc_id, given_name, family_name)
            VALUES (2, \("P-\(f.token)"), \(pnc), 'Éric', 'Dupont')
            """)
        let counts = try police.query("SELECT * FROM disrupt.import_run('people', NULL, 'pnc.csv')")[0]
        #expect(try counts.decode("updated", as: Int.self) == 1)
        #expect(healthRecordsARestrictedMarkerWithoutWaiting("pnc") == nil)
        try police.execute("ROLLBACK")
        // the key still holds: one agency, one PNC id
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("INSERT INTO disrupt.person (person_ref, family_name, agency, pnc_id) VALUES (\("P-\(f.token)-pnc1"), 'One', 'police', \(pnc))")
        #expect(sqlState {
            try su.execute("INSERT INTO disrupt.person (person_ref, family_name, agency, pnc_id) VALUES (\("P-\(f.token)-pnc2"), 'Two', 'police', \(pnc))")
        } == "23505")
    }

    /// helper-56: a chair's `matac_enter` locked the person `FOR UPDATE` (one entry or exit at a
    /// time), so held open it made every record written about him wait, another agency's hidden
    /// one included; it takes `FOR NO KEY UPDATE` now, which a record's `FOR KEY SHARE` does not
    /// wait for.
    @Test func aMatacEntryHeldOpenHoldsUpNoOtherAgencysRecord() throws {
        let f = fixture
        let chair = try f.addStaff("mchair", agency: "probation", role: "chair")
        let su = try f.superuser()
        defer { su.close() }
        _ = try RiskRecompute(model: try ConfigurationLoader.riskModel()).run(all: true, asOf: Day.today(), on: su)  // a stored score to enter with
        let db = try f.connect(as: chair)
        defer { db.close() }
        try db.execute("BEGIN")
        _ = try db.query("SELECT disrupt.matac_enter(\("P-\(f.token)"), 'lock attack test', NULL)")
        #expect(healthRecordsARestrictedMarkerWithoutWaiting("matac") == nil)
        try db.execute("ROLLBACK")
    }

    /// Opens a plan for the fixture's person with a new police SPOC (`prefix`), runs `body` with
    /// the plan's id and the SPOC's login, and closes the plan again (one open plan per person).
    func withPlan(spoc prefix: String, _ body: (_ plan: Int64, _ spoc: String) throws -> Void) throws {
        let su = try fixture.superuser()
        defer { su.close() }
        try Consultation(purpose: "plan test", scope: "test").open(on: su)
        let spoc = try fixture.addStaff(prefix, agency: "police", role: "spoc")
        let plan: Int64 = try su.query("SELECT disrupt.plan_open(\("P-\(fixture.token)"), \(spoc), current_date + 30) AS id")[0].decode("id")
        defer { _ = try? su.execute("UPDATE disrupt.plan SET status = 'closed', closed_at = now(), close_reason = 'test' WHERE id = \(plan)") }
        try body(plan, spoc)
    }

    /// helper-56: a plan's SPOC who kept `plan_update` open (FOR UPDATE on the plan) held up
    /// another agency's `action_add` on it (FOR SHARE) for as long as she liked (8.5 s). An
    /// update now locks FOR NO KEY UPDATE and an add FOR KEY SHARE: they no longer wait for each
    /// other. A close still locks FOR UPDATE, so an add can never land on a plan being closed.
    @Test func aPlanUpdateHeldOpenHoldsUpNoActionButACloseStillDoes() throws {
        let f = fixture
        let probation = try f.addStaff("lprob", agency: "probation", role: "spoc")
        try withPlan(spoc: "lspoc") { plan, spoc in
            let police = try f.connect(as: spoc)
            defer { police.close() }
            try Consultation(purpose: "plan lock test", scope: "test").open(on: police)
            let other = try f.connect(as: probation)
            defer { other.close() }
            try Consultation(purpose: "plan lock test", scope: "test").open(on: other)
            try other.execute("SET statement_timeout = '30s'")  // the functions bound their own waits (5 s)
            func add(_ tactic: String) -> String? {
                sqlState {
                    _ = try other.query("""
                        SELECT disrupt.action_add(\(plan), 'manage', \(tactic), 'probation', NULL, current_date + 10, NULL)
                        """)
                }
            }
            try police.execute("BEGIN")
            _ = try police.query("SELECT disrupt.plan_update(\(plan), 1, NULL, current_date + 40)")
            #expect(add("mappa_referral") == nil, "an add waits for no update")
            try police.execute("ROLLBACK")
            try police.execute("BEGIN")
            _ = try police.query("SELECT disrupt.plan_close(\(plan), 1, 'closing under lock test')")
            #expect(add("perpetrator_programme") == "55P03", "an add waits for a close")
            try police.execute("ROLLBACK")
        }
    }

    /// helper-61: the plan and action functions locked the row before they checked the caller may
    /// see it, so a police login calling `plan_update` on a hidden probation plan (an id she had
    /// seen before the person was restricted) waited while probation changed it, and the lock
    /// timeout told her a change was under way. Each now answers "not found" before it locks.
    @Test func aHiddenPlanBeingChangedAnswersNotFoundAtOnce() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        try Consultation(purpose: "hidden plan test", scope: "test").open(on: su)
        let ref = "HP-\(f.token)"
        try su.execute("INSERT INTO disrupt.person (person_ref, family_name, agency, sensitivity) VALUES (\(ref), 'Hidden', 'probation', 'restricted')")
        let owner = try f.addStaff("hpspoc", agency: "probation", role: "spoc")
        let plan: Int64 = try su.query("SELECT disrupt.plan_open(\(ref), \(owner), current_date + 30) AS id")[0].decode("id")
        let action: Int64 = try su.query("""
            SELECT disrupt.action_add(\(plan), 'manage', 'mappa_referral', 'probation', NULL, current_date + 10, NULL) AS id
            """)[0].decode("id")
        let probation = try f.connect(as: owner)
        defer { probation.close() }
        try Consultation(purpose: "hidden plan test", scope: "test").open(on: probation)
        try probation.execute("BEGIN")
        // a close locks the plan FOR UPDATE and its live actions: every call below would wait for it
        _ = try probation.query("SELECT disrupt.plan_close(\(plan), 1, 'transferred to MAPPA')")
        let police = try f.connect(as: f.police)
        defer { police.close() }
        try police.execute("SET statement_timeout = '30s'")
        try Consultation(purpose: "hidden plan test", scope: "test").open(on: police)
        for call in ["disrupt.plan_update(\(plan), 1, NULL, NULL)", "disrupt.plan_close(\(plan), 1, 'not mine')",
                     "disrupt.action_add(\(plan), 'disrupt', 'anpr_flagging', 'police', NULL, current_date + 5, NULL)",
                     "disrupt.plan_victim_add(\(plan), 'V-x', '\(f.police)')",
                     "disrupt.action_extend(\(action), 1, current_date + 30, 'mine now')",
                     "disrupt.action_transition(\(action), 1, 'cancelled', 'mine now')"] {
            let started = Date()
            #expect(sqlState { _ = try police.query(PostgresQuery(unsafeSQL: "SELECT \(call)")) } == "DR404", "\(call)")
            #expect(Date().timeIntervalSince(started) < 2, "\(call) waited for the hidden plan")
        }
        try probation.execute("ROLLBACK")
    }

    /// helper-56: a stale version's DR409 carries the plan's or action's current state in its
    /// DETAIL; a login without a consultation read plan contents that way. The state is shown
    /// only within a consultation now.
    @Test func aStaleVersionShowsThePlansStateOnlyWithinAConsultation() throws {
        let f = fixture
        try withPlan(spoc: "pspoc") { plan, spoc in
            func detail(_ db: PostgresConnection) -> String? {
                do { _ = try db.query("SELECT disrupt.plan_update(\(plan), 99, NULL, NULL)") } catch let error as PostgresError { return error.detail } catch {}
                return nil
            }
            let police = try f.connect(as: spoc)
            defer { police.close() }
            let unconsulted = detail(police)
            #expect(unconsulted != nil && unconsulted?.contains(spoc) == false, "\(unconsulted ?? "")")
            try Consultation(purpose: "plan state test", scope: "test").open(on: police)
            #expect(detail(police)?.contains(spoc) == true)
        }
    }

    @Test func onlyAnAdministratorMerges() throws {
        let f = fixture
        let db = try f.superuser()
        defer { db.close() }
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\("MG-\(f.token)-1"), 'Twin', 'police'), (\("MG-\(f.token)-2"), 'Twin', 'police')")
        // even the agency that holds both people may not merge them
        let police = try f.connect(as: f.police)
        defer { police.close() }
        #expect(sqlState { _ = try police.query("SELECT disrupt.merge_person(\("MG-\(f.token)-1"), \("MG-\(f.token)-2"), 'same man')") } == "42501")
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        #expect(try admin.query("SELECT disrupt.merge_person(\("MG-\(f.token)-1"), \("MG-\(f.token)-2"), 'same man') AS id").count == 1)
        let combined = try db.query("""
            SELECT a.login FROM disrupt.audit_log a JOIN disrupt.person p ON p.id = a.person_id
            WHERE a.operation = 'combine' AND p.person_ref = \("MG-\(f.token)-1")
            """)
        #expect(combined.count == 2)
        #expect(try combined.allSatisfy { try $0.decode("login", as: String.self) == f.admin })
    }

    @Test func theRecomputeQueueIsNotStaffs() throws {
        let f = fixture
        let h = try hidden("queue")
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
            VALUES (\("M-\(f.token)-q"), \(h.person), 'weapons', '2024-02-01', 'police', 'restricted')
            """)
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        #expect(sqlState { _ = try db.query("SELECT person_id FROM disrupt.person_dirty") } == "42501")
        #expect(sqlState { _ = try db.execute("INSERT INTO disrupt.person_dirty (person_id, marked_at) VALUES (\(f.personID), 'infinity')") } == "42501")
        #expect(sqlState { _ = try db.execute("DELETE FROM disrupt.person_dirty") } == "42501")
        // the pending count counts only people the caller can see; the admin's counts the hidden one.
        // Other suites write to this shared database meanwhile: the queue is held still (SHARE
        // lock: reads go on, writes wait) while the counts are compared.
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        try su.transaction {
            try su.execute("LOCK TABLE disrupt.person_dirty IN SHARE MODE")
            let mine: Int = try db.query("SELECT disrupt.recompute_pending() AS n")[0].decode("n")
            let visible: Int = try su.query("""
                SELECT count(DISTINCT d.person_id)::int AS n FROM disrupt.person_dirty d JOIN disrupt.person p ON p.id = d.person_id
                WHERE p.sensitivity = 'shared' OR p.agency = 'probation'
                """)[0].decode("n")
            #expect(mine == visible)
            let all: Int = try admin.query("SELECT disrupt.recompute_pending() AS n")[0].decode("n")
            #expect(all == (try su.query("SELECT count(DISTINCT person_id)::int AS n FROM disrupt.person_dirty")[0].decode("n", as: Int.self)))
            #expect(all > mine)
        }
        // marked_at is finite, whoever writes it
        #expect(sqlState { _ = try su.execute("UPDATE disrupt.person_dirty SET marked_at = 'infinity'") } == "23514")
    }

    @Test func noPlanForAHiddenPerson() throws {
        let f = fixture
        let h = try hidden("plan")
        let spoc = try f.addStaff("spoc", agency: "probation", role: "spoc")
        let db = try f.connect(as: spoc)
        defer { db.close() }
        let onHidden = failure { _ = try db.query("SELECT disrupt.plan_open(\(h.personRef), \(spoc), NULL)") }
        let onMissing = failure { _ = try db.query("SELECT disrupt.plan_open(\("NOPE-\(f.token)"), \(spoc), NULL)") }
        #expect(onHidden?.sqlState == "DR404")
        #expect(onHidden?.message == onMissing?.message.replacingOccurrences(of: "NOPE-\(f.token)", with: h.personRef))
        // a plan an administrator opened for the hidden person is "not found" for probation
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        let plan: Int64 = try admin.query("SELECT disrupt.plan_open(\(h.personRef), \(spoc), NULL) AS id")[0].decode("id")
        let closing = failure { _ = try db.query("SELECT disrupt.plan_close(\(plan), 1, 'gone')") }
        #expect(closing?.sqlState == "DR404")
        #expect(closing?.message == "plan \(plan) not found")
        #expect(sqlState { _ = try db.query("SELECT disrupt.plan_update(\(plan), 1, NULL, NULL)") } == "DR404")
        #expect(sqlState {
            _ = try db.query("SELECT disrupt.action_add(\(plan), 'disrupt', NULL, 'probation', NULL, NULL, NULL, 'Home visit')")
        } == "DR404")
    }

    @Test func keysOfHiddenRowsAreNeverAnswered() throws {
        let f = fixture
        let h = try hidden("keys")
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        // import_hidden_keys reads on the caller's behalf: only within a consultation
        #expect(sqlState { _ = try db.query("SELECT disrupt.import_hidden_keys('markers', NULL, \([f.marker("ps")]))") } == "42501")
        try Consultation(purpose: "import key look-up test", scope: "test").open(on: db)
        // import_hidden_keys: a shared row of another agency is reported, a restricted one never
        let keys = try db.query("SELECT k FROM disrupt.import_hidden_keys('markers', NULL, \([f.marker("hr"), f.marker("pr"), f.marker("ps")])) k")
            .map { try $0.decode("k", as: String.self) }
        #expect(keys == [f.marker("ps")])
        let pnc = try db.query("""
            SELECT k FROM disrupt.import_hidden_keys('people', 'pnc_id', ARRAY[\("PNC-\(f.token)-keys") || chr(31) || 'P-new']) k
            """)
        #expect(pnc.isEmpty)
        // the hidden person's PNC id cannot collide: probation records its own person with it
        try db.execute("INSERT INTO disrupt.person (person_ref, pnc_id, family_name, agency) VALUES (\("P-\(f.token)-pnc"), \("PNC-\(f.token)-keys"), 'Other', 'probation')")
        _ = h
        // no sequence: the id counters are private (their values count hidden rows)
        #expect(sqlState { _ = try db.query("SELECT last_value FROM disrupt.row_id_counter") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT nextval('disrupt.audit_log_id_counter')") } == "42501")
        // references made by hand are random, not counters
        let refs = try (0..<3).map { _ in try db.query("SELECT disrupt.next_ref('person') AS r")[0].decode("r", as: String.self) }
        #expect(refs.allSatisfy { $0.range(of: "^P-[2-9A-HJKMNP-Z]{8}$", options: .regularExpression) != nil }, "\(refs)")
        #expect(Set(refs).count == 3)
    }

    /// An id is the database's: a member of staff may neither choose one nor move a row of his
    /// own onto another id, which would probe by the primary key's refusal which ids hidden rows
    /// hold. Every other column of his own row he may still update.
    @Test func noIdIsChosenOrChanged() throws {
        let f = fixture
        let h = try hidden("ids")
        let su = try f.superuser()
        defer { su.close() }
        let hiddenMarker: Int64 = try su.query("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency, sensitivity)
            VALUES (\("M-\(f.token)-idh"), \(h.person), 'weapons', '2024-02-01', 'police', 'restricted') RETURNING id
            """)[0].decode("id")
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        try Consultation(purpose: "id attack test", scope: "test").open(on: db)
        try db.execute("""
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES (\("M-\(f.token)-idm"), \(f.personID), 'weapons', '2024-02-01', 'probation')
            """)
        // its id, read as the CLI reads it (staff may not SELECT the table, nor have an INSERT return a column)
        let mine: Int64 = try db.query("SELECT id FROM disrupt.marker_to_change(\("M-\(f.token)-idm"))")[0].decode("id")
        for table in ["person", "alias", "party", "relationship", "incident", "marker", "court_order", "breach", "forum_link", "referral"] {
            let canUpdateID: Bool = try db.query("SELECT has_column_privilege(\("disrupt." + table), 'id', 'UPDATE') AS p")[0].decode("p")
            let canInsertID: Bool = try db.query("SELECT has_column_privilege(\("disrupt." + table), 'id', 'INSERT') AS p")[0].decode("p")
            #expect(!canUpdateID && !canInsertID, "\(table)")
        }
        #expect(sqlState { _ = try db.execute("UPDATE disrupt.marker SET id = \(hiddenMarker) WHERE id = \(mine)") } == "42501")
        #expect(sqlState { _ = try db.execute("UPDATE disrupt.marker SET id = \(hiddenMarker + 1) WHERE id = \(mine)") } == "42501")
        // and by hand no other column either (staff change records by importing them)
        #expect(sqlState { _ = try db.execute("UPDATE disrupt.marker SET note = 'seen again' WHERE id = \(mine)") } == "42501")
    }

    /// A key held only by rows the caller cannot see never collides (migration 0011): probation
    /// records, by hand and by import, a person, a party, an alias, a relationship and a record
    /// of every kind whose keys hidden police rows hold. Keys of rows it can see still collide.
    @Test func keysHeldOnlyByHiddenRowsNeverCollide() throws {
        let f = fixture
        let h = try hidden("poly")
        let su = try f.superuser()
        defer { su.close() }
        let party: Int64 = try su.query("""
            INSERT INTO disrupt.party (party_ref, family_name, kind, agency) VALUES (\("V-\(f.token)-poly"), 'Open', 'victim', 'police') RETURNING id
            """)[0].decode("id")
        let records = [
            ("incident", "person_id, occurred_on", "'2024-02-01'"),
            ("marker", "person_id, kind, recorded_on", "'weapons', '2024-02-01'"),
            ("court_order", "person_id, order_type, starts_on", "'dvpo', '2024-02-01'"),
            ("breach", "person_id, occurred_on", "'2024-02-01'"),
            ("forum_link", "person_id, forum, starts_on", "'mappa', '2024-02-01'"),
            ("referral", "person_id, referred_on, criterion", "'2024-02-01', 'repeat'"),
        ]
        func insertRecords(_ db: PostgresConnection, agency: String, sensitivity: String) throws {
            for (table, columns, values) in records {
                try db.execute("""
                    INSERT INTO disrupt.\(identifier: table) (source_ref, \(unsafeSQL: columns), agency, sensitivity)
                    VALUES (\("K-\(f.token)-\(table)"), \(f.personID), \(unsafeSQL: values), \(agency), \(sensitivity))
                    """)
            }
            try db.execute("""
                INSERT INTO disrupt.alias (person_id, alias_name, agency, sensitivity) VALUES (\(f.personID), 'Secret Name', \(agency), \(sensitivity))
                """)
            try db.execute("""
                INSERT INTO disrupt.relationship (person_id, party_id, relationship, agency, sensitivity)
                VALUES (\(f.personID), \(party), 'partner', \(agency), \(sensitivity))
                """)
        }
        try insertRecords(su, agency: "police", sensitivity: "restricted")
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        // by hand: none of the hidden rows' keys is refused
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(h.personRef), 'Mine', 'probation')")
        try db.execute("INSERT INTO disrupt.party (party_ref, family_name, kind, agency) VALUES (\("V-\(h.personRef)"), 'Mine', 'victim', 'probation')")
        try insertRecords(db, agency: "probation", sensitivity: "shared")
        // by import: a person whose reference a hidden person holds is simply new
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("disrupt-keys-\(f.token)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let people = directory.appendingPathComponent("people.csv")
        let hiddenToo = try hidden("polyimport")
        try Data("person_ref,pnc_id,given_name,family_name,date_of_birth,gender\n\(hiddenToo.personRef),,Ann,Imported,,\n".utf8).write(to: people)
        let report = try Importer(kind: .people, path: people.path).run(on: db)
        #expect(report.inserted == 1 && report.rejected == 0)
        // keys of rows the caller can see still collide: the police's shared marker, probation's own person
        #expect(sqlState {
            try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES (\(f.marker("ps")), \(f.personID), 'weapons', '2024-02-01', 'probation')
                """)
        } == "23505")
        #expect(sqlState { try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(h.personRef), 'Again', 'probation')") } == "23505")
        let held = try su.query("SELECT count(*)::int AS n FROM disrupt.person WHERE person_ref IN (\(h.personRef), \(hiddenToo.personRef))")
        #expect(try held[0].decode("n", as: Int.self) == 4)
    }

    /// Of the rows a caller sees with one key (their agency's and a shared one), every look-up
    /// means their own: the import's references and merge keys, the person resolver, plans.
    /// Another agency and an administrator mean the shared one; an administrator still merges.
    @Test func aReferenceMeansTheCallersOwnRowFirst() throws {
        let f = fixture
        let ref = "S-\(f.token)-own"
        let su = try f.superuser()
        defer { su.close() }
        try su.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(ref), 'Shared', 'police')")
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency, sensitivity) VALUES (\(ref), 'Own', 'probation', 'restricted')")
        func id(_ agency: String) throws -> Int64 {
            try su.query("SELECT id FROM disrupt.person WHERE person_ref = \(ref) AND agency = \(agency)")[0].decode("id")
        }
        let own = try id("probation"), shared = try id("police")
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("disrupt-own-\(f.token)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        // the import: a marker for the reference lands on probation's own person; a people row
        // updates probation's own person (the police's shared one is not "another agency's")
        let markers = try write("markers.csv", "source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note\nK-\(f.token)-own,\(ref),weapons,2026-01-01,,probation,shared,\n")
        let marked = try Importer(kind: .markers, path: markers).run(on: db)
        #expect(marked.inserted == 1 && marked.rejected == 0)
        #expect(try su.query("SELECT person_id FROM disrupt.marker WHERE source_ref = \("K-\(f.token)-own")")[0].decode("person_id", as: Int64.self) == own)
        let people = try write("people.csv", "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\n\(ref),,Ann,Owner,,\n")
        let updated = try Importer(kind: .people, path: people).run(on: db)
        #expect(updated.updated == 1 && updated.rejected == 0 && updated.inserted == 0)
        #expect(try su.query("SELECT family_name FROM disrupt.person WHERE id = \(shared)")[0].decode("family_name", as: String.self) == "Shared")
        // the person resolver (every command's person look-up)
        let mine = try db.asConsulting { try PersonResolver().resolve(ref, on: db) }
        #expect(mine.id == own)
        let police = try f.connect(as: f.police)
        defer { police.close() }
        #expect(try police.asConsulting { try PersonResolver().resolve(ref, on: police) }.id == shared)
        // a plan opened by a probation SPOC is for probation's own person
        let spoc = try f.addStaff("ownspoc", agency: "probation", role: "spoc")
        let spocDB = try f.connect(as: spoc)
        defer { spocDB.close() }
        let plan: Int64 = try spocDB.query("SELECT disrupt.plan_open(\(ref), \(spoc), NULL) AS id")[0].decode("id")
        #expect(try su.query("SELECT person_id FROM disrupt.plan WHERE id = \(plan)")[0].decode("person_id", as: Int64.self) == own)
        // an administrator means the shared one, and merges
        try su.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\("S-\(f.token)-dup"), 'Shared', 'police')")
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        let kept: Int64 = try admin.query("SELECT disrupt.merge_person(\(ref), \("S-\(f.token)-dup"), 'same man') AS id")[0].decode("id")
        #expect(kept == shared)
    }

    /// Another agency's restricted open case for a person the caller can see neither stops
    /// the caller listing that person's case nor shows through the answer: the caller's
    /// listing opens (and then finds) a case of their own beside it (migration 0011).
    @Test func aHiddenOpenCaseNeitherBlocksNorShows() throws {
        let f = fixture
        let ref = "C-\(f.token)"
        let su = try f.superuser()
        defer { su.close() }
        let person: Int64 = try su.query("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(ref), 'Seen', 'police') RETURNING id")[0].decode("id")
        func list(as agency: String, restricted: Bool) throws -> (PostgresConnection, String) {
            let chair = try f.addStaff("\(agency.prefix(4))chair", agency: agency, role: "chair")
            let db = try f.connect(as: chair)
            let meeting = "MT-\(f.token)-\(agency)"
            try db.execute("""
                SELECT disrupt.meeting_plan(\(meeting), 'matac', NULL, 'North', current_date + 7, 120, \(chair), ARRAY[\(agency)], NULL)
                """)
            try db.execute("SELECT disrupt.meeting_case_add(\(meeting), NULL, \(ref), NULL, NULL, \(restricted))")
            return (db, meeting)
        }
        let (health, _) = try list(as: "health", restricted: true)
        defer { health.close() }
        let (probation, meeting) = try list(as: "probation", restricted: false)
        defer { probation.close() }
        let cases = try su.query("""
            SELECT agency, case_ref FROM disrupt.forum_case WHERE person_id = \(person) AND closed_on IS NULL ORDER BY agency
            """).map { (try $0.decode("agency", as: String.self), try $0.decode("case_ref", as: String.self)) }
        #expect(cases.map(\.0) == ["health", "probation"])
        // listed again, the answer is about probation's own case, never health's
        let again = failure { try probation.execute("SELECT disrupt.meeting_case_add(\(meeting), NULL, \(ref), NULL, NULL, false)") }
        #expect(again?.sqlState == "DR409")
        #expect(again?.message.contains(cases[1].1) == true, "\(again?.message ?? "")")
        #expect(again?.message.contains(cases[0].1) == false)
    }

    @Test func staffAddAndDisableTouchOnlyDisruptsLogins() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        #expect(try su.query("SELECT rolcreaterole FROM pg_roles WHERE rolname = 'disrupt_owner'")[0].decode("rolcreaterole", as: Bool.self) == false)
        let outsider = "app_\(f.token)"
        try su.execute("CREATE ROLE \(identifier: outsider) NOLOGIN")
        defer { _ = try? su.execute("DROP ROLE \(identifier: outsider)") }
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        let adding = failure { try admin.execute("SELECT disrupt.staff_add(\(outsider), 'Not Ours', 'police', 'rep')") }
        #expect(adding?.sqlState == "42501")
        #expect(adding?.message.contains("was not created by disrupt for staff") == true, "\(adding?.message ?? "")")
        // a staff row that points at someone else's role: disabling it leaves that role alone
        try su.execute("ALTER ROLE \(identifier: outsider) LOGIN")
        try su.execute("INSERT INTO disrupt.staff (login, full_name, agency, role) VALUES (\(outsider), 'Planted', 'police', 'rep')")
        defer { _ = try? su.execute("DELETE FROM disrupt.staff WHERE login = \(outsider)") }
        #expect(sqlState { try admin.execute("SELECT disrupt.staff_disable(\(outsider), 'test')") } == "42501")
        let role = try su.query("SELECT rolcanlogin, pg_has_role(oid, 'disrupt_staff', 'MEMBER') AS staff FROM pg_roles WHERE rolname = \(outsider)")[0]
        #expect(try role.decode("rolcanlogin", as: Bool.self) == true)
        #expect(try role.decode("staff", as: Bool.self) == false)
        // disrupt's own logins still come and go
        let login = try f.addStaff("cycle")
        try admin.execute("SELECT disrupt.staff_disable(\(login), 'left')")
        #expect(try su.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = \(login)")[0].decode("rolcanlogin", as: Bool.self) == false)
        try admin.execute("SELECT disrupt.staff_add(\(login), 'Back Again', 'probation', 'rep')")
        #expect(try su.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = \(login)")[0].decode("rolcanlogin", as: Bool.self) == true)
    }
}

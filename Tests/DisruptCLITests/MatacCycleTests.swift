import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// One MATAC cycle with the real binary and real staff logins: select, enter, task, exit, list.
@Suite("disrupt matac (the real binary)", .serialized)
struct MatacCycleTests {
    let fx: PlanFixture
    let today = Day.today()

    /// Serial people MX-1..MX-3 (two or more victims), MX-4 with one victim (not serial),
    /// MX-H restricted to health (serial, hidden from police staff). Scores stored as of today.
    init() throws {
        fx = try PlanFixture("matac")
        let db = try fx.superuser()
        defer { db.close() }
        let day = today
        let d = { (days: Int) in day.adding(days: -days).iso }
        try db.executeScript(unsafeSQL: """
            INSERT INTO disrupt.person (person_ref, given_name, family_name, agency, sensitivity) VALUES
                ('MX-1', 'Max', 'One', 'police', 'shared'), ('MX-2', 'Max', 'Two', 'police', 'shared'),
                ('MX-3', 'Max', 'Three', 'police', 'shared'), ('MX-4', 'Max', 'Four', 'police', 'shared'),
                ('MX-H', 'Max', 'Hidden', 'health', 'restricted');
            INSERT INTO disrupt.party (party_ref, given_name, family_name, kind, agency)
            SELECT 'MV-' || n, 'Vic', 'V' || n, 'victim', 'police' FROM generate_series(1, 9) n;
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, agency, sensitivity)
            SELECT s.ref, p.id, pa.id, s.d::date, s.offence, p.agency, p.sensitivity
            FROM (VALUES ('MI-1', 'MX-1', 'MV-1', '\(d(20))', 'non_fatal_strangulation'), ('MI-2', 'MX-1', 'MV-2', '\(d(40))', 'common_assault'),
                         ('MI-3', 'MX-1', 'MV-3', '\(d(60))', 'common_assault'),
                         ('MI-4', 'MX-2', 'MV-4', '\(d(300))', 'common_assault'), ('MI-5', 'MX-2', 'MV-5', '\(d(500))', 'da_incident'),
                         ('MI-6', 'MX-3', 'MV-6', '\(d(30))', 'common_assault'), ('MI-7', 'MX-3', 'MV-7', '\(d(90))', 'common_assault'),
                         ('MI-8', 'MX-4', 'MV-8', '\(d(10))', 'non_fatal_strangulation'), ('MI-9', 'MX-4', 'MV-8', '\(d(15))', 'common_assault'),
                         ('MI-10', 'MX-4', 'MV-8', '\(d(25))', 'common_assault'),
                         ('MI-11', 'MX-H', 'MV-9', '\(d(5))', 'non_fatal_strangulation'), ('MI-12', 'MX-H', 'MV-1', '\(d(6))', 'common_assault'))
                 AS s (ref, person, party, d, offence)
            JOIN disrupt.person p ON p.person_ref = s.person JOIN disrupt.party pa ON pa.party_ref = s.party;
            """)
        let recompute = try fx.run(["recompute", "--all", "--as-of", today.iso], as: nil)
        guard recompute.status == 0 else { throw FixtureError(message: recompute.stderr) }
    }

    private func array(_ arguments: [String], as login: String?) throws -> [[String: Any]] {
        let result = try fx.run(arguments + ["--format", "json"], as: login)
        guard result.status == 0, let rows = try DisruptBinary.json(result) as? [[String: Any]] else {
            throw FixtureError(message: "disrupt \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return rows
    }

    private func storedRFG(_ ref: String) throws -> Int {
        let db = try fx.superuser()
        defer { db.close() }
        return try db.query("""
            SELECT rc.rfg_total FROM disrupt.risk_current rc JOIN disrupt.person p ON p.id = rc.person_id WHERE p.person_ref = \(ref)
            """)[0]["rfg_total"]
    }

    @Test func oneCycleSelectEnterTaskExit() throws {
        // select: the stored RFG ranking's serial people, in its order, members left out
        let ranking = try array(["rank", "--by", "rfg", "--top", "50"], as: fx.chair)
        let serialInOrder = ranking.filter { $0["serial"] as? Bool == true }.map { $0["person"] as! String }
        #expect(serialInOrder.count == 3 && Set(serialInOrder) == ["MX-1", "MX-2", "MX-3"], "\(serialInOrder)")
        let proposed = try array(["matac", "select", "--top", "2"], as: fx.chair)
        #expect(proposed.map { $0["person"] as! String } == Array(serialInOrder.prefix(2)))
        #expect(proposed.map { $0["rank"] as! Int } == [1, 2])
        let why = try #require(proposed.first?["serial"] as? [String: Any])
        #expect((why["reason"] as? String)?.isEmpty == false)
        #expect(((why["evidence"] as? [[String: Any]])?.count ?? 0) >= 2)
        #expect(try fx.run(["matac", "select", "--top", "2"], as: fx.probation).stdout.contains("serial:"))

        // enter: chairs may, reps may not; RFG at entry is the database's
        let first = serialInOrder[0]
        let refused = try fx.run(["matac", "enter", first, "--reason", "top RFG"], as: fx.probation)
        #expect(refused.status == 4, "\(refused.stderr)")
        // back-dated: the RFG in force on that day, from the score history; none stored then: refused
        let backDated = try fx.run(["matac", "enter", first, "--reason", "top RFG", "--on", today.adding(days: -30).iso], as: fx.chair)
        #expect(backDated.status == 1 && backDated.stderr.contains("no stored risk score as of"), "\(backDated.stderr)")
        let entered = try fx.json(["matac", "enter", first, "--reason", "top RFG, three victims"], as: fx.chair)
        #expect(entered["rfg_at_entry"] as? Int == (try storedRFG(first)))
        #expect(entered["entered_on"] as? String == today.iso)
        let again = try fx.run(["matac", "enter", first, "--reason", "again"], as: fx.chair)
        #expect(again.status == 5)
        #expect(again.stderr.contains("already in the MATAC cohort") && again.stderr.contains("status: member"), "\(again.stderr)")
        let next = try array(["matac", "select", "--top", "5"], as: fx.chair).map { $0["person"] as! String }
        #expect(next == Array(serialInOrder.dropFirst()), "a member is not proposed again")

        // task him with the existing commands: a plan and an action
        let plan = try fx.json(["plan", "open", first, "--spoc", fx.spoc], as: fx.spoc)["plan_id"] as! Int
        let action = try fx.addAction(plan: plan, tactic: "arrest_charge", heading: "prosecute", due: today.adding(days: 14).iso)
        #expect(action["status"] as? String == "open")

        // a new incident, recomputed: his RFG changes; exit records the new RFG
        let rfgAtEntry = entered["rfg_at_entry"] as! Int
        let db = try fx.superuser()
        defer { db.close() }
        try db.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, agency)
            SELECT 'MI-NEW', p.id, pa.id, \(today.adding(days: -1))::date, 'non_fatal_strangulation', 'police'
            FROM disrupt.person p, disrupt.party pa WHERE p.person_ref = \(first) AND pa.party_ref = 'MV-9'
            """)
        #expect(try fx.run(["recompute", "--as-of", today.iso], as: nil).status == 0)
        let rfgNow = try storedRFG(first)
        #expect(rfgNow != rfgAtEntry)
        let listed = try array(["matac", "cohort"], as: fx.probation)
        #expect(listed.count == 1 && listed[0]["rfg_now"] as? Int == rfgNow && listed[0]["change"] as? Int == rfgNow - rfgAtEntry)

        let early = try fx.run(["matac", "exit", first, "--reason", "x", "--on", today.adding(days: -31).iso], as: fx.chair)
        #expect(early.status == 5 && early.stderr.contains("before that") && early.stderr.contains("Current state"), "\(early.stderr)")
        let exited = try fx.json(["matac", "exit", first, "--reason", "plan complete", "--on", today.iso], as: fx.chair)
        #expect(exited["rfg_at_exit"] as? Int == rfgNow)
        let notMember = try fx.run(["matac", "exit", first, "--reason", "again"], as: fx.chair)
        #expect(notMember.status == 5 && notMember.stderr.contains("is not in the MATAC cohort") && notMember.stderr.contains("status: exited"))

        // the list: nobody now; with --all, his spell with the RFG change at exit
        #expect(try array(["matac", "cohort"], as: fx.chair).isEmpty)
        let all = try array(["matac", "cohort", "--all"], as: fx.chair)
        #expect(all.count == 1)
        #expect(all.first?["change"] as? Int == rfgNow - rfgAtEntry)
        #expect(all.first?["exit_reason"] as? String == "plan complete")
        let text = try fx.run(["matac", "cohort", "--all"], as: fx.chair)
        #expect(text.stdout.contains(first) && text.stdout.contains("Exited: 1; RFG \(rfgAtEntry) at entry, \(rfgNow) at exit"), "\(text.stdout)")

        // the audit trail holds the entry and the exit with before and after
        let audit: [String] = try db.query("""
            SELECT operation FROM disrupt.audit_log WHERE object_table = 'matac_cohort' ORDER BY at, id
            """).map { try $0["operation"] }
        #expect(audit == ["collect", "alter"])
    }

    @Test func theDatabaseRefusesWhatTheClientWouldNot() throws {
        let chair = try PostgresConnection(fx.location.asUser(fx.chair).configuration)
        defer { chair.close() }
        // a person the chair cannot see is refused exactly as one that does not exist
        func refusal(_ ref: String) -> PostgresError? {
            do {
                _ = try chair.query("SELECT disrupt.matac_enter(\(ref), 'x', NULL)")
                return nil
            } catch {
                return error as? PostgresError
            }
        }
        let hidden = try #require(refusal("MX-H"))
        let missing = try #require(refusal("MX-NOPE"))
        #expect(hidden.sqlState == "DR404" && missing.sqlState == "DR404")
        #expect(hidden.message.replacingOccurrences(of: "MX-H", with: "?") == missing.message.replacingOccurrences(of: "MX-NOPE", with: "?"))
        // and through the binary: not found (exit 3)
        #expect(try fx.run(["matac", "enter", "MX-H", "--reason", "x"], as: fx.chair).status == 3)
        // not proposed to police staff either
        let proposed = try array(["matac", "select", "--top", "10"], as: fx.chair).map { $0["person"] as! String }
        #expect(!proposed.contains("MX-H"))
        // no direct writes, no sequence peeking, no RFG from the client
        #expect(throws: PostgresError.self) {
            try chair.execute("""
                INSERT INTO disrupt.matac_cohort (person_id, entered_on, rfg_at_entry, entry_reason)
                SELECT id, current_date, 999, 'typed in' FROM disrupt.person WHERE person_ref = 'MX-2'
                """)
        }
        #expect(throws: PostgresError.self) { try chair.query("SELECT last_value FROM disrupt.row_id_counter") }
        // a non-serial person can still be entered by decision; no stored score is refused
        let db = try fx.superuser()
        defer { db.close() }
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES ('MX-NEW', 'New', 'police')")
        let unscored = try fx.run(["matac", "enter", "MX-NEW", "--reason", "x"], as: fx.chair)
        #expect(unscored.status == 1 && unscored.stderr.contains("no stored risk score"), "\(unscored.stderr)")
        // health staff see and may not enter (a rep), police coordinators may
        let summary = try fx.run(["summary", "MX-4", "--purpose", "check"], as: fx.chair)
        #expect(summary.status == 0 && !summary.stdout.contains("* MATAC"))
        #expect(try fx.run(["matac", "enter", "MX-4", "--reason", "decision of the meeting"], as: fx.chair).status == 0)
        let flagged = try fx.run(["summary", "MX-4", "--purpose", "check"], as: fx.chair)
        #expect(flagged.stdout.contains("* MATAC"), "the summary's MATAC flag is cohort membership")
    }
}

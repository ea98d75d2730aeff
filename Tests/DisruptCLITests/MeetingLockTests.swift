import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// helper-56: every meeting function locked the meeting row FOR UPDATE, so a rep who kept her
/// research return open in psql held up every other agency's return, and the chair's work, for
/// as long as she liked (8.5 s). Each now locks only as strongly as it must: a return FOR KEY
/// SHARE, the chair's changes FOR NO KEY UPDATE, a close FOR UPDATE (it still waits for, and holds
/// off, everything else: nothing is returned to a meeting being closed).
@Suite("Meetings: what each function holds up while kept open")
struct MeetingLockTests {
    @Test func aReturnOrAChairsChangeKeptOpenHoldsUpNoOtherReturnButACloseDoes() throws {
        let fx = try MeetingFixture("meeting_locks")
        let meeting = "MARAC-\(fx.token)"
        try fx.ok(["party", "add", "--ref", "V-\(fx.token)", "--family-name", "Smith", "--kind", "victim"], as: fx.spoc)
        try fx.ok(["referral", "add", fx.personRef, "--on", MeetingFixture.day(-10), "--criterion", "visible_high_risk",
                   "--victim", "V-\(fx.token)", "--ref", "R-\(fx.token)"], as: fx.spoc)
        try fx.ok(["meeting", "plan", meeting, "--forum", "marac", "--on", MeetingFixture.day(0), "--area", "North", "--chair", fx.chair,
                   "--invite", "police", "--invite", "health", "--invite", "idva"], as: fx.coordinator)
        let caseRef = try #require(try fx.json(["meeting", "case", "add", meeting, "--referral", "R-\(fx.token)"], as: fx.chair)["case_ref"] as? String)

        // the functions wait at most 5 s whatever a session sets (bound_lock_waits); the statement
        // timeout only keeps a regression from hanging the test
        func session(_ login: String) throws -> PostgresConnection {
            let db = try PostgresConnection(fx.location.asUser(login).configuration)
            try db.execute("SET statement_timeout = '30s'")
            return db
        }
        let police = try session(fx.spoc)
        defer { police.close() }
        let chair = try session(fx.chair)
        defer { chair.close() }
        let health = try session(fx.health)
        defer { health.close() }
        func healthReturns() -> String? {
            sqlState { _ = try health.query("SELECT disrupt.meeting_research(\(meeting), \(caseRef), 'nothing_held', NULL, NULL)") }
        }

        try police.execute("BEGIN")
        _ = try police.query("SELECT disrupt.meeting_research(\(meeting), \(caseRef), 'submitted', 'Two call-outs', NULL)")
        #expect(healthReturns() == nil, "a return waits for no other agency's")
        #expect(sqlState { _ = try chair.query("SELECT disrupt.meeting_hear(\(meeting), \(caseRef))") } == nil, "nor does the chair")
        // re-planning asks the invited agencies again (forum_request_research): rows already asked
        // for are left alone, so it does not wait for her return either (helper-62)
        let replanned = try fx.run(["meeting", "plan", meeting, "--length", "60"], as: fx.coordinator)
        #expect(replanned.status == 0, "\(replanned.stderr)")
        try police.execute("ROLLBACK")

        try chair.execute("BEGIN")
        _ = try chair.query("SELECT disrupt.meeting_decide(\(meeting), \(caseRef), 'Police to flag the address', false)")
        #expect(healthReturns() == nil, "a return waits for no decision")
        try chair.execute("ROLLBACK")

        // a note given with a return must say something: it is refused, never dropped (helper-62)
        #expect(sqlState { _ = try health.query("SELECT disrupt.meeting_research(\(meeting), \(caseRef), 'nothing_held', \("\u{2014}"), NULL)") } == "DR422")

        try chair.execute("BEGIN")
        _ = try chair.query("SELECT disrupt.meeting_close(\(meeting))")
        #expect(healthReturns() == "55P03", "a return waits for a close")
        try chair.execute("ROLLBACK")
    }

    /// helper-61: listing a case by its reference did not lock the case, so two organisers listing
    /// one case at two meetings at once both counted its earlier hearings and gave it the same
    /// number. A listing now locks the case: the second waits (here, past its 5 s bound) and then
    /// counts the first.
    @Test func twoOrganisersListingOneCaseAtOnceGiveItDistinctHearingNumbers() throws {
        let fx = try MeetingFixture("meeting_numbers")
        try fx.ok(["party", "add", "--ref", "V-\(fx.token)", "--family-name", "Smith", "--kind", "victim"], as: fx.spoc)
        try fx.ok(["referral", "add", fx.personRef, "--on", MeetingFixture.day(-10), "--criterion", "visible_high_risk",
                   "--victim", "V-\(fx.token)", "--ref", "R-\(fx.token)"], as: fx.spoc)
        let (first, second, third) = ("M1-\(fx.token)", "M2-\(fx.token)", "M3-\(fx.token)")
        for (meeting, day) in [(first, 0), (second, 7), (third, 14)] {
            try fx.ok(["meeting", "plan", meeting, "--forum", "marac", "--on", MeetingFixture.day(day), "--area", "North",
                       "--chair", fx.chair, "--invite", "police"], as: fx.coordinator)
        }
        let caseRef = try #require(try fx.json(["meeting", "case", "add", first, "--referral", "R-\(fx.token)"], as: fx.chair)["case_ref"] as? String)
        let chair = try PostgresConnection(fx.location.asUser(fx.chair).configuration)
        defer { chair.close() }
        let coordinator = try PostgresConnection(fx.location.asUser(fx.coordinator).configuration)
        defer { coordinator.close() }
        try coordinator.execute("SET statement_timeout = '30s'")  // a regression fails, not hangs
        func list(_ meeting: String, by db: PostgresConnection) throws {
            _ = try db.query("SELECT disrupt.meeting_case_add(\(meeting), NULL, NULL, \(caseRef), NULL, false)")
        }
        try chair.execute("BEGIN")
        try list(second, by: chair)
        #expect(sqlState { try list(third, by: coordinator) } == "55P03", "the second listing waits for the first")
        try chair.execute("COMMIT")
        try list(third, by: coordinator)
        let su = try fx.superuser()
        defer { su.close() }
        let numbers = try su.query("""
            SELECT h.hearing_number FROM disrupt.hearing h JOIN disrupt.forum_case c ON c.id = h.case_id
             WHERE c.case_ref = \(caseRef) ORDER BY 1
            """).map { try $0.decode("hearing_number", as: Int.self) }
        #expect(numbers == [1, 2, 3])
    }
}

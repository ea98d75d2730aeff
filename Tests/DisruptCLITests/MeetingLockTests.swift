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

        func session(_ login: String, lockTimeout: String) throws -> PostgresConnection {
            let db = try PostgresConnection(fx.location.asUser(login).configuration)
            try db.execute(PostgresQuery(unsafeSQL: "SET lock_timeout = '\(lockTimeout)'"))
            return db
        }
        let police = try session(fx.spoc, lockTimeout: "2s")
        defer { police.close() }
        let chair = try session(fx.chair, lockTimeout: "2s")
        defer { chair.close() }
        let health = try session(fx.health, lockTimeout: "2s")
        defer { health.close() }
        func healthReturns() -> String? {
            sqlState { _ = try health.query("SELECT disrupt.meeting_research(\(meeting), \(caseRef), 'nothing_held', NULL, NULL)") }
        }

        try police.execute("BEGIN")
        _ = try police.query("SELECT disrupt.meeting_research(\(meeting), \(caseRef), 'submitted', 'Two call-outs', NULL)")
        #expect(healthReturns() == nil, "a return waits for no other agency's")
        #expect(sqlState { _ = try chair.query("SELECT disrupt.meeting_hear(\(meeting), \(caseRef))") } == nil, "nor does the chair")
        try police.execute("ROLLBACK")

        try chair.execute("BEGIN")
        _ = try chair.query("SELECT disrupt.meeting_decide(\(meeting), \(caseRef), 'Police to flag the address', false)")
        #expect(healthReturns() == nil, "a return waits for no decision")
        try chair.execute("ROLLBACK")

        try chair.execute("BEGIN")
        _ = try chair.query("SELECT disrupt.meeting_close(\(meeting))")
        try health.execute("SET lock_timeout = '200ms'")
        #expect(healthReturns() == "55P03", "a return waits for a close")
        try chair.execute("ROLLBACK")
    }
}

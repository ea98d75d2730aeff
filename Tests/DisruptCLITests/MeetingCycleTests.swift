import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// One Marac cycle with real staff logins and the real binary: refer, plan, research (one agency
/// missing: chased once and shown), hear, decide, agree actions, close, minutes per agency (a
/// restricted decision only in its agency's copy), distribute (a disclosure row naming the
/// recipients), and the next meeting shows the repeat as hearing 2.
@Suite("disrupt meeting: one Marac cycle (the real binary, staff logins)")
struct MeetingCycleTests {
    @Test func oneMaracCycle() throws {
        let fx = try MeetingFixture("meeting_cycle")
        let today = MeetingFixture.day(0), meeting = "MARAC-\(fx.token)", next = "MARAC-\(fx.token)-2"

        // Refer: the police record the victim and a referral 20 days ago.
        try fx.ok(["party", "add", "--ref", "V-\(fx.token)", "--given-name", "Zoe", "--family-name", "Smith", "--dob", "1990-02-03", "--kind", "victim"], as: fx.spoc)
        try fx.ok(["referral", "add", fx.personRef, "--on", MeetingFixture.day(-20), "--criterion", "visible_high_risk",
                   "--victim", "V-\(fx.token)", "--dash", "16", "--ref", "R1-\(fx.token)"], as: fx.spoc)
        #expect(try fx.ok(["meeting", "waiting"], as: fx.coordinator).contains("R1-\(fx.token)"))

        // Plan: only chairs and coordinators; not in the past.
        let invite = ["--invite", "police", "--invite", "health", "--invite", "housing", "--invite", "idva"]
        #expect(try fx.run(["meeting", "plan", meeting, "--forum", "marac", "--on", today, "--area", "North", "--chair", fx.chair] + invite, as: fx.health).status == 4)
        #expect(try fx.run(["meeting", "plan", "PAST-\(fx.token)", "--forum", "marac", "--on", MeetingFixture.day(-1), "--area", "North", "--chair", fx.chair], as: fx.chair).status == 1)
        let planned = try fx.json(["meeting", "plan", meeting, "--forum", "marac", "--on", today, "--area", "North", "--chair", fx.chair, "--length", "15"] + invite, as: fx.coordinator)
        #expect(planned["status"] as? String == "planned" && planned["research_due_on"] as? String == today)

        let listed = try fx.json(["meeting", "case", "add", meeting, "--referral", "R1-\(fx.token)", "--idva", fx.idva], as: fx.chair)
        let caseRef = try #require(listed["case_ref"] as? String)
        #expect(listed["hearing_number"] as? Int == 1)

        // Research: three agencies return; housing does not. Nobody records another agency's return.
        try fx.ok(["meeting", "research", meeting, caseRef, "--status", "submitted", "--note", "Two call-outs in October"], as: fx.spoc)
        try fx.ok(["meeting", "research", meeting, caseRef, "--status", "nothing_held"], as: fx.health)
        try fx.ok(["meeting", "research", meeting, caseRef, "--status", "submitted", "--note", "Safety plan in place"], as: fx.idva)
        #expect(try fx.run(["meeting", "research", meeting, caseRef, "--status", "nothing_held", "--agency", "housing"], as: fx.health).status == 4)

        // The chase: housing's staff get one research_due reminder, once however often the sweep runs.
        try fx.ok(["remind", "--as-of", today], as: nil)
        try fx.ok(["remind", "--as-of", today], as: nil)
        let db = try fx.superuser()
        defer { db.close() }
        let chased = try db.query("SELECT recipient_login, person_id, message FROM disrupt.reminder WHERE kind = 'research_due'")
        #expect(chased.count == 1)
        #expect(try chased.first?.decode("recipient_login", as: String.self) == fx.housing)
        #expect(try chased.first?.decode("person_id", as: Int64?.self) == nil, "a chase names no person")
        #expect(try fx.ok(["inbox"], as: fx.housing).contains(caseRef))

        // The agenda shows who has not returned, the clock past the limit and the time budget.
        let agenda = try fx.ok(["meeting", "agenda", meeting], as: fx.chair)
        #expect(agenda.contains("Research not returned: housing"))
        #expect(agenda.contains("20 days to this meeting (over the 14-day limit)"))
        #expect(agenda.contains("Victim: Zoe Smith") && agenda.contains("Idva: \(fx.idva)"))

        // Attendance and the hearing: chairs only.
        try fx.ok(["meeting", "attend", meeting, "police", "--as", "present", "--representative", "DS <b>Jones</b>"], as: fx.chair)
        try fx.ok(["meeting", "attend", meeting, "health", "--as", "apologies_sent"], as: fx.chair)
        #expect(try fx.run(["meeting", "attend", meeting, "housing", "--as", "absent"], as: fx.health).status == 4)
        #expect(try fx.run(["meeting", "hear", meeting, caseRef], as: fx.health).status == 4)
        #expect(try fx.ok(["meeting", "hear", meeting, caseRef], as: fx.chair).contains("hearing 1"))
        try fx.ok(["meeting", "decide", meeting, caseRef, "--text", "Police to flag the address; Idva to review the safety plan"], as: fx.chair)
        try fx.ok(["meeting", "decide", meeting, caseRef, "--text", "Covert tactic agreed (police only)", "--restricted"], as: fx.chair)

        // Agree an action: a plan action linked to the hearing.
        let plan = try fx.json(["plan", "open", fx.personRef, "--spoc", fx.spoc], as: fx.spoc)
        let action = try fx.json(["action", "add", "\(plan["plan_id"] as! Int)", "--tactic", "anpr_flagging", "--agency", "police",
                                  "--due", MeetingFixture.day(7)], as: fx.spoc)
        let actionId = try #require(action["action_id"] as? Int)
        try fx.ok(["meeting", "agree", meeting, caseRef, "--action", "\(actionId)"], as: fx.chair)
        let linked: Int64? = try db.query("SELECT agreed_at_hearing_id FROM disrupt.action WHERE id = \(actionId)")[0]["agreed_at_hearing_id"]
        #expect(linked != nil)

        // Close: housing's missing return becomes not submitted; then nothing changes (exit 5 with the state).
        try fx.ok(["meeting", "close", meeting], as: fx.chair)
        let late = try fx.run(["meeting", "decide", meeting, caseRef, "--text", "too late"], as: fx.chair)
        #expect(late.status == 5 && late.stderr.contains("Current state") && late.stderr.contains("status: closed"))
        #expect(try fx.run(["meeting", "plan", meeting, "--length", "60"], as: fx.chair).status == 5)

        // Minutes per agency: the restricted decision only in police's copy.
        let police = try fx.ok(["meeting", "minutes", meeting, "--agency", "police", "--format", "json"], as: fx.chair)
        let health = try fx.ok(["meeting", "minutes", meeting, "--agency", "health", "--format", "json"], as: fx.chair)
        let healthOwn = try fx.ok(["meeting", "minutes", meeting, "--format", "markdown"], as: fx.health)
        #expect(police.contains("Covert tactic agreed"))
        #expect(!health.contains("Covert tactic agreed") && health.contains("Police to flag the address"))
        #expect(!healthOwn.contains("Covert tactic agreed") && healthOwn.contains("Police to flag the address"))
        #expect(police.contains("\"not_submitted\"") && police.contains("anpr_flagging"))
        #expect(healthOwn.contains("### police") && healthOwn.contains("apologies, information sent"))

        // Distribute: the disclosure is logged, with its recipients, by the call that produced it.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("minutes-\(fx.token).html").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let sent = try fx.run(["meeting", "minutes", meeting, "--agency", "health", "--format", "html", "--out", out,
                               "--send-to", "health-marac@nhs.example", "--send-to", "gp@nhs.example"], as: fx.chair)
        #expect(sent.status == 0, "\(sent.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && !html.contains("<script") && !html.contains("Covert tactic"))
        #expect(html.contains("DS &lt;b&gt;Jones&lt;/b&gt;") && !html.contains("<b>Jones"), "every value is escaped")
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let disclosed = try db.query("""
            SELECT recipient, login, detail->>'copy_for' AS copy_for FROM disrupt.audit_log
             WHERE operation = 'disclose' AND object_table = 'meeting' AND object_key = \(meeting)
            """)
        #expect(disclosed.count == 1)
        #expect(try disclosed.first?.decode("recipient", as: String.self) == "health-marac@nhs.example, gp@nhs.example")
        #expect(try disclosed.first?.decode("copy_for", as: String.self) == "health")
        let consults: Int = try db.query("""
            SELECT count(*)::int AS n FROM disrupt.audit_log WHERE operation = 'consult' AND object_key = \(meeting)
            """)[0]["n"]
        #expect(consults == 3, "each minutes read is a logged consultation")

        // The next meeting: a repeat referral for the same victim is the same case, hearing 2.
        try fx.ok(["referral", "add", fx.personRef, "--on", today, "--criterion", "repeat", "--victim", "V-\(fx.token)", "--ref", "R2-\(fx.token)"], as: fx.spoc)
        try fx.ok(["meeting", "plan", next, "--forum", "marac", "--on", MeetingFixture.day(14), "--area", "North", "--chair", fx.chair] + invite, as: fx.chair)
        let second = try fx.json(["meeting", "case", "add", next, "--referral", "R2-\(fx.token)"], as: fx.coordinator)
        #expect(second["case_ref"] as? String == caseRef && second["hearing_number"] as? Int == 2)
        // Between the meetings: a new incident against the same victim, after the hearing.
        try fx.ok(["incident", "add", fx.personRef, "--on", today, "--victim", "V-\(fx.token)", "--offence", "abh",
                   "--ref", "I1-\(fx.token)"], as: fx.spoc)
        let nextAgenda = try fx.ok(["meeting", "agenda", next], as: fx.chair)
        #expect(nextAgenda.contains("Case \(caseRef): hearing 2 of 2, REPEAT"))
        #expect(nextAgenda.contains("Last heard at \(meeting) on \(today) (hearing 1)"))
        // Since last heard, per perpetrator, in the agenda's one consultation: the incident counted.
        #expect(nextAgenda.contains("Since last heard (\(today) to \(today)), \(fx.personRef): 1 new incident"), "\(nextAgenda)")
        let nextMarkdown = try fx.ok(["meeting", "agenda", next, "--format", "markdown"], as: fx.chair)
        #expect(nextMarkdown.contains("1 new incident"))
        let nextJSON = try fx.ok(["meeting", "agenda", next, "--format", "json"], as: fx.chair)
        #expect(nextJSON.contains("\"since_last_heard\"") && nextJSON.contains("abh"))
        #expect(!(try fx.ok(["meeting", "agenda", meeting], as: fx.chair)).contains("Since last heard"), "a first hearing has no brief")
        let waiting = try fx.ok(["meeting", "waiting"], as: fx.coordinator)
        #expect(!waiting.contains("R1-\(fx.token)") && waiting.contains("R2-\(fx.token)") && waiting.contains(next))
        #expect(try fx.run(["meeting", "hear", next, caseRef], as: fx.chair).status == 1, "cases are heard on the meeting's day")
    }

    /// What the database refuses whoever asks: staff have no write privileges, functions check the
    /// role, a case another agency restricted is "not found", the rules hold for the owner too.
    @Test func theDatabaseHoldsTheRules() throws {
        let fx = try MeetingFixture("meeting_rules")
        let today = MeetingFixture.day(0), meeting = "MARAC-\(fx.token)"
        try fx.ok(["party", "add", "--ref", "V-\(fx.token)", "--family-name", "Smith", "--kind", "victim"], as: fx.spoc)
        try fx.ok(["referral", "add", fx.personRef, "--on", MeetingFixture.day(-3), "--criterion", "visible_high_risk",
                   "--victim", "V-\(fx.token)", "--ref", "R1-\(fx.token)"], as: fx.spoc)
        try fx.ok(["meeting", "plan", meeting, "--forum", "marac", "--on", today, "--area", "North", "--chair", fx.chair,
                   "--invite", "police", "--invite", "health"], as: fx.chair)
        // restricted to police: health neither sees it nor is asked for research on it
        let listed = try fx.json(["meeting", "case", "add", meeting, "--referral", "R1-\(fx.token)", "--restricted"], as: fx.chair)
        let caseRef = try #require(listed["case_ref"] as? String)

        let health = try fx.connection(as: fx.health)
        defer { health.close() }
        #expect(try health.query("SELECT count(*)::int AS n FROM disrupt.forum_case")[0].decode("n", as: Int.self) == 0)
        #expect(try health.query("SELECT count(*)::int AS n FROM disrupt.meeting")[0].decode("n", as: Int.self) == 1)
        for statement: PostgresQuery in ["INSERT INTO disrupt.decision (hearing_id, text) SELECT id, 'x' FROM disrupt.hearing",
                                         "UPDATE disrupt.meeting SET status = 'closed', closed_at = now()",
                                         "SELECT disrupt.meeting_close(\(meeting))"] {
            #expect(throws: PostgresError.self) { try health.execute(statement) }
        }
        let hidden = try fx.run(["meeting", "research", meeting, caseRef, "--status", "nothing_held"], as: fx.health)
        #expect(hidden.status == 3 && hidden.stderr.contains("no case \(caseRef)"))
        let missing = try fx.run(["meeting", "research", meeting, "MARAC-999999", "--status", "nothing_held"], as: fx.health)
        #expect(missing.stderr.replacingOccurrences(of: "MARAC-999999", with: caseRef) == hidden.stderr, "hidden and missing read the same")
        #expect(!(try fx.ok(["meeting", "agenda", meeting], as: fx.health)).contains(caseRef))
        #expect(try fx.ok(["meeting", "agenda", meeting], as: fx.chair).contains(caseRef))

        // The owner's writes meet the same guards: a hearing before its referral, a past meeting re-planned.
        let db = try fx.superuser()
        defer { db.close() }
        #expect(throws: PostgresError.self) {
            try db.execute("UPDATE disrupt.meeting SET held_on = current_date - 10 WHERE meeting_ref = \(meeting)")
        }
        try fx.ok(["meeting", "close", meeting], as: fx.chair)
        #expect(throws: PostgresError.self) {
            try db.execute("DELETE FROM disrupt.research_return")
        }
        #expect(throws: PostgresError.self) {
            try db.execute("UPDATE disrupt.hearing SET status = 'heard', heard_on = current_date")
        }
    }
}

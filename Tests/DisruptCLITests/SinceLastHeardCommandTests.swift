import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt summary --since-last-heard` with the real binary, real staff logins and known dated
/// facts around a hearing on day H: incidents on H-1, H and H+1, a breach on H+1, a marker on
/// H+2, reminders raised on H+1 (one to the SPOC, one to the chair), an action done on H+1, one
/// overdue and not started, stored scores before and after H. A later hearing of a restricted
/// health case must not move H for police staff.
@Suite("disrupt summary --since-last-heard (the real binary)", .serialized)
struct SinceLastHeardCommandTests {
    let fx: PlanFixture
    let heard = Day.today().adding(days: -20)

    init() throws {
        fx = try PlanFixture("since")
        let db = try fx.superuser()
        defer { db.close() }
        let h = heard
        let person = fx.personRef
        try db.executeScript(unsafeSQL: """
            INSERT INTO disrupt.party (party_ref, given_name, family_name, kind, agency) VALUES ('SV-1', 'Sue', 'Victim', 'victim', 'police');
            INSERT INTO disrupt.meeting (meeting_ref, forum, area, held_on, chair_login) VALUES ('MT-1', 'matac', 'North', '\(h.iso)', '\(fx.chair)');
            INSERT INTO disrupt.meeting (meeting_ref, forum, mappa_level, area, held_on, chair_login)
                VALUES ('MT-2', 'mappa', 2, 'North', '\(h.adding(days: 5).iso)', '\(fx.chair)');
            INSERT INTO disrupt.forum_case (case_ref, forum, person_id, opened_on, agency, sensitivity)
                SELECT 'C-1', 'matac', id, '\(h.adding(days: -30).iso)', 'police', 'shared' FROM disrupt.person WHERE person_ref = '\(person)';
            INSERT INTO disrupt.forum_case (case_ref, forum, person_id, opened_on, agency, sensitivity)
                SELECT 'C-2', 'mappa', id, '\(h.adding(days: -30).iso)', 'health', 'restricted' FROM disrupt.person WHERE person_ref = '\(person)';
            INSERT INTO disrupt.hearing (case_id, meeting_id, hearing_number, status, heard_on)
                SELECT c.id, m.id, 1, 'heard', m.held_on FROM disrupt.forum_case c JOIN disrupt.meeting m
                ON (c.case_ref, m.meeting_ref) IN (('C-1', 'MT-1'), ('C-2', 'MT-2'));
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, agency)
            SELECT s.ref, p.id, pa.id, s.d::date, 'common_assault', 'police'
            FROM (VALUES ('SI-1', '\(h.adding(days: -1).iso)'), ('SI-2', '\(h.iso)'), ('SI-3', '\(h.adding(days: 1).iso)')) AS s (ref, d)
            JOIN disrupt.person p ON p.person_ref = '\(person)' JOIN disrupt.party pa ON pa.party_ref = 'SV-1';
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, action_taken, agency)
                SELECT 'SB-1', id, '\(h.adding(days: 1).iso)', 'arrest', 'police' FROM disrupt.person WHERE person_ref = '\(person)';
            INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency)
                SELECT 'SM-1', id, 'weapons', '\(h.adding(days: 2).iso)', 'police' FROM disrupt.person WHERE person_ref = '\(person)';
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message, created_at)
                SELECT 'new_incident', s.login, p.id, 'incident', i.id, '\(h.adding(days: 1).iso)', s.msg, '\(h.adding(days: 1).iso) 12:00'::timestamp
                FROM (VALUES ('\(fx.spoc)', 'R-SPOC'), ('\(fx.chair)', 'R-CHAIR')) AS s (login, msg)
                CROSS JOIN disrupt.person p JOIN disrupt.incident i ON i.source_ref = 'SI-3' WHERE p.person_ref = '\(person)';
            INSERT INTO disrupt.risk_assessment (person_id, as_of, model_version, score, band, triggers, flags, rfg, rfg_version,
                                                 serial, escalating, is_repeat)
                SELECT p.id, s.d::date, 'm', s.score, 'medium', '[]', '{}', jsonb_build_object('total', s.rfg), 'r', false, false, false
                FROM (VALUES ('\(h.adding(days: -10).iso)', 10, 5), ('\(h.adding(days: 3).iso)', 25, 9)) AS s (d, score, rfg)
                CROSS JOIN disrupt.person p WHERE p.person_ref = '\(person)';
            INSERT INTO disrupt.risk_current (person_id, as_of, score, band, rfg_recency, rfg_frequency, rfg_gravity, rfg_victims,
                                              rfg_total, victims, serial, escalating, is_repeat, model_version, rfg_version)
                SELECT id, current_date, 30, 'high', 3, 3, 3, 3, 12, 1, false, false, false, 'm', 'r'
                FROM disrupt.person WHERE person_ref = '\(person)';
            """)
        // his plan: one action due after H left open (overdue, not started), one done on H+1
        let plan = try fx.openPlan()
        _ = try fx.addAction(plan: plan, tactic: "arrest_charge", heading: "prosecute", due: h.adding(days: 5).iso)
        try db.execute("""
            WITH a AS (
                INSERT INTO disrupt.action (plan_id, heading, tactic, agency, due_on, status, outcome, created_by, updated_by)
                VALUES (\(plan), 'disrupt', 'anpr_flagging', 'police', \(h.adding(days: 3))::date, 'done', 'flagged', 'x', 'x')
                RETURNING id)
            INSERT INTO disrupt.action_history (action_id, at, login, change, from_status, to_status)
            SELECT id, \(h.adding(days: 1))::date + time '10:00', 'x', 'done', 'open', 'done' FROM a
            """)
    }

    private func brief(_ arguments: [String], as login: String) throws -> [String: Any] {
        let summary = try fx.json(["summary", fx.personRef, "--purpose", "MATAC review"] + arguments, as: login)
        return try #require(summary["since_last_heard"] as? [String: Any])
    }

    @Test func theBriefSinceTheLastHearingHoldsTheKnownFacts() throws {
        let json = try brief(["--since-last-heard"], as: fx.spoc)
        #expect(json["since"] as? String == heard.iso, "the restricted health hearing on H+5 is not the SPOC's")
        #expect(json["basis"] as? String == "last_hearing")
        let incidents = (json["incidents"] as? [[String: Any]] ?? []).map { $0["occurred_on"] as? String }
        #expect(incidents == [heard.adding(days: 1).iso, heard.iso], "H-1 is before the hearing; H counts")
        #expect((json["breaches"] as? [Any])?.count == 1)
        #expect((json["markers"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["weapons"])
        #expect((json["reminders"] as? [[String: Any]])?.map { $0["message"] as? String } == ["R-SPOC"], "only his own reminders")
        #expect((json["actions_done"] as? [[String: Any]])?.map { $0["tactic"] as? String } == ["anpr_flagging"])
        #expect((json["actions_overdue"] as? [[String: Any]])?.map { $0["tactic"] as? String } == ["arrest_charge"])
        #expect((json["actions_not_started"] as? [[String: Any]])?.map { $0["tactic"] as? String } == ["arrest_charge"])
        let score = try #require(json["score"] as? [String: Any])
        #expect((score["then"] as? [String: Any])?["score"] as? Int == 10, "the stored row as of H, not the later one")
        #expect((score["now"] as? [String: Any])?["rfg"] as? Int == 12)
        #expect(score["score_change"] as? Int == 20 && score["rfg_change"] as? Int == 7)
        // the chair sees his own reminder instead; a given day narrows the brief
        #expect((try brief(["--since-last-heard"], as: fx.chair)["reminders"] as? [[String: Any]])?.map { $0["message"] as? String } == ["R-CHAIR"])
        let later = try brief(["--since", heard.adding(days: 1).iso], as: fx.spoc)
        #expect((later["incidents"] as? [Any])?.count == 1 && later["basis"] as? String == "given")
    }

    @Test func everyFormatStartsWithTheBriefAndOneConsultationIsLogged() throws {
        let text = try fx.run(["summary", fx.personRef, "--purpose", "MATAC review", "--since-last-heard"], as: fx.probation)
        #expect(text.status == 0, "\(text.stderr)")
        let top = text.stdout.components(separatedBy: "\n").prefix(6).joined(separator: "\n")
        #expect(top.contains("SINCE LAST HEARD: LAST HEARING \(heard.iso)"), "\(top)")
        #expect(text.stdout.contains("OVERDUE: Arrest and charge"))
        #expect(!text.stdout.contains("Not started: Arrest and charge"), "an overdue action is listed once")
        for format in ["markdown", "html"] {
            let out = try fx.run(["summary", fx.personRef, "--purpose", "MATAC review", "--since-last-heard", "--format", format], as: fx.probation)
            #expect(out.status == 0 && out.stdout.contains("Since last heard: last hearing \(heard.iso)"), "\(format)")
        }
        let db = try fx.superuser()
        defer { db.close() }
        let consults: Int = try db.query("""
            SELECT count(*)::int AS n FROM disrupt.audit_log WHERE login = \(fx.probation) AND operation = 'consult'
            """)[0]["n"]
        #expect(consults == 3)
        // a person never heard: exit 3, and no consultation logged
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES ('SX-NEVER', 'Never', 'police')")
        let never = try fx.run(["summary", "SX-NEVER", "--purpose", "x", "--since-last-heard"], as: fx.probation)
        #expect(never.status == 3 && never.stderr.contains("--since DAY"), "\(never.stderr)")
        #expect(try fx.run(["summary", "SX-NEVER", "--purpose", "x", "--since-last-heard", "--since", "2026-01-01"], as: fx.probation).status == 2)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres

/// A small dated force where every figure of `disrupt report --from 2026-01-01 --to 2026-06-30
/// --forum marac --as-of 2026-09-30` is known by hand (see ReportCommandTests for the sums).
/// Inserted directly as the superuser (the install owner), as the forum commands would leave it.
struct ReportFixture {
    let location: DatabaseLocation
    let chair: String
    let coordinator: String
    let rep: String
    /// Names and references that must never appear in a report.
    static let secrets = ["P-RPT-1", "P-RPT-2", "P-RPT-3", "Zebedee", "Quillfeather", "V-RPT-1", "Refer to GP Xylo"]

    init() throws {
        location = try TestCluster.freshDatabase("report")
        let token = UUID().uuidString.prefix(6).lowercased()
        chair = "chair_\(token)"
        coordinator = "coord_\(token)"
        rep = "rep_\(token)"
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try db.execute("SELECT disrupt.staff_add(\(chair), 'Cath Chair', 'police', 'chair')")
        try db.execute("SELECT disrupt.staff_add(\(coordinator), 'Cora Coordinator', 'idva', 'coordinator')")
        try db.execute("SELECT disrupt.staff_add(\(rep), 'Rob Rep', 'health', 'rep')")
        try db.executeScript(unsafeSQL: Self.script(chair: chair))
    }

    func url(as login: String?) -> String {
        login.map { location.testURL + "&user=\($0)" } ?? location.testURL
    }

    // People: P1 (plan opened 2026-01-20, in both Marac cases C1 and C3), P2 (entered MATAC
    // 2026-05-01: partial after-window), P3 (not taken on, North), P4 (South), P5 (low RFG),
    // P6 (plan opened before the period: taken on, never a comparison).
    static func script(chair: String) -> String {
        let c = "'" + chair + "'"
        return """
        INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES
            ('P-RPT-1', 'Zebedee', 'Quillfeather', 'police'), ('P-RPT-2', 'Two', 'Quillfeather', 'police'),
            ('P-RPT-3', 'Three', 'Quillfeather', 'police'), ('P-RPT-4', 'Four', 'Quillfeather', 'police'),
            ('P-RPT-5', 'Five', 'Quillfeather', 'police'), ('P-RPT-6', 'Six', 'Quillfeather', 'police');
        INSERT INTO disrupt.party (party_ref, given_name, family_name, kind, agency)
            SELECT 'V-RPT-' || g, 'Vic', 'Quillfeather', 'victim', 'police' FROM generate_series(1, 6) g;
        CREATE TEMP TABLE px AS SELECT id, person_ref AS ref FROM disrupt.person WHERE person_ref LIKE 'P-RPT-%';
        CREATE TEMP TABLE vx AS SELECT id, party_ref AS ref FROM disrupt.party WHERE party_ref LIKE 'V-RPT-%';

        INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, gravity, agency)
        SELECT i.ref, p.id, v.id, i.on_::date, i.g, 'police'
        FROM (VALUES ('I-1a', 'P-RPT-1', 'V-RPT-1', '2025-05-01', 40), ('I-1b', 'P-RPT-1', 'V-RPT-1', '2025-10-01', 8),
                     ('I-1c', 'P-RPT-1', 'V-RPT-3', '2025-12-20', 3), ('I-1d', 'P-RPT-1', 'V-RPT-1', '2026-03-01', 3),
                     ('I-2a', 'P-RPT-2', 'V-RPT-2', '2026-04-20', 8), ('I-2b', 'P-RPT-2', 'V-RPT-2', '2026-06-10', 8),
                     ('I-2c', 'P-RPT-2', 'V-RPT-2', '2026-09-20', 3), ('I-2d', 'P-RPT-2', 'V-RPT-2', '2026-10-20', 40),
                     ('I-3a', 'P-RPT-3', 'V-RPT-3', '2025-12-01', 8), ('I-3b', 'P-RPT-3', 'V-RPT-3', '2026-02-01', 3),
                     ('I-4a', 'P-RPT-4', 'V-RPT-4', '2025-09-01', 3),
                     ('I-5a', 'P-RPT-5', 'V-RPT-5', '2025-08-01', 1), ('I-5b', 'P-RPT-5', 'V-RPT-5', '2026-03-01', 20),
                     ('I-6a', 'P-RPT-6', 'V-RPT-6', '2025-11-01', 40)) AS i(ref, person, victim, on_, g)
        JOIN px p ON p.ref = i.person JOIN vx v ON v.ref = i.victim;

        INSERT INTO disrupt.risk_current (person_id, as_of, score, band, rfg_recency, rfg_frequency, rfg_gravity, rfg_victims,
                                          rfg_total, victims, serial, escalating, is_repeat, model_version, rfg_version)
        SELECT id, '2026-06-30', 10, 'high', 0, 0, 0, 0, 0, 1, ref = 'P-RPT-1', false, false, 'test', 'test'
        FROM px WHERE ref IN ('P-RPT-1', 'P-RPT-2', 'P-RPT-3');

        INSERT INTO disrupt.referral (source_ref, person_id, party_id, referred_on, criterion, agency)
        SELECT r.ref, p.id, v.id, r.on_::date, r.criterion, r.agency
        FROM (VALUES ('R1', 'P-RPT-1', 'V-RPT-1', '2026-01-05', 'visible_high_risk', 'police'),
                     ('R2', 'P-RPT-2', 'V-RPT-2', '2026-01-10', 'professional_judgement', 'idva'),
                     ('R3', 'P-RPT-3', 'V-RPT-3', '2026-02-01', 'visible_high_risk', 'health'),
                     ('R4', 'P-RPT-4', 'V-RPT-4', '2026-02-03', 'escalation', 'police'),
                     ('R5', 'P-RPT-1', 'V-RPT-1', '2026-02-20', 'repeat', 'police'),
                     ('R6', 'P-RPT-5', 'V-RPT-5', '2026-03-01', 'visible_high_risk', 'police'),
                     ('R7', 'P-RPT-2', 'V-RPT-2', '2025-11-01', 'visible_high_risk', 'police'),
                     ('R8', 'P-RPT-1', 'V-RPT-1', '2026-03-01', 'professional_judgement', 'police'))
             AS r(ref, person, victim, on_, criterion, agency)
        JOIN px p ON p.ref = r.person JOIN vx v ON v.ref = r.victim;

        INSERT INTO disrupt.meeting (meeting_ref, forum, area, held_on, chair_login, status, closed_at) VALUES
            ('M0', 'marac', 'North', '2025-11-20', \(c), 'planned', NULL),
            ('M1', 'marac', 'North', '2026-01-15', \(c), 'planned', NULL),
            ('M2', 'marac', 'North', '2026-02-12', \(c), 'planned', NULL),
            ('M3', 'marac', 'North', '2026-03-12', \(c), 'planned', NULL),
            ('M4', 'marac', 'South', '2026-02-20', \(c), 'planned', NULL),
            ('MT1', 'matac', 'North', '2026-02-10', \(c), 'planned', NULL);

        INSERT INTO disrupt.forum_case (case_ref, forum, victim_party_id, opened_on, agency)
        SELECT 'C' || g, 'marac', v.id, '2025-11-01', 'police' FROM generate_series(1, 5) g JOIN vx v ON v.ref = 'V-RPT-' || g;
        INSERT INTO disrupt.case_perpetrator (case_id, person_id)
        SELECT c.id, p.id FROM (VALUES ('C1', 'P-RPT-1'), ('C2', 'P-RPT-2'), ('C3', 'P-RPT-3'), ('C3', 'P-RPT-1'),
                                       ('C4', 'P-RPT-4'), ('C5', 'P-RPT-5')) AS x(case_ref, person)
        JOIN disrupt.forum_case c ON c.case_ref = x.case_ref JOIN px p ON p.ref = x.person;
        INSERT INTO disrupt.case_referral (case_id, referral_id)
        SELECT c.id, r.id FROM (VALUES ('C1', 'R1'), ('C1', 'R5'), ('C2', 'R2'), ('C2', 'R7'), ('C3', 'R3'), ('C4', 'R4'), ('C5', 'R6'))
             AS x(case_ref, referral)
        JOIN disrupt.forum_case c ON c.case_ref = x.case_ref JOIN disrupt.referral r ON r.source_ref = x.referral;

        INSERT INTO disrupt.hearing (case_id, meeting_id, referral_id, hearing_number, status, heard_on)
        SELECT c.id, m.id, r.id, x.n, x.status, CASE WHEN x.status = 'heard' THEN m.held_on END
        FROM (VALUES ('C2', 'M0', 'R7', 1, 'heard'), ('C1', 'M1', 'R1', 1, 'heard'), ('C2', 'M2', 'R2', 2, 'heard'),
                     ('C3', 'M2', 'R3', 1, 'heard'), ('C4', 'M4', 'R4', 1, 'heard'), ('C1', 'M3', 'R5', 2, 'heard'),
                     ('C5', 'M3', 'R6', 1, 'listed')) AS x(case_ref, meeting, referral, n, status)
        JOIN disrupt.forum_case c ON c.case_ref = x.case_ref JOIN disrupt.meeting m ON m.meeting_ref = x.meeting
        JOIN disrupt.referral r ON r.source_ref = x.referral;

        INSERT INTO disrupt.plan (person_id, spoc_login, status, opened_at, opened_by, agency, created_by, updated_by)
        SELECT id, \(c), 'open', CASE ref WHEN 'P-RPT-1' THEN '2026-01-20 12:00' ELSE '2025-06-01 12:00' END::timestamptz,
               \(c), 'police', \(c), \(c)
        FROM px WHERE ref IN ('P-RPT-1', 'P-RPT-6');
        INSERT INTO disrupt.matac_cohort (person_id, entered_on, rfg_at_entry, entry_reason)
        SELECT id, '2026-05-01', 30, 'Top of the RFG ranking' FROM px WHERE ref = 'P-RPT-2';

        CREATE TEMP TABLE hx AS
        SELECT h.id, c.case_ref || '@' || m.meeting_ref AS ref FROM disrupt.hearing h
        JOIN disrupt.forum_case c ON c.id = h.case_id JOIN disrupt.meeting m ON m.id = h.meeting_id;
        INSERT INTO disrupt.action (plan_id, heading, tactic, label, agency, due_on, status, outcome, needs_safety_check,
                                    created_by, updated_by, agreed_at_hearing_id, note)
        SELECT (SELECT pl.id FROM disrupt.plan pl JOIN px ON px.id = pl.person_id WHERE px.ref = 'P-RPT-1'),
               a.heading, a.tactic, a.label, a.agency, a.due::date, a.status,
               CASE WHEN a.status = 'done' THEN 'Done' END, a.label IS NOT NULL, \(c), \(c), h.id, a.name
        FROM (VALUES ('A1', 'disrupt', 'anpr_flagging', NULL, 'police', '2026-02-01', 'done', 'C1@M1'),
                     ('A2', 'prosecute', 'evidence_led_prosecution', NULL, 'police', '2026-02-10', 'done', 'C1@M1'),
                     ('A3', 'manage', 'mappa_referral', NULL, 'probation', '2026-03-01', 'done', 'C1@M3'),
                     ('A4', 'divert', 'perpetrator_programme', NULL, 'probation', '2026-04-01', 'open', 'C1@M3'),
                     ('A5', 'divert', NULL, 'Refer to GP Xylo', 'health', '2026-04-01', 'cancelled', 'C3@M2'),
                     ('A6', 'disrupt', 'anpr_flagging', NULL, 'police', '2026-12-01', 'open', 'C1@M3'),
                     ('A7', 'disrupt', 'anpr_flagging', NULL, 'idva', '2026-03-01', 'open', 'C4@M4'),
                     ('A8', 'disrupt', 'anpr_flagging', NULL, 'police', '2025-12-01', 'open', 'C2@M0'))
             AS a(name, heading, tactic, label, agency, due, status, hearing)
        JOIN hx h ON h.ref = a.hearing;
        INSERT INTO disrupt.action_history (action_id, at, login, change, from_status, to_status)
        SELECT a.id, d.at::timestamptz, \(c), 'done', 'in_progress', 'done'
        FROM (VALUES ('A1', '2026-01-30 12:00'), ('A2', '2026-02-15 12:00'), ('A3', '2026-03-10 12:00')) AS d(name, at)
        JOIN disrupt.action a ON a.note = d.name;
        -- held and closed once their cases and actions are recorded (a closed meeting never changes)
        UPDATE disrupt.meeting SET status = 'closed', closed_at = now();
        """
    }
}

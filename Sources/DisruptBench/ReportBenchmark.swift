import DisruptCore
import Foundation
import Postgres

/// `disrupt report` for the year up to as-of over the whole force: weekly Marac meetings in two
/// areas hear every referral of the year, the top 300 by RFG enter MATAC, and `reportActions`
/// plan actions are agreed at those hearings (a third done, some late, a tenth cancelled).
/// Timed as a whole process (connect, four database calls, RFG before/after in Swift, HTML)
/// beside psql running one plain query of the same counts.
struct ReportBenchmark {
    let environment: BenchmarkEnvironment
    let databaseURL: String
    let database: String
    let asOf: Day
    let reportActions: Int

    var from: Day { asOf.adding(years: -1).adding(days: 1) }

    func run(runs: Int, log: (String) -> Void) throws -> BenchmarkResult {
        log("report: meetings, cases, hearings, cohort and \(reportActions) agreed actions")
        let db = try environment.connect(database)
        defer { db.close() }
        try seed(db)
        let path = NSTemporaryDirectory() + "disrupt-bench-report-\(UUID().uuidString.prefix(8)).html"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let arguments = ["report", "--from", from.iso, "--to", asOf.iso, "--forum", "marac", "--as-of", asOf.iso,
                         "--format", "html", "--out", path, "--purpose", "benchmark"]
        try environment.disrupt(arguments, databaseURL: databaseURL)  // warm the cache once
        var times: [Double] = [], floors: [Double] = []
        var memory = 0
        for _ in 1...max(3, runs) {
            let output = try environment.disrupt(arguments, databaseURL: databaseURL)
            times.append(output.seconds)
            memory = max(memory, output.maxResidentKiB)
            floors.append(try environment.psql(floorSQL, databaseURL: databaseURL).seconds)
        }
        let scope = try db.query("""
            SELECT (SELECT count(*) FROM disrupt.hearing WHERE status = 'heard') AS hearings,
                   (SELECT count(*) FROM disrupt.action WHERE agreed_at_hearing_id IS NOT NULL) AS actions
            """)[0]
        return BenchmarkResult(
            name: "report, a year, whole process", unit: "s", disrupt: Statistics(times), floor: Statistics(floors),
            floorDescription: "psql running one plain query of the volume, timeliness and action counts", peakMemoryKiB: memory,
            note: "\(try scope.decode("hearings", as: Int.self)) hearings, \(try scope.decode("actions", as: Int.self)) agreed actions, HTML")
    }

    /// The same counts in one plain statement, no RLS functions, no outcome section.
    var floorSQL: String {
        """
        SELECT 'referrals', r.agency, count(*) FROM disrupt.referral r
        WHERE r.referred_on BETWEEN '\(from.iso)' AND '\(asOf.iso)' GROUP BY r.agency
        UNION ALL
        SELECT 'heard', NULL, count(*) FROM disrupt.hearing h WHERE h.status = 'heard' AND h.heard_on BETWEEN '\(from.iso)' AND '\(asOf.iso)'
        UNION ALL
        SELECT 'days', (h.heard_on - r.referred_on)::text, count(*) FROM disrupt.hearing h JOIN disrupt.referral r ON r.id = h.referral_id
        WHERE h.heard_on BETWEEN '\(from.iso)' AND '\(asOf.iso)' GROUP BY 2
        UNION ALL
        SELECT 'actions', a.agency || '/' || a.heading || '/' || a.status, count(*) FROM disrupt.action a
        WHERE a.agreed_at_hearing_id IS NOT NULL GROUP BY 2;
        """
    }

    private func seed(_ db: PostgresConnection) throws {
        try db.execute("SELECT disrupt.staff_add('bench_chair', 'Benchmark chair', 'police', 'chair')")
        try db.execute("""
            INSERT INTO disrupt.meeting (meeting_ref, forum, area, held_on, chair_login, status, closed_at)
            SELECT 'BM-' || a.area || '-' || w, 'marac', a.area, \(from)::date + 7 * w + a.shift, 'bench_chair', 'planned', NULL
            FROM generate_series(0, 53) w CROSS JOIN (VALUES ('North', 0), ('South', 2)) AS a(area, shift)
            """)
        // one case per victim referred in the year, its perpetrators, and every referral attached
        try db.execute("""
            INSERT INTO disrupt.forum_case (case_ref, forum, victim_party_id, opened_on, agency)
            SELECT 'BC-' || r.party_id, 'marac', r.party_id, min(r.referred_on), 'police'
            FROM disrupt.referral r WHERE r.party_id IS NOT NULL AND r.referred_on BETWEEN \(from) AND \(asOf)
            GROUP BY r.party_id
            """)
        try db.execute("""
            INSERT INTO disrupt.case_perpetrator (case_id, person_id)
            SELECT DISTINCT c.id, r.person_id FROM disrupt.referral r JOIN disrupt.forum_case c ON c.victim_party_id = r.party_id
            WHERE r.referred_on BETWEEN \(from) AND \(asOf)
            """)
        try db.execute("""
            INSERT INTO disrupt.case_referral (case_id, referral_id)
            SELECT c.id, r.id FROM disrupt.referral r JOIN disrupt.forum_case c ON c.victim_party_id = r.party_id
            WHERE r.referred_on BETWEEN \(from) AND \(asOf)
            """)
        // each referral heard at its area's first meeting at least a week later (one hearing per case and meeting)
        try db.execute("""
            INSERT INTO disrupt.hearing (case_id, meeting_id, referral_id, hearing_number, status, heard_on)
            SELECT x.case_id, x.meeting_id, x.referral_id, row_number() OVER (PARTITION BY x.case_id ORDER BY x.held_on), 'heard', x.held_on
            FROM (
                SELECT DISTINCT ON (cr.case_id, m.id) cr.case_id, m.id AS meeting_id, r.id AS referral_id, m.held_on
                FROM disrupt.case_referral cr JOIN disrupt.referral r ON r.id = cr.referral_id
                CROSS JOIN LATERAL (
                    SELECT m.id, m.held_on FROM disrupt.meeting m
                    WHERE m.area = CASE WHEN cr.case_id % 2 = 0 THEN 'North' ELSE 'South' END
                      AND m.held_on >= r.referred_on + 7 AND m.held_on <= \(asOf)
                    ORDER BY m.held_on LIMIT 1) m
                ORDER BY cr.case_id, m.id, r.referred_on
            ) x
            """)
        try db.execute("""
            INSERT INTO disrupt.matac_cohort (person_id, entered_on, rfg_at_entry, entry_reason)
            SELECT rc.person_id, \(from)::date + (row_number() OVER (ORDER BY rc.rfg_total DESC, rc.person_id))::int % 360, rc.rfg_total, 'benchmark'
            FROM disrupt.risk_current rc ORDER BY rc.rfg_total DESC, rc.person_id LIMIT 300
            """)
        try db.execute("""
            WITH h AS (SELECT id, row_number() OVER (ORDER BY id) AS k, count(*) OVER () AS n FROM disrupt.hearing),
                 a AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM disrupt.action ORDER BY id LIMIT \(reportActions))
            UPDATE disrupt.action x SET agreed_at_hearing_id = h.id,
                   status = CASE WHEN a.k % 10 = 0 THEN 'cancelled' WHEN a.k % 3 = 0 THEN 'done' ELSE x.status END,
                   outcome = CASE WHEN a.k % 3 = 0 AND a.k % 10 <> 0 THEN 'done' ELSE x.outcome END,
                   due_on = \(from)::date + (a.k % 330)::int
            FROM a JOIN h ON h.k = 1 + a.k % h.n
            WHERE x.id = a.id
            """)
        try db.execute("""
            INSERT INTO disrupt.action_history (action_id, at, login, change, from_status, to_status)
            SELECT a.id, (a.due_on + (a.id % 20)::int - 10)::timestamptz, 'bench_chair', 'done', 'open', 'done'
            FROM disrupt.action a WHERE a.status = 'done' AND a.agreed_at_hearing_id IS NOT NULL
            """)
        // held and closed once their cases and actions are recorded (a closed meeting never changes)
        try db.execute("UPDATE disrupt.meeting SET status = 'closed', closed_at = now() WHERE meeting_ref LIKE 'BM-%'")
        try db.execute("ANALYZE")
    }
}

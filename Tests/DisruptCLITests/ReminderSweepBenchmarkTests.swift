import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

/// How long a sweep with nothing due takes over 1,000,000 actions. Slow to set up (about a
/// minute), so only with DISRUPT_BENCH=1: `DISRUPT_BENCH=1 swift test --filter ReminderSweepBenchmark`.
@Suite("reminder sweep benchmark", .enabled(if: ProcessInfo.processInfo.environment["DISRUPT_BENCH"] == "1"))
struct ReminderSweepBenchmarkTests {
    @Test func aSweepWithNothingDueOverAMillionActionsIsFast() throws {
        let fx = try PlanFixture("bench")
        let db = try fx.superuser()
        try db.execute("""
            INSERT INTO disrupt.person (person_ref, family_name, agency)
            SELECT 'BENCH-' || g, 'Bench', 'police' FROM generate_series(1, 10000) g
            """)
        try db.execute("""
            INSERT INTO disrupt.plan (person_id, spoc_login, opened_by, agency, created_by, updated_by)
            SELECT id, \(fx.spoc), 'bench', 'police', 'bench', 'bench' FROM disrupt.person WHERE person_ref LIKE 'BENCH-%'
            """)
        // 700,000 finished actions in the past, 300,000 live ones due well after the sweep date
        try db.execute("""
            INSERT INTO disrupt.action (plan_id, heading, tactic, agency, due_on, status, outcome, created_by, updated_by)
            SELECT p.id, 'disrupt', 'anpr_flagging', 'police',
                   CASE WHEN g % 10 < 7 THEN DATE '2029-01-01' + (g % 300) ELSE DATE '2030-03-01' + (g % 300) END,
                   CASE WHEN g % 10 < 7 THEN 'done' ELSE 'open' END,
                   CASE WHEN g % 10 < 7 THEN 'done' END, 'bench', 'bench'
              FROM generate_series(1, 1000000) g
              JOIN (SELECT id, row_number() OVER (ORDER BY id) % 10000 AS k FROM disrupt.plan) p ON p.k = g % 10000
            """)
        try db.execute("ANALYZE")
        let count = try db.query("SELECT count(*)::int AS n FROM disrupt.action")[0].decode("n", as: Int.self)
        #expect(count == 1_000_000)

        var timings: [Int] = []
        for _ in 0..<5 {
            let result = try fx.json(["remind", "--as-of", "2030-01-01"], as: nil)
            #expect(result["total"] as? Int == 0)
            timings.append(result["duration_ms"] as? Int ?? .max)
        }
        let best = timings.min() ?? .max
        let median = timings.sorted()[timings.count / 2]
        print("reminder sweep over \(count) actions, nothing due: best \(best) ms, median \(median) ms (\(timings))")
        #expect(median < 200)
    }
}

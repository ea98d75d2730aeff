import DisruptCore
import Foundation
import Postgres

/// The reminder sweep over a large action table: with nothing new due, and with 1% of the
/// actions falling overdue (at least 5 runs: the target is on the worst of 5). Timed in-process
/// (what `disrupt serve` runs) with the SQL function the service calls, beside a floor on the
/// same connection: the one index range read any sweep needs (nothing due), and one
/// INSERT ... SELECT ... ON CONFLICT DO NOTHING of every overdue action's key into a table with
/// the same unique key (1% overdue).
struct ReminderBenchmark {
    let environment: BenchmarkEnvironment
    let database: String
    let asOf: Day
    let actions: Int

    /// A SPOC (`bench_spoc`) and an open plan of hers for every person.
    static func openPlans(_ db: PostgresConnection, asOf: Day) throws {
        try db.execute("SELECT disrupt.staff_add('bench_spoc', 'Benchmark SPOC', 'police', 'spoc')")
        try db.execute("""
            INSERT INTO disrupt.plan (person_id, spoc_login, status, review_on, opened_by, agency, created_by, updated_by)
            SELECT id, 'bench_spoc', 'open', \(asOf.adding(days: 400)), 'bench_spoc', 'police', 'bench_spoc', 'bench_spoc'
            FROM disrupt.person WHERE merged_into IS NULL
            """)
    }

    func run(runs: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
        let db = try environment.connect(database)
        defer { db.close() }
        log("creating \(actions) actions")
        try Self.openPlans(db, asOf: asOf)
        let plans = try db.query("SELECT count(*) AS n FROM disrupt.plan")[0].decode("n", as: Int.self)
        let perPlan = max(1, (actions + plans - 1) / max(1, plans))
        try db.execute("""
            INSERT INTO disrupt.action (plan_id, heading, tactic, agency, owner_login, due_on, status, created_by, updated_by)
            SELECT p.id, 'disrupt', 'disruption_plan', 'police', 'bench_spoc', \(asOf.adding(days: 30))::date + (g % 300), 'open', 'bench_spoc', 'bench_spoc'
            FROM disrupt.plan p CROSS JOIN generate_series(1, \(perPlan)) g
            LIMIT \(actions)
            """)
        try db.execute("VACUUM ANALYZE disrupt.action")
        try db.execute("VACUUM ANALYZE disrupt.reminder")
        // Settle: the first sweep may find orders ending or reviews of the generated force.
        try sweep(db)
        var idle: [Double] = []
        var idleFloor: [Double] = []
        for _ in 1...max(3, runs) {
            idle.append(try sweep(db) * 1000)
            idleFloor.append(try timed(db, """
                SELECT count(*) FROM disrupt.action
                WHERE status IN ('open', 'in_progress', 'blocked') AND due_on <= \(asOf.adding(days: 3))
                """))
        }
        try db.execute("""
            CREATE TEMP TABLE bench_sweep_floor (kind text, recipient_login text, subject_id bigint, due_on date, message text,
                                                 UNIQUE (kind, subject_id, due_on, recipient_login))
            """)

        let total = try db.query("SELECT count(*) AS n FROM disrupt.action")[0].decode("n", as: Int.self)
        let days = max(5, runs)
        // A day passes and 1% of the actions fall overdue (a different 1% each day): the first
        // sweep of a day reads the whole backlog (earlier days' overdue actions included).
        let (due, dueFloor, created) = try overdueRuns(db, days: days, floorReadsChangedOnly: false) { run in
            (asOf.adding(days: run), run)
        }
        // Later the same day, a change makes 1% of the actions overdue (each run another 1%): the
        // sweep `disrupt serve` runs on a write reads the rows changed since the last sweep.
        let last = asOf.adding(days: days)
        let (changed, changedFloor, changedCreated) = try overdueRuns(db, days: days, floorReadsChangedOnly: true) { run in
            (last, 50 + run)
        }
        return [
            BenchmarkResult(name: "reminder sweep, nothing due (\(total) actions)", unit: "ms", disrupt: Statistics(idle),
                            floor: Statistics(idleFloor), floorDescription: "one index range count of the live actions due within 3 days",
                            note: "in-process call of disrupt.reminder_sweep, as disrupt serve does, later the same day; target under 50 ms"),
            BenchmarkResult(name: "reminder sweep, 1% newly overdue (\(total) actions)", unit: "ms", disrupt: Statistics(due),
                            floor: Statistics(dueFloor),
                            floorDescription: "INSERT ... SELECT ... ON CONFLICT DO NOTHING of every overdue action's key (unique key as reminder_key)",
                            note: "the first sweep of each new day (the whole backlog); last run created \(created) reminders; "
                                + "target median under 1 s, worst under 2 s"),
            BenchmarkResult(name: "reminder sweep, 1% changed to overdue, later the same day (\(total) actions)", unit: "ms",
                            disrupt: Statistics(changed), floor: Statistics(changedFloor),
                            floorDescription: "INSERT ... SELECT ... ON CONFLICT DO NOTHING of the changed actions' keys (unique key as reminder_key)",
                            note: "the rows changed since the last sweep; last run created \(changedCreated) reminders"),
        ]
    }

    /// `days` runs: each makes the actions whose id leaves `remainder` divided by 100 (1% of them)
    /// due the day before `day`, then times one sweep of `day` and the floor (the keys of every
    /// overdue action, or with `floorReadsChangedOnly` of that 1%). Milliseconds of each, and the
    /// reminders the last sweep made.
    private func overdueRuns(
        _ db: PostgresConnection, days: Int, floorReadsChangedOnly: Bool, _ run: (Int) -> (day: Day, remainder: Int)
    ) throws -> (sweeps: [Double], floors: [Double], created: Int) {
        var sweeps: [Double] = []
        var floors: [Double] = []
        var created = 0
        for index in 1...days {
            let (day, remainder) = run(index)
            try db.execute("UPDATE disrupt.action SET due_on = \(day.adding(days: -1)) WHERE id % 100 = \(remainder)")
            let started = Date()
            let rows = try db.query("SELECT kind, created FROM disrupt.reminder_sweep(\(day))")
            sweeps.append(Date().timeIntervalSince(started) * 1000)
            created = try rows.reduce(0) { $0 + (try $1.decode("created", as: Int.self)) }
            floors.append(try timed(db, """
                INSERT INTO bench_sweep_floor
                SELECT 'overdue', a.owner_login, a.id, a.due_on, 'Action ' || a.id || ' was due on ' || a.due_on
                FROM disrupt.action a
                WHERE a.status IN ('open', 'in_progress', 'blocked') AND a.due_on < \(day)
                  AND (NOT \(floorReadsChangedOnly) OR a.id % 100 = \(remainder))
                ON CONFLICT DO NOTHING
                """))
        }
        return (sweeps, floors, created)
    }

    /// Milliseconds one statement takes on `db`.
    private func timed(_ db: PostgresConnection, _ query: PostgresQuery) throws -> Double {
        let started = Date()
        try db.execute(query)
        return Date().timeIntervalSince(started) * 1000
    }

    @discardableResult
    private func sweep(_ db: PostgresConnection) throws -> Double {
        let started = Date()
        try db.query("SELECT kind, created FROM disrupt.reminder_sweep(\(asOf))")
        return Date().timeIntervalSince(started)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 13, item 1: no stored date is infinite, BC or absurd (SQL/migrations/0002_finite_dates.sql), refused with a clear
/// error through libpq and the real binary; and a poison row planted behind the constraints'
/// back (dropped by the superuser) is left out and counted by the sweep, serve, the agenda,
/// action lists, plan show and the summary, which keep working for everyone else.
@Suite("Poison dates (the real binary and a staff login)")
struct PoisonDateTests {
    let fx: PlanFixture

    init() throws {
        fx = try PlanFixture("poison")
    }

    func staffConnection(_ login: String) throws -> PostgresConnection {
        try PostgresConnection(fx.location.asUser(login).configuration)
    }

    func violation(_ db: PostgresConnection, _ sql: PostgresQuery) -> (state: String?, constraint: String?) {
        do {
            try db.execute(sql)
            return (nil, nil)
        } catch let error as PostgresError {
            return (error.sqlState, error.constraintName)
        } catch {
            return ("other", nil)
        }
    }

    @Test func aStaffLoginCannotStoreAnInfiniteBCOrFutureDate() throws {
        let db = try staffConnection(fx.spoc)
        defer { db.close() }
        let person: Int64 = try db.consulting(Consultation(purpose: "poison date test", scope: "test")) {
            try db.query("SELECT id FROM disrupt.person WHERE person_ref = \(fx.personRef)")[0].decode("id")
        }
        for (index, bad) in ["infinity", "-infinity", "0044-03-15 BC", "1899-12-31", "2999-01-01"].enumerated() {
            let marker = violation(db, "INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES (\("PM-\(index)"), \(person), 'weapons', \(bad)::date, 'police')")
            #expect(marker.state == "23514" && marker.constraint == "marker_recorded_on_range", "\(bad): \(marker)")
            let incident = violation(db, "INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, agency) VALUES (\("PI-\(index)"), \(person), \(bad)::date, 'police')")
            #expect(incident.state == "23514" && incident.constraint == "incident_occurred_on_range", "\(bad): \(incident)")
            let link = violation(db, """
                INSERT INTO disrupt.forum_link (source_ref, person_id, forum, starts_on, next_review_on, agency)
                VALUES (\("PL-\(index)"), \(person), 'marac', '2026-01-01', \(bad)::date, 'police')
                """)
            #expect(link.state == "23514" && link.constraint == "forum_link_next_review_on_range", "\(bad): \(link)")
        }
        // a date of birth tomorrow is fine for the time-zone margin; a marker expiring in 20 years too
        try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, expires_on, agency) VALUES ('PM-ok', \(person), 'weapons', current_date, current_date + 7300, 'police')")
        // the plan functions say what is wrong in words (DR422), even for infinity
        let plan = try fx.openPlan()
        for bad in ["infinity", "-infinity", "0044-03-15 BC", "2040-01-01", "2015-01-01"] {
            #expect(violation(db, "SELECT disrupt.action_add(\(plan), 'disrupt', 'anpr_flagging', 'police', NULL, \(bad)::date, NULL)").state == "DR422", "\(bad)")
        }
        #expect(try db.asConsulting { try db.query("SELECT count(*)::int AS n FROM disrupt.action")[0].decode("n", as: Int.self) } == 0)
    }

    @Test func theBinaryRefusesOutOfRangeDatesWithAClearError() throws {
        let old = try fx.run(["marker", "add", fx.personRef, "--kind", "weapons", "--on", "1850-01-01"], as: fx.spoc)
        #expect(old.status == 1, "\(old.stderr)")
        #expect(old.stderr.contains("marker_recorded_on_range"), "\(old.stderr)")
        let plan = try fx.openPlan()
        let far = try fx.run(["action", "add", "\(plan)", "--heading", "disrupt", "--tactic", "anpr_flagging", "--agency", "police", "--due", "2099-01-01"], as: fx.spoc)
        #expect(far.status == 1, "\(far.stderr)")
        #expect(far.stderr.contains("due date 2099-01-01 is out of range"), "\(far.stderr)")
    }

    @Test func aPlantedPoisonRowIsLeftOutAndEveryoneElseIsServed() throws {
        let su = try fx.superuser()
        defer { su.close() }
        // person 1: a healthy plan with an overdue action
        let plan = try fx.openPlan()
        let good = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: "2030-01-10")["action_id"] as! Int
        // person 2: the poison, planted by the superuser once the constraint is gone
        try su.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES ('P-POISON', 'Poison', 'police')")
        let poisonPlan = try fx.json(["plan", "open", "P-POISON", "--spoc", fx.spoc], as: fx.spoc)["plan_id"] as! Int
        try su.execute("ALTER TABLE disrupt.action DROP CONSTRAINT action_due_on_range")
        try su.execute("ALTER TABLE disrupt.breach DROP CONSTRAINT breach_reported_on_range")
        for bad in ["-infinity", "infinity", "0044-03-15 BC"] {
            try su.execute("""
                INSERT INTO disrupt.action (plan_id, heading, tactic, agency, due_on, created_by, updated_by)
                VALUES (\(poisonPlan), 'disrupt', 'anpr_flagging', 'police', \(bad)::date, 'test', 'test')
                """)
        }
        try su.execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, reported_on, agency)
            SELECT 'B-POISON', id, DATE '2026-11-20', 'infinity', 'police' FROM disrupt.person WHERE person_ref = 'P-POISON'
            """)

        let sweep = try fx.json(["remind", "--as-of", "2030-02-01"], as: nil)
        #expect(((sweep["created"] as? [String: Int])?["overdue"] ?? 0) >= 1, "\(sweep)")
        #expect(sweep["left_out"] as? Int == 3, "\(sweep)")
        #expect(try su.query("SELECT count(*)::int AS n FROM disrupt.reminder WHERE subject_id = \(good) AND kind = 'overdue'")[0].decode("n", as: Int.self) >= 1)

        let serve = try fx.run(["serve", "--once"], as: nil)
        #expect(serve.status == 0, "\(serve.stderr)")
        #expect((serve.stdout + serve.stderr).contains("left_out=3"), "\(serve.stdout) \(serve.stderr)")

        let agenda = try fx.run(["agenda", "--meeting", "2030-02-01", "--format", "json"], as: fx.chair)
        #expect(agenda.status == 0, "\(agenda.stderr)")
        let people = (try DisruptBinary.json(agenda) as? [String: Any])?["people"] as? [[String: Any]] ?? []
        #expect(Set(people.compactMap { $0["person_ref"] as? String }) == [fx.personRef, "P-POISON"])
        #expect(agenda.stderr.contains("left out"), "\(agenda.stderr)")

        let overdue = try fx.run(["action", "list", "--overdue", "--as-of", "2030-02-01", "--format", "json"], as: fx.chair)
        #expect(overdue.status == 0, "\(overdue.stderr)")
        #expect((try DisruptBinary.json(overdue) as? [[String: Any]])?.compactMap { $0["action_id"] as? Int } == [good])
        #expect(overdue.stderr.contains("left out 2 action row(s)"), "\(overdue.stderr)")

        let show = try fx.run(["plan", "show", "P-POISON", "--as-of", "2030-02-01"], as: fx.spoc)
        #expect(show.status == 0, "\(show.stderr)")
        let summary = try fx.run(["summary", "P-POISON", "--purpose", "poison test", "--as-of", "2026-12-01"], as: fx.spoc)
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stderr.contains("left out"), "\(summary.stderr)")
        #expect(!summary.stderr.contains("infinity"), "\(summary.stderr)")
        let healthy = try fx.run(["summary", fx.personRef, "--purpose", "poison test", "--as-of", "2026-12-01"], as: fx.spoc)
        #expect(healthy.status == 0 && healthy.stderr.isEmpty, "\(healthy.stderr)")
    }
}

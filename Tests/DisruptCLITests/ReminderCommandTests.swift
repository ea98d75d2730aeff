import DisruptCore
import DisruptStore
import DisruptTestSupport
import Dispatch
import Foundation
import Testing

@Suite("disrupt remind / inbox / agenda (the real binary)")
struct ReminderCommandTests {
    let fx: PlanFixture
    let due = Day(iso: "2030-01-20")!

    init() throws {
        fx = try PlanFixture("remind")
    }

    /// One sweep as the install administrator; the created counts by kind.
    private func sweep(_ day: Day) throws -> [String: Int] {
        let result = try fx.json(["remind", "--as-of", day.iso], as: nil)
        return result["created"] as? [String: Int] ?? [:]
    }

    private func reminderCount(_ kind: String) throws -> Int {
        try fx.superuser().query("SELECT count(*)::int AS n FROM disrupt.reminder WHERE kind = \(kind)")[0].decode("n")
    }

    @Test func dueSoonOverdueAndEscalationFireOnTheirDaysAndOnce() throws {
        let plan = try fx.openPlan()
        _ = try fx.addAction(plan: plan, tactic: "mappa_referral", heading: "manage", agency: "probation", owner: fx.probation, due: due.iso)

        #expect(try sweep(due.adding(days: -4))["due_soon"] == 0)
        #expect(try sweep(due.adding(days: -3))["due_soon"] == 1)
        #expect(try sweep(due.adding(days: -3)) == Dictionary(uniqueKeysWithValues: ReminderKind.all.map { ($0, 0) }))
        #expect(try sweep(due)["due_soon"] == 0)
        #expect(try sweep(due)["overdue"] == 0)
        #expect(try sweep(due.adding(days: 1))["overdue"] == 2)
        #expect(try sweep(due.adding(days: 6))["escalation"] == 0)
        #expect(try sweep(due.adding(days: 7))["escalation"] == 2)
        #expect(try sweep(due.adding(days: 8)).values.reduce(0, +) == 0)

        let rows = try fx.superuser().query("SELECT kind, recipient_login FROM disrupt.reminder ORDER BY kind, recipient_login")
        let pairs = try rows.map { "\(try $0.decode("kind", as: String.self)):\(try $0.decode("recipient_login", as: String.self))" }
        #expect(pairs == ["due_soon:\(fx.probation)",
                          "escalation:\(fx.chair)", "escalation:\(fx.spoc)",
                          "overdue:\(fx.probation)", "overdue:\(fx.spoc)"].sorted())

        let text = try fx.run(["remind", "--as-of", due.adding(days: 9).iso], as: nil)
        #expect(text.stdout.contains("0 reminder(s) created"))
        let staff = try fx.run(["remind"], as: fx.spoc)
        #expect(staff.status == 4)
    }

    @Test func twoConcurrentSweepsCreateEachReminderOnce() throws {
        let plan = try fx.openPlan()
        let db = try fx.superuser()
        try db.execute("""
            INSERT INTO disrupt.action (plan_id, heading, tactic, agency, due_on, created_by, updated_by)
            SELECT \(plan), 'disrupt', 'anpr_flagging', 'police', \(due)::date - (g % 3), 'test', 'test' FROM generate_series(1, 300) g
            """)
        let url = fx.url(as: nil)
        let asOf = due.adding(days: 7).iso
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            results.append(try? DisruptBinary.run(["remind", "--as-of", asOf, "--format", "json"], databaseURL: url))
        }
        let runs = results.all
        #expect(runs.count == 2 && runs.allSatisfy { $0?.status == 0 }, "\(runs.map { $0?.stderr ?? "no run" })")
        let totals = try runs.compactMap { $0 }.map { (try DisruptBinary.json($0) as? [String: Any])?["total"] as? Int ?? -1 }
        // 300 overdue (no owner: the SPOC only) + 300 x (SPOC + chair) escalations
        #expect(totals.reduce(0, +) == 900)
        #expect(try reminderCount("overdue") == 300)
        #expect(try reminderCount("escalation") == 600)
        let duplicates = try db.query("""
            SELECT count(*)::int AS n FROM (SELECT 1 FROM disrupt.reminder
             GROUP BY kind, subject_table, subject_id, due_on, recipient_login HAVING count(*) > 1) d
            """)[0].decode("n", as: Int.self)
        #expect(duplicates == 0)
    }

    @Test func inboxShowsOwnRemindersAndAckHidesThem() throws {
        let plan = try fx.openPlan()
        _ = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: due.iso)
        _ = try sweep(due.adding(days: 1))
        let result = try fx.run(["inbox", "--format", "json"], as: fx.spoc)
        let items = try DisruptBinary.json(result) as? [[String: Any]] ?? []
        #expect(items.count == 1)
        #expect(items.first?["kind"] as? String == "overdue")
        #expect(items.first?["person_ref"] as? String == fx.personRef)
        let id = items.first?["reminder_id"] as? Int ?? 0

        let others = try DisruptBinary.json(try fx.run(["inbox", "--format", "json"], as: fx.probation)) as? [Any]
        #expect(others?.isEmpty == true)
        let notYours = try fx.run(["inbox", "ack", "\(id)"], as: fx.probation)
        #expect(notYours.status == 3)

        let ack = try fx.run(["inbox", "ack", "\(id)"], as: fx.spoc)
        #expect(ack.stdout.contains("Reminder \(id) acknowledged."))
        let again = try fx.run(["inbox", "ack", "\(id)"], as: fx.spoc)
        #expect(again.stdout.contains("already acknowledged"))
        #expect((try DisruptBinary.json(try fx.run(["inbox", "--format", "json"], as: fx.spoc)) as? [Any])?.isEmpty == true)
        #expect((try DisruptBinary.json(try fx.run(["inbox", "--all", "--format", "json"], as: fx.spoc)) as? [Any])?.count == 1)
    }

    @Test func agendaListsPlansBreachesAndOutstandingActionsOverdueFirst() throws {
        // a breach cannot be dated in the future (SQL/migrations/0002_finite_dates.sql): the meeting is today
        let meeting = Day.today()
        let plan = try fx.openPlan()
        let overdue = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: meeting.adding(days: -5).iso)
        _ = try fx.addAction(plan: plan, tactic: "mappa_referral", heading: "manage", agency: "probation", due: meeting.adding(days: 26).iso)
        try fx.superuser().execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, agency)
            SELECT 'B-agenda', id, \(meeting.adding(days: -2))::date, 'police' FROM disrupt.person WHERE person_ref = \(fx.personRef)
            """)
        let agenda = try fx.json(["agenda", "--meeting", meeting.iso, "--previous", meeting.adding(days: -28).iso], as: fx.chair)
        let people = agenda["people"] as? [[String: Any]] ?? []
        #expect(people.count == 1)
        #expect(people.first?["person_ref"] as? String == fx.personRef)
        #expect((people.first?["breaches"] as? [[String: Any]])?.first?["occurred_on"] as? String == meeting.adding(days: -2).iso)
        let outstanding = people.first?["outstanding"] as? [[String: Any]] ?? []
        #expect(outstanding.map { $0["agency"] as? String } == ["police", "probation"])
        #expect((outstanding.first?["actions"] as? [[String: Any]])?.first?["id"] as? Int == overdue["action_id"] as? Int)
        let markdown = try fx.run(["agenda", "--meeting", meeting.iso, "--format", "markdown"], as: fx.chair)
        #expect(markdown.stdout.hasPrefix("# Agenda for \(meeting.iso)"))
        #expect(markdown.stdout.contains("OVERDUE 5d"))

        // a restricted person of another agency, with an open plan: absent from probation's agenda
        try fx.superuser().execute("UPDATE disrupt.person SET sensitivity = 'restricted' WHERE person_ref = \(fx.personRef)")
        let probation = try fx.json(["agenda", "--meeting", meeting.iso, "--previous", meeting.adding(days: -28).iso], as: fx.probation)
        #expect((probation["people"] as? [[String: Any]] ?? []).isEmpty, "\(probation)")
        let text = try fx.run(["agenda", "--meeting", meeting.iso], as: fx.probation)
        #expect(!text.stdout.contains(fx.spoc) && !text.stdout.contains("anpr_flagging"), "\(text.stdout)")
    }
}

/// Collects results from concurrent runs.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [DisruptBinary.Result?] = []
    func append(_ value: DisruptBinary.Result?) { lock.withLock { values.append(value) } }
    var all: [DisruptBinary.Result?] { lock.withLock { values } }
}

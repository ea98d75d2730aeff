import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// A sweep later the same day reads only the actions, plans, links and orders written since the
/// last one (migration 0021, reminder_sweep's "Changed rows"); the day's first sweep, or one after a
/// staff or person change, reads the whole backlog. Whichever it reads, it makes the reminders a
/// sweep of everything would make.
@Suite("disrupt remind: a later sweep the same day reads what changed (the real binary)")
struct ReminderChangeSweepTests {
    let fx: PlanFixture
    /// The day every sweep below is of (a later one says so).
    let day = Day.today().adding(days: 60)

    init() throws {
        fx = try PlanFixture("sweepchange")
    }

    /// One sweep as the install administrator: the kinds it made reminders of, with how many.
    private func sweep(_ on: Day) throws -> [String: Int] {
        let created = try fx.json(["remind", "--as-of", on.iso], as: nil)["created"] as? [String: Int] ?? [:]
        return created.filter { $0.value > 0 }
    }

    /// "kind recipient" of each reminder about `table` row `id`, sorted.
    private func reminders(_ table: String, _ id: Int64) throws -> [String] {
        try fx.superuser().query("""
            SELECT kind || ' ' || recipient_login AS line FROM disrupt.reminder
             WHERE subject_table = \(table) AND subject_id = \(id) ORDER BY 1
            """).map { try $0.decode("line", as: String.self) }
    }

    @Test func aSweepLaterTheSameDayRemindsWhomAChangeMadeDueAndAWholeSweepFindsNothingMore() throws {
        let db = try fx.superuser()
        defer { db.close() }
        let token = UUID().uuidString.prefix(6).lowercased()
        let probation2 = "prob2_\(token)", spoc2 = "spoc2_\(token)"
        try db.execute("SELECT disrupt.staff_add(\(probation2), 'Pia Probation', 'probation', 'rep')")
        try db.execute("SELECT disrupt.staff_add(\(spoc2), 'Sol Spoc', 'police', 'spoc')")
        let plan = try fx.openPlan()
        let action = try fx.addAction(
            plan: plan, tactic: "mappa_referral", heading: "manage", agency: "probation", owner: fx.probation,
            due: day.adding(days: -40).iso)
        let actionID = Int64(action["id"] as? Int ?? action["action_id"] as! Int)

        // the day's first sweep reads the backlog: the action is overdue and escalated
        #expect(try sweep(day) == ["overdue": 2, "escalation": 2])
        #expect(try reminders("action", actionID) == [
            "escalation \(fx.chair)", "escalation \(fx.spoc)", "overdue \(fx.probation)", "overdue \(fx.spoc)"])
        #expect(try sweep(day) == [:])

        // a new owner of the overdue action hears of it at the next sweep, the same day
        let reassigned = try fx.run(
            ["action", "reassign", "\(actionID)", "--agency", "probation", "--owner", probation2, "--reason", "covering leave"],
            as: fx.spoc)
        #expect(reassigned.status == 0, "\(reassigned.stderr)")
        #expect(try sweep(day) == ["overdue": 1])
        #expect(try reminders("action", actionID).contains("overdue \(probation2)"))

        // an action added today, due in two days, is due soon
        let soon = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", agency: "police", owner: fx.spoc,
                                    due: day.adding(days: 2).iso)
        #expect(try sweep(day) == ["due_soon": 1])
        #expect(try reminders("action", Int64(soon["id"] as? Int ?? soon["action_id"] as! Int)) == ["due_soon \(fx.spoc)"])

        // a link written today with a review long passed is overdue for review today
        try db.execute("""
            INSERT INTO disrupt.forum_link (source_ref, person_id, forum, status, lead_agency, starts_on, next_review_on, agency)
            SELECT 'L-LATE', p.id, 'iom', 'active', 'police', \(Day.today().adding(days: -100))::date,
                   \(day.adding(days: -30))::date, 'police'
              FROM disrupt.person p WHERE p.person_ref = \(fx.personRef)
            """)
        let linkID: Int64 = try db.query("SELECT id FROM disrupt.forum_link WHERE source_ref = 'L-LATE'")[0].decode("id")
        let linkSweep = try sweep(day)
        #expect(Set(linkSweep.keys) == ["link_review_overdue"] && linkSweep["link_review_overdue", default: 0] > 0, "\(linkSweep)")
        #expect(try reminders("forum_link", linkID).allSatisfy { $0.hasPrefix("link_review_overdue ") })

        // a new SPOC of the plan hears of its overdue action and of its review passed
        let updated = try fx.run(["plan", "update", "\(plan)", "--spoc", spoc2], as: fx.spoc)
        #expect(updated.status == 0, "\(updated.stderr)")
        try db.execute("UPDATE disrupt.plan SET review_on = \(day.adding(days: -10))::date WHERE id = \(plan)")
        #expect(try sweep(day) == ["overdue": 1, "escalation": 1, "plan_review": 1])
        #expect(try reminders("action", actionID).filter { $0.hasSuffix(" \(spoc2)") } == ["escalation \(spoc2)", "overdue \(spoc2)"])
        #expect(try reminders("plan", Int64(plan)) == ["plan_review \(spoc2)"])

        // a staff change makes the next sweep read the whole backlog: it finds nothing more
        try db.execute("SELECT disrupt.staff_add(\("rep_\(token)"), 'Rae Rep', 'police', 'rep')")
        #expect(try db.query("SELECT count(*)::int AS n FROM disrupt_private.sweep_change WHERE subject_table = '*'")[0]
            .decode("n", as: Int.self) > 0)
        #expect(try sweep(day) == [:])
        #expect(try db.query("SELECT count(*)::int AS n FROM disrupt_private.sweep_change")[0].decode("n", as: Int.self) == 0)

        // an action written where no change is recorded (triggers off, as a bulk load might) is
        // not read by a sweep soon after, the same day, but by the first sweep 15 minutes after
        // the last whole read (as the sweep interval bounded it before)
        try db.execute("BEGIN")
        try db.execute("SET LOCAL session_replication_role = replica")
        try db.execute("""
            INSERT INTO disrupt.action (plan_id, heading, tactic, agency, owner_login, due_on, status, created_by, updated_by)
            VALUES (\(plan), 'disrupt', 'anpr_flagging', 'police', \(fx.spoc), \(day.adding(days: -3))::date, 'open', 'test', 'test')
            """)
        try db.execute("COMMIT")
        #expect(try sweep(day) == [:])
        try db.execute("UPDATE disrupt_private.sweep_state SET whole_at = now() - interval '15 minutes 1 second'")
        #expect(try sweep(day) == ["overdue": 2])
    }

    /// Orders ending and the catch-up of breaches and incidents read their windows of dates only
    /// when a sweep reads everything (at a million people, most of a sweep that found nothing);
    /// later the same day, a sweep reads the orders written since and the orders and records of
    /// the people whose plans changed. A breach or incident written makes its reminder at once.
    @Test func aSweepLaterTheSameDayRemindsOfAnOrderWrittenOrAPlanOpenedSince() throws {
        let db = try fx.superuser()
        defer { db.close() }
        let today = Day.today()  // a breach cannot be dated later than today, nor caught up on earlier than 30 days before the sweep
        _ = try fx.openPlan()
        _ = try sweep(today)  // the day's first: reads everything (the plan's review, if passed by then)
        #expect(try sweep(today) == [:])
        /// An order of `person` (reference) ending on `ends`; its id.
        func order(_ ref: String, _ person: String, ends: Day) throws -> Int64 {
            try db.query("""
                INSERT INTO disrupt.court_order (source_ref, person_id, order_type, starts_on, ends_on, agency)
                SELECT \(ref), p.id, 'dvpo', \(Day.today())::date, \(ends)::date, 'police'
                  FROM disrupt.person p WHERE p.person_ref = \(person) RETURNING id
                """)[0].decode("id")
        }

        // an order written today, ending in two days, is ending: the SPOC hears of it at once
        let dvpo = try order("O-SOON", fx.personRef, ends: today.adding(days: 2))
        #expect(try sweep(today) == ["order_ending": 1])
        #expect(try reminders("court_order", dvpo) == ["order_ending \(fx.spoc)"])
        // extended by a day: a new end, a new reminder
        try db.execute("UPDATE disrupt.court_order SET ends_on = \(today.adding(days: 3))::date WHERE id = \(dvpo)")
        #expect(try sweep(today) == ["order_ending": 1])

        // an order of a man with no plan is nobody's; a plan opened for him today makes it the SPOC's
        let other = "P-\(UUID().uuidString.prefix(6).lowercased())"
        try db.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\(other), 'Ben', 'Otherperson', 'police')")
        let his = try order("O-HIS", other, ends: today.adding(days: 1))
        #expect(try sweep(today) == [:])
        let opened = try fx.run(["plan", "open", other, "--spoc", fx.spoc], as: fx.spoc)
        #expect(opened.status == 0, "\(opened.stderr)")
        #expect(try sweep(today)["order_ending"] == 1)
        #expect(try reminders("court_order", his) == ["order_ending \(fx.spoc)"])

        // an order and a breach written where no change is recorded (triggers off, as a bulk load
        // might) are read by the first sweep 15 minutes after the last whole read, not before
        try db.execute("BEGIN")
        try db.execute("SET LOCAL session_replication_role = replica")
        let bulk = try order("O-BULK", fx.personRef, ends: today.adding(days: 1))
        try db.execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, agency)
            SELECT 'B-BULK', p.id, \(today.adding(days: -1))::date, 'police' FROM disrupt.person p WHERE p.person_ref = \(fx.personRef)
            """)
        try db.execute("COMMIT")
        #expect(try sweep(today) == [:])
        try db.execute("UPDATE disrupt_private.sweep_state SET whole_at = now() - interval '15 minutes 1 second'")
        #expect(try sweep(today) == ["order_ending": 1, "breach_reported": 1])
        #expect(try reminders("court_order", bulk) == ["order_ending \(fx.spoc)"])
    }

    /// A breach written while its person's plan was being opened made no reminder when written
    /// (its trigger could not see the plan yet), and the sweep the plan woke could not see the
    /// breach: the sweep after the breach's commit reads it by id, the same day (helper-83 found
    /// it waiting for the next whole read). A new SPOC hears of the plan's records the same day.
    @Test func aBreachWrittenWhileHisPlanWasOpeningOrForANewSPOCIsRemindedByTheNextSweep() throws {
        let today = Day.today()
        let opener = try fx.superuser()
        defer { opener.close() }
        let writer = try fx.superuser()
        defer { writer.close() }
        _ = try sweep(today)  // the day's first: reads everything
        #expect(try sweep(today) == [:])
        try opener.execute("BEGIN")
        let plan: Int64 = try opener.query("""
            INSERT INTO disrupt.plan (person_id, spoc_login, status, review_on, opened_by, agency, created_by, updated_by)
            SELECT id, \(fx.spoc), 'open', \(today.adding(days: 60))::date, \(fx.spoc), 'police', \(fx.spoc), \(fx.spoc)
              FROM disrupt.person WHERE person_ref = \(fx.personRef) RETURNING id
            """)[0].decode("id")
        try writer.execute("BEGIN")
        let breach: Int64 = try writer.query("""
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, agency)
            SELECT 'B-RACE', p.id, \(today.adding(days: -1))::date, 'police' FROM disrupt.person p WHERE p.person_ref = \(fx.personRef)
            RETURNING id
            """)[0].decode("id")
        try opener.execute("COMMIT")
        #expect(try sweep(today) == [:])  // woken by the plan: the breach is not committed yet
        try writer.execute("COMMIT")
        /// The breach's reminders (its alerts, another kind, aside).
        func reported() throws -> [String] { try reminders("breach", breach).filter { $0.hasPrefix("breach_reported ") } }
        #expect(try reported() == [])
        #expect(try sweep(today) == ["breach_reported": 1])
        #expect(try reported() == ["breach_reported \(fx.spoc)"])

        // a new SPOC of the plan hears of the breach at the next sweep, the same day
        let spoc2 = "spoc2_\(UUID().uuidString.prefix(6).lowercased())"
        try opener.execute("SELECT disrupt.staff_add(\(spoc2), 'Sol Spoc', 'police', 'spoc')")
        #expect(try sweep(today) == [:])  // a staff change: a whole read, nothing new
        let updated = try fx.run(["plan", "update", "\(plan)", "--spoc", spoc2], as: fx.spoc)
        #expect(updated.status == 0, "\(updated.stderr)")
        #expect(try sweep(today) == ["breach_reported": 1])
        #expect(try Set(reported()) == ["breach_reported \(fx.spoc)", "breach_reported \(spoc2)"])

        // the other order: the breach's transaction began before the plan was opened (a long
        // import, say) and committed after; the breach counts whenever it was begun (helper-84),
        // also when the sweep after the commit reads everything (15 minutes since the last whole
        // read; the first of a day, a staff change): helper-87 found a whole read went by
        // created_at alone
        for wholeRead in [false, true] {
            let other = "P-\(UUID().uuidString.prefix(6).lowercased())"
            try opener.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\(other), 'Ben', 'Otherperson', 'police')")
            try writer.execute("BEGIN")
            let late: Int64 = try writer.query("""
                INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, agency)
                SELECT \("B-LATE-\(wholeRead)"), p.id, \(today.adding(days: -1))::date, 'police' FROM disrupt.person p
                 WHERE p.person_ref = \(other)
                RETURNING id
                """)[0].decode("id")
            _ = try writer.query("SELECT pg_sleep(0.01)")
            let opened = try fx.run(["plan", "open", other, "--spoc", fx.spoc], as: fx.spoc)
            #expect(opened.status == 0, "\(opened.stderr)")
            _ = try sweep(today)  // woken by the plan: the breach is not committed yet
            try writer.execute("COMMIT")
            if wholeRead { try opener.execute("UPDATE disrupt_private.sweep_state SET whole_at = now() - interval '16 minutes'") }
            #expect(try sweep(today) == ["breach_reported": 1], "whole read: \(wholeRead)")
            #expect(try reminders("breach", late).filter { $0.hasPrefix("breach_reported ") } == ["breach_reported \(fx.spoc)"],
                    "whole read: \(wholeRead)")
        }
    }

    /// A sweep with other windows than the last (a coordinator widened "due soon" from 3 days to
    /// 5, say) reads the whole backlog, even later the same day: nothing changed, but more is due.
    @Test func aSweepWithWiderWindowsTheSameDayReadsTheWholeBacklog() throws {
        let db = try fx.superuser()
        defer { db.close() }
        let plan = try fx.openPlan()
        _ = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", agency: "police", owner: fx.spoc,
                             due: day.adding(days: 4).iso)
        func dueSoon(_ days: Int) throws -> Int {
            try db.query("SELECT created::int AS n FROM disrupt.reminder_sweep(\(day), \(days)) WHERE kind = 'due_soon'")[0]
                .decode("n", as: Int.self)
        }
        #expect(try dueSoon(3) == 0)
        #expect(try dueSoon(3) == 0)
        #expect(try dueSoon(5) == 1)
        #expect(try dueSoon(5) == 0)
    }

    /// A statement that writes more rows than a sweep reads by id (a bulk load) is recorded as one
    /// '*', not an id per row: the next sweep reads the whole backlog either way, and a million
    /// ids it deleted unread stayed behind as dead rows that every later sweep scanned until a
    /// vacuum (191.7 ms for a sweep that found nothing due at 1,000,000 people). Rolled back: the
    /// rows counted are this transaction's (xmin).
    @Test func aBulkStatementIsRecordedAsOneWholeReadAndASmallerOneByIds() throws {
        let db = try fx.superuser()
        defer { db.close() }
        let plan = try fx.openPlan()
        let limit: Int = try db.query("SELECT disrupt.sweep_change_limit() AS n")[0].decode("n")
        func recordedHere() throws -> [String] {
            try db.query("""
                SELECT subject_table || ' ' || count(*) AS line FROM disrupt_private.sweep_change
                 WHERE xmin = pg_current_xact_id()::xid GROUP BY subject_table ORDER BY 1
                """).map { try $0.decode("line", as: String.self) }
        }
        func insertActions(_ n: Int) throws {
            try db.execute("""
                INSERT INTO disrupt.action (plan_id, heading, tactic, agency, owner_login, due_on, status, created_by, updated_by)
                SELECT \(plan), 'disrupt', 'disruption_plan', 'police', \(fx.spoc), \(day.adding(days: 900))::date, 'open',
                       \(fx.spoc), \(fx.spoc)
                  FROM generate_series(1, \(n))
                """)
        }
        try db.execute("BEGIN")
        defer { _ = try? db.execute("ROLLBACK") }
        try insertActions(2)
        #expect(try recordedHere() == ["action 2"])
        try insertActions(limit + 1)
        #expect(try recordedHere() == ["* 1", "action 2"])
    }

    /// The changes of one statement are recorded once per row (up to sweep_change_limit(), above),
    /// by the writer, and never by a staff login directly: the table is in the schema no staff
    /// login may use.
    @Test func changesAreRecordedByTheDatabaseAndNoStaffLoginReadsOrWritesThem() throws {
        let db = try fx.superuser()
        defer { db.close() }
        let plan = try fx.openPlan()
        _ = try fx.addAction(plan: plan, tactic: "mappa_referral", heading: "manage", agency: "probation", owner: fx.probation,
                             due: day.iso)
        let recorded = try db.query("""
            SELECT subject_table || ' ' || count(*) AS line FROM disrupt_private.sweep_change GROUP BY subject_table ORDER BY 1
            """).map { try $0.decode("line", as: String.self) }
        #expect(recorded.contains("action 1") && recorded.contains { $0.hasPrefix("* ") }, "\(recorded)")
        let staff = try PostgresConnection(PostgresConfiguration(connectionString: fx.url(as: fx.spoc)))
        defer { staff.close() }
        try Consultation(purpose: "sweep change attack test", scope: "test").open(on: staff)
        for probe in ["SELECT * FROM disrupt_private.sweep_change", "SELECT * FROM disrupt_private.sweep_state",
                      "INSERT INTO disrupt_private.sweep_change (subject_table) VALUES ('*')",
                      "DELETE FROM disrupt_private.sweep_change", "UPDATE disrupt_private.sweep_state SET swept_on = NULL",
                      "SELECT disrupt.wake_on_change()"] {
            #expect(sqlState { _ = try staff.query(PostgresQuery(unsafeSQL: probe)) } == "42501", "\(probe)")
        }
    }
}

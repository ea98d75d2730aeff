import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

@Suite("disrupt plan / action (the real binary)")
struct PlanCommandTests {
    let fx: PlanFixture

    init() throws {
        fx = try PlanFixture("plans")
    }

    @Test func oneOpenPlanPerPersonAndTheSpocMustBeASpoc() throws {
        let plan = try fx.json(["plan", "open", fx.personRef, "--spoc", fx.spoc, "--review-on", "2030-01-15"], as: fx.spoc)
        #expect(plan["status"] as? String == "open")
        #expect(plan["spoc_login"] as? String == fx.spoc)
        #expect(plan["agency"] as? String == "police")
        #expect(plan["review_on"] as? String == "2030-01-15")
        #expect(plan["version"] as? Int == 1)

        let again = try fx.run(["plan", "open", fx.personRef, "--spoc", fx.spoc], as: fx.spoc)
        #expect(again.status == 5)
        #expect(again.stderr.contains("already has open plan \(plan["plan_id"] as! Int)"))

        let noSpoc = try fx.run(["plan", "open", fx.personRef], as: fx.spoc)
        #expect(noSpoc.status == 2)
        #expect(noSpoc.stderr.contains("--spoc"))

        let db = try fx.superuser()
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES ('P-other', 'Other', 'police')")
        let idvaAsSpoc = try fx.run(["plan", "open", "P-other", "--spoc", fx.idva], as: fx.spoc)
        #expect(idvaAsSpoc.status == 1)
        #expect(idvaAsSpoc.stderr.contains("has role idva; needs spoc"))
        let count = try db.query("SELECT count(*)::int AS n FROM disrupt.plan")[0].decode("n", as: Int.self)
        #expect(count == 1)
    }

    @Test func staleUpdateIsRefusedWithExit5AndTheCurrentStatePrinted() throws {
        let plan = try fx.openPlan()
        let first = try fx.json(["plan", "update", "\(plan)", "--version", "1", "--review-on", "2030-02-01"], as: fx.spoc)
        #expect(first["version"] as? Int == 2)
        let stale = try fx.run(["plan", "update", "\(plan)", "--version", "1", "--review-on", "2030-03-01"], as: fx.chair)
        #expect(stale.status == 5)
        #expect(stale.stderr.contains("you had version 1, it is now version 2"))
        #expect(stale.stderr.contains("Current state:"))
        #expect(stale.stderr.contains("version: 2"))
        #expect(stale.stderr.contains("review on: 2030-02-01"))
        #expect(stale.stderr.contains("--version 2"))
        #expect(!stale.stderr.contains("{\""))
        let shown = try fx.json(["plan", "show", "\(plan)"], as: fx.chair)
        #expect((shown["plan"] as? [String: Any])?["review_on"] as? String == "2030-02-01")

        let action = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: "2030-01-10")
        let id = action["action_id"] as! Int
        _ = try fx.json(["action", "extend", "\(id)", "--version", "1", "--due", "2030-01-20", "--reason", "Court moved"], as: fx.spoc)
        let staleAction = try fx.run(["action", "start", "\(id)", "--version", "1"], as: fx.spoc)
        #expect(staleAction.status == 5)
        #expect(staleAction.stderr.contains("due on: 2030-01-20"))
        #expect(staleAction.stderr.contains("status: open"))
    }

    @Test func unknownTacticIsRefusedWithCloseMatches() throws {
        let plan = try fx.openPlan()
        let result = try fx.run(["action", "add", "\(plan)", "--heading", "prosecute", "--tactic", "arest_charge",
                                 "--agency", "police", "--due", "2030-01-10"], as: fx.spoc)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Did you mean: arrest_charge"))
        #expect(result.stderr.contains("disrupt tactics"))
        let tactics = try DisruptBinary.json(try fx.run(["tactics", "--heading", "divert", "--format", "json"], as: nil)) as? [[String: Any]]
        #expect(tactics?.allSatisfy { $0["heading"] as? String == "divert" } == true)
        #expect(tactics?.contains { $0["code"] as? String == "perpetrator_programme" && $0["needs_safety_check"] as? Bool == true } == true)
    }

    @Test func anUnsafeActionStartsOnlyAfterTheIdvaCheck() throws {
        let plan = try fx.openPlan()
        let action = try fx.addAction(plan: plan, tactic: "arrest_charge", heading: "prosecute", owner: fx.spoc, due: "2030-01-10")
        let id = action["action_id"] as! Int
        #expect(action["needs_safety_check"] as? Bool == true)

        let refused = try fx.run(["action", "start", "\(id)", "--version", "1"], as: fx.spoc)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("an Idva must confirm this action is safe for the victim and children"))

        let checked = try fx.json(["action", "safety-check", "\(id)", "--version", "1", "--by", fx.idva], as: fx.idva)
        #expect(checked["safety_checked_by"] as? String == fx.idva)
        #expect(checked["version"] as? Int == 2)
        let started = try fx.json(["action", "start", "\(id)", "--version", "2"], as: fx.spoc)
        #expect(started["status"] as? String == "in_progress")

        let noOutcome = try fx.run(["action", "done", "\(id)", "--version", "3"], as: fx.spoc)
        #expect(noOutcome.status == 2)
        #expect(noOutcome.stderr.contains("Missing expected option '--outcome"))
        let blank = try fx.run(["action", "done", "\(id)", "--version", "3", "--outcome", "  "], as: fx.spoc)
        #expect(blank.status == 2)
        let done = try fx.json(["action", "done", "\(id)", "--version", "3", "--outcome", "Charged"], as: fx.spoc)
        #expect(done["status"] as? String == "done")
        #expect(done["outcome"] as? String == "Charged")

        let shown = try fx.json(["action", "show", "\(id)"], as: fx.probation)
        let history = shown["history"] as? [[String: Any]] ?? []
        #expect(history.map { $0["change"] as? String } == ["created", "safety_check", "start", "done"])
        #expect(history.map { $0["login"] as? String } == [fx.spoc, fx.idva, fx.spoc, fx.spoc])
        #expect(history[2]["from_status"] as? String == "open" && history[2]["to_status"] as? String == "in_progress")
        #expect((shown["action"] as? [String: Any])?["history_count"] as? Int == 4)
        let text = try fx.run(["action", "show", "\(id)"], as: fx.probation)
        #expect(text.stdout.contains("checked by Idva \(fx.idva)"))
    }

    @Test func actionListShowsEveryAgencyOverdueFirst() throws {
        let plan = try fx.openPlan()
        let later = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: "2030-03-01")
        let overdue = try fx.addAction(plan: plan, tactic: "address_flagging", heading: "disrupt", due: "2030-01-01")
        let probationAction = try fx.addAction(plan: plan, tactic: "mappa_referral", heading: "manage", agency: "probation",
                                               owner: fx.probation, due: "2030-02-01")
        let result = try fx.run(["action", "list", "--as-of", "2030-01-05", "--format", "json"], as: fx.probation)
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try DisruptBinary.json(result) as? [[String: Any]] ?? []
        #expect(rows.map { $0["action_id"] as? Int } == [overdue, probationAction, later].map { $0["action_id"] as? Int })
        #expect(rows[0]["overdue"] as? Bool == true && rows[0]["days_overdue"] as? Int == 4)
        #expect(rows.filter { $0["agency"] as? String == "police" }.count == 2)

        let mine = try DisruptBinary.json(try fx.run(["action", "list", "--owner", fx.probation, "--format", "json"], as: fx.probation)) as? [[String: Any]]
        #expect(mine?.count == 1)
        let overdueOnly = try DisruptBinary.json(try fx.run(["action", "list", "--overdue", "--as-of", "2030-01-05", "--format", "json"], as: fx.chair)) as? [[String: Any]]
        #expect(overdueOnly?.count == 1)
        let soon = try DisruptBinary.json(try fx.run(["action", "list", "--due-within", "30", "--as-of", "2030-01-05", "--format", "json"], as: fx.chair)) as? [[String: Any]]
        #expect(soon?.count == 2)

        let show = try fx.run(["plan", "show", fx.personRef, "--as-of", "2030-01-05"], as: fx.probation)
        #expect(show.status == 0)
        #expect(show.stdout.contains("OVERDUE 4d"))
        #expect(show.stdout.contains("PROSECUTE: no actions"))
        #expect(show.stdout.contains("mappa_referral"))
    }

    @Test func reassignAndCloseKeepHistory() throws {
        let plan = try fx.openPlan()
        let action = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: "2030-01-10")
        let id = action["action_id"] as! Int
        let moved = try fx.json(["action", "reassign", "\(id)", "--version", "1", "--agency", "probation", "--owner", fx.probation,
                                 "--reason", "On licence now"], as: fx.spoc)
        #expect(moved["agency"] as? String == "probation")
        #expect(moved["owner_login"] as? String == fx.probation)
        let wrongOwner = try fx.run(["action", "reassign", "\(id)", "--version", "2", "--agency", "police", "--owner", fx.probation,
                                     "--reason", "x"], as: fx.spoc)
        #expect(wrongOwner.status == 1)
        #expect(wrongOwner.stderr.contains("works for probation, not police"))

        let closed = try fx.json(["plan", "close", "\(plan)", "--version", "1", "--reason", "Sentenced"], as: fx.spoc)
        #expect(closed["status"] as? String == "closed")
        let after = try fx.json(["action", "show", "\(id)"], as: fx.spoc)
        #expect((after["action"] as? [String: Any])?["status"] as? String == "cancelled")
        #expect((after["history"] as? [[String: Any]])?.last?["reason"] as? String == "plan closed: Sentenced")
        let open = try DisruptBinary.json(try fx.run(["plan", "list", "--format", "json"], as: fx.spoc)) as? [Any]
        #expect(open?.isEmpty == true)
        let all = try DisruptBinary.json(try fx.run(["plan", "list", "--status", "all", "--format", "json"], as: fx.spoc)) as? [Any]
        #expect(all?.count == 1)
    }
}

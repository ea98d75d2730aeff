import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 11 item 3: an action's moves have one definition, `ActionStatus` in DisruptCore; the
/// database's `action_transition` enforces it. Every (from, to) pair, with and without the Idva
/// check and with and without a reason or outcome, is tried as the SPOC's own login, and the
/// database allows exactly what `ActionStatus.refusal` allows.
@Suite("Action moves: the database agrees with DisruptCore")
struct ActionTransitionAgreementTests {
    @Test func everyMoveIsAllowedExactlyWhenCoreAllowsIt() throws {
        let fx = try PlanFixture("transitions")
        let plan = try fx.openPlan()
        let admin = try fx.superuser()
        defer { admin.close() }
        let spoc = try PostgresConnection(PostgresConfiguration(connectionString: fx.url(as: fx.spoc)))
        defer { spoc.close() }
        let action: Int = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: Day.today().adding(days: 30).iso)["action_id"] as! Int
        var checked = 0, allowed = 0
        for from in ActionStatus.allCases {
            for to in ActionStatus.allCases where to != .open {
                for safetyChecked in [false, true] {
                    for text in [nil, "agreed at Marac"] as [String?] {
                        // Put the action in `from` behind the function's back (the superuser), as the test's
                        // starting state; the table's own checks refuse states that cannot exist (started
                        // without the check), which are skipped.
                        if (from == .inProgress || from == .done) && !safetyChecked { continue }
                        try admin.execute("""
                            UPDATE disrupt.action SET status = \(from.rawValue), needs_safety_check = true,
                                   outcome = \(from == .done ? "done" : nil),
                                   safety_checked_by = \(safetyChecked ? fx.idva : nil), safety_checked_at = \(safetyChecked ? "2026-01-01T00:00:00Z" : nil),
                                   safety_check_recorded_by = \(safetyChecked ? fx.idva : nil), safety_check_via = \(safetyChecked ? "idva" : nil)
                             WHERE id = \(action)
                            """)
                        let version: Int = try admin.query("SELECT version FROM disrupt.action WHERE id = \(action)")[0].decode("version")
                        let core = from.refusal(to: to, needsSafetyCheck: true, safetyChecked: safetyChecked, text: text)
                        let database: String?
                        do {
                            try spoc.execute("BEGIN")
                            _ = try spoc.query("SELECT disrupt.action_transition(\(action), \(version), \(to.rawValue), \(text)) AS v")
                            database = nil
                        } catch let error as PostgresError {
                            database = error.message
                        }
                        try spoc.execute("ROLLBACK")
                        #expect((core == nil) == (database == nil),
                                "\(from.rawValue) -> \(to.rawValue), checked \(safetyChecked), text \(text ?? "none"): Core \(core ?? "allows"), database \(database ?? "allows")")
                        checked += 1
                        if database == nil { allowed += 1 }
                    }
                }
            }
        }
        // 5 statuses x 4 targets x 2 checks x 2 texts, less the 2 x 4 x 2 states that cannot exist
        #expect(checked == 5 * 4 * 2 * 2 - 2 * 4 * 2)
        #expect(allowed > 0 && allowed < checked, "both allowed and refused moves were tried")
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

/// The catalogue and the Idva safety gate through the real binary: who may record a check, the
/// chair's form at the meeting, and an administrator's `tactics import`.
@Suite("disrupt action safety-check / tactics import (the real binary)")
struct SafetyGateCommandTests {
    let fx: PlanFixture

    init() throws {
        fx = try PlanFixture("safetygate")
    }

    @Test func anIdvaRecordsHerOwnAndAChairRecordsTheIdvasAgreementAtTheMeeting() throws {
        let plan = try fx.openPlan()
        let first = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: "2030-01-10")["action_id"] as! Int
        let second = try fx.addAction(plan: plan, tactic: "uniform_patrols", heading: "disrupt", due: "2030-01-10")["action_id"] as! Int

        // the SPOC (the action's agency) cannot put the Idva's name to it, at the meeting or not
        let spoc = try fx.run(["action", "safety-check", "\(first)", "--version", "1", "--by", fx.idva], as: fx.spoc)
        #expect(spoc.status == 4)
        #expect(spoc.stderr.contains("an Idva records her own agreement"))
        #expect(try fx.run(["action", "safety-check", "\(first)", "--version", "1", "--by", fx.idva, "--at-meeting"], as: fx.spoc).status == 4)
        let noIdva = try fx.run(["action", "safety-check", "\(first)", "--version", "1", "--at-meeting"], as: fx.chair)
        #expect(noIdva.status == 2)
        #expect(noIdva.stderr.contains("--at-meeting needs --by"))

        let own = try fx.json(["action", "safety-check", "\(first)", "--version", "1"], as: fx.idva)
        #expect(own["safety_checked_by"] as? String == fx.idva)
        #expect(own["safety_check_recorded_by"] as? String == fx.idva)
        #expect(own["safety_check_via"] as? String == "idva")

        let atMeeting = try fx.json(["action", "safety-check", "\(second)", "--version", "1", "--by", fx.idva, "--at-meeting"], as: fx.chair)
        #expect(atMeeting["safety_checked_by"] as? String == fx.idva)
        #expect(atMeeting["safety_check_recorded_by"] as? String == fx.chair)
        #expect(atMeeting["safety_check_via"] as? String == "meeting")
        let shown = try fx.run(["action", "show", "\(second)"], as: fx.probation)
        #expect(shown.stdout.contains("checked by Idva \(fx.idva) at the meeting (recorded by chair \(fx.chair))"))
        let history = (try fx.json(["action", "show", "\(second)"], as: fx.probation)["history"] as? [[String: Any]]) ?? []
        #expect(history.last?["login"] as? String == fx.chair && history.last?["to_value"] as? String == fx.idva)
        #expect(try fx.json(["action", "start", "\(second)", "--version", "2"], as: fx.spoc)["status"] as? String == "in_progress")

        let help = try fx.run(["action", "safety-check", "--help"], as: nil)
        #expect(help.stdout.contains("--at-meeting"))
        #expect(help.stdout.contains("--by idva_patel --at-meeting"))
    }

    @Test func anAdministratorImportsTheCatalogueAndTheDatabaseFollowsIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tactics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // the shipped catalogue with inform_gp exempted and camhs_offer left out
        let shipped = try #require(Resources.text("Config/tactics.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: Data(shipped.utf8)) as? [String: Any])
        var tactics = try #require(object["tactics"] as? [[String: Any]])
        tactics.removeAll { $0["code"] as? String == "camhs_offer" }
        let gp = try #require(tactics.firstIndex { $0["code"] as? String == "inform_gp" })
        tactics[gp]["safety_check_exempt_reason"] = "Information to the GP only; agreed by the steering group"
        object["tactics"] = tactics
        let file = directory.appendingPathComponent("tactics.json")
        try JSONSerialization.data(withJSONObject: object).write(to: file)

        let refused = try fx.run(["tactics", "import", file.path], as: fx.chair)
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("only an administrator may change the tactic catalogue"))

        let report = try fx.json(["tactics", "import", file.path], as: nil)
        // inform_gp gained its exemption; engage_persistently (last) moved up into camhs_offer's place
        #expect(report["changed"] as? [String] == ["inform_gp", "engage_persistently"])
        #expect(report["retired"] as? [String] == ["camhs_offer"])
        #expect(report["added"] as? [String] == [])

        let listed = try DisruptBinary.json(try fx.run(["tactics", "--format", "json"], as: fx.probation)) as? [[String: Any]] ?? []
        #expect(listed.first { $0["code"] as? String == "inform_gp" }?["needs_safety_check"] as? Bool == false)
        #expect(!listed.contains { $0["code"] as? String == "camhs_offer" })

        let plan = try fx.openPlan()
        let exempt = try fx.addAction(plan: plan, tactic: "inform_gp", heading: "manage", agency: "health", due: "2030-01-10")
        #expect(exempt["needs_safety_check"] as? Bool == false)
        let retired = try fx.run(["action", "add", "\(plan)", "--tactic", "camhs_offer", "--agency", "camhs", "--due", "2030-01-10"], as: fx.spoc)
        #expect(retired.status == 1)
        #expect(retired.stderr.contains("'camhs_offer' is not a tactic in the catalogue"))

        // joint work is refused before anything changes
        tactics.append(["code": "family_sessions", "label": "Family therapy sessions", "heading": "divert", "agency": "other"])
        object["tactics"] = tactics
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        let joint = try fx.run(["tactics", "import", file.path], as: nil)
        #expect(joint.status == 1)
        #expect(joint.stderr.contains("family therapy"))
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

@Suite("One timestamp rule: JSON in UTC with Z, text in local time (the real binary)")
struct TimestampRuleTests {
    let fx: PlanFixture

    init() throws {
        fx = try PlanFixture("stamps")
    }

    @Test func plansAndActionsWriteUTCInJSONAndLocalTimeInText() throws {
        let plan = try fx.openPlan()
        _ = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: "2030-01-10")
        let india = ["TZ": "Asia/Kolkata"]
        let json = try fx.run(["plan", "show", "\(plan)", "--format", "json"], as: fx.spoc, environment: india)
        #expect(json.status == 0, "\(json.stderr)")
        let shown = try DisruptBinary.json(json) as? [String: Any]
        let openedAt = try #require((shown?["plan"] as? [String: Any])?["opened_at"] as? String)
        #expect(openedAt.hasSuffix("Z") && !openedAt.contains("+"), "\(openedAt)")
        let action = try #require((shown?["actions"] as? [[String: Any]])?.first)
        #expect((action["updated_at"] as? String)?.hasSuffix("Z") == true, "\(action)")

        let opened = try #require(Timestamp.parse(openedAt))
        let text = try fx.run(["plan", "show", "\(plan)"], as: fx.spoc, environment: india)
        let local = Timestamp.local(opened, timeZone: TimeZone(identifier: "Asia/Kolkata")!)
        #expect(text.stdout.contains("Opened \(local)"), "\(text.stdout)")
        #expect(local != Timestamp.local(opened, timeZone: TimeZone(identifier: "UTC")!))
    }

    @Test func theFormatterKeepsTheRule() throws {
        let instant = Date(timeIntervalSince1970: 1_714_555_800)
        #expect(Timestamp.utc(instant) == "2024-05-01T09:30:00Z")
        #expect(Timestamp.local(instant, timeZone: TimeZone(identifier: "Europe/London")!) == "2024-05-01 10:30:00")
        #expect(Timestamp.parse("2024-05-01 10:30:00.123456+01:00".replacingOccurrences(of: " ", with: "T")) == instant)
        #expect(Timestamp.parse("2024-05-01T09:30:00Z") == instant)
    }
}

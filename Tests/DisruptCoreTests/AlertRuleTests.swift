import DisruptCore
import Foundation
import Testing

@Suite("Alert rules: working days, in force, recent, settings")
struct AlertRuleTests {
    private func day(_ iso: String) -> Day { Day(iso: iso)! }

    @Test func nextWorkingDaySkipsTheWeekend() {
        // 2026-12-04 is a Friday
        #expect(WorkingDay.weekday(day("2026-12-04")) == 4)
        #expect(WorkingDay.after(day("2026-12-03"), count: 1) == day("2026-12-04"))  // Thursday -> Friday
        #expect(WorkingDay.after(day("2026-12-04"), count: 1) == day("2026-12-07"))  // Friday -> Monday
        #expect(WorkingDay.after(day("2026-12-05"), count: 1) == day("2026-12-07"))  // Saturday -> Monday
        #expect(WorkingDay.after(day("2026-12-06"), count: 1) == day("2026-12-07"))  // Sunday -> Monday
        #expect(WorkingDay.after(day("2026-12-04"), count: 2) == day("2026-12-08"))  // Friday + 2 -> Tuesday
        #expect(WorkingDay.after(day("2026-12-05"), count: 0) == day("2026-12-05"))  // no delay: the day itself
        #expect(WorkingDay.weekday(day("1969-12-29")) == 0)                          // before 1970: a Monday
    }

    @Test func anOrderIsInForceFromItsStartThroughItsEnd() {
        let starts = day("2026-03-10"), ends = day("2026-06-30")
        #expect(!AlertRules.inForce(startsOn: starts, endsOn: ends, on: day("2026-03-09")))
        #expect(AlertRules.inForce(startsOn: starts, endsOn: ends, on: starts))
        #expect(AlertRules.inForce(startsOn: starts, endsOn: ends, on: ends))
        #expect(!AlertRules.inForce(startsOn: starts, endsOn: ends, on: day("2026-07-01")))
        #expect(AlertRules.inForce(startsOn: starts, endsOn: nil, on: day("2040-01-01")))
    }

    @Test func recentMeansWithinTheWindowDays() {
        let today = day("2026-12-01")
        #expect(AlertRules.isRecent(day("2026-11-03"), today: today, withinDays: 28))   // 28 days before
        #expect(!AlertRules.isRecent(day("2026-11-02"), today: today, withinDays: 28))  // 29 days before
        #expect(AlertRules.isRecent(today, today: today, withinDays: 0))
    }

    @Test func everyKindSuggestsACatalogueTactic() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/tactics.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let codes = Set((object?["tactics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String })
        for kind in AlertKind.allCases {
            if let tactic = kind.suggestedTactic { #expect(codes.contains(tactic), "\(kind): \(tactic)") }
        }
        #expect(AlertKind.newPartner.suggestedTactic == "dvds_right_to_know")
    }

    @Test func settingsDecodeWithDefaultsAndRefuseUnknownKinds() throws {
        let defaults = try Settings.decode(Data(#"{"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3}}"#.utf8))
        #expect(defaults.alerts == AlertSettings())
        #expect(defaults.alerts[.breachNoPositiveAction].delayWorkingDays == 1)
        #expect(defaults.alerts[.newPartner].delayWorkingDays == 0 && defaults.alerts[.newPartner].enabled)
        #expect(defaults.alerts.recentDays == 28)
        let off = try Settings.decode(Data(#"{"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3}, "alerts": {"recent_days": 10, "kinds": {"new_victim": {"enabled": false}, "idva_update": {"delay_working_days": 2}}}}"#.utf8))
        #expect(!off.alerts[.newVictim].enabled)
        #expect(off.alerts[.idvaUpdate].delayWorkingDays == 2)
        #expect(off.alerts.recentDays == 10)
        #expect(throws: (any Error).self) {
            try Settings.decode(Data(#"{"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3}, "alerts": {"kinds": {"new_boyfriend": {"enabled": false}}}}"#.utf8))
        }
    }

    @Test func theShippedConfigurationIsTheDefault() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/disrupt.json")
        #expect(try Settings.decode(Data(contentsOf: url)).alerts == AlertSettings())
    }
}

import DisruptCore
import Foundation
import Testing

@Suite("Meeting rules: time budget, agenda order, forum settings")
struct MeetingRuleTests {
    @Test func budgetWarnsOnlyWhenTheCasesDoNotFit() {
        let fits = MeetingTimeBudget(cases: 12, minutesPerCase: 10, lengthMinutes: 120)
        #expect(fits.neededMinutes == 120 && !fits.isOver && fits.overByMinutes == 0)
        let over = MeetingTimeBudget(cases: 13, minutesPerCase: 10, lengthMinutes: 120)
        #expect(over.isOver && over.overByMinutes == 10)
    }

    @Test func casesAreOrderedByRiskThenRepeatThenWait() {
        let keys = [
            AgendaOrder.Key(riskScore: nil, isRepeat: true, daysWaiting: 40, caseRef: "A"),
            AgendaOrder.Key(riskScore: 30, isRepeat: false, daysWaiting: 5, caseRef: "B"),
            AgendaOrder.Key(riskScore: 30, isRepeat: true, daysWaiting: 1, caseRef: "C"),
            AgendaOrder.Key(riskScore: 55, isRepeat: false, daysWaiting: nil, caseRef: "D"),
            AgendaOrder.Key(riskScore: 30, isRepeat: false, daysWaiting: 9, caseRef: "E"),
        ]
        #expect(keys.sorted(by: AgendaOrder.precedes).map(\.caseRef) == ["D", "C", "E", "B", "A"])
        #expect(AgendaOrder.isOverWaitingLimit(daysWaiting: 15, limitDays: 14))
        #expect(!AgendaOrder.isOverWaitingLimit(daysWaiting: 14, limitDays: 14))
    }

    @Test func forumSettingsDefaultWhenAbsentAndRefuseNonsense() throws {
        let reminders = #"{"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3}"#
        let without = try Settings.decode(Data(#"{"reminders": \#(reminders)}"#.utf8))
        #expect(without.forum == ForumSettings(waitingLimitDays: 14, minutesPerCase: 10, researchDueDays: 3))
        let with = try Settings.decode(Data(#"{"reminders": \#(reminders), "forum": {"waiting_limit_days": 21, "minutes_per_case": 15}}"#.utf8))
        #expect(with.forum == ForumSettings(waitingLimitDays: 21, minutesPerCase: 15, researchDueDays: 3))
        #expect(throws: (any Error).self) {
            try Settings.decode(Data(#"{"reminders": \#(reminders), "forum": {"minutes_per_case": 0}}"#.utf8))
        }
    }
}

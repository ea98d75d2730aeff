import Foundation
import Testing
@testable import DisruptCore

@Suite struct DistributionTests {
    @Test func medianOfOddAndEvenCounts() {
        #expect(Distribution([]).median == nil)
        #expect(Distribution([7]).median == 7)
        #expect(Distribution([3, 1, 2]).median == 2)
        #expect(Distribution([10, 11, 20, 33]).median == 15.5)
        #expect(Distribution([-24, 5]).median == -9.5)
        var histogram = Distribution()
        histogram.add(4, count: 3)
        histogram.add(1)
        histogram.add(9, count: 0)
        #expect(histogram.median == 4 && histogram.count == 4)
    }

    @Test func percentileIsNearestRank() {
        #expect(Distribution([]).percentile(90) == nil)
        #expect(Distribution([5]).percentile(90) == 5)
        // ten values: rank ⌈9⌉ = 9, the 9th smallest
        #expect(Distribution(Array(1...10)).percentile(90) == 9)
        // eleven values: rank ⌈9.9⌉ = 10
        #expect(Distribution(Array(1...11)).percentile(90) == 10)
        #expect(Distribution([10, 11, 20, 33]).percentile(90) == 33)
        #expect(Distribution([10, 11, 20, 33]).percentile(50) == 11)
        #expect(Distribution(Array(1...100)).percentile(100) == 100)
        var d = Distribution()
        d.add(2, count: 9)
        d.add(40)
        #expect(d.percentile(90) == 2 && d.count == 10 && d.count(atMost: 2) == 9)
    }
}

@Suite struct ReportCellTests {
    @Test func countsFromOneToFourAreSuppressed() {
        #expect(ReportCell.count(0).display(suppressSmall: true) == "0")
        #expect(ReportCell.count(1).display(suppressSmall: true) == "<5")
        #expect(ReportCell.count(4).display(suppressSmall: true) == "<5")
        #expect(ReportCell.count(5).display(suppressSmall: true) == "5")
        #expect(ReportCell.count(4).display(suppressSmall: false) == "4")
    }

    @Test func sharesAndFiguresOverSmallCountsAreSuppressed() {
        #expect(ReportCell.share(part: 2, whole: 3).display(suppressSmall: false) == "66.7%")
        #expect(ReportCell.share(part: 2, whole: 30).display(suppressSmall: true) == "suppressed")
        #expect(ReportCell.share(part: 10, whole: 30).display(suppressSmall: true) == "33.3%")
        #expect(ReportCell.share(part: 0, whole: 0).display(suppressSmall: true) == "–")
        #expect(ReportCell.figure(15.5, basis: 4).display(suppressSmall: true) == "suppressed")
        #expect(ReportCell.figure(15.5, basis: 5).display(suppressSmall: true) == "15.5")
        #expect(ReportCell.figure(nil, basis: 0).display(suppressSmall: true) == "–")
        #expect(ReportCell.text("police").display(suppressSmall: true) == "police")
    }

    @Test func decimalsRoundHalfAwayFromZero() {
        #expect(ReportCell.decimal(0.25) == "0.3")
        #expect(ReportCell.decimal(-0.25) == "-0.3")
        #expect(ReportCell.decimal(-9.5) == "-9.5")
        #expect(ReportCell.decimal(12) == "12")
        #expect(ReportCell.decimal(-0.04) == "0")
    }
}

@Suite struct OutcomeRulesTests {
    let rules = OutcomeRules(rfg: shippedModel.rfg)

    func record(_ on: String, victim: String = "v1", gravity: Int) -> IncidentFact {
        IncidentFact(ref: "r-\(on)-\(victim)", victimRef: victim, occurredOn: day(on), gravity: gravity)
    }

    @Test func windowsAreSixMonthsEitherSideAndPartialBeforeTheyEnd() {
        let full = rules.windows(indexDay: day("2026-01-20"), asOf: day("2026-09-30"))
        #expect(full.beforeStart == day("2025-07-20") && full.afterEnd == day("2026-07-19") && !full.partial)
        let partial = rules.windows(indexDay: day("2026-05-01"), asOf: day("2026-09-30"))
        #expect(partial.afterEnd == day("2026-09-30") && partial.partial)
    }

    @Test func beforeAndAfterAreScoredByTheRFGRulesOverEachWindowAlone() {
        // before: 2025-10-01 (g8, v1) and 2025-12-20 (g3, v3): recency 15 (30 days), frequency 4,
        // gravity 11, victims 10 = 40; 2025-05-01 is outside the window. After: 2026-03-01 (g3):
        // 140 days → 6, 2, 3, 5 = 16.
        let subject = OutcomeSubject(number: 1, indexDay: day("2026-01-20"), incidents: [
            record("2025-05-01", gravity: 40), record("2025-10-01", gravity: 8), record("2025-12-20", victim: "v3", gravity: 3),
            record("2026-03-01", gravity: 3),
        ])
        let outcome = rules.outcome(subject, asOf: day("2026-09-30"))
        #expect(outcome == Outcome(rfgBefore: 40, rfgAfter: 16, harmBefore: 11, harmAfter: 3, partial: false))
        #expect(outcome.rfgChange == -24 && outcome.deescalated)
    }

    @Test func aPartialAfterWindowStopsAtAsOf() {
        let subject = OutcomeSubject(number: 2, indexDay: day("2026-05-01"), incidents: [
            record("2026-04-20", gravity: 8), record("2026-06-10", gravity: 8), record("2026-09-20", gravity: 3),
            record("2026-10-20", gravity: 40),
        ])
        let outcome = rules.outcome(subject, asOf: day("2026-09-30"))
        #expect(outcome == Outcome(rfgBefore: 30, rfgAfter: 35, harmBefore: 8, harmAfter: 11, partial: true))
        #expect(!outcome.deescalated)
    }

    @Test func harmCountsAnEventOnceAtItsGravestRecord() {
        let subject = OutcomeSubject(number: 3, indexDay: day("2026-05-01"), incidents: [
            record("2026-04-01", gravity: 8), IncidentFact(ref: "other-agency", victimRef: "v1", occurredOn: day("2026-04-01"), gravity: 3),
        ])
        #expect(rules.outcome(subject, asOf: day("2026-12-31")).harmBefore == 8)
    }

    @Test func theComparisonIsTheHighestBeforeScoresWithSomethingToLose() {
        let index = day("2026-01-01")
        let candidates = [
            OutcomeSubject(number: 1, indexDay: index, incidents: [record("2025-08-01", gravity: 1)]),
            OutcomeSubject(number: 2, indexDay: index, incidents: [record("2025-12-01", gravity: 8)]),
            OutcomeSubject(number: 3, indexDay: index, incidents: []),
            OutcomeSubject(number: 4, indexDay: index, incidents: [record("2025-09-01", gravity: 3)]),
        ]
        #expect(rules.highest(candidates, count: 2).map(\.number) == [2, 4])
        #expect(rules.highest(candidates, count: 10).map(\.number) == [2, 4, 1])
    }

    @Test func summaryTakesMediansAndTheShareDeescalated() {
        let summary = OutcomeSummary([
            Outcome(rfgBefore: 40, rfgAfter: 16, harmBefore: 11, harmAfter: 3, partial: false),
            Outcome(rfgBefore: 30, rfgAfter: 35, harmBefore: 8, harmAfter: 11, partial: true),
        ])
        #expect(summary.people == 2 && summary.partial == 1 && summary.deescalated == 1)
        #expect(summary.medianRFGBefore == 35 && summary.medianRFGAfter == 25.5 && summary.medianRFGChange == -9.5)
        #expect(summary.medianHarmBefore == 9.5 && summary.medianHarmAfter == 7 && summary.medianHarmChange == -2.5)
    }
}

@Suite struct ReportSettingsTests {
    @Test func defaultsAndPopulation() throws {
        let shipped = shippedModel.settings.report
        #expect(shipped.hearingLimitDays == 28 && shipped.population(area: nil) == nil)
        let settings = try Settings.decode(Data("""
            {"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3},
             "report": {"hearing_limit_days": 21, "adult_population": {"all": 1000000, "North": 250000}}}
            """.utf8))
        #expect(settings.report.hearingLimitDays == 21)
        #expect(settings.report.population(area: "North") == 250000 && settings.report.population(area: nil) == 1000000)
        #expect(settings.report.population(area: "South") == nil)
        let without = try Settings.decode(Data("""
            {"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3}}
            """.utf8))
        #expect(without.report == ReportSettings())
        #expect(throws: ConfigurationError.self) {
            try Settings.decode(Data("""
                {"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3},
                 "report": {"adult_population": {"North": 0}}}
                """.utf8))
        }
    }
}

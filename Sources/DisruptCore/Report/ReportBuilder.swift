/// Turns the counts of `ReportFacts` into a `Report`: the definitions of every figure live here.
public struct ReportBuilder: Sendable {
    public let rules: OutcomeRules
    public let settings: ReportSettings

    public init(rfg: RFGConfiguration, settings: ReportSettings) {
        self.rules = OutcomeRules(rfg: rfg)
        self.settings = settings
    }

    public func build(_ facts: ReportFacts, forum: String, area: String?, from: Day, to: Day, asOf: Day) -> Report {
        let limit = settings.hearingLimitDays
        return Report(
            forum: forum, area: area, from: from, to: to, asOf: asOf, hearingLimitDays: limit,
            volumes: volumes(facts, area: area),
            referralsByAgency: Self.breakdown(facts.referralsByAgency, id: "referrals_by_agency", title: "Referrals by referring agency", key: ("agency", "Agency")),
            referralsByCriterion: Self.breakdown(facts.referralsByCriterion, id: "referrals_by_criterion", title: "Referrals by criterion", key: ("criterion", "Criterion")),
            timeliness: timeliness(facts.daysToHearing, limit: limit),
            actionsByAgency: Self.actions(facts.actions, by: \.agency, id: "actions_by_agency", title: "Actions by agency", key: ("agency", "Agency")),
            actionsByHeading: Self.actions(facts.actions, by: \.heading, id: "actions_by_heading", title: "Actions by heading", key: ("heading", "Heading")),
            actionsByTactic: Self.actions(facts.actions, by: \.tactic, id: "actions_by_tactic", title: "Actions by tactic", key: ("tactic", "Tactic")),
            outcomes: outcomes(facts, asOf: asOf),
            notes: [
                Report.regressionCaveat,
                "Taken on: entered the MATAC cohort or had a disruption plan opened in the period; the index day is the first of these. Comparison: the same number of people with the highest RFG over the six months before the period's first day who were never taken on up to its last day; their index day is the period's first day.",
                "Before: the six months up to the index day; after: the six months from it, or to \(asOf.iso) when that comes first (partial). RFG is scored by the configured RFG rules over each window's incidents alone; harm is the sum of the gravities of those incidents. De-escalated: RFG after below RFG before.",
                "Median: the middle value (the mean of the two middle values for an even count). 90th percentile: nearest rank, the value at rank ⌈0.9 × n⌉. Repeat case: a case heard in the period that was also heard in the 12 months before that hearing.",
                "Disclosure control: counts from 1 to 4 are shown as <5, and shares and medians over 1 to 4 people or cases as suppressed, when suppression is on. No table names a person.",
            ])
    }

    private func volumes(_ facts: ReportFacts, area: String?) -> ReportTable {
        let referrals = facts.referralsByAgency.values.reduce(0, +)
        let rate: ReportCell = settings.population(area: area).map {
            .figure(Double(referrals) * 10_000 / Double($0), basis: referrals)
        } ?? .text("population not configured")
        return ReportTable(id: "volumes", title: "Volumes", columns: [("measure", "Measure"), ("value", "Value")], rows: [
            [.text("Referrals"), .count(referrals)],
            [.text("Cases heard"), .count(facts.casesHeard)],
            [.text("Repeat cases"), .count(facts.repeatCases)],
            [.text("Repeat rate"), .share(part: facts.repeatCases, whole: facts.casesHeard)],
            [.text("Referrals per 10,000 adults (SafeLives expects about 40 a year)"), rate],
            [.text("Perpetrators discussed"), .count(facts.perpetratorsDiscussed)],
            [.text("Serial perpetrators among them"), .count(facts.serialPerpetrators)],
        ])
    }

    static func breakdown(_ counts: [String: Int], id: String, title: String, key: (id: String, heading: String)) -> ReportTable {
        let rows = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { [ReportCell.text($0.key), .count($0.value)] }
        return ReportTable(id: id, title: title, columns: [key, ("referrals", "Referrals")], rows: rows)
    }

    private func timeliness(_ days: Distribution, limit: Int) -> ReportTable {
        let within = days.count(atMost: limit)
        return ReportTable(id: "timeliness", title: "Timeliness (referral to hearing)", columns: [("measure", "Measure"), ("value", "Value")], rows: [
            [.text("Hearings that answered a referral"), .count(days.count)],
            [.text("Median days from referral to hearing"), .figure(days.median, basis: days.count)],
            [.text("90th percentile of days"), .figure(days.percentile(90).map(Double.init), basis: days.count)],
            [.text("Heard within \(limit) days"), .count(within)],
            [.text("Share heard within \(limit) days"), .share(part: within, whole: days.count)],
        ])
    }

    static func actions(_ groups: [ActionGroup], by key: KeyPath<ActionGroup, String>, id: String, title: String, key name: (id: String, heading: String)) -> ReportTable {
        var byKey: [String: [ActionGroup]] = [:]
        for group in groups { byKey[group[keyPath: key], default: []].append(group) }
        let rows = byKey.keys.sorted().map { value -> [ReportCell] in
            let members = byKey[value] ?? []
            func count(_ states: Set<ActionGroup.State>) -> Int { members.filter { states.contains($0.state) }.reduce(0) { $0 + $1.count } }
            var late = Distribution()
            for member in members where member.state == .completedLate { late.add(member.daysLate ?? 0, count: member.count) }
            return [
                .text(value), .count(count(Set(ActionGroup.State.allCases))),
                .count(count([.completedOnTime, .completedLate])), .count(count([.completedOnTime])),
                .count(count([.overdue])), .count(count([.cancelled])), .figure(late.median, basis: late.count),
            ]
        }
        return ReportTable(id: id, title: title, columns: [
            name, ("agreed", "Agreed"), ("completed", "Completed"), ("completed_by_due_date", "Completed by due date"),
            ("overdue_now", "Overdue now"), ("cancelled", "Cancelled"), ("median_days_late", "Median days late (of those completed late)"),
        ], rows: rows)
    }

    private func outcomes(_ facts: ReportFacts, asOf: Day) -> ReportTable {
        let cohort = facts.cohort.map { rules.outcome($0, asOf: asOf) }
        let comparison = rules.highest(facts.comparisonCandidates, count: facts.cohort.count).map { rules.outcome($0, asOf: asOf) }
        func row(_ label: String, _ outcomes: [Outcome]) -> [ReportCell] {
            let s = OutcomeSummary(outcomes)
            return [
                .text(label), .count(s.people), .count(s.partial),
                .figure(s.medianRFGBefore, basis: s.people), .figure(s.medianRFGAfter, basis: s.people),
                .figure(s.medianRFGChange, basis: s.people), .share(part: s.deescalated, whole: s.people),
                .figure(s.medianHarmBefore, basis: s.people), .figure(s.medianHarmAfter, basis: s.people),
                .figure(s.medianHarmChange, basis: s.people),
            ]
        }
        return ReportTable(id: "outcomes", title: "Perpetrator outcomes (six months before and after)", columns: [
            ("group", "Group"), ("people", "People"), ("partial", "After window partial"),
            ("median_rfg_before", "Median RFG before"), ("median_rfg_after", "Median RFG after"), ("median_rfg_change", "Median RFG change"),
            ("deescalated", "Share de-escalated"), ("median_harm_before", "Median harm before"), ("median_harm_after", "Median harm after"),
            ("median_harm_change", "Median harm change"),
        ], rows: [row("Taken on", cohort), row("Highest RFG not taken on", comparison)])
    }
}

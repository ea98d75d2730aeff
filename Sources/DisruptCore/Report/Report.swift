/// A steering-group report: its scope, its tables, and the sentences that explain them. It holds
/// counts and medians only; it never names a person.
public struct Report: Sendable, Hashable {
    public var forum: String
    public var area: String?
    public var from: Day
    public var to: Day
    /// "Overdue now" and partial after-windows are judged on this day.
    public var asOf: Day
    public var hearingLimitDays: Int
    public var volumes: ReportTable
    public var referralsByAgency: ReportTable
    public var referralsByCriterion: ReportTable
    public var timeliness: ReportTable
    public var actionsByAgency: ReportTable
    public var actionsByHeading: ReportTable
    public var actionsByTactic: ReportTable
    public var outcomes: ReportTable
    /// The regression-to-the-mean caveat and the definitions the figures follow.
    public var notes: [String]

    /// Every table, in the order the report shows them.
    public var tables: [ReportTable] {
        [volumes, referralsByAgency, referralsByCriterion, timeliness, actionsByAgency, actionsByHeading, actionsByTactic, outcomes]
    }

    /// The one sentence on regression to the mean.
    public static let regressionCaveat = "High scores tend to fall by themselves (regression to the mean), so judge the change of the people taken on against the comparison group's change, not against no change."
}

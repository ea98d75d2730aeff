/// What the database counts for one report: only counts and histograms, and the incident facts
/// of numbered (never named) people for the outcome section.
public struct ReportFacts: Sendable, Hashable {
    /// Referrals in the period by referring agency, and by criterion.
    public var referralsByAgency: [String: Int]
    public var referralsByCriterion: [String: Int]
    public var casesHeard: Int
    /// Cases heard in the period that had been heard before within the 12 months before.
    public var repeatCases: Int
    public var perpetratorsDiscussed: Int
    /// Of those, flagged serial in their stored risk score.
    public var serialPerpetrators: Int
    /// Days from referral to hearing, for each hearing in the period that answered a referral.
    public var daysToHearing: Distribution
    /// The actions in scope, grouped.
    public var actions: [ActionGroup]
    /// People taken on in the period (index day: entry or plan opened).
    public var cohort: [OutcomeSubject]
    /// People not taken on, with incidents in the six months before the period (index day: the
    /// period's first day), from whom the highest-RFG are chosen.
    public var comparisonCandidates: [OutcomeSubject]

    public init(
        referralsByAgency: [String: Int] = [:], referralsByCriterion: [String: Int] = [:], casesHeard: Int = 0,
        repeatCases: Int = 0, perpetratorsDiscussed: Int = 0, serialPerpetrators: Int = 0,
        daysToHearing: Distribution = Distribution(), actions: [ActionGroup] = [], cohort: [OutcomeSubject] = [],
        comparisonCandidates: [OutcomeSubject] = []
    ) {
        self.referralsByAgency = referralsByAgency
        self.referralsByCriterion = referralsByCriterion
        self.casesHeard = casesHeard
        self.repeatCases = repeatCases
        self.perpetratorsDiscussed = perpetratorsDiscussed
        self.serialPerpetrators = serialPerpetrators
        self.daysToHearing = daysToHearing
        self.actions = actions
        self.cohort = cohort
        self.comparisonCandidates = comparisonCandidates
    }
}

/// Actions that share an agency, heading, tactic and state, with how many there are.
public struct ActionGroup: Sendable, Hashable {
    /// Where an action stands as of the report's as-of day.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Done on or before its due date.
        case completedOnTime = "completed_on_time"
        /// Done after its due date (`daysLate` says by how much).
        case completedLate = "completed_late"
        /// Still open, in progress or blocked, and its due date has passed.
        case overdue
        case cancelled
        /// Open, in progress or blocked, not yet due.
        case live
    }

    public var agency: String
    public var heading: String
    public var tactic: String
    public var state: State
    /// Days after the due date it was done (completedLate only).
    public var daysLate: Int?
    public var count: Int

    public init(agency: String, heading: String, tactic: String, state: State, daysLate: Int? = nil, count: Int) {
        self.agency = agency
        self.heading = heading
        self.tactic = tactic
        self.state = state
        self.daysLate = daysLate
        self.count = count
    }
}

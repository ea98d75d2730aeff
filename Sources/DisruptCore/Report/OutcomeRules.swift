/// One person's before and after, without who he is: the report never names anyone.
public struct OutcomeSubject: Sendable, Hashable {
    /// An opaque number, unique within one report (never a person's id or reference).
    public var number: Int
    /// The day he entered the MATAC cohort or had a plan opened (or, for the comparison group,
    /// the report's first day).
    public var indexDay: Day
    /// His incident records from the six months before the index day to the end of the after window.
    public var incidents: [IncidentFact]

    public init(number: Int, indexDay: Day, incidents: [IncidentFact]) {
        self.number = number
        self.indexDay = indexDay
        self.incidents = incidents
    }
}

/// RFG and harm in the six months before an index day and the six months after.
public struct Outcome: Sendable, Hashable {
    public var rfgBefore: Int
    public var rfgAfter: Int
    /// Sum of incident gravities (each event counted once, at its gravest record).
    public var harmBefore: Int
    public var harmAfter: Int
    /// The after window had not ended by the as-of day: it runs to that day only.
    public var partial: Bool

    /// After minus before.
    public var rfgChange: Int { rfgAfter - rfgBefore }
    /// The RFG fell.
    public var deescalated: Bool { rfgAfter < rfgBefore }
}

/// The outcome rules of `disrupt report`, over DisruptCore's RFG (one definition of the score).
///
/// - before window: the `months` months up to the index day, the index day excluded; its RFG is
///   `RFGConfiguration.score` of the incidents in that window as of the day before the index day.
/// - after window: from the index day for `months` months (the day `months` later excluded), or to
///   the as-of day when that comes first (then the outcome is partial); its RFG is the score of
///   the incidents in that window as of its last day.
/// - harm: the sum of the gravities of the incidents (events, `Incident.consolidate`) in each window.
/// Only incidents inside a window count, so the score's own look-back never reaches outside it.
public struct OutcomeRules: Sendable {
    public let rfg: RFGConfiguration
    public let months: Int

    public init(rfg: RFGConfiguration, months: Int = 6) {
        self.rfg = rfg
        self.months = months
    }

    /// The before window's first day and the after window's last day for an index day.
    public func windows(indexDay: Day, asOf: Day) -> (beforeStart: Day, afterEnd: Day, partial: Bool) {
        let fullEnd = indexDay.adding(months: months).adding(days: -1)
        return (indexDay.adding(months: -months), min(fullEnd, asOf), fullEnd > asOf)
    }

    public func outcome(_ subject: OutcomeSubject, asOf: Day) -> Outcome {
        let (start, end, partial) = windows(indexDay: subject.indexDay, asOf: asOf)
        let before = subject.incidents.filter { $0.occurredOn >= start && $0.occurredOn < subject.indexDay }
        let after = subject.incidents.filter { $0.occurredOn >= subject.indexDay && $0.occurredOn <= end }
        let ref = "subject-\(subject.number)"
        let scoreBefore = rfg.score(PersonFacts(personRef: ref, incidents: before), asOf: subject.indexDay.adding(days: -1))
        let scoreAfter = end >= subject.indexDay
            ? rfg.score(PersonFacts(personRef: ref, incidents: after), asOf: end)
            : rfg.score(PersonFacts(personRef: ref), asOf: subject.indexDay)
        return Outcome(
            rfgBefore: scoreBefore.total, rfgAfter: scoreAfter.total,
            harmBefore: Self.harm(before), harmAfter: Self.harm(after), partial: partial)
    }

    /// The RFG of the before window alone (to rank the comparison group).
    public func scoreBefore(_ subject: OutcomeSubject) -> RFGScore {
        let start = subject.indexDay.adding(months: -months)
        let before = subject.incidents.filter { $0.occurredOn >= start && $0.occurredOn < subject.indexDay }
        let digits = String(subject.number)
        let ref = String(repeating: "0", count: max(0, 12 - digits.count)) + digits
        return rfg.score(PersonFacts(personRef: ref, incidents: before),
                         asOf: subject.indexDay.adding(days: -1))
    }

    /// The `count` highest-RFG candidates by their before window (`RFGScore.ranksBefore`), none
    /// with a before score of 0 (nothing to fall from).
    public func highest(_ candidates: [OutcomeSubject], count: Int) -> [OutcomeSubject] {
        let scored = candidates.map { (subject: $0, score: scoreBefore($0)) }.filter { $0.score.total > 0 }
        return scored.sorted { RFGScore.ranksBefore($0.score, $1.score) }.prefix(count).map(\.subject)
    }

    static func harm(_ records: [IncidentFact]) -> Int {
        Incident.consolidate(records).reduce(0) { $0 + $1.gravity }
    }
}

/// The summary of a group's outcomes: how many, how many partial, median before/after/change,
/// how many de-escalated.
public struct OutcomeSummary: Sendable, Hashable {
    public var people: Int
    public var partial: Int
    public var deescalated: Int
    public var medianRFGBefore: Double?
    public var medianRFGAfter: Double?
    public var medianRFGChange: Double?
    public var medianHarmBefore: Double?
    public var medianHarmAfter: Double?
    public var medianHarmChange: Double?

    public init(_ outcomes: [Outcome]) {
        people = outcomes.count
        partial = outcomes.filter(\.partial).count
        deescalated = outcomes.filter(\.deescalated).count
        medianRFGBefore = Distribution(outcomes.map(\.rfgBefore)).median
        medianRFGAfter = Distribution(outcomes.map(\.rfgAfter)).median
        medianRFGChange = Distribution(outcomes.map(\.rfgChange)).median
        medianHarmBefore = Distribution(outcomes.map(\.harmBefore)).median
        medianHarmAfter = Distribution(outcomes.map(\.harmAfter)).median
        medianHarmChange = Distribution(outcomes.map { $0.harmAfter - $0.harmBefore }).median
    }
}

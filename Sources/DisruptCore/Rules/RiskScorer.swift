/// The triggers and the RFG score of people as of one day, with each person's records
/// consolidated into incidents once for both (`Incident.consolidate`): what `disrupt
/// recompute` asks for every person. Make one per run (`RiskModel.scorer(asOf:)`).
public struct RiskScorer: Sendable {
    public let evaluator: TriggerEvaluator
    public let rfg: RFGConfiguration

    /// Scores one person: the same results as `TriggerEvaluator.assess` and `RFGConfiguration.score`,
    /// except that without `explained` every fired trigger's reason is empty (cheaper, for a
    /// caller that explains only the results it keeps).
    public func score(_ facts: PersonFacts, explained: Bool = true) -> (assessment: RiskAssessment, rfg: RFGScore) {
        let incidents = Incident.consolidate(facts.incidents)
        return (
            evaluator.assess(facts, incidents: incidents, explained: explained),
            rfg.score(personRef: facts.personRef, incidents: incidents, asOf: evaluator.asOf))
    }
}

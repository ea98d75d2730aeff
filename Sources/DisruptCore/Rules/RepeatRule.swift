/// Repeat (SafeLives 2018): "any instance of abuse between the same victim and perpetrator(s),
/// within 12 months of the last referral to Marac".
///
/// An incident, or a breach of an order protecting that victim, on day d is a repeat when a
/// Marac referral of the same perpetrator for the same victim on day r has r < d <= r + months:
/// the referral's own day is not a repeat (the event is usually why the case was referred), the
/// day after is, and so is the day 12 calendar months later (2025-03-10 -> 2026-03-10), not the
/// day after that. A new referral is not itself an instance of abuse. The prior referral named
/// is the latest one before d. Incidents are counted as `Incident`s (records of one event once).
public struct RepeatRule: Sendable, Hashable {
    /// How long after a referral an event is a repeat (`flags.repeat_months`, 12).
    public let months: Int

    public init(months: Int) {
        self.months = months
    }

    /// Every repeat event on or before `asOf`, by date (incidents before breaches on one day), then ref.
    public func events(_ facts: PersonFacts, incidents: [Incident], through asOf: Day) -> [RepeatEvent] {
        guard !facts.maracReferrals.isEmpty else { return [] }
        var byVictim: [String: [MaracReferralFact]] = [:]
        for referral in facts.maracReferrals {
            if let victim = referral.partyRef { byVictim[victim, default: []].append(referral) }
        }
        guard !byVictim.isEmpty else { return [] }
        var events: [RepeatEvent] = []
        func consider(_ kind: EvidenceKind, _ ref: String, _ day: Day, _ victim: String?) {
            guard day <= asOf, let victim, let referrals = byVictim[victim] else { return }
            var prior: MaracReferralFact?
            for referral in referrals where referral.referredOn < day {
                if let p = prior, (p.referredOn, referral.ref) > (referral.referredOn, p.ref) { continue }
                prior = referral
            }
            guard let prior, day <= prior.referredOn.adding(months: months) else { return }
            events.append(RepeatEvent(
                kind: kind, ref: ref, on: day, victimRef: victim, priorReferralRef: prior.ref,
                priorReferralOn: prior.referredOn))
        }
        for incident in incidents { consider(.incident, incident.ref, incident.occurredOn, incident.victimRef) }
        for breach in facts.breaches { consider(.breach, breach.ref, breach.occurredOn, breach.protectedPartyRef) }
        events.sort { a, b in
            if a.on != b.on { return a.on < b.on }
            if a.kind != b.kind { return a.kind == .incident }
            return a.ref < b.ref
        }
        return events
    }

    /// The most recent repeat event in the last `months` months up to `asOf` (the flag): on a
    /// tie, an incident before a breach, then the smaller ref.
    public func latest(_ facts: PersonFacts, incidents: [Incident], asOf: Day) -> RepeatEvent? {
        let start = asOf.adding(months: -months)
        let recent = events(facts, incidents: incidents, through: asOf).filter { $0.on > start }
        guard let last = recent.last?.on else { return nil }
        return recent.first { $0.on == last }
    }

    /// Repeat events after `previous` (the last meeting; nil = ever) up to and including
    /// `through` (this meeting): the cases the agenda must hear.
    public func events(_ facts: PersonFacts, incidents: [Incident], after previous: Day?, through: Day) -> [RepeatEvent] {
        events(facts, incidents: incidents, through: through).filter { event in previous.map { event.on > $0 } ?? true }
    }
}

import Testing
@testable import DisruptCore

/// SafeLives 2018 repeat: any incident, or breach of an order protecting that victim, between
/// the same victim and perpetrator after (not on the day of) a Marac referral and within 12
/// months of it (r < d <= r + 12 months). The flag shows the most recent such event in the 12
/// months up to as-of; the agenda takes every event since the previous meeting.
@Suite struct RepeatFlagTests {
    // Amy (v1) was referred to Marac on 10 March 2025.
    let referral = MaracReferralFact(ref: "r1", partyRef: "v1", referredOn: day("2025-03-10"), criterion: .visibleHighRisk)

    func repeatEvent(_ facts: PersonFacts, asOf: Day = asOf) -> RepeatEvent? {
        shippedModel.assess(facts, asOf: asOf).flags.repeatEvent
    }

    @Test func incidentTwelveMonthsAfterReferralIsRepeat() throws {
        let inside = person(incidents: [incident("2026-03-10", ref: "i1")], referrals: [referral])
        let event = try #require(repeatEvent(inside))
        #expect(event == RepeatEvent(
            kind: .incident, ref: "i1", on: day("2026-03-10"), victimRef: "v1", priorReferralRef: "r1",
            priorReferralOn: day("2025-03-10")))
        let outside = person(incidents: [incident("2026-03-11", ref: "i1")], referrals: [referral])
        #expect(repeatEvent(outside) == nil)
    }

    @Test func sameDayIsNotRepeatTheDayAfterIs() {
        #expect(repeatEvent(person(incidents: [incident("2025-03-10")], referrals: [referral])) == nil)
        #expect(repeatEvent(person(incidents: [incident("2025-03-11")], referrals: [referral]), asOf: day("2025-04-01")) != nil)
        #expect(repeatEvent(person(incidents: [incident("2025-06-01", victim: "v2")], referrals: [referral])) == nil)
        #expect(repeatEvent(person(incidents: [incident("2025-06-01", victim: nil)], referrals: [referral])) == nil)
    }

    /// A second referral is not itself an instance of abuse (the old rule made it a repeat).
    @Test func aSecondReferralAloneIsNotARepeat() {
        let second = MaracReferralFact(ref: "r2", partyRef: "v1", referredOn: day("2025-09-01"), criterion: .repeat)
        #expect(repeatEvent(person(referrals: [referral, second]), asOf: day("2025-10-01")) == nil)
    }

    @Test func aBreachOfAnOrderProtectingHerIsARepeat() throws {
        let hers = BreachFact(ref: "b1", occurredOn: day("2025-05-01"), orderType: "non_molestation", protectedPartyRef: "v1")
        let event = try #require(repeatEvent(person(breaches: [hers], referrals: [referral]), asOf: day("2025-06-01")))
        #expect(event.kind == .breach && event.ref == "b1" && event.victimRef == "v1")
        let someoneElses = BreachFact(ref: "b2", occurredOn: day("2025-05-01"), orderType: "restraining", protectedPartyRef: "v2")
        #expect(repeatEvent(person(breaches: [someoneElses], referrals: [referral]), asOf: day("2025-06-01")) == nil)
        let noOrder = BreachFact(ref: "b3", occurredOn: day("2025-05-01"))
        #expect(repeatEvent(person(breaches: [noOrder], referrals: [referral]), asOf: day("2025-06-01")) == nil)
    }

    @Test func repeatEventMustBeWithinTwelveMonthsOfAsOf() {
        let facts = person(incidents: [incident("2025-06-01")], referrals: [referral])
        #expect(repeatEvent(facts, asOf: day("2026-05-31")) != nil)
        #expect(repeatEvent(facts, asOf: day("2026-06-01")) == nil)
        #expect(repeatEvent(facts, asOf: day("2025-05-31")) == nil)
    }

    @Test func latestReferralBeforeEventIsThePrior() throws {
        let older = MaracReferralFact(ref: "r0", partyRef: "v1", referredOn: day("2024-01-01"), criterion: .escalation)
        let facts = person(incidents: [incident("2025-04-01", ref: "i9")], referrals: [older, referral])
        let event = try #require(repeatEvent(facts, asOf: day("2025-12-01")))
        #expect(event.priorReferralRef == "r1" && event.ref == "i9")
        let more = person(incidents: [incident("2025-04-01", ref: "i9"), incident("2025-05-01", ref: "i10")], referrals: [referral])
        #expect(repeatEvent(more, asOf: day("2025-12-01"))?.ref == "i10")
    }

    @Test func theAgendaTakesEveryRepeatSinceThePreviousMeeting() {
        let facts = person(
            incidents: [incident("2025-04-01", ref: "i1"), incident("2025-04-15", ref: "i2"), incident("2025-05-06", ref: "i3")],
            referrals: [referral])
        let rule = shippedModel.triggers.repeatRule
        let incidents = Incident.consolidate(facts.incidents)
        // Meetings on 1 April and 6 May 2025: the 1 April incident was heard at the first meeting.
        let heard = rule.events(facts, incidents: incidents, after: day("2025-04-01"), through: day("2025-05-06"))
        #expect(heard.map(\.ref) == ["i2", "i3"])
        #expect(rule.events(facts, incidents: incidents, after: nil, through: day("2025-05-05")).map(\.ref) == ["i1", "i2"])
    }
}

import Testing
@testable import DisruptCore

/// SafeLives repeat: an incident or Marac referral for the same victim within 12 months after a
/// Marac referral for that victim (r < d <= r + 12 months); the flag shows the most recent such
/// event within the 12 months up to as-of.
@Suite struct RepeatFlagTests {
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

    @Test func sameDayIsNotRepeatAndOtherVictimIsNot() {
        #expect(repeatEvent(person(incidents: [incident("2025-03-10")], referrals: [referral])) == nil)
        #expect(repeatEvent(person(incidents: [incident("2025-06-01", victim: "v2")], referrals: [referral])) == nil)
        #expect(repeatEvent(person(incidents: [incident("2025-06-01", victim: nil)], referrals: [referral])) == nil)
    }

    @Test func secondReferralIsRepeat() throws {
        let second = MaracReferralFact(ref: "r2", partyRef: "v1", referredOn: day("2025-09-01"), criterion: .repeat)
        let event = try #require(repeatEvent(person(referrals: [referral, second])))
        #expect(event.kind == .referral && event.ref == "r2" && event.priorReferralRef == "r1")
    }

    @Test func repeatEventMustBeWithinTwelveMonthsOfAsOf() {
        // Repeat on 2025-06-01: "in the last 12 months" of as-of 2026-05-31 (inside), not of 2026-06-01.
        let facts = person(incidents: [incident("2025-06-01")], referrals: [referral])
        #expect(repeatEvent(facts, asOf: day("2026-05-31")) != nil)
        #expect(repeatEvent(facts, asOf: day("2026-06-01")) == nil)
        // Events after as-of do not count.
        #expect(repeatEvent(facts, asOf: day("2025-05-31")) == nil)
    }

    @Test func latestReferralBeforeEventIsThePrior() throws {
        let older = MaracReferralFact(ref: "r0", partyRef: "v1", referredOn: day("2024-01-01"), criterion: .escalation)
        let facts = person(incidents: [incident("2025-04-01", ref: "i9")], referrals: [older, referral])
        let event = try #require(repeatEvent(facts, asOf: day("2025-12-01")))
        #expect(event.priorReferralRef == "r1" && event.ref == "i9")
        // The most recent repeat event is reported.
        let more = person(incidents: [incident("2025-04-01", ref: "i9"), incident("2025-05-01", ref: "i10")], referrals: [referral])
        #expect(repeatEvent(more, asOf: day("2025-12-01"))?.ref == "i10")
    }
}

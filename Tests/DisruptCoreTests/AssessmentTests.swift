import Foundation
import Testing
@testable import DisruptCore

/// Whole assessments: future events, evidence order, JSON round trip, key paths in errors.
@Suite struct AssessmentTests {
    @Test func eventsAfterAsOfAreIgnored() {
        let facts = person(
            markers: [marker("homeless", "2026-06-16")],
            incidents: ["2026-06-16", "2026-06-17", "2026-06-18"].map { incident($0) },
            breaches: [BreachFact(ref: "b", occurredOn: day("2026-06-16"), actionTaken: .arrest)],
            orders: [OrderFact(ref: "o", type: "spo", startsOn: day("2026-06-16"))])
        let result = shippedModel.assess(facts, asOf: asOf)
        #expect(result.triggers.isEmpty)
        #expect(result.flags == RiskFlags())
        let rfg = shippedModel.rfgScore(facts, asOf: asOf)
        #expect(rfg.total == 0 && rfg.latestIncident == nil)
    }

    @Test func evidenceMostRecentFirstThenKindThenRef() throws {
        let facts = person(
            markers: [marker("weapons", "2026-01-01", ref: "m2"), marker("firearms_access", "2026-01-01", ref: "m1")],
            incidents: [incident("2026-01-01", offence: "assault_with_weapon", ref: "i1"),
                        incident("2026-03-01", offence: "weapon_possession", ref: "i2")])
        let weapons = try #require(trigger("weapons", facts))
        #expect(weapons.evidence.map(\.ref) == ["i2", "m1", "m2", "i1"])
        #expect(weapons.reason == "4 records, most recent: incident (weapon possession) on 2026-03-01; recent (within the last 12 months)")
    }

    @Test func assessmentRoundTripsThroughJSON() throws {
        let facts = person(
            markers: [marker("strangulation", "2026-01-01")],
            incidents: [incident("2026-02-01", victim: "v1"), incident("2026-03-01", victim: "v2")],
            referrals: [MaracReferralFact(ref: "r", partyRef: "v1", referredOn: day("2026-01-15"), criterion: .visibleHighRisk)])
        let result = shippedModel.assess(facts, asOf: asOf)
        #expect(result.flags.serial && result.flags.isRepeat)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(RiskAssessment.self, from: data) == result)
        let text = String(decoding: data, as: UTF8.self)
        // Strangulation 8 + serial 8 = 16: medium. (Two incidents of any kind no longer add
        // "escalating coercive control" +5, which made it high.)
        #expect(text.contains(#""band":"medium""#) && text.contains(#""person_ref":"p1""#))
        #expect(text.contains(#""prior_referral_on":"2026-01-15""#))
    }

    @Test func missingKeyInArrayEntryIsNamed() throws {
        let json = #"{"version": "x", "bands": {"standard": 0, "medium": 10, "high": 20, "very_high": 35}, "flags": {"repeat_months": 12}, "triggers": [{"code": "homeless", "label": "H"}]}"#
        #expect { try TriggerConfiguration.decode(Data(json.utf8)) } throws: {
            ($0 as? ConfigurationError).map { "\($0)" == "triggers.json: triggers[0].weight: missing required key" } ?? false
        }
    }
}

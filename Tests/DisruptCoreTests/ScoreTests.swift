import Testing
@testable import DisruptCore

/// Breach weight growth, totals and band thresholds.
@Suite struct ScoreTests {
    func breaches(_ n: Int) -> [BreachFact] {
        (0..<n).map { BreachFact(ref: "b\($0)", occurredOn: day("2026-01-01").adding(days: $0), actionTaken: .none) }
    }

    @Test func breachWeightGrowsAndCaps() throws {
        let rule = try #require(shippedModel.triggers.rule("breach_history"))
        #expect(rule.weight == 5 && rule.perExtra == 2 && rule.maxWeight == 11)
        #expect(rule.breachWeight(count: 0) == 0)
        #expect(rule.breachWeight(count: 1) == 5)
        #expect(rule.breachWeight(count: 2) == 7)
        #expect(rule.breachWeight(count: 3) == 9)
        #expect(rule.breachWeight(count: 4) == 11)
        #expect(rule.breachWeight(count: 9) == 11)
        for n in 1...5 {
            let t = try #require(trigger("breach_history", person(breaches: breaches(n))))
            #expect(t.weight == rule.breachWeight(count: n))
            #expect(t.evidence.count == n)
        }
    }

    @Test func breachReason() throws {
        let facts = person(breaches: [
            BreachFact(ref: "b1", occurredOn: day("2026-09-02"), orderType: "dvpo", actionTaken: .arrest),
            BreachFact(ref: "b0", occurredOn: day("2025-03-01"), orderType: "bail", actionTaken: .none),
        ])
        let t = try #require(trigger("breach_history", facts, asOf: day("2026-10-01")))
        // Every breach without positive action is named, not only the latest breach's action.
        #expect(t.reason == "2 breaches in the last 24 months, most recent 2026-09-02; no positive action on the breach of 2025-03-01 (none recorded)")
        let one = try #require(trigger("breach_history", person(breaches: [facts.breaches[0]]), asOf: day("2026-10-01")))
        #expect(one.reason == "1 breach in the last 24 months, most recent 2026-09-02; positive action on every breach")
    }

    @Test func bandThresholdsExact() {
        let bands = shippedModel.triggers.bands
        #expect(bands.band(for: 0) == .standard)
        #expect(bands.band(for: 9) == .standard)
        #expect(bands.band(for: 10) == .medium)
        #expect(bands.band(for: 19) == .medium)
        #expect(bands.band(for: 20) == .high)
        #expect(bands.band(for: 34) == .high)
        #expect(bands.band(for: 35) == .veryHigh)
        #expect(bands.band(for: 500) == .veryHigh)
        #expect(RiskBand.standard < RiskBand.veryHigh)
    }

    @Test func scoreIsSumOfWeightsAndBandFollows() {
        // homeless 3 + substance 3 + mental 3 = 9 (standard); + risk_to_professionals 4 = 13 (medium).
        var markers = ["homeless", "substance_misuse", "mental_ill_health"].map { marker($0, "2026-01-01") }
        var result = shippedModel.assess(person(markers: markers), asOf: asOf)
        #expect(result.score == weight("homeless") + weight("substance_misuse") + weight("mental_ill_health"))
        #expect(result.score == 9 && result.band == .standard)
        markers.append(marker("risk_to_professionals", "2026-01-01"))
        result = shippedModel.assess(person(markers: markers), asOf: asOf)
        #expect(result.score == 13 && result.band == .medium)
        #expect(result.modelVersion == shippedModel.triggers.version)
        #expect(result.personRef == "p1" && result.asOf == asOf)
        // Triggers come back in configuration order.
        #expect(result.triggers.map(\.code) == ["homeless", "substance_misuse", "mental_ill_health", "risk_to_professionals"])
    }

    @Test func scoreExactlyAtEachThreshold() {
        // Weights arranged to land exactly on 10, 20 and 35 with a custom configuration.
        func config(_ weight: Int) -> TriggerConfiguration {
            var c = shippedModel.triggers
            for i in c.rules.indices where c.rules[i].code == "homeless" { c.rules[i].weight = weight }
            return c
        }
        let facts = person(markers: [marker("homeless", "2026-01-01")])
        for (score, band) in [(9, RiskBand.standard), (10, .medium), (20, .high), (34, .high), (35, .veryHigh)] {
            let evaluator = CompiledTriggers(configuration: config(score), offences: shippedModel.offences).evaluator(asOf: asOf)
            let result = evaluator.assess(facts)
            #expect(result.score == score)
            #expect(result.band == band)
        }
    }

    @Test func nothingFiresForEmptyPerson() {
        let result = shippedModel.assess(person(), asOf: asOf)
        #expect(result.triggers.isEmpty && result.score == 0 && result.band == .standard)
        #expect(result.flags == RiskFlags())
    }
}

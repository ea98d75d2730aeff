import Testing
@testable import DisruptCore

@Suite struct RFGTests {
    let rfg = shippedModel.rfg

    @Test func recencyBandEdges() {
        #expect(rfg.recencyPoints(days: nil) == 0)
        #expect(rfg.recencyPoints(days: 0) == 15)
        #expect(rfg.recencyPoints(days: 30) == 15)
        #expect(rfg.recencyPoints(days: 31) == 10)
        #expect(rfg.recencyPoints(days: 90) == 10)
        #expect(rfg.recencyPoints(days: 91) == 6)
        #expect(rfg.recencyPoints(days: 365) == 3)
        #expect(rfg.recencyPoints(days: 730) == 1)
        #expect(rfg.recencyPoints(days: 731) == 0)
    }

    @Test func frequencyGravityVictimEdges() {
        #expect(rfg.frequencyPoints(count: 0) == 0)
        #expect(rfg.frequencyPoints(count: 1) == 2)
        #expect(rfg.frequencyPoints(count: 2) == 4)
        #expect(rfg.frequencyPoints(count: 4) == 7)
        #expect(rfg.frequencyPoints(count: 5) == 10)
        #expect(rfg.frequencyPoints(count: 9) == 10)
        #expect(rfg.frequencyPoints(count: 10) == 15)
        #expect(rfg.gravityPoints(total: 59) == 59)
        #expect(rfg.gravityPoints(total: 60) == 60)
        #expect(rfg.gravityPoints(total: 61) == 60)
        #expect(rfg.victimPoints(count: 1) == 5)
        #expect(rfg.victimPoints(count: 5) == 25)
        #expect(rfg.victimPoints(count: 6) == 25)
        let banded = RFGConfiguration(
            version: "t", window: .months(24), recency: [], frequency: [],
            gravityBands: [.init(min: 1, points: 1), .init(min: 10, points: 5)], victimWeight: 0)
        #expect(banded.gravityPoints(total: 0) == 0)
        #expect(banded.gravityPoints(total: 9) == 1)
        #expect(banded.gravityPoints(total: 10) == 5)
    }

    @Test func scoreUsesWindowAndIgnoresFuture() {
        let facts = person(incidents: [
            incident("2024-06-16", offence: "abh", victim: "v1"),      // inside 24 months
            incident("2024-06-15", offence: "rape", victim: "v3"),     // outside
            incident("2026-06-05", offence: nil, victim: "v2"),        // inside, latest
            incident("2026-06-16", offence: "murder_attempt", victim: "v4"), // future
        ])
        let s = rfg.score(facts, asOf: asOf)
        #expect(s.latestIncident == day("2026-06-05"))
        #expect(s.daysSinceLatest == 10)
        #expect(s.incidentCount == 2)
        #expect(s.gravityTotal == 8 + 1)
        #expect(s.victimCount == 2)
        #expect(s.recency == 15 && s.frequency == 4 && s.gravity == 9 && s.victims == 10)
        #expect(s.total == 38)
        #expect(s.version == "rfgv-default-2026.1")
    }

    @Test func rankingTieBreaks() {
        func score(_ ref: String, total: Int, gravity: Int, latest: String?) -> RFGScore {
            RFGScore(
                personRef: ref, asOf: asOf, version: "t", latestIncident: latest.map(day), daysSinceLatest: nil,
                incidentCount: 0, gravityTotal: gravity, victimCount: 0, recency: total - gravity, frequency: 0,
                gravity: gravity, victims: 0)
        }
        let scores = [
            score("e", total: 20, gravity: 5, latest: nil),
            score("d", total: 20, gravity: 5, latest: "2026-01-01"),
            score("c", total: 20, gravity: 5, latest: "2026-01-01"),
            score("b", total: 20, gravity: 5, latest: "2026-02-01"),
            score("a", total: 20, gravity: 8, latest: "2025-01-01"),
            score("z", total: 30, gravity: 0, latest: nil),
            score("y", total: 20, gravity: 5, latest: nil),
        ]
        let ranked = scores.sorted(by: RFGScore.ranksBefore).map(\.personRef)
        #expect(ranked == ["z", "a", "b", "c", "d", "e", "y"])
        #expect(scores.reversed().sorted(by: RFGScore.ranksBefore).map(\.personRef) == ranked)
    }
}

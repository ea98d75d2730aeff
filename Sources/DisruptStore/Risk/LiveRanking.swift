import DisruptCore
import Postgres

/// A ranking computed live as of a day, for when the stored scores are for another day: the
/// people's records are read and scored in memory inside a READ ONLY transaction, so ranking
/// never rewrites stored scores nor writes back-dated assessments, whoever runs it. Only for
/// administrators: like stored scores, it uses every agency's records, so that rankings agree.
struct LiveRanking {
    let model: RiskModel
    let batchSize = 5_000

    func rank(by order: RankOrder, limit: Int, agency: String?, asOf: Day, on db: PostgresConnection) throws -> [RankedPerson] {
        try db.transaction {
            try db.execute("SET TRANSACTION READ ONLY")
            let visible: [Int64: String] = Dictionary(uniqueKeysWithValues: try db.query("""
                SELECT p.id, p.person_ref FROM disrupt.person p
                WHERE p.merged_into IS NULL AND (\(agency)::text IS NULL OR p.agency = \(agency)
                   OR EXISTS (SELECT 1 FROM disrupt.incident x WHERE x.person_id = p.id AND x.agency = \(agency))
                   OR EXISTS (SELECT 1 FROM disrupt.marker x WHERE x.person_id = p.id AND x.agency = \(agency))
                   OR EXISTS (SELECT 1 FROM disrupt.breach x WHERE x.person_id = p.id AND x.agency = \(agency))
                   OR EXISTS (SELECT 1 FROM disrupt.court_order x WHERE x.person_id = p.id AND x.agency = \(agency))
                   OR EXISTS (SELECT 1 FROM disrupt.forum_link x WHERE x.person_id = p.id AND x.agency = \(agency))
                   OR EXISTS (SELECT 1 FROM disrupt.referral x WHERE x.person_id = p.id AND x.agency = \(agency))
                   OR EXISTS (SELECT 1 FROM disrupt.relationship x WHERE x.person_id = p.id AND x.agency = \(agency))
                   OR EXISTS (SELECT 1 FROM disrupt.alias x WHERE x.person_id = p.id AND x.agency = \(agency)))
                """).map { (try $0.decode("id", as: Int64.self), try $0.decode("person_ref", as: String.self)) })
            let loader = FactsLoader(model: model)
            let evaluator = model.evaluator(asOf: asOf)
            var scored: [(ref: String, assessment: RiskAssessment, rfg: RFGScore)] = []
            var after: Int64 = 0
            while true {
                let ids: [Int64] = try db.query("""
                    SELECT id FROM disrupt.person WHERE merged_into IS NULL AND id > \(after) ORDER BY id LIMIT \(batchSize)
                    """).map { try $0.decode("id") }
                guard let lo = ids.first, let hi = ids.last else { break }
                after = hi
                for (id, facts) in try loader.load(lo: lo, hi: hi, ids: nil, on: db) {
                    guard let ref = visible[id] else { continue }
                    scored.append((ref, evaluator.assess(facts), model.rfgScore(facts, asOf: asOf)))
                }
            }
            // The same order as the stored ranking (`RankOrder.orderBy`).
            scored.sort { a, b in
                let (x, y) = order == .risk ? (a.assessment.score, b.assessment.score) : (a.rfg.total, b.rfg.total)
                if x != y { return x > y }
                if a.rfg.gravity != b.rfg.gravity { return a.rfg.gravity > b.rfg.gravity }
                if a.rfg.latestIncident != b.rfg.latestIncident {
                    guard let l = a.rfg.latestIncident else { return false }
                    guard let r = b.rfg.latestIncident else { return true }
                    return l > r
                }
                return a.ref.utf8.lexicographicallyPrecedes(b.ref.utf8)
            }
            return scored.prefix(limit).enumerated().map { index, row in
                RankedPerson(
                    rank: index + 1, person: row.ref, score: row.assessment.score, band: row.assessment.band.rawValue,
                    rfg: .init(recency: row.rfg.recency, frequency: row.rfg.frequency, gravity: row.rfg.gravity,
                               victims: row.rfg.victims, total: row.rfg.total),
                    victims: row.rfg.victimCount, latestIncidentOn: row.rfg.latestIncident,
                    serial: row.assessment.flags.serial, escalating: row.assessment.flags.escalating,
                    isRepeat: row.assessment.flags.isRepeat, triggers: row.assessment.triggers.map(\.code), asOf: asOf)
            }
        }
    }
}

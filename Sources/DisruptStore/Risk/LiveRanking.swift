import DisruptCore
import Postgres

/// A ranking computed live as of a day, for when the stored scores are for another day: the
/// people's records are read and scored in memory, inside the caller's (committed)
/// consultation, writing nothing, so ranking never rewrites stored scores
/// nor writes back-dated assessments, whoever runs it. Only for administrators: like stored
/// scores, it uses the shared records only (`FactsLoader` sharedOnly), so that rankings agree.
struct LiveRanking {
    let model: RiskModel
    let batchSize = 5_000

    func rank(by order: RankOrder, limit: Int, agency: String?, asOf: Day, on db: PostgresConnection) throws -> [RankedPerson] {
        try db.transaction {
            let visible: [Int64: String] = Dictionary(uniqueKeysWithValues: try db.query("""
                SELECT p.id, p.person_ref FROM disrupt.person p
                CROSS JOIN (SELECT \(agency)::text AS agency) w
                LEFT JOIN disrupt.people_with_records_from(\(agency)::text) ap(id) ON ap.id = p.id
                WHERE p.merged_into IS NULL AND \(unsafeSQL: RankingSQL.agencyFilter)
                """).map { (try $0.decode("id", as: Int64.self), try $0.decode("person_ref", as: String.self)) })
            let loader = FactsLoader(model: model)
            let parties = try PartyDirectory(sharedOnly: true, on: db)
            let evaluator = model.evaluator(asOf: asOf)
            var ranked: [RankedPerson] = []
            var after: Int64 = 0
            while true {
                let ids: [Int64] = try db.query("""
                    SELECT id FROM disrupt.person WHERE merged_into IS NULL AND id > \(after) ORDER BY id LIMIT \(batchSize)
                    """).map { try $0.decode("id") }
                guard let lo = ids.first, let hi = ids.last else { break }
                after = hi
                for (id, facts) in try loader.load(lo: lo, hi: hi, ids: nil, sharedOnly: true, parties: parties, on: db) {
                    guard let ref = visible[id] else { continue }
                    ranked.append(Self.row(ref, evaluator.assess(facts), model.rfgScore(facts, asOf: asOf), asOf: asOf))
                }
            }
            // The same order as the stored ranking (`RankOrder.orderBy`).
            ranked.sort(by: order.ranksBefore)
            return ranked.prefix(limit).enumerated().map { index, row in
                var row = row
                row.rank = index + 1
                return row
            }
        }
    }

    /// One person's row, ranked later.
    private static func row(_ ref: String, _ assessment: RiskAssessment, _ rfg: RFGScore, asOf: Day) -> RankedPerson {
        RankedPerson(
            rank: 0, person: ref, score: assessment.score, band: assessment.band.rawValue,
            rfg: .init(recency: rfg.recency, frequency: rfg.frequency, gravity: rfg.gravity, victims: rfg.victims, total: rfg.total),
            victims: rfg.victimCount, latestIncidentOn: rfg.latestIncident,
            serial: assessment.flags.serial, escalating: assessment.flags.escalating,
            isRepeat: assessment.flags.isRepeat, triggers: assessment.triggers.map(\.code), asOf: asOf)
    }
}

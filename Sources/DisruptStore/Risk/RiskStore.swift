import DisruptCore
import Foundation
import Postgres

/// A person's triggers, score, band, flags and RFG as of a day, computed live from the
/// records the connection's login can see.
public struct LiveRisk: Sendable {
    public var person: PersonReference
    public var assessment: RiskAssessment
    public var rfg: RFGScore
}

/// One row of a ranking, read from `disrupt.risk_current`.
public struct RankedPerson: Sendable, Encodable, Equatable {
    /// RFG points of the stored score.
    public struct RFG: Sendable, Encodable, Equatable {
        public var recency: Int
        public var frequency: Int
        public var gravity: Int
        public var victims: Int
        public var total: Int
    }

    public var rank: Int
    public var person: String
    public var score: Int
    public var band: String
    public var rfg: RFG
    /// Distinct victims in the RFG window.
    public var victims: Int
    public var latestIncidentOn: Day?
    public var serial: Bool
    public var escalating: Bool
    public var isRepeat: Bool
    public var triggers: [String]
    public var asOf: Day

    enum CodingKeys: String, CodingKey {
        case rank, person, score, band, rfg, victims, serial, escalating, triggers
        case latestIncidentOn = "latest_incident_on", isRepeat = "repeat", asOf = "as_of"
    }
}

/// What `rank` orders by.
public enum RankOrder: String, Sendable, CaseIterable {
    /// Risk trigger score.
    case risk
    /// RFGV total.
    case rfg

    /// Highest first; ties: higher RFG gravity points, then the most recent incident (none
    /// last), then the person reference (byte order). `ranksBefore` is the same order in Swift.
    var orderBy: String {
        let lead = self == .risk ? "rc.score DESC" : "rc.rfg_total DESC"
        return "\(lead), rc.rfg_gravity DESC, rc.latest_incident_on DESC NULLS LAST, p.person_ref COLLATE \"C\""
    }

    /// `orderBy` for rows ranked in memory (`LiveRanking`): true when `a` comes before `b`.
    public func ranksBefore(_ a: RankedPerson, _ b: RankedPerson) -> Bool {
        let (x, y) = self == .risk ? (a.score, b.score) : (a.rfg.total, b.rfg.total)
        if x != y { return x > y }
        if a.rfg.gravity != b.rfg.gravity { return a.rfg.gravity > b.rfg.gravity }
        switch (a.latestIncidentOn, b.latestIncidentOn) {
        case let (l?, r?) where l != r: return l > r
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.person.utf8.lexicographicallyPrecedes(b.person.utf8)
        }
    }
}

/// Who a stored ranking may list.
public enum RankCandidates: Sendable {
    /// Everyone the caller can see.
    case everyone
    /// Serial perpetrators (stored flag) who are not in the MATAC cohort (no open
    /// `matac_cohort` row): the people `matac select` proposes.
    case matac

    /// A constant condition on `rc` (risk_current) and `p` (person).
    var filter: String {
        switch self {
        case .everyone: "true"
        case .matac:
            "rc.serial AND NOT EXISTS (SELECT 1 FROM disrupt.matac_cohort m WHERE m.person_id = p.id AND m.exited_on IS NULL)"
        }
    }
}

/// Whether the stored scores answer a ranking as of a day.
public struct RankFreshness: Sendable, Equatable {
    /// People whose records changed since their score was stored.
    public var dirty: Int
    /// True when some stored score is as of another day.
    public var otherDay: Bool
    /// True when the caller may recompute (an administrator).
    public var canRecompute: Bool

    public var isCurrent: Bool { dirty == 0 && !otherDay }
}

/// Reads risk for commands: live assessments with evidence, stored scores for ranking.
public struct RiskStore: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    /// Triggers (with evidence), score, band, flags and RFG for one person as of a day, from
    /// the records the caller can see. The facts come from the person's dossier, read inside
    /// the caller's open consultation (scope `triggers`).
    /// Records holding a date that cannot be used are left out and counted.
    public func live(_ person: PersonReference, asOf: Day, on db: PostgresConnection) throws -> Isolated<LiveRisk> {
        let dossier = try PersonDossierReader().read(personID: person.id, on: db)
        let facts = dossier.value.facts(offences: model.offences)
        return Isolated(LiveRisk(
            person: person, assessment: model.evaluator(asOf: asOf).assess(facts),
            rfg: model.rfgScore(facts, asOf: asOf)), leftOut: dossier.leftOut)
    }

    /// Whether the stored scores are current for `asOf`.
    public func freshness(asOf: Day, on db: PostgresConnection) throws -> RankFreshness {
        let row = try db.query("""
            SELECT disrupt.recompute_pending() AS dirty,
                   EXISTS (SELECT 1 FROM disrupt.risk_current WHERE as_of <> \(asOf)) AS other_day,
                   disrupt.is_admin() AS admin
            """)[0]
        return RankFreshness(
            dirty: try row["dirty"], otherDay: try row["other_day"], canRecompute: try row["admin"])
    }

    /// The top `limit` people as of `asOf`, computed live without writing anything (for an
    /// administrator when the stored scores are for another day); see `LiveRanking`.
    public func rankLive(by order: RankOrder, limit: Int, agency: String?, asOf: Day, on db: PostgresConnection) throws -> [RankedPerson] {
        try LiveRanking(model: model).rank(by: order, limit: limit, agency: agency, asOf: asOf, on: db)
    }

    /// The top `limit` people the caller can see, by stored score. `agency` keeps people with
    /// at least one record from that agency that the caller can see (`RankingSQL.agencyFilter`);
    /// `candidates` `.matac` keeps serial perpetrators not in the MATAC cohort (`matac select`).
    public func rank(
        by order: RankOrder, limit: Int, agency: String?, candidates: RankCandidates = .everyone, on db: PostgresConnection
    ) throws -> [RankedPerson] {
        let query: PostgresQuery = """
            SELECT p.person_ref, rc.score, rc.band, rc.rfg_recency, rc.rfg_frequency, rc.rfg_gravity, rc.rfg_victims,
                   rc.rfg_total, rc.victims, rc.latest_incident_on, rc.serial, rc.escalating, rc.is_repeat,
                   rc.trigger_codes, rc.as_of
            FROM disrupt.risk_current rc
            JOIN disrupt.person p ON p.id = rc.person_id AND p.merged_into IS NULL
            CROSS JOIN (SELECT \(agency)::text AS agency) w
            LEFT JOIN disrupt.people_with_records_from(\(agency)::text) ap(id) ON ap.id = p.id
            WHERE \(unsafeSQL: RankingSQL.agencyFilter) AND \(unsafeSQL: candidates.filter)
            ORDER BY \(unsafeSQL: order.orderBy)
            LIMIT \(limit)
            """
        return try db.query(query).enumerated().map { index, row in
            RankedPerson(
                rank: index + 1, person: try row["person_ref"], score: try row["score"],
                band: try row["band"],
                rfg: RankedPerson.RFG(
                    recency: try row["rfg_recency"], frequency: try row["rfg_frequency"],
                    gravity: try row["rfg_gravity"], victims: try row["rfg_victims"],
                    total: try row["rfg_total"]),
                victims: try row["victims"], latestIncidentOn: try row["latest_incident_on"],
                serial: try row["serial"], escalating: try row["escalating"],
                isRepeat: try row["is_repeat"], triggers: try row["trigger_codes"],
                asOf: try row["as_of"])
        }
    }
}

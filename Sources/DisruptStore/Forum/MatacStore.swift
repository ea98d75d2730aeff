import DisruptCore
import Postgres

/// A person `matac select` proposes: his row of the stored RFG ranking and the serial trigger
/// as the caller's records show it (reason and evidence), as `rank` and `triggers` explain them.
public struct MatacCandidate: Sendable, Encodable {
    public var ranked: RankedPerson
    /// The serial trigger on the caller's records as of the day; nil when it does not fire on
    /// them (the stored flag counts every agency's records).
    public var serial: FiredTrigger?

    enum CodingKeys: String, CodingKey { case serial }

    public func encode(to encoder: Encoder) throws {
        try ranked.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(serial, forKey: .serial)
    }
}

/// One spell in the MATAC cohort: entry (day, RFG, why, who) and, once exited, exit.
public struct CohortMember: Sendable, Encodable, Equatable {
    public var person: String
    public var enteredOn: Day
    public var rfgAtEntry: Int
    public var entryReason: String
    public var enteredBy: String
    /// The stored RFG now (nil when no score is stored).
    public var rfgNow: Int?
    public var exitedOn: Day?
    public var exitReason: String?
    public var rfgAtExit: Int?
    public var exitedBy: String?

    /// RFG at exit (exited) or now (member) minus RFG at entry.
    public var change: Int? { (rfgAtExit ?? rfgNow).map { $0 - rfgAtEntry } }
    public var isMember: Bool { exitedOn == nil }

    enum CodingKeys: String, CodingKey {
        case person, change
        case enteredOn = "entered_on", rfgAtEntry = "rfg_at_entry", entryReason = "entry_reason", enteredBy = "entered_by"
        case rfgNow = "rfg_now", exitedOn = "exited_on", exitReason = "exit_reason", rfgAtExit = "rfg_at_exit", exitedBy = "exited_by"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(person, forKey: .person)
        try c.encode(enteredOn, forKey: .enteredOn)
        try c.encode(rfgAtEntry, forKey: .rfgAtEntry)
        try c.encode(entryReason, forKey: .entryReason)
        try c.encode(enteredBy, forKey: .enteredBy)
        try c.encode(rfgNow, forKey: .rfgNow)
        try c.encode(exitedOn, forKey: .exitedOn)
        try c.encode(exitReason, forKey: .exitReason)
        try c.encode(rfgAtExit, forKey: .rfgAtExit)
        try c.encode(exitedBy, forKey: .exitedBy)
        try c.encode(change, forKey: .change)
    }
}

/// The MATAC cohort: proposals from the stored RFG ranking (`RiskStore.rank` with
/// `RankCandidates.matac`), entry and exit through `disrupt.matac_enter` / `disrupt.matac_exit`
/// (SQL/definitions/cohort.sql: who may, visibility, state and the RFG are the database's), and
/// the list. An open cohort row is what "in the MATAC cohort" means.
public struct MatacStore: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    /// The `top` highest-RFG serial perpetrators the caller can see who are not in the cohort,
    /// in the stored ranking's order, each with the serial trigger's reason and evidence read
    /// live from his records as of `asOf`, inside the caller's open consultation.
    /// One transaction.
    public func select(top: Int, asOf: Day, on db: PostgresConnection) throws -> Isolated<[MatacCandidate]> {
        try db.transaction {
            let risk = RiskStore(model: model)
            var leftOut = LeftOut()
            let rows = try risk.rank(by: .rfg, limit: top, agency: nil, candidates: .matac, on: db)
            let candidates = try rows.map { row in
                let person = try PersonResolver().resolve(row.person, on: db)
                let live = try risk.live(person, asOf: asOf, on: db)
                leftOut.add(live.leftOut)
                return MatacCandidate(ranked: row, serial: live.value.assessment.triggers.first { $0.code == "serial_perpetrator" })
            }
            return Isolated(candidates, leftOut: leftOut)
        }
    }

    /// Enters a person (reference, PNC id or name) on `on` (nil: today) with his stored RFG.
    public func enter(person: String, reason: String, on day: Day?, db: PostgresConnection) throws -> CohortMember {
        try db.transaction {
            let resolved = try PersonResolver().resolve(person, on: db)
            let id: Int64 = try Self.explaining {
                try db.query("SELECT disrupt.matac_enter(\(resolved.ref), \(reason), \(day)::date) AS id")[0]["id"]
            }
            return try member(id: id, on: db)
        }
    }

    /// Records a member's exit on `on` (nil: today) with his stored RFG.
    public func exit(person: String, reason: String, on day: Day?, db: PostgresConnection) throws -> CohortMember {
        try db.transaction {
            let resolved = try PersonResolver().resolve(person, on: db)
            let id: Int64 = try Self.explaining {
                try db.query("SELECT disrupt.matac_exit(\(resolved.ref), \(reason), \(day)::date) AS id")[0]["id"]
            }
            return try member(id: id, on: db)
        }
    }

    /// The members the caller can see (and, with `includeExited`, past spells), RFG now beside
    /// entry: members first by entry day, then exited spells by exit day.
    public func cohort(includeExited: Bool, on db: PostgresConnection) throws -> [CohortMember] {
        try db.query(PostgresQuery(unsafeSQL: Self.select(where: "(m.exited_on IS NULL OR $1::boolean)"), binds: [PostgresBind(includeExited)]))
            .map(Self.member)
    }

    private func member(id: Int64, on db: PostgresConnection) throws -> CohortMember {
        guard let row = try db.query(PostgresQuery(unsafeSQL: Self.select(where: "m.id = $1::bigint"), binds: [PostgresBind(id)])).first else {
            throw StoreError(.notFound, "cohort entry \(id) not found")
        }
        return try Self.member(row)
    }

    private static func select(where condition: String) -> String {
        """
        SELECT p.person_ref, m.entered_on, m.rfg_at_entry, m.entry_reason, m.entered_by, rc.rfg_total AS rfg_now,
               m.exited_on, m.exit_reason, m.rfg_at_exit, m.exited_by
        FROM disrupt.matac_cohort m
        JOIN disrupt.person p ON p.id = m.person_id
        LEFT JOIN disrupt.risk_current rc ON rc.person_id = m.person_id
        WHERE \(condition)
        ORDER BY m.exited_on IS NOT NULL, m.exited_on, m.entered_on, p.person_ref COLLATE "C"
        """
    }

    private static func member(_ row: PostgresRow) throws -> CohortMember {
        CohortMember(
            person: try row["person_ref"], enteredOn: try row["entered_on"], rfgAtEntry: try row["rfg_at_entry"],
            entryReason: try row["entry_reason"], enteredBy: try row["entered_by"], rfgNow: try row["rfg_now"],
            exitedOn: try row["exited_on"], exitReason: try row["exit_reason"], rfgAtExit: try row["rfg_at_exit"],
            exitedBy: try row["exited_by"])
    }

    /// A DR409 (state conflict) becomes exit 5 with the current membership spelled out.
    static func explaining<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == "DR409" {
            let lines = error.detail.flatMap(StateReport.lines(fromJSON:)) ?? []
            throw StoreError(
                .conflict, error.message + (lines.isEmpty ? "" : "\nCurrent state:\n" + lines.map { "  \($0)" }.joined(separator: "\n")),
                hint: "Nothing was changed. See the cohort with: disrupt matac cohort --all")
        }
    }
}

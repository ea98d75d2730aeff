import DisruptCore
import Postgres

/// The values of a person's `disrupt.risk_current` row that a recompute writes, apart from the
/// day they are as of and when they were written: what `RiskRecompute` compares before it
/// writes, so that a person whose result is what is stored costs no write at all (not even
/// his row in the batch's COPY). The same columns as the merge's `IS DISTINCT FROM` list
/// (`RiskRecompute.upsert`), which stays the database's own check for every row sent.
struct StoredRisk: Equatable {
    var score: Int
    var band: String
    var triggerCodes: [String?]
    var rfgRecency: Int
    var rfgFrequency: Int
    var rfgGravity: Int
    var rfgVictims: Int
    var rfgTotal: Int
    var victims: Int
    var latestIncidentOn: Day?
    var serial: Bool
    var escalating: Bool
    var isRepeat: Bool
    var modelVersion: String
    var rfgVersion: String

    /// What a recompute would store for this result (`RiskRowWriter` writes the same values).
    init(_ a: RiskAssessment, _ rfg: RFGScore) {
        score = a.score
        band = a.band.rawValue
        triggerCodes = a.triggers.map(\.code)
        rfgRecency = rfg.recency
        rfgFrequency = rfg.frequency
        rfgGravity = rfg.gravity
        rfgVictims = rfg.victims
        rfgTotal = rfg.total
        victims = rfg.victimCount
        latestIncidentOn = rfg.latestIncident
        serial = a.flags.serial
        escalating = a.flags.escalating
        isRepeat = a.flags.isRepeat
        modelVersion = a.modelVersion
        rfgVersion = rfg.version
    }

    /// A person's stored row as read: its values, its as-of day, and when it was written
    /// (`computed_at`, the writing transaction's start, which any later write replaces).
    struct Kept {
        let asOf: Day
        let risk: StoredRisk
        let computedAt: String
    }

    /// The stored rows of the people with ids in `range` (and in `ids`, when given), as the
    /// connection's login may read them (one statement, binary format). A row that cannot be
    /// read as the recompute writes it (changed by hand: a NULL, an array of two dimensions) is
    /// left out, so that its person is scored and written again.
    static func read(_ range: ClosedRange<Int64>, ids: [Int64]?, on db: PostgresConnection) throws -> [Int64: Kept] {
        let rows = try db.queryBinary("""
            SELECT person_id, as_of, score, band, trigger_codes, rfg_recency, rfg_frequency, rfg_gravity, rfg_victims,
                   rfg_total, victims, latest_incident_on, serial, escalating, is_repeat, model_version, rfg_version,
                   computed_at::text AS written
            FROM disrupt.risk_current
            WHERE person_id BETWEEN \(range.lowerBound) AND \(range.upperBound)
              AND (\(ids.map { $0.map(String.init) })::bigint[] IS NULL OR person_id = ANY (\(ids.map { $0.map(String.init) })::bigint[]))
            """)
        var stored: [Int64: Kept] = [:]
        stored.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            func value<T>(_ column: Int, _ read: (Int, Int) throws -> T?) throws -> T {
                guard let value = try read(row, column) else {
                    throw PostgresDecodingError(column: rows.name(of: column), type: "\(T.self)", reason: "the value is NULL")
                }
                return value
            }
            func int(_ column: Int) throws -> Int { Int(try value(column, rows.int32)) }
            let person = try value(0, rows.int64)
            guard let kept = try? Kept(
                asOf: value(1) { try FactsLoader.day(rows, $0, $1) },
                risk: StoredRisk(
                    score: int(2), band: value(3, rows.string), triggerCodes: value(4, rows.strings),
                    rfgRecency: int(5), rfgFrequency: int(6), rfgGravity: int(7), rfgVictims: int(8), rfgTotal: int(9),
                    victims: int(10), latestIncidentOn: FactsLoader.day(rows, row, 11), serial: value(12, rows.bool),
                    escalating: value(13, rows.bool), isRepeat: value(14, rows.bool), modelVersion: value(15, rows.string),
                    rfgVersion: value(16, rows.string)),
                computedAt: value(17, rows.string))
            else { continue }
            stored[person] = kept
        }
        return stored
    }

    /// Equal as PostgreSQL's `IS DISTINCT FROM` compares them: text byte for byte (Swift's `==`
    /// on strings also equates canonically equivalent Unicode).
    static func == (a: StoredRisk, b: StoredRisk) -> Bool {
        func same(_ x: String, _ y: String) -> Bool { x.utf8.elementsEqual(y.utf8) }
        func same(_ x: String?, _ y: String?) -> Bool { x.map { x in y.map { same(x, $0) } ?? false } ?? (y == nil) }
        return a.score == b.score && same(a.band, b.band)
            && a.triggerCodes.count == b.triggerCodes.count && zip(a.triggerCodes, b.triggerCodes).allSatisfy(same)
            && a.rfgRecency == b.rfgRecency && a.rfgFrequency == b.rfgFrequency && a.rfgGravity == b.rfgGravity
            && a.rfgVictims == b.rfgVictims && a.rfgTotal == b.rfgTotal && a.victims == b.victims
            && a.latestIncidentOn == b.latestIncidentOn && a.serial == b.serial && a.escalating == b.escalating
            && a.isRepeat == b.isRepeat && same(a.modelVersion, b.modelVersion) && same(a.rfgVersion, b.rfgVersion)
    }

    private init(
        score: Int, band: String, triggerCodes: [String?], rfgRecency: Int, rfgFrequency: Int, rfgGravity: Int,
        rfgVictims: Int, rfgTotal: Int, victims: Int, latestIncidentOn: Day?, serial: Bool, escalating: Bool,
        isRepeat: Bool, modelVersion: String, rfgVersion: String
    ) {
        self.score = score
        self.band = band
        self.triggerCodes = triggerCodes
        self.rfgRecency = rfgRecency
        self.rfgFrequency = rfgFrequency
        self.rfgGravity = rfgGravity
        self.rfgVictims = rfgVictims
        self.rfgTotal = rfgTotal
        self.victims = victims
        self.latestIncidentOn = latestIncidentOn
        self.serial = serial
        self.escalating = escalating
        self.isRepeat = isRepeat
        self.modelVersion = modelVersion
        self.rfgVersion = rfgVersion
    }
}

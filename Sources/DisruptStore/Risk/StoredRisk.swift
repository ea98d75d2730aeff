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

    /// The stored rows of the people with ids in `range`, with the day each is as of (one
    /// statement, binary format), as the connection's login may read them.
    static func read(_ range: ClosedRange<Int64>, on db: PostgresConnection) throws -> [Int64: (asOf: Day, risk: StoredRisk)] {
        let rows = try db.queryBinary(PostgresQuery(
            unsafeSQL: """
                SELECT person_id, as_of, score, band, trigger_codes, rfg_recency, rfg_frequency, rfg_gravity, rfg_victims,
                       rfg_total, victims, latest_incident_on, serial, escalating, is_repeat, model_version, rfg_version
                FROM disrupt.risk_current WHERE person_id BETWEEN $1 AND $2
                """,
            binds: [PostgresBind(range.lowerBound), PostgresBind(range.upperBound)]))
        var stored: [Int64: (asOf: Day, risk: StoredRisk)] = [:]
        stored.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            func value<T>(_ column: Int, _ read: (Int, Int) throws -> T?) throws -> T {
                guard let value = try read(row, column) else {
                    throw PostgresDecodingError(column: rows.name(of: column), type: "\(T.self)", reason: "the value is NULL")
                }
                return value
            }
            func int(_ column: Int) throws -> Int { Int(try value(column, rows.int32)) }
            stored[try value(0, rows.int64)] = (
                asOf: try value(1) { try FactsLoader.day(rows, $0, $1) },
                risk: StoredRisk(
                    score: try int(2), band: try value(3, rows.string), triggerCodes: try value(4, rows.strings),
                    rfgRecency: try int(5), rfgFrequency: try int(6), rfgGravity: try int(7), rfgVictims: try int(8),
                    rfgTotal: try int(9), victims: try int(10), latestIncidentOn: try FactsLoader.day(rows, row, 11),
                    serial: try value(12, rows.bool), escalating: try value(13, rows.bool), isRepeat: try value(14, rows.bool),
                    modelVersion: try value(15, rows.string), rfgVersion: try value(16, rows.string)))
        }
        return stored
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

import DisruptCore
import Foundation
import Postgres

/// What `TacticStore.importCatalogue` did, tactic codes by outcome.
public struct TacticImport: Sendable, Encodable, Equatable {
    public var added: [String] = []
    public var changed: [String] = []
    public var unchanged: [String] = []
    /// Tactics the database held that the imported catalogue lacks: no new action may use them.
    public var retired: [String] = []

    public init(added: [String] = [], changed: [String] = [], unchanged: [String] = [], retired: [String] = []) {
        self.added = added
        self.changed = changed
        self.unchanged = unchanged
        self.retired = retired
    }
}

/// The tactic catalogue the database holds (`disrupt.tactic`, migration 0008). It is the
/// authority: `action_add` refuses what it lacks and takes the Idva safety check from it. The
/// client reads it into DisruptCore's `TacticCatalogue`, whose `validate` is the one rule, so
/// the client and the database judge a proposal by the same rows.
public struct TacticStore: Sendable {
    public init() {}

    /// The live catalogue (retired tactics left out), in catalogue order.
    public func catalogue(on db: PostgresConnection) throws -> TacticCatalogue {
        let rows = try db.query("""
            SELECT code, label, heading, agency, description, safety_check_exempt_reason
              FROM disrupt.tactic WHERE retired_at IS NULL ORDER BY position, code
            """)
        let tactics = try rows.map { row -> Tactic in
            let code: String = try row["code"]
            let headingCode: String = try row["heading"]
            let agencyCode: String = try row["agency"]
            guard let heading = ActionHeading(rawValue: headingCode), let agency = Agency(rawValue: agencyCode) else {
                throw StoreError(.failure, "tactic \(code) in the database has heading \(headingCode) and agency \(agencyCode), which this disrupt does not know")
            }
            return Tactic(code: code, label: try row["label"], heading: heading, agency: agency,
                          safetyCheckExemptReason: try row["safety_check_exempt_reason"], description: try row["description"])
        }
        do {
            return try TacticCatalogue(tactics: tactics, file: "disrupt.tactic")
        } catch let error as ConfigurationError {
            throw StoreError(.failure, "the database's tactic catalogue is invalid: \(error)")
        }
    }

    /// Makes the database's catalogue `catalogue` (administrators only): each tactic is added or
    /// changed in the catalogue's order, and tactics it lacks are retired. One transaction; every
    /// change is audited by the database.
    public func importCatalogue(_ catalogue: TacticCatalogue, on db: PostgresConnection) throws -> TacticImport {
        try db.transaction {
            try StaffDirectory().requireAdmin(on: db, to: "change the tactic catalogue")
            var report = TacticImport()
            for (index, tactic) in catalogue.tactics.enumerated() {
                let outcome: String = try db.query("""
                    SELECT disrupt.tactic_set(\(tactic.code), \(tactic.heading.rawValue), \(tactic.agency.rawValue), \(tactic.label),
                                              \(tactic.description)::text, \(tactic.safetyCheckExemptReason)::text, \(index + 1)) AS outcome
                    """)[0].decode("outcome")
                switch outcome {
                case "added": report.added.append(tactic.code)
                case "changed": report.changed.append(tactic.code)
                default: report.unchanged.append(tactic.code)
                }
            }
            let keep = catalogue.tactics.map(\.code)
            let stale: [String] = try db.query("""
                SELECT code FROM disrupt.tactic WHERE retired_at IS NULL AND NOT (code = ANY (\(keep)::text[])) ORDER BY position, code
                """).map { try $0.decode("code") }
            for code in stale {
                _ = try db.query("SELECT disrupt.tactic_retire(\(code))")
                report.retired.append(code)
            }
            return report
        }
    }
}

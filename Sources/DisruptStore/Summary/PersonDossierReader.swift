import DisruptCore
import Foundation
import Postgres

/// Reads a person's dossier in ONE call of `disrupt.person_dossier` (SQL/definitions/reading.sql):
/// every section is a jsonb sub-select by `person_id`, row-level security leaves out what the
/// caller may not see, and `disrupt.withheld_counts` says how much that is. The caller has opened (and committed) the consultation first (`Consultation`,
/// `consulting`): that is what writes the one audit row with the purpose; without it the
/// database shows nothing.
public struct PersonDossierReader: Sendable {
    public init() {}

    /// The consultation of one person's record: `scope` is the audit row's object_table
    /// (`summary`, `person`, `triggers`), `subject` the person as the caller named him.
    public static func consultation(scope: String, purpose: String, subject: String, format: String, asOf: Day) -> Consultation {
        Consultation(purpose: purpose, scope: scope, subject: subject, detail: ["format": format, "as_of": asOf.iso])
    }

    /// The dossier of a live person the caller can see, inside an open consultation.
    /// Records holding a date that cannot be used are left out and counted.
    public func read(personID: Int64, on db: PostgresConnection) throws -> Isolated<PersonDossier> {
        let rows = try db.query("SELECT disrupt.person_dossier(\(personID))::text AS dossier")
        guard let row = rows.first, try row.decode("dossier", as: String?.self) != nil else {
            throw StoreError(.notFound, "person \(personID) is not visible to you", hint: "Check the reference with: disrupt person find")
        }
        let pruned = RowIsolation.pruneDates(try row["dossier"])
        var leftOut = LeftOut()
        leftOut.add(pruned.leftOut, "summary record")
        return Isolated(try Self.decode(pruned.text), leftOut: leftOut)
    }

    /// Decodes the dossier jsonb (snake_case keys, dates as YYYY-MM-DD, timestamps as epoch seconds).
    public static func decode(_ text: String) throws -> PersonDossier {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(PersonDossier.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.failure, "the person's record could not be read: \(Self.describe(error))")
        }
    }

    /// Names the field that failed without quoting any value.
    private static func describe(_ error: Error) -> String {
        let context: DecodingError.Context
        switch error as? DecodingError {
        case .keyNotFound(let key, let c): return "missing field " + (c.codingPath + [key]).map(\.stringValue).joined(separator: ".")
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        default: return "unreadable data"
        }
        return "bad field " + context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}

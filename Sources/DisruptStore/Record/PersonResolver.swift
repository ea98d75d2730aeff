import DisruptCore
import Postgres

/// A person as commands name them: the internal id, the stable reference and a label.
public struct PersonReference: Sendable, Equatable, Encodable {
    public var id: Int64
    public var ref: String
    public var givenName: String?
    public var familyName: String
    public var dateOfBirth: Day?

    public var displayName: String { [givenName, familyName].compactMap { $0 }.joined(separator: " ") }

    enum CodingKeys: String, CodingKey {
        case ref = "person", givenName = "given_name", familyName = "family_name", dateOfBirth = "date_of_birth"
    }
}

/// Finds the one person a command means: by reference or PNC id (following merges to the
/// surviving record), else by exact full name or alias, folded for case and accents.
/// None, or more than one, is a "not found" error (exit 3) that says what to do.
public struct PersonResolver: Sendable {
    public init() {}

    public func resolve(_ text: String, on db: PostgresConnection) throws -> PersonReference {
        let matches = try candidates(text, on: db)
        guard !matches.isEmpty else {
            throw StoreError(.notFound, "no person matches '\(text)'", hint: "Search with: disrupt person find '\(text)'")
        }
        guard matches.count == 1 else {
            let list = matches.prefix(10).map { "  \($0.ref)  \($0.displayName)\($0.dateOfBirth.map { "  born \($0.iso)" } ?? "")" }
            throw StoreError(
                .notFound, "'\(text)' matches \(matches.count) people:\n" + list.joined(separator: "\n"),
                hint: "Name one by its reference, for example: \(matches[0].ref)")
        }
        return matches[0]
    }

    /// The live person with this id (the one a consultation's record names), or nil when he
    /// has since been merged into another or is not visible.
    public func person(id: Int64, on db: PostgresConnection) throws -> PersonReference? {
        try db.query("""
            SELECT p.id, p.person_ref, p.given_name, p.family_name, p.date_of_birth
            FROM disrupt.person p WHERE p.id = \(id) AND p.merged_into IS NULL
            """).records(as: PersonReference.self).first
    }

    /// Every live person the text could mean (empty when none).
    public func candidates(_ text: String, on db: PostgresConnection) throws -> [PersonReference] {
        // an exact reference or PNC id wins, else exact names and aliases (reading.sql)
        let rows = try db.query("SELECT * FROM disrupt.person_candidates(\(text))")
        return try rows.records(as: PersonReference.self)
    }
}

/// Read by column name from `disrupt.person_candidates` (and `person(id:)` above).
extension PersonReference: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            id: try row["id"], ref: try row["person_ref"], givenName: try row["given_name"],
            familyName: try row["family_name"], dateOfBirth: try row["date_of_birth"])
    }
}

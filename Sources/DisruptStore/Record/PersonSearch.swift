import DisruptCore
import Foundation
import Postgres

/// One hit of `disrupt person find`: the person, what matched, and how well.
public struct PersonMatch: Sendable, Encodable {
    public var personRef: String
    public var pncId: String?
    public var givenName: String?
    public var familyName: String
    public var dateOfBirth: Day?
    /// What matched: reference, pnc, name, alias.
    public var matched: String
    /// 0 reference or PNC id, 1 full name, 2 one name or an alias, 3 a prefix.
    public var rank: Int

    enum CodingKeys: String, CodingKey {
        case personRef = "person_ref", pncId = "pnc_id", givenName = "given_name", familyName = "family_name"
        case dateOfBirth = "date_of_birth", matched, rank
    }
}

/// Finds people by reference, PNC id, name or alias, ignoring case and accents (`disrupt.fold`),
/// with prefixes of names allowed; exact matches first, at most 50. Merged records are found
/// by their old reference or PNC id and shown as the person they were merged into
/// (`disrupt.person_find`, SQL/definitions/reading.sql).
public struct PersonSearch: Sendable {
    public init() {}

    public func find(_ text: String, on db: PostgresConnection) throws -> [PersonMatch] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StoreError(.usage, "give some text to search for") }
        let rows = try db.query("SELECT * FROM disrupt.person_find(\(trimmed))")
        return try rows.records(as: PersonMatch.self)
    }
}

/// Read by column name from `disrupt.person_find`.
extension PersonMatch: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            personRef: try row["person_ref"], pncId: try row["pnc_id"], givenName: try row["given_name"],
            familyName: try row["family_name"], dateOfBirth: try row["date_of_birth"],
            matched: try row["matched"], rank: try row["rank"])
    }
}

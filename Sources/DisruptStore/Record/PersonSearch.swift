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
/// by their old reference or PNC id and shown as the person they were merged into.
public struct PersonSearch: Sendable {
    public init() {}

    public func find(_ text: String, on db: PostgresConnection) throws -> [PersonMatch] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StoreError(.usage, "give some text to search for") }
        let rows = try db.query("""
            WITH q AS (
                SELECT disrupt.fold(\(trimmed)) AS t,
                       replace(replace(replace(disrupt.fold(\(trimmed)), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' AS prefix
            ),
            hits AS (
                SELECT COALESCE(p.merged_into, p.id) AS id, 0 AS rank, CASE WHEN upper(p.person_ref) = upper(\(trimmed)) THEN 'reference' ELSE 'pnc' END AS matched
                FROM disrupt.person p WHERE upper(p.person_ref) = upper(\(trimmed)) OR upper(p.pnc_id) = upper(\(trimmed))
                UNION ALL
                SELECT p.id, CASE WHEN disrupt.fold(concat_ws(' ', p.given_name, p.family_name)) = q.t THEN 1
                                  WHEN disrupt.fold(p.family_name) = q.t OR disrupt.fold(p.given_name) = q.t THEN 2
                                  ELSE 3 END, 'name'
                FROM disrupt.person p, q
                WHERE p.merged_into IS NULL
                  AND (disrupt.fold(p.family_name) LIKE q.prefix OR disrupt.fold(p.given_name) LIKE q.prefix
                       OR disrupt.fold(concat_ws(' ', p.given_name, p.family_name)) LIKE q.prefix)
                UNION ALL
                SELECT p.id, CASE WHEN disrupt.fold(a.alias_name) = q.t THEN 2 ELSE 3 END, 'alias'
                FROM disrupt.alias a JOIN disrupt.person p ON p.id = a.person_id, q
                WHERE p.merged_into IS NULL AND disrupt.fold(a.alias_name) LIKE q.prefix
            ),
            best AS (
                SELECT DISTINCT ON (id) id, rank, matched FROM hits ORDER BY id, rank, matched DESC
            )
            SELECT p.person_ref, p.pnc_id, p.given_name, p.family_name, p.date_of_birth, b.matched, b.rank
            FROM best b JOIN disrupt.person p ON p.id = b.id
            ORDER BY b.rank, disrupt.fold(p.family_name), disrupt.fold(p.given_name), p.person_ref
            LIMIT 50
            """)
        return try rows.records(as: PersonMatch.self)
    }
}

/// Read by column name from the query above.
extension PersonMatch: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            personRef: try row["person_ref"], pncId: try row["pnc_id"], givenName: try row["given_name"],
            familyName: try row["family_name"], dateOfBirth: try row["date_of_birth"],
            matched: try row["matched"], rank: try row["rank"])
    }
}

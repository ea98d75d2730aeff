import DisruptCore
import Postgres

extension Day: PostgresEncodable {
    /// A `date` parameter: `YYYY-MM-DD`.
    public func postgresText() -> String? { iso }
}

extension Day: PostgresDecodable {
    /// A `date` column in ISO style (the connection sets `DateStyle = ISO`); a BC date or
    /// `infinity` is not a Day (nil, so the read fails instead of moving it to AD).
    public static func decode(postgresText text: String) -> Day? {
        text.hasSuffix(" BC") ? nil : Day(iso: String(text.prefix(10)))
    }
}

// Code columns read straight into the domain's enumerations (a value outside the enumeration
// is a decoding error that names the column).
extension Agency: PostgresDecodable {}
extension Sensitivity: PostgresDecodable {}
extension BreachAction: PostgresDecodable {}
extension RelationshipKind: PostgresDecodable {}
extension ReferralCriterion: PostgresDecodable {}
extension Forum: PostgresDecodable {}
extension LinkStatus: PostgresDecodable {}
extension IOMCohort: PostgresDecodable {}

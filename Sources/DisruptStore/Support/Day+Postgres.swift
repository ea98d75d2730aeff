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

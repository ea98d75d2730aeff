import DisruptCore
import Postgres

extension Day: PostgresEncodable {
    /// A `date` parameter: `YYYY-MM-DD`.
    public func postgresText() -> String? { iso }
}

extension Day: PostgresDecodable {
    /// A `date` column in ISO style (the connection sets `DateStyle = ISO`).
    public static func decode(postgresText text: String) -> Day? { Day(iso: String(text.prefix(10))) }
}

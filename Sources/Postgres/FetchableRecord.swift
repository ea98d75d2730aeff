/// A value read from one row of a result by column name, in the manner of GRDB's
/// `FetchableRecord`: `init(row:)` reads `try row["column"]` for each field, so a query can
/// reorder or add columns without breaking it, and a missing column is an error that names it.
public protocol FetchableRecord {
    init(row: PostgresRow) throws
}

extension PostgresRows {
    /// Every row as a record.
    public func records<Record: FetchableRecord>(as type: Record.Type = Record.self) throws -> [Record] {
        try map(Record.init(row:))
    }
}

extension PostgresDecodable where Self: RawRepresentable, RawValue: PostgresDecodable {
    /// A code column read into an enumeration; a value that is not one of its cases is invalid.
    public static func decode(postgresText text: String) -> Self? {
        RawValue.decode(postgresText: text).flatMap(Self.init(rawValue:))
    }
}

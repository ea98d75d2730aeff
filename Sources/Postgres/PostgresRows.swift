/// The rows of a result, copied out of libpq into Swift values.
public struct PostgresRows: Sendable, RandomAccessCollection {
    let metadata: PostgresColumns
    /// For `INSERT`/`UPDATE`/`DELETE`/`COPY`: the number of rows affected.
    public let affectedRows: Int
    let values: [String?]

    init(metadata: PostgresColumns, values: [String?], affectedRows: Int) {
        self.metadata = metadata
        self.values = values
        self.affectedRows = affectedRows
    }

    /// Column names, in order.
    public var columns: [String] { metadata.names }
    /// The server's type OID of each column.
    public var columnTypes: [UInt32] { metadata.types }

    /// The position of the column called `name`, to read many rows by position
    /// (`PostgresRow.decode(_:as:)` with an `Int`) without looking the name up for each value.
    public func position(of name: String) throws -> Int {
        guard let position = metadata.index[name] else {
            throw PostgresDecodingError(column: name, type: "a column", reason: "the result has no such column")
        }
        return position
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { columns.isEmpty ? 0 : values.count / columns.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, row: position) }
}

/// The names and types of a result's columns, shared by all its rows (and, when streaming,
/// by every single-row result of one query).
final class PostgresColumns: Sendable {
    let names: [String]
    let types: [UInt32]
    let index: [String: Int]

    init(names: [String], types: [UInt32]) {
        self.names = names
        self.types = types
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
    }
}

/// One row of a result. Read columns by name with a type: `let ref: String = try row["person_ref"]`,
/// or `try row.decode("person_ref", as: String.self)` where the type is not inferred; a missing
/// column, an unexpected NULL or a bad value throws an error that names the column.
/// Records read themselves from rows through `FetchableRecord`.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let row: Int

    /// The raw text of a column (`nil` for NULL).
    func text(_ column: Int) -> String? {
        rows.values[row * rows.columns.count + column]
    }

    /// The column called `column`, as the type the context asks for.
    public subscript<T: PostgresDecodable>(column: String) -> T {
        get throws { try decode(column, as: T.self) }
    }

    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let position = rows.metadata.index[column] else {
            throw PostgresDecodingError(column: column, type: "\(T.self)", reason: "the result has no such column")
        }
        return try decode(position, as: type)
    }

    /// By position: from `PostgresRows.position(of:)` (a hot loop over many rows), or for a
    /// one-column result whose name does not matter (a test's count).
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        guard column >= 0, column < rows.columns.count else {
            throw PostgresDecodingError(column: "#\(column)", type: "\(T.self)", reason: "the result has no such column")
        }
        let name = rows.columns[column]
        guard let text = text(column) else {
            if let nullable = T.self as? PostgresNullDecodable.Type, let null = nullable.postgresNull as? T {
                return null
            }
            throw PostgresDecodingError(column: name, type: "\(T.self)", reason: "the value is NULL; decode as an Optional")
        }
        guard let value = T.decode(postgresText: text) else {
            throw PostgresDecodingError(column: name, type: "\(T.self)", reason: "the value is not a valid \(T.self) (PostgreSQL type oid \(rows.columnTypes[column]))")
        }
        return value
    }
}

/// A column that could not be read as the requested type. Names the column, never the value.
public struct PostgresDecodingError: Error, CustomStringConvertible, Sendable {
    public var column: String
    public var type: String
    public var reason: String
    public var description: String { "cannot read column \"\(column)\" as \(type): \(reason)" }

    /// `column` names the column (never its value); `type` is what it was read as.
    public init(column: String, type: String, reason: String) {
        self.column = column
        self.type = type
        self.reason = reason
    }
}

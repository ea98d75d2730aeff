/// A SQL statement and its parameters.
///
/// Written with string interpolation, every interpolated value becomes a `$n` parameter, so
/// the safe path is the easy one: `"SELECT * FROM person WHERE person_ref = \(ref)"`.
/// Text that really must become part of the SQL needs an explicit `\(unsafeSQL: ...)`, or
/// `\(identifier: ...)` for a name, which is quoted.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    public var sql: String
    public var binds: [PostgresBind]

    public init(unsafeSQL sql: String, binds: [PostgresBind] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, binds: stringInterpolation.binds)
    }

    /// Builds the SQL text and its parameter list.
    public struct StringInterpolation: StringInterpolationProtocol {
        public var sql = ""
        public var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// A value: sent as the next `$n` parameter, never spliced into the text.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            binds.append(PostgresBind(value))
            sql += "$\(binds.count)"
        }

        /// Raw SQL text. Only for fragments the program itself wrote, never user input.
        public mutating func appendInterpolation(unsafeSQL fragment: String) {
            sql += fragment
        }

        /// A name (table, column, channel), double-quoted with embedded quotes doubled.
        public mutating func appendInterpolation(identifier name: String) {
            sql += PostgresQuery.quoteIdentifier(name)
        }
    }

    /// Quotes a name for use as an SQL identifier.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// One parameter value in text format, or NULL.
public struct PostgresBind: Sendable {
    enum Storage: Sendable {
        case value(String?)
        case failure(PostgresError)
    }
    let storage: Storage

    public init(_ value: (some PostgresEncodable)?) {
        guard let value else {
            storage = .value(nil)
            return
        }
        do {
            storage = .value(try value.postgresText())
        } catch let error as PostgresError {
            storage = .failure(error)
        } catch {
            storage = .failure(PostgresError(code: .invalidParameter, message: "a parameter could not be encoded"))
        }
    }

    /// The text sent to the server; throws when the value cannot be sent (a NUL byte in text).
    func text() throws -> String? {
        switch storage {
        case .value(let text): return text
        case .failure(let error): throw error
        }
    }
}

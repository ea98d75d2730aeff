/// An error from the PostgreSQL client or server.
///
/// Callers branch on `code` (and, for server errors, `sqlState`) rather than on text. The
/// `description` is deliberately generic, like postgres-nio's `PSQLError`: server messages may
/// quote the values of a statement, and those must never reach a log line by accident. Show
/// `message`, `detail` and `hint` to a user on purpose, where that is appropriate.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is. Extensible: compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The connection could not be established.
        public static let connectionFailed = Code("connectionFailed")
        /// An established connection was lost (server gone, network down).
        public static let connectionLost = Code("connectionLost")
        /// The server answered with an error; see `sqlState`.
        public static let server = Code("server")
        /// A parameter value cannot be sent (for example a NUL byte in text).
        public static let invalidParameter = Code("invalidParameter")
        /// A COPY stream failed on the client side.
        public static let copyFailed = Code("copyFailed")
        /// The server answered in a way this client does not expect.
        public static let unexpectedResult = Code("unexpectedResult")
        /// The connection was used after `close()`.
        public static let closed = Code("closed")
    }

    public var code: Code
    /// The five-character SQLSTATE for server errors (`23505` unique violation, ...).
    public var sqlState: String?
    /// The primary message: from the server, or this client's own reason.
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraintName: String?
    public var tableName: String?
    public var columnName: String?
    /// The server's CONTEXT lines (the call stack of functions and triggers that raised it).
    public var context: String?
    /// Where in the server's source the error was raised (file:line routine), as psql's
    /// VERBOSE shows it.
    public var location: String?

    public init(
        code: Code, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, constraintName: String? = nil, tableName: String? = nil, columnName: String? = nil,
        context: String? = nil, location: String? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraintName = constraintName
        self.tableName = tableName
        self.columnName = columnName
        self.context = context
        self.location = location
    }

    /// True when the failure is about the connection rather than the statement.
    public var isConnectionError: Bool { code == .connectionFailed || code == .connectionLost || code == .closed }

    public var description: String {
        var text = "PostgresError(code: \(code)"
        if let sqlState { text += ", sqlState: \(sqlState)" }
        if let constraintName { text += ", constraint: \(constraintName)" }
        return text + ")"
    }
}

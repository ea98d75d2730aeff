import Postgres

/// A consultation of personal data: why (purpose), what (scope) and, when one person is
/// asked for, as the caller typed it (subject). `disrupt.consult` (SQL/definitions/security.sql)
/// writes its one audit row and opens reading for the current transaction only: every staff
/// read policy on personal data requires it, so whatever reads must run inside `consulting`.
public struct Consultation: Sendable {
    public var purpose: String
    public var scope: String
    public var subject: String?
    /// Request facts recorded with it (output format, as-of day): no personal data.
    public var detail: [String: String]

    public init(purpose: String, scope: String, subject: String? = nil, detail: [String: String] = [:]) {
        self.purpose = purpose
        self.scope = scope
        self.subject = subject
        self.detail = detail
    }

    /// Opens the consultation in the connection's current transaction; returns the audit row's id.
    @discardableResult
    public func open(on db: PostgresConnection) throws -> Int64 {
        let keys = detail.keys.sorted()
        return try db.query("""
            SELECT disrupt.consult(\(purpose), \(scope), \(subject),
                                   jsonb_object(\(keys)::text[], \(keys.map { detail[$0]! })::text[])) AS id
            """)[0].decode("id")
    }
}

extension PostgresConnection {
    /// Runs `body` in a transaction that first opens `consultation` (nested: in a savepoint of
    /// the enclosing transaction, whose consultation stays open).
    public func consulting<T>(_ consultation: Consultation, _ body: () throws -> T) throws -> T {
        try transaction {
            try consultation.open(on: self)
            return try body()
        }
    }
}

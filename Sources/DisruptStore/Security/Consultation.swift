import Postgres

/// A consultation of personal data: why (purpose), what (scope) and, when one person is
/// asked for, as the caller typed it (subject). `disrupt.consult` (SQL/definitions/security.sql)
/// writes its one audit row; once that transaction has committed, the session may read personal
/// data (every staff read policy requires it). So a consultation is opened in a transaction of
/// its own, before the reads, and its record stays even when the reading fails or rolls back.
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

    /// Opens the consultation in a transaction of its own and commits it; returns the audit row's id.
    /// Refused inside a transaction: the record must be committed before anything is read.
    @discardableResult
    public func open(on db: PostgresConnection) throws -> Int64 {
        guard !db.isInTransaction else {
            throw StoreError(.failure, "a consultation is opened before the reading transaction, not inside it")
        }
        let keys = detail.keys.sorted()
        return try db.query("""
            SELECT disrupt.consult(\(purpose), \(scope), \(subject),
                                   jsonb_object(\(keys)::text[], \(keys.map { detail[$0]! })::text[])) AS id
            """)[0].decode("id")
    }
}

extension PostgresConnection {
    /// Opens `consultation` (committed on its own), then runs `body` in one transaction.
    public func consulting<T>(_ consultation: Consultation, _ body: () throws -> T) throws -> T {
        try consultation.open(on: self)
        return try transaction(body)
    }
}

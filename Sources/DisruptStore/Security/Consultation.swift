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

    /// Opens the consultation in a transaction of its own and commits it; returns the id of the
    /// person its record names (the subject was the reference or PNC id of a person the caller may
    /// see), else nil. Refused inside a transaction: the record must be committed before anything
    /// is read.
    @discardableResult
    public func open(on db: PostgresConnection) throws -> Int64? {
        guard !db.isInTransaction else {
            throw StoreError(.failure, "a consultation is opened before the reading transaction, not inside it")
        }
        let keys = detail.keys.sorted()
        return try db.query("""
            SELECT disrupt.consult(\(purpose), \(scope), \(subject),
                                   jsonb_object(\(keys)::text[], \(keys.map { detail[$0]! })::text[])) AS person_id
            """)[0].decode("person_id")
    }
}

extension PostgresConnection {
    /// Opens `consultation` (committed on its own), then runs `body` in one transaction.
    public func consulting<T>(_ consultation: Consultation, _ body: () throws -> T) throws -> T {
        try consultation.open(on: self)
        return try transaction(body)
    }

    /// Opens `consultation` of the one person its subject names (a reference, PNC id, name or
    /// alias), finds him (`PersonResolver`) and runs `body` for him in one transaction. When the
    /// consultation's record names him (a reference or PNC id), he is read by that id in the same
    /// transaction as `body`. Otherwise (he was asked for by name) a second consultation,
    /// committed before `body` reads anything of his, names him by reference: every read of a
    /// person's records is logged against that person.
    public func consulting<T>(person consultation: Consultation, _ body: (PersonReference) throws -> T) throws -> T {
        guard let subject = consultation.subject else {
            throw StoreError(.failure, "a consultation of one person names him")
        }
        let recorded = try consultation.open(on: self)
        if let recorded {
            let read = try transaction { () throws -> [T] in
                // none when he was merged since: then he is found again by what was typed, below
                try PersonResolver().person(id: recorded, on: self).map { [try body($0)] } ?? []
            }
            if let result = read.first { return result }
        }
        let person = try transaction { try PersonResolver().resolve(subject, on: self) }
        if recorded != person.id {
            var named = consultation
            named.subject = person.ref
            guard try named.open(on: self) == person.id else {
                throw StoreError(.failure, "the consultation of \(person.ref) could not be recorded against him",
                                 hint: "Ask for him by reference: disrupt person find '\(subject)'")
            }
        }
        return try transaction { try body(person) }
    }
}

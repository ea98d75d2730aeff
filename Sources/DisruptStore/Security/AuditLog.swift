import Foundation
import Postgres

/// One row of `disrupt.audit_log`: who did what to which record, when, and why.
public struct AuditEntry: Sendable, Equatable, Encodable {
    public var id: Int64
    public var at: Date
    public var login: String
    public var agency: String?
    public var operation: String
    public var objectTable: String
    public var objectKey: String?
    public var personID: Int64?
    /// The person's reference, when the reader may see that person.
    public var personRef: String?
    public var purpose: String?
    public var recipient: String?
    public var before: JSONValue?
    public var after: JSONValue?
    public var detail: JSONValue?

    enum CodingKeys: String, CodingKey {
        case id, at, login, agency, operation, purpose, recipient, before, after, detail
        case objectTable = "object_table", objectKey = "object_key", personID = "person_id", personRef = "person_ref"
    }

    /// `at` as ISO 8601 UTC; every key present (null when empty).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(Timestamp.utc(at), forKey: .at)
        try container.encode(login, forKey: .login)
        try container.encode(agency, forKey: .agency)
        try container.encode(operation, forKey: .operation)
        try container.encode(objectTable, forKey: .objectTable)
        try container.encode(objectKey, forKey: .objectKey)
        try container.encode(personID, forKey: .personID)
        try container.encode(personRef, forKey: .personRef)
        try container.encode(purpose, forKey: .purpose)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
        try container.encode(detail, forKey: .detail)
    }
}

/// Reads the audit log through `disrupt.audit_entries` (security.sql), the one read of it a
/// login has: within a consultation, administrators see every row, anyone else only the rows
/// their own login made.
public struct AuditLog: Sendable {
    /// The operations the log records (DPA 2018 s.62).
    public static let operations = ["collect", "alter", "consult", "disclose", "combine", "erase"]

    /// A filter; every field optional except the row limit (1 to 10000: the database refuses
    /// any other, DR422).
    public struct Filter: Sendable {
        public var personID: Int64?
        public var login: String?
        public var since: Date?
        public var until: Date?
        public var operation: String?
        public var limit: Int

        public init(personID: Int64? = nil, login: String? = nil, since: Date? = nil, until: Date? = nil, operation: String? = nil, limit: Int = 100) {
            self.personID = personID
            self.login = login
            self.since = since
            self.until = until
            self.operation = operation
            self.limit = limit
        }
    }

    public init() {}

    /// The newest matching rows first, at most `filter.limit`.
    public func entries(_ filter: Filter, on db: PostgresConnection) throws -> [AuditEntry] {
        try db.query("""
            SELECT id, at, login, agency, operation, object_table, object_key, person_id, person_ref, purpose, recipient,
                   before::text AS before, after::text AS after, detail::text AS detail
            FROM disrupt.audit_entries(\(filter.personID)::bigint, \(filter.login)::text, \(filter.since)::timestamptz,
                                       \(filter.until)::timestamptz, \(filter.operation)::text, \(filter.limit)::integer)
            ORDER BY at DESC, id DESC
            """).records(as: AuditEntry.self)
    }

    /// A row image or detail document, its instants in UTC with `Z` (`timestampsInUTC`).
    fileprivate static func json(_ row: PostgresRow, _ column: String) throws -> JSONValue? {
        guard let text: String = try row[column] else { return nil }
        return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)).timestampsInUTC()
    }
}

extension JSONValue {
    /// The document with every string that is an instant with an offset (as `to_jsonb` writes a
    /// `timestamptz`, in the time zone of the session that made the change) rewritten by the one
    /// rule for JSON, `Timestamp.utc`. Days and other strings are left as they are.
    func timestampsInUTC() -> JSONValue {
        switch self {
        case .string(let text):
            guard text.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"#, options: .regularExpression) != nil,
                  let instant = Timestamp.parse(text) else { return self }
            return .string(Timestamp.utc(instant))
        case .array(let items): return .array(items.map { $0.timestampsInUTC() })
        case .object(let members): return .object(members.mapValues { $0.timestampsInUTC() })
        default: return self
        }
    }
}

/// Read by column name from the query above.
extension AuditEntry: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            id: try row["id"], at: try row["at"], login: try row["login"], agency: try row["agency"],
            operation: try row["operation"], objectTable: try row["object_table"], objectKey: try row["object_key"],
            personID: try row["person_id"], personRef: try row["person_ref"], purpose: try row["purpose"], recipient: try row["recipient"],
            before: try AuditLog.json(row, "before"), after: try AuditLog.json(row, "after"), detail: try AuditLog.json(row, "detail"))
    }
}

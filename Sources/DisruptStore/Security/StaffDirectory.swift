import DisruptCore
import Foundation
import Postgres

/// A member of staff: a PostgreSQL login role with an agency and a role in disrupt.
public struct StaffMember: Sendable, Equatable, Encodable {
    public var login: String
    public var fullName: String
    public var agency: String
    public var role: String
    public var active: Bool
    public var createdAt: Date
    public var disabledAt: Date?
    public var disabledReason: String?
    /// The login's `CONNECTION LIMIT`; nil when it has none (or the role is gone).
    public var connectionLimit: Int?
    /// Whether PostgreSQL lets the login connect. A disabled login whose role a session of hers
    /// kept (one that could not be ended) is still on, and can do nothing in disrupt; disabling
    /// her again switches it off.
    public var canLogIn: Bool

    enum CodingKeys: String, CodingKey {
        case login, agency, role, active
        case fullName = "full_name", createdAt = "created_at", disabledAt = "disabled_at", disabledReason = "disabled_reason"
        case connectionLimit = "connection_limit", canLogIn = "can_log_in"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(login, forKey: .login)
        try container.encode(fullName, forKey: .fullName)
        try container.encode(agency, forKey: .agency)
        try container.encode(role, forKey: .role)
        try container.encode(active, forKey: .active)
        try container.encode(Timestamp.utc(createdAt), forKey: .createdAt)
        try container.encode(disabledAt.map(Timestamp.utc), forKey: .disabledAt)
        try container.encode(disabledReason, forKey: .disabledReason)
        try container.encode(connectionLimit, forKey: .connectionLimit)
        try container.encode(canLogIn, forKey: .canLogIn)
    }
}

/// Adds, lists and disables staff through `disrupt.staff_add` / `disrupt.staff_disable`.
/// disrupt never stores passwords: a staff member authenticates to PostgreSQL itself.
public struct StaffDirectory: Sendable {
    public init() {}

    /// Login names disrupt creates: lower-case letters, digits and `_`, starting with a letter.
    public static let loginPattern = "^[a-z][a-z0-9_]{1,62}$"
    /// The longest full name accepted (characters).
    public static let maximumNameLength = 200

    /// Refuses a login that is not a safe identifier, with what to do instead.
    public static func validateLogin(_ login: String) throws {
        guard login.range(of: loginPattern, options: .regularExpression) != nil, !login.hasPrefix("pg_"), !login.hasPrefix("disrupt_") else {
            throw StoreError(.usage, "'\(printable(login))' is not a valid login: use 2-63 lower-case letters, digits or _, starting with a letter (not pg_ or disrupt_)",
                             hint: "For example: prob_jsmith")
        }
    }

    /// Refuses an empty, over-long or control-character name (newlines, escapes, NUL).
    public static func validateName(_ name: String) throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw StoreError(.usage, "the name is empty: give the person's full name") }
        guard name.count <= maximumNameLength else {
            throw StoreError(.usage, "the name is \(name.count) characters long; at most \(maximumNameLength) are accepted")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw StoreError(.usage, "the name contains a control character (newline, tab, escape or NUL): give it on one line of plain text")
        }
    }

    /// Raises a permission error (exit 4) unless the session's login is an administrator.
    public func requireAdmin(on db: PostgresConnection, to action: String) throws {
        let rows = try db.query("SELECT disrupt.is_admin() AS admin, session_user::text AS login")
        guard try rows[0].decode("admin", as: Bool.self) else {
            let login: String = try rows[0].decode("login")
            throw StoreError(.permissionDenied, "only an administrator may \(action); you are connected as \(login)",
                             hint: "Connect as an administrator login, for example: PGUSER=<admin login> disrupt ...")
        }
    }

    /// The connections a staff login may hold at once unless its administrator says otherwise.
    public static let defaultConnectionLimit = 10
    /// The limits `disrupt.staff_add` accepts (it refuses any other; the command checks first
    /// for a usage message).
    public static let connectionLimits = 1...1000

    /// Creates (or re-enables and updates) a staff login, with at most `connectionLimit`
    /// connections at once; returns the stored record.
    public func add(login: String, fullName: String, agency: Agency, role: StaffRole,
                    connectionLimit: Int = defaultConnectionLimit, on db: PostgresConnection) throws -> StaffMember {
        try Self.validateLogin(login)
        try Self.validateName(fullName)
        return try db.transaction {
            try requireAdmin(on: db, to: "add staff")
            try db.execute("SELECT disrupt.staff_add(\(login), \(fullName), \(agency.rawValue), \(role.rawValue), \(connectionLimit))")
            return try member(login, on: db)
        }
    }

    /// Disables a login (NOLOGIN; its open sessions in this database are ended when this
    /// commits, and it reads nothing); returns the record (`canLogIn` still true when a session
    /// of hers kept her role: disable her again later).
    public func disable(login: String, reason: String, on db: PostgresConnection) throws -> StaffMember {
        guard BlankText.reason(reason) != nil else {
            throw StoreError(.usage, "give a reason for disabling the login (at least one letter A-Z or digit)")
        }
        guard !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
            throw StoreError(.usage, "the reason contains a control character (tab, escape or NUL)")
        }
        return try db.transaction {
            try requireAdmin(on: db, to: "disable staff")
            try db.execute("SELECT disrupt.staff_disable(\(login), \(reason))")
            return try member(login, on: db)
        }
    }

    /// Staff, by agency and login; active only unless `includeDisabled`.
    public func list(agency: Agency? = nil, includeDisabled: Bool = false, on db: PostgresConnection) throws -> [StaffMember] {
        try requireAdmin(on: db, to: "list staff")
        return try db.query("""
            SELECT \(unsafeSQL: Self.columns) FROM disrupt.staff
            WHERE (\(agency?.rawValue)::text IS NULL OR agency = \(agency?.rawValue)::text) AND (active OR \(includeDisabled))
            ORDER BY agency, login
            """).records(as: StaffMember.self)
    }

    func member(_ login: String, on db: PostgresConnection) throws -> StaffMember {
        let rows = try db.query("SELECT \(unsafeSQL: Self.columns) FROM disrupt.staff WHERE login = \(login)")
        guard let row = rows.first else { throw StoreError(.notFound, "\(login) is not staff") }
        return try StaffMember(row: row)
    }

    static let columns = """
        login, full_name, agency, role, active, created_at, disabled_at, disabled_reason,
        (SELECT nullif(r.rolconnlimit, -1) FROM pg_catalog.pg_roles r WHERE r.rolname = staff.login) AS connection_limit,
        coalesce((SELECT r.rolcanlogin FROM pg_catalog.pg_roles r WHERE r.rolname = staff.login), false) AS can_log_in
        """

    /// The text with control characters shown as `\u{..}`, safe to print in a message.
    static func printable(_ text: String) -> String {
        String(text.prefix(80).unicodeScalars.map { $0.properties.generalCategory == .control ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
    }
}

/// Read by column name from `StaffDirectory.columns`.
extension StaffMember: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            login: try row["login"], fullName: try row["full_name"], agency: try row["agency"],
            role: try row["role"], active: try row["active"], createdAt: try row["created_at"],
            disabledAt: try row["disabled_at"], disabledReason: try row["disabled_reason"],
            connectionLimit: try row["connection_limit"], canLogIn: try row["can_log_in"])
    }
}

import Foundation
import Postgres

/// Who the session is: the login PostgreSQL authenticated (never a client-side claim), and
/// what disrupt knows about it.
public struct Identity: Sendable, Equatable, Encodable {
    public var login: String
    public var fullName: String?
    public var agency: String?
    public var role: String?
    /// An active staff member.
    public var active: Bool
    /// A staff administrator, or the install's administrator (superuser or database owner).
    public var admin: Bool
    /// The superuser or owner of the database (a personal install's own user).
    public var installAdmin: Bool

    enum CodingKeys: String, CodingKey {
        case login, agency, role, active, admin
        case fullName = "full_name", installAdmin = "install_admin"
    }

    /// Every key is always present (null when unknown), so scripts can rely on the shape.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(login, forKey: .login)
        try container.encode(fullName, forKey: .fullName)
        try container.encode(agency, forKey: .agency)
        try container.encode(role, forKey: .role)
        try container.encode(active, forKey: .active)
        try container.encode(admin, forKey: .admin)
        try container.encode(installAdmin, forKey: .installAdmin)
    }

    /// The identity of `db`'s session.
    public static func current(on db: PostgresConnection) throws -> Identity {
        try Identity(row: db.query("""
            SELECT session_user::text AS login, s.full_name, s.agency, s.role, coalesce(s.active, false) AS active,
                   disrupt.is_admin() AS admin, disrupt.is_install_admin() AS install_admin
            FROM (SELECT 1) AS one LEFT JOIN disrupt.staff s ON s.login = session_user
            """)[0])
    }
}

/// Read by column name from the query in `current(on:)`.
extension Identity: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            login: try row["login"], fullName: try row["full_name"], agency: try row["agency"],
            role: try row["role"], active: try row["active"], admin: try row["admin"],
            installAdmin: try row["install_admin"])
    }
}

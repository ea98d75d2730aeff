import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres

/// One migrated database with four staff logins (unique to this run) and one person
/// holding a shared and a restricted marker from each of health and police, inserted by
/// the superuser with plain SQL.
final class SecurityFixture: Sendable {
    let location: DatabaseLocation
    let token: String
    let personID: Int64
    var probation: String { "prob_\(token)" }
    var health: String { "hlth_\(token)" }
    var police: String { "pol_\(token)" }
    var admin: String { "adm_\(token)" }

    /// Shared by the security suites: building it once keeps them quick.
    static let shared = Result { try SecurityFixture() }

    init() throws {
        let location = try TestCluster.freshDatabase("security")
        let token = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        self.location = location
        self.token = token
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        for (login, agency, role) in [("prob_\(token)", "probation", "rep"), ("hlth_\(token)", "health", "rep"),
                                      ("pol_\(token)", "police", "rep"), ("adm_\(token)", "other", "admin")] {
            try db.execute("SELECT disrupt.staff_add(\(login), \(login.uppercased()), \(agency), \(role))")
        }
        let personID: Int64 = try db.query("""
            INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\("P-\(token)"), 'Éric', 'Dupont', 'police') RETURNING id
            """)[0].decode("id")
        for (suffix, agency, sensitivity) in [("hr", "health", "restricted"), ("hs", "health", "shared"),
                                              ("pr", "police", "restricted"), ("ps", "police", "shared")] {
            try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, note, agency, sensitivity)
                VALUES (\("M-\(token)-\(suffix)"), \(personID), 'weapons', '2024-01-10', \("note \(suffix)"), \(agency), \(sensitivity))
                """)
        }
        self.personID = personID
    }

    /// The source references of the fixture's four markers (tests add others beside them).
    var markers: [String] { ["hr", "hs", "pr", "ps"].map(marker) }

    /// The source reference of one of the fixture's markers (`hr`, `hs`, `pr`, `ps`).
    func marker(_ suffix: String) -> String { "M-\(token)-\(suffix)" }

    func superuser() throws -> PostgresConnection {
        try TestCluster.superuserConnection(database: location.testDatabaseName)
    }

    /// A connection authenticated as `login`, exactly as the binary would make it.
    func connect(as login: String) throws -> PostgresConnection {
        try PostgresConnection(location.asUser(login).configuration)
    }

    /// Runs `body` as police, health and an administrator, each first without and then within a
    /// consultation (the two states a login's reads differ in), on one connection per login.
    func asEachLoginConsultedOrNot(_ body: (_ db: PostgresConnection, _ login: String) throws -> Void) throws {
        for login in [police, health, admin] {
            let db = try connect(as: login)
            defer { db.close() }
            try body(db, login)
            _ = try db.query("SELECT disrupt.consult('attack test', 'psql')")
            try body(db, login)
        }
    }

    /// Adds a person police may not see: restricted, held by health, born 1980-02-03, with the
    /// reference `P-<token>-<suffix>`, the PNC id `PNC-<token>-<suffix>` and the family name
    /// `Zzhealth<suffix>`.
    func addHiddenHealthPerson(_ suffix: String) throws -> (id: Int64, ref: String, pnc: String) {
        let db = try superuser()
        defer { db.close() }
        let ref = "P-\(token)-\(suffix)"
        let pnc = "PNC-\(token)-\(suffix)"
        let id: Int64 = try db.query("""
            INSERT INTO disrupt.person (person_ref, pnc_id, given_name, family_name, date_of_birth, agency, sensitivity)
            VALUES (\(ref), \(pnc), 'Hidden', \("Zzhealth\(suffix)"), '1980-02-03', 'health', 'restricted') RETURNING id
            """)[0].decode("id")
        return (id, ref, pnc)
    }

    /// Waits until the backend `pid` has gone (a change of her staff row ends a login's
    /// sessions when it commits, asynchronously); false if it is still there after five seconds.
    func sessionEnded(_ pid: Int) throws -> Bool {
        let su = try superuser()
        defer { su.close() }
        for _ in 0..<100 {
            if try su.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)").isEmpty { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// A session as `login` that a change of her staff row does not end: a superuser's,
    /// authorised as her. A session she opened in the moment before the change committed would
    /// be like it; what the functions refuse is checked through it.
    func sessionAuthorised(as login: String) throws -> PostgresConnection {
        let db = try superuser()
        try db.execute("SET SESSION AUTHORIZATION \(identifier: login)")
        return db
    }

    /// Makes this database, for `login`, what one never migrated by a superuser would be: she may
    /// write PL/pgSQL functions (`StatisticsLock` did not lock the languages), run schema
    /// commands (no `SchemaChangeGuard`) and make temporary tables (as on a database whose TEMP
    /// privilege was given back to PUBLIC). For a test's own fixture only: it stays so.
    func openAsIfNeverLocked(for login: String) throws {
        let su = try superuser()
        defer { su.close() }
        try su.execute("GRANT USAGE ON LANGUAGE plpgsql TO \(identifier: login)")
        try su.execute("DROP EVENT TRIGGER IF EXISTS disrupt_schema_guard")
        try su.execute("GRANT TEMPORARY ON DATABASE \(identifier: location.testDatabaseName) TO \(identifier: login)")
    }

    /// Adds a staff login of its own for a test that changes it.
    func addStaff(_ prefix: String, agency: String = "probation", role: String = "rep") throws -> String {
        let login = "\(prefix)_\(token)"
        let db = try superuser()
        defer { db.close() }
        try db.execute("SELECT disrupt.staff_add(\(login), 'Test Person', \(agency), \(role))")
        return login
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres

/// A DBA's set-up for the migrate tests: a fresh database owned by a login that is not a
/// superuser (`own_<token>`, a member of disrupt_owner). `close()` gives the database back and
/// drops the login.
final class DatabaseOwnedByLogin {
    let location: DatabaseLocation
    let token: String
    let owner: String
    /// The cluster's superuser on the database.
    let superuser: PostgresConnection
    private let formerOwner: String

    init(_ label: String) throws {
        location = try TestCluster.freshDatabase(label)
        token = String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! })  // always 8 (PolicyPlanGuardTests)
        owner = "own_\(token)"
        superuser = try TestCluster.superuserConnection(database: location.testDatabaseName)
        let database = location.testDatabaseName
        formerOwner = try superuser.query("SELECT pg_get_userbyid(datdba)::text AS o FROM pg_database WHERE datname = \(database)")[0].decode("o")
        try superuser.execute("CREATE ROLE \(identifier: owner) LOGIN IN ROLE disrupt_owner")
        try superuser.execute("ALTER DATABASE \(identifier: database) OWNER TO \(identifier: owner)")
    }

    /// The database's URL as the owner's login.
    var ownerURL: String { location.testURL + "&user=\(owner)" }

    func close() {
        _ = try? superuser.execute("ALTER DATABASE \(identifier: location.testDatabaseName) OWNER TO \(identifier: formerOwner)")
        _ = try? superuser.execute("DROP ROLE \(identifier: owner)")
        superuser.close()
    }
}

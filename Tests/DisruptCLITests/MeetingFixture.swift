import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres

/// A fresh database with the staff of one Marac (police chair, police SPOC, health, housing and
/// Idva representatives, a coordinator) and one perpetrator, made as the superuser; everything
/// else goes through the real binary as those logins. Logins carry a random suffix (roles are
/// cluster-wide).
struct MeetingFixture {
    let location: DatabaseLocation
    let chair: String
    let coordinator: String
    let spoc: String
    let health: String
    let housing: String
    let idva: String
    let personRef: String
    let token: String

    init(_ label: String) throws {
        location = try TestCluster.freshDatabase(label)
        token = String(UUID().uuidString.prefix(6).lowercased())
        chair = "mchair_\(token)"
        coordinator = "mcoord_\(token)"
        spoc = "mspoc_\(token)"
        health = "mhealth_\(token)"
        housing = "mhousing_\(token)"
        idva = "midva_\(token)"
        personRef = "P-M\(token)"
        let db = try superuser()
        defer { db.close() }
        for (login, name, agency, role) in [(chair, "Cath Chair", "police", "chair"), (coordinator, "Cody Coordinator", "idva", "coordinator"),
                                            (spoc, "Sam Spoc", "police", "spoc"), (health, "Hana Health", "health", "rep"),
                                            (housing, "Hugh Housing", "housing", "rep"), (idva, "Ida Idva", "idva", "idva")] {
            try db.execute("SELECT disrupt.staff_add(\(login), \(name), \(agency), \(role))")
        }
        try db.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\(personRef), 'Dean', 'Walsh', 'police')")
    }

    func url(as login: String?) -> String {
        login.map { location.testURL + "&user=\($0)" } ?? location.testURL
    }

    /// Runs the real binary as a login (nil: the superuser).
    func run(_ arguments: [String], as login: String?) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: url(as: login))
    }

    /// Runs and insists on exit 0; its standard output.
    @discardableResult
    func ok(_ arguments: [String], as login: String?) throws -> String {
        let result = try run(arguments, as: login)
        guard result.status == 0 else {
            throw FixtureError(message: "disrupt \(arguments.joined(separator: " ")) as \(login ?? "superuser") exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs with `--format json` and decodes an object.
    func json(_ arguments: [String], as login: String?) throws -> [String: Any] {
        let output = try ok(arguments + ["--format", "json"], as: login)
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
            throw FixtureError(message: "not a JSON object: \(output)")
        }
        return object
    }

    func superuser() throws -> PostgresConnection {
        try TestCluster.superuserConnection(database: location.testDatabaseName)
    }

    /// A direct connection as a staff login (what psql would give them).
    func connection(as login: String) throws -> PostgresConnection {
        try PostgresConnection(location.asUser(login).configuration)
    }

    static func day(_ offset: Int) -> String { Day.today().adding(days: offset).iso }
}

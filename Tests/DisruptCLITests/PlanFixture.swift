import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres

/// A fresh database with staff (SPOC police, Idva, chair, probation owner) and one person,
/// made with plain SQL as the superuser. Logins carry a random suffix: roles are cluster-wide.
struct PlanFixture {
    let location: DatabaseLocation
    let spoc: String
    let idva: String
    let chair: String
    let probation: String
    let personRef: String

    init(_ label: String) throws {
        try self.init(location: TestCluster.freshDatabase(label), superuser: nil)
    }

    /// Seeds the database at `location`; `superuser` is a superuser connection to it (default: the test cluster's).
    init(location: DatabaseLocation, superuser: PostgresConnection?) throws {
        self.location = location
        let token = UUID().uuidString.prefix(6).lowercased()
        spoc = "spoc_\(token)"
        idva = "idva_\(token)"
        chair = "chair_\(token)"
        probation = "prob_\(token)"
        personRef = "P-\(token)"
        let db = try superuser ?? TestCluster.superuserConnection(database: location.testDatabaseName)
        try db.execute("SELECT disrupt.staff_add(\(spoc), 'Sam Spoc', 'police', 'spoc')")
        try db.execute("SELECT disrupt.staff_add(\(idva), 'Ida Idva', 'idva', 'idva')")
        try db.execute("SELECT disrupt.staff_add(\(chair), 'Cath Chair', 'police', 'chair')")
        try db.execute("SELECT disrupt.staff_add(\(probation), 'Pat Probation', 'probation', 'rep')")
        try db.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\(personRef), 'Adam', 'Testperson', 'police')")
    }

    /// The database URL as a login (nil: the superuser).
    func url(as login: String?) -> String {
        login.map { location.testURL + "&user=\($0)" } ?? location.testURL
    }

    /// Runs the real binary as a login.
    func run(_ arguments: [String], as login: String?, environment: [String: String] = [:]) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: url(as: login), environment: environment)
    }

    /// Runs and decodes JSON output as an object; records failures in the message.
    func json(_ arguments: [String], as login: String?) throws -> [String: Any] {
        let result = try run(arguments + ["--format", "json"], as: login)
        guard result.status == 0, let object = try DisruptBinary.json(result) as? [String: Any] else {
            throw FixtureError(message: "disrupt \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return object
    }

    /// Opens a plan as the SPOC; its id.
    func openPlan() throws -> Int {
        try json(["plan", "open", personRef, "--spoc", spoc], as: spoc)["plan_id"] as! Int
    }

    /// Adds an action as the SPOC; its JSON.
    func addAction(plan: Int, tactic: String, heading: String, agency: String = "police", owner: String? = nil, due: String) throws -> [String: Any] {
        var arguments = ["action", "add", "\(plan)", "--heading", heading, "--tactic", tactic, "--agency", agency, "--due", due]
        if let owner { arguments += ["--owner", owner] }
        return try json(arguments, as: spoc)
    }

    /// A superuser connection for checks.
    func superuser() throws -> PostgresConnection {
        try TestCluster.superuserConnection(database: location.testDatabaseName)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

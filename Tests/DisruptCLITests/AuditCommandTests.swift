import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt audit` through the real binary: administrators see everything, others their own.
@Suite("disrupt audit (the real binary)")
struct AuditCommandTests {
    let location: DatabaseLocation
    let token: String
    let personRef: String

    init() throws {
        location = try TestCluster.freshDatabase("auditcmd")
        token = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        personRef = "P-\(token)"
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        for (login, agency, role) in [("prob_\(token)", "probation", "rep"), ("pol_\(token)", "police", "rep"), ("adm_\(token)", "other", "admin")] {
            try db.execute("SELECT disrupt.staff_add(\(login), 'Test', \(agency), \(role))")
        }
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(personRef), 'Audited', 'police')")
    }

    func run(_ arguments: [String], as login: String) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: location.asUser(login).testURL)
    }

    /// Renames the person as `db`'s login the way staff change a record: by importing it again
    /// (the import protocol of SQL/definitions/import.sql, as `disrupt import people` runs it).
    func rename(to name: String, on db: PostgresConnection) throws {
        try db.execute("BEGIN")
        _ = try db.query("SELECT * FROM disrupt.import_stage('people')")
        try db.execute("INSERT INTO pg_temp.stage_people (line, person_ref, given_name, family_name) VALUES (2, \(personRef), \(name), 'Audited')")
        let counts = try db.query("SELECT * FROM disrupt.import_run('people', NULL, 'rename.csv')")[0]
        try db.execute("COMMIT")
        #expect(try counts.decode("updated", as: Int.self) == 1, "the rename was not imported")
    }

    /// Each of probation and police consults the person once, and police renames him.
    func makeActivity() throws {
        for login in ["prob_\(token)", "pol_\(token)"] {
            let db = try PostgresConnection(location.asUser(login).configuration)
            defer { db.close() }
            try db.execute("SELECT disrupt.consult(\("Marac by \(login)"), 'person', \(personRef))")
        }
        let police = try PostgresConnection(location.asUser("pol_\(token)").configuration)
        defer { police.close() }
        try Consultation(purpose: "audit test", scope: "test").open(on: police)
        try rename(to: "Renamed", on: police)
    }

    @Test func nonAdministratorsSeeOnlyTheirOwnRowsAndAreTold() throws {
        try makeActivity()
        let probation = "prob_\(token)"
        let json = try run(["audit", "--person", personRef, "--format", "json"], as: probation)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try DisruptBinary.json(json) as? [String: Any]
        #expect(document?["scope"] as? String == "own")
        let rows = document?["entries"] as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        #expect(rows.allSatisfy { $0["login"] as? String == probation })
        #expect(rows.first?["purpose"] as? String == "Marac by \(probation)")
        #expect((rows.first?["at"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)

        let text = try run(["audit"], as: probation)
        #expect(text.status == 0)
        #expect(text.stderr.contains("Showing only rows made by \(probation)"))
        #expect(!text.stdout.contains("pol_\(token)"))
        // asking for someone else's rows gives none, not an error
        let other = try DisruptBinary.json(try run(["audit", "--staff", "pol_\(token)", "--format", "json"], as: probation)) as? [String: Any]
        #expect((other?["entries"] as? [Any])?.isEmpty == true)
    }

    @Test func administratorsSeeEveryoneAndFilter() throws {
        try makeActivity()
        let admin = "adm_\(token)"
        let all = try DisruptBinary.json(try run(["audit", "--person", personRef, "--format", "json"], as: admin)) as? [String: Any]
        #expect(all?["scope"] as? String == "all")
        let rows = all?["entries"] as? [[String: Any]] ?? []
        #expect(Set(rows.compactMap { $0["login"] as? String }).isSuperset(of: ["prob_\(token)", "pol_\(token)"]))
        #expect(rows.allSatisfy { $0["person_ref"] as? String == personRef }, "rows name the person by reference")
        let alters = try DisruptBinary.json(try run(["audit", "--person", personRef, "--operation", "alter", "--format", "json"], as: admin)) as? [String: Any]
        let alter = (alters?["entries"] as? [[String: Any]])?.first
        #expect((alter?["before"] as? [String: Any])?.keys.sorted() == ["given_name"])
        #expect((alter?["after"] as? [String: Any])?["given_name"] as? String == "Renamed")
        let text = try run(["audit", "--staff", "pol_\(token)", "--operation", "alter"], as: admin)
        #expect(text.stdout.contains("changed given_name"))
        #expect(text.stdout.range(of: #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"#, options: .regularExpression) != nil)
        let future = try run(["audit", "--since", String(Timestamp.local(Date().addingTimeInterval(2 * 86_400)).prefix(10))], as: admin)
        #expect(future.stdout.contains("No audit rows match."))
        let limited = try DisruptBinary.json(try run(["audit", "--limit", "1", "--format", "json"], as: admin)) as? [String: Any]
        #expect((limited?["entries"] as? [Any])?.count == 1)
    }

    @Test func badFiltersAreUsageErrors() throws {
        let admin = "adm_\(token)"
        #expect(try run(["audit", "--since", "2024-02-30"], as: admin).status == 2)
        #expect(try run(["audit", "--operation", "read"], as: admin).status == 2)
        #expect(try run(["audit", "--limit", "0"], as: admin).status == 2)
        #expect(try run(["audit", "--since", "2024-05-02", "--until", "2024-05-01"], as: admin).status == 2)
        #expect(try run(["audit", "--person", "P-nobody-\(token)"], as: admin).status == 3)
    }

    /// The row images come from `to_jsonb` in the writer's session time zone; JSON shows every
    /// instant in UTC with `Z` whatever that zone, or the reader's, was.
    @Test func rowImagesShowTimestampsInUTCWithZ() throws {
        let police = try PostgresConnection(location.asUser("pol_\(token)").configuration)
        defer { police.close() }
        try police.execute("SET TIME ZONE 'Asia/Kolkata'")
        try Consultation(purpose: "audit test", scope: "test").open(on: police)
        try rename(to: "Zoned", on: police)
        let india = ["TZ": "Asia/Kolkata", "PGTZ": "Asia/Kolkata"]
        let result = try DisruptBinary.run(["audit", "--person", personRef, "--format", "json"],
                                           databaseURL: location.asUser("adm_\(token)").testURL, environment: india)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = (try DisruptBinary.json(result) as? [String: Any])?["entries"] as? [[String: Any]] ?? []
        var stamps: [String] = []
        func collect(_ value: Any?) {
            switch value {
            case let text as String where text.range(of: #"^\d{4}-\d\d-\d\dT\d\d:"#, options: .regularExpression) != nil: stamps.append(text)
            case let array as [Any]: array.forEach(collect)
            case let object as [String: Any]: object.values.forEach(collect)
            default: break
            }
        }
        entries.forEach { collect($0["before"]); collect($0["after"]); collect($0["detail"]) }
        #expect(!stamps.isEmpty, "the row images hold the person's timestamps: \(entries)")
        for stamp in stamps {
            #expect(stamp.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil, "\(stamp)")
        }
    }
}

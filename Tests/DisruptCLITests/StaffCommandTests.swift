import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt staff ...` and `disrupt whoami` through the real binary, connected as real logins.
@Suite("disrupt staff and whoami (the real binary)")
struct StaffCommandTests {
    let location: DatabaseLocation
    let token: String

    init() throws {
        location = try TestCluster.freshDatabase("staffcmd")
        token = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
    }

    func run(_ arguments: [String], as login: String? = nil) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: (login.map { location.asUser($0) } ?? location).testURL)
    }

    func superuser() throws -> PostgresConnection {
        try TestCluster.superuserConnection(database: location.testDatabaseName)
    }

    /// Rows in the tables a hostile value could reach.
    /// Rows that a hostile command could have changed. Roles are cluster-wide and other suites
    /// add theirs in parallel, so only this suite's (named with its token) are counted.
    func counts() throws -> [Int] {
        let db = try superuser()
        defer { db.close() }
        let row = try db.query("""
            SELECT (SELECT count(*) FROM disrupt.staff) AS staff, (SELECT count(*) FROM disrupt.person) AS person,
                   (SELECT count(*) FROM pg_roles WHERE strpos(rolname, \(token)) > 0) AS roles, (SELECT count(*) FROM pg_class WHERE relnamespace = 'disrupt'::regnamespace) AS relations
            """)[0]
        return try ["staff", "person", "roles", "relations"].map { try row.decode($0, as: Int.self) }
    }

    @Test func anAdministratorAddsListsAndDisablesStaff() throws {
        let login = "prob_\(token)"
        let added = try run(["staff", "add", login, "--name", "Jo Smith", "--agency", "probation", "--role", "rep"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("\\password \(login)"))
        #expect(added.stdout.contains("pg_hba.conf"))

        let whoami = try run(["whoami", "--format", "json"], as: login)
        #expect(whoami.status == 0, "\(whoami.stderr)")
        let me = try DisruptBinary.json(whoami) as? [String: Any]
        #expect(me?["login"] as? String == login)
        #expect(me?["full_name"] as? String == "Jo Smith")
        #expect(me?["agency"] as? String == "probation" && me?["role"] as? String == "rep")
        #expect(me?["active"] as? Bool == true && me?["admin"] as? Bool == false)

        let list = try run(["staff", "list", "--agency", "probation", "--format", "json"])
        let members = try DisruptBinary.json(list) as? [[String: Any]]
        #expect(members?.compactMap { $0["login"] as? String }.contains(login) == true)

        let disabled = try run(["staff", "disable", login, "--reason", "left the service"])
        #expect(disabled.status == 0, "\(disabled.stderr)")
        #expect(try run(["whoami"], as: login).status != 0)
        let active = try DisruptBinary.json(try run(["staff", "list", "--format", "json"])) as? [[String: Any]]
        #expect(active?.contains { $0["login"] as? String == login } == false)
        let all = try DisruptBinary.json(try run(["staff", "list", "--all", "--format", "json"])) as? [[String: Any]]
        let record = all?.first { $0["login"] as? String == login }
        #expect(record?["active"] as? Bool == false)
        #expect(record?["disabled_reason"] as? String == "left the service")
        #expect((record?["disabled_at"] as? String)?.hasSuffix("Z") == true)
    }

    /// A login with no limit could open connections until the server's `max_connections`, after
    /// which nobody else, the reminder service included, could connect. Each staff login gets a
    /// `CONNECTION LIMIT` (10 unless `--connection-limit` says otherwise), which the server
    /// enforces on psql exactly as on the CLI; adding someone again sets the new limit.
    @Test func eachStaffLoginHasAConnectionLimit() throws {
        let login = "conn_\(token)"
        func limit() throws -> Int {
            let db = try superuser()
            defer { db.close() }
            return try db.query("SELECT rolconnlimit AS n FROM pg_roles WHERE rolname = \(login)")[0].decode("n")
        }
        let added = try run(["staff", "add", login, "--name", "Cam Conn", "--agency", "police", "--role", "rep", "--format", "json"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try limit() == 10)
        #expect((try DisruptBinary.json(added) as? [String: Any])?["connection_limit"] as? Int == 10)

        let narrowed = try run(["staff", "add", login, "--name", "Cam Conn", "--agency", "police", "--role", "rep", "--connection-limit", "2"])
        #expect(narrowed.status == 0, "\(narrowed.stderr)")
        #expect(narrowed.stdout.contains("at most 2 connections at once"))
        #expect(try limit() == 2)
        let url = location.asUser(login).testURL
        let first = try PostgresConnection(PostgresConfiguration(connectionString: url))
        defer { first.close() }
        let second = try PostgresConnection(PostgresConfiguration(connectionString: url))
        defer { second.close() }
        var refusal = ""
        do {
            let third = try PostgresConnection(PostgresConfiguration(connectionString: url))
            third.close()
        } catch let error as PostgresError {
            refusal = error.message
        }
        #expect(refusal.contains("too many connections for role"), "\(refusal)")
        // the administrator still connects: the limit is the login's, not the server's
        #expect(try run(["staff", "list"]).status == 0)

        for bad in ["0", "-1", "1001", "ten"] {
            let result = try run(["staff", "add", login, "--name", "Cam Conn", "--agency", "police", "--role", "rep", "--connection-limit", bad])
            #expect(result.status == 2, "\(bad): \(result.stderr)")
            #expect(result.stderr.contains("--connection-limit"), "\(bad): \(result.stderr)")
        }
        #expect(try limit() == 2)
    }

    @Test func nonAdministratorsAreRefusedWithExitFour() throws {
        let rep = "rep_\(token)"
        #expect(try run(["staff", "add", rep, "--name", "A Rep", "--agency", "police", "--role", "rep"]).status == 0)
        let before = try counts()
        for arguments in [["staff", "add", "new_\(token)", "--name", "X", "--agency", "police", "--role", "admin"],
                          ["staff", "list"], ["staff", "disable", rep, "--reason", "me"]] {
            let result = try run(arguments, as: rep)
            #expect(result.status == 4, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("only an administrator may"))
            #expect(result.stderr.contains("you are connected as \(rep)"))
        }
        #expect(try counts() == before)
        // an admin staff login (not a superuser) may
        let admin = "adm_\(token)"
        #expect(try run(["staff", "add", admin, "--name", "An Admin", "--agency", "other", "--role", "admin"]).status == 0)
        let byAdmin = try run(["staff", "add", "new_\(token)", "--name", "New", "--agency", "housing", "--role", "spoc"], as: admin)
        #expect(byAdmin.status == 0, "\(byAdmin.stderr)")
    }

    @Test func badLoginsAgenciesAndRolesAreUsageErrors() throws {
        let before = try counts()
        for login in ["Upper", "x", "1abc", "pg_evil", "disrupt_owner", "a-b", "robert'); DROP TABLE person; --", String(repeating: "a", count: 64)] {
            let result = try run(["staff", "add", login, "--name", "N", "--agency", "police", "--role", "rep"])
            #expect(result.status == 2, "\(login): \(result.stderr)")
            #expect(result.stderr.contains("is not a valid login"))
        }
        let agency = try run(["staff", "add", "ok_\(token)", "--name", "N", "--agency", "mi5", "--role", "rep"])
        #expect(agency.status == 2 && agency.stderr.contains("choose one of police, probation"))
        let role = try run(["staff", "add", "ok_\(token)", "--name", "N", "--agency", "police", "--role", "god"])
        #expect(role.status == 2 && role.stderr.contains("choose one of rep, spoc"))
        let missing = try run(["staff", "disable", "nobody_\(token)", "--reason", "x"])
        #expect(missing.status == 3, "\(missing.stderr)")
        #expect(try counts() == before)
    }

    @Test func hostileNamesAreStoredExactlyOrRefused() throws {
        let exact = ["O'Brien \"Bob\"", "'; DROP TABLE person; --", "Zoë Brontë-日本", "\\x00 %s $1 \\\\", "  leading and trailing  "]
        for (index, name) in exact.enumerated() {
            let login = "h\(index)_\(token)"
            let before = try counts()
            let result = try run(["staff", "add", login, "--name", name, "--agency", "police", "--role", "rep", "--format", "json"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let db = try superuser()
            defer { db.close() }
            let stored: String = try db.query("SELECT full_name FROM disrupt.staff WHERE login = \(login)")[0].decode("full_name")
            #expect(Array(stored.utf8) == Array(name.trimmingCharacters(in: .whitespaces).utf8), "\(name)")
            #expect(try counts() == [before[0] + 1, before[1], before[2] + 1, before[3]])
        }
        let before = try counts()
        let refused: [(String, String)] = [
            ("line\nbreak", "control character"), ("tab\there", "control character"), ("esc\u{1B}[31m", "control character"),
            (String(repeating: "n", count: 100_000), "at most 200"), ("   ", "the name is empty"),
        ]
        for (name, message) in refused {
            let result = try run(["staff", "add", "bad_\(token)", "--name", name, "--agency", "police", "--role", "rep"])
            #expect(result.status == 2, "\(message): \(result.stderr.prefix(200))")
            #expect(result.stderr.contains(message))
        }
        #expect(try counts() == before)
    }

    @Test func invalidUTF8InArgumentsIsRefused() throws {
        let before = try counts()
        var environment = ProcessInfo.processInfo.environment
        environment["DISRUPT_DATABASE_URL"] = location.testURL
        environment["PGUSER"] = nil
        // Through a shell, because a Swift String cannot hold the invalid byte.
        let shell = try Subprocess.run("/bin/sh", ["-c", "exec \"$1\" staff add utf_\(token) --name \"$(printf 'ab\\377cd')\" --agency police --role rep", "sh", DisruptBinary.path], environment: environment)
        let message = shell.standardError
        #expect(shell.status == 2)
        #expect(message.contains("is not valid UTF-8"))
        #expect(try counts() == before)
    }

    @Test func theSessionLoginIsTheOnlyIdentity() throws {
        let help = try run(["--help"])
        for flag in ["--as ", "--as=", "--user", "--login"] {
            #expect(!help.stdout.contains(flag), "\(flag)")
        }
        let spoof = try run(["whoami", "--as", "adm_\(token)"])
        #expect(spoof.status == 2)
        let me = try DisruptBinary.json(try run(["whoami", "--format", "json"])) as? [String: Any]
        #expect(me?["install_admin"] as? Bool == true && me?["admin"] as? Bool == true)
        let db = try superuser()
        defer { db.close() }
        let superuserName: String = try db.query("SELECT session_user::text AS u")[0].decode("u")
        #expect(me?["login"] as? String == superuserName)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

@Suite("disrupt db (the real binary)")
struct DatabaseCommandTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("dbcmd")
    }

    @Test func statusReportsMigrationsAsJSON() throws {
        let result = try DisruptBinary.run(["db", "status", "--format", "json"], databaseURL: location.testURL)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try DisruptBinary.json(result) as? [String: Any]
        #expect(json?["server"] as? String == "running")
        #expect((json?["migrations_pending"] as? [Any])?.isEmpty == true)
        #expect((json?["migrations_applied"] as? Int ?? 0) >= 1)
    }

    @Test func migrateTwiceIsANoOp() throws {
        let result = try DisruptBinary.run(["db", "migrate"], databaseURL: location.testURL)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Nothing to do"))
    }

    @Test func migrateAsJSONHasTypedFields() throws {
        let result = try DisruptBinary.run(["db", "migrate", "--format", "json"], databaseURL: location.testURL)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try DisruptBinary.json(result) as? [String: Any], "\(result.stdout)")
        #expect(json["already_applied"] as? Int == Migrator().migrations.count, "a number, not a list of text: \(result.stdout)")
        #expect((json["applied"] as? [Any])?.isEmpty == true && (json["definitions_applied"] as? [Any])?.isEmpty == true)
        #expect((json["definitions_changed"] as? [Any])?.isEmpty == true)
        let dry = try DisruptBinary.json(try DisruptBinary.run(["db", "migrate", "--dry-run", "--format", "json"], databaseURL: location.testURL)) as? [String: Any]
        #expect(dry?["pending"] is [Any] && dry?["definitions_pending"] is [Any] && dry?["already_applied"] is Int)
    }

    @Test func unknownOptionIsAUsageError() throws {
        let result = try DisruptBinary.run(["db", "status", "--frmat", "json"], databaseURL: location.testURL)
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error: Unknown option '--frmat'"))
        #expect(result.stderr.contains("Usage: disrupt db status"))
    }

    @Test func theGlobalDatabaseOptionWorksBeforeOrAfterTheSubcommand() throws {
        let nowhere = "postgresql:///nowhere?host=/nonexistent-disrupt&connect_timeout=2"
        for arguments in [["--db", location.testURL, "db", "migrate"], ["db", "--db", location.testURL, "migrate"],
                          ["db", "migrate", "--db", location.testURL]] {
            let result = try DisruptBinary.run(arguments, databaseURL: nowhere)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("Nothing to do"), "\(arguments)")
        }
        let status = try DisruptBinary.run(["--db", location.testURL, "db", "status", "--format", "json"], databaseURL: nowhere)
        #expect(status.status == 0, "\(status.stderr)")
    }

    @Test func anUnknownCommandWithHelpIsAUsageError() throws {
        let result = try DisruptBinary.run(["no-such-command", "--help"], databaseURL: nil)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("Error: Unknown command 'no-such-command'"))
        let sub = try DisruptBinary.run(["db", "no-such-command", "-h"], databaseURL: nil)
        #expect(sub.status == 2)
        #expect(sub.stderr.contains("Usage: disrupt db <subcommand>"))
    }

    @Test func anInvalidValueNamesTheOptionAndTheChoices() throws {
        let result = try DisruptBinary.run(["db", "status", "--format", "xml"], databaseURL: location.testURL)
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error: The value 'xml' is invalid for '--format': choose one of text, json"))
        #expect(result.stderr.contains("Usage: disrupt db status [--format <text|json>]"))
    }

    @Test func helpAndVersion() throws {
        let help = try DisruptBinary.run(["--help"], databaseURL: nil)
        #expect(help.status == 0)
        #expect(help.stdout.contains("EXIT CODES:"))
        #expect(help.stdout.contains("SUBCOMMANDS:"))
        let sameHelp = try DisruptBinary.run(["help", "db", "migrate"], databaseURL: nil)
        let flagHelp = try DisruptBinary.run(["db", "migrate", "--help"], databaseURL: nil)
        #expect(sameHelp.stdout == flagHelp.stdout)
        // the form the SUBCOMMANDS section of `disrupt db --help` suggests works too
        let groupHelp = try DisruptBinary.run(["db", "--help"], databaseURL: nil)
        #expect(groupHelp.stdout.contains("See 'disrupt db help <subcommand>' for detailed help."))
        let suggested = try DisruptBinary.run(["db", "help", "status"], databaseURL: nil)
        #expect(suggested.status == 0, "\(suggested.stderr)")
        #expect(suggested.stdout == (try DisruptBinary.run(["help", "db", "status"], databaseURL: nil)).stdout)
        #expect(suggested.stdout.hasPrefix("OVERVIEW: Show where the database is, whether it runs, and its migrations and definition files."))
        #expect(flagHelp.stdout.contains("EXAMPLES:"))
        let version = try DisruptBinary.run(["--version"], databaseURL: nil)
        #expect(version.stdout.hasPrefix("disrupt "))
    }

    @Test func anUnreachableDatabaseIsAClearFailure() throws {
        let result = try DisruptBinary.run(["db", "migrate"], databaseURL: "postgresql:///nowhere?host=/nonexistent-disrupt&connect_timeout=2")
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot connect"))
    }

    @Test func startRefusesWhenAnotherDatabaseIsConfigured() throws {
        let result = try DisruptBinary.run(["db", "start"], databaseURL: location.testURL)
        #expect(result.status == 2)
        #expect(result.stderr.contains("controls the embedded database"))
    }

    @Test func embeddedStartStatusStopOnAFreshHome() throws {
        let home = NSTemporaryDirectory() + "disrupt-cli-\(UUID().uuidString.prefix(8))"
        defer {
            _ = try? DisruptBinary.run(["db", "stop"], databaseURL: nil, environment: ["DISRUPT_HOME": home])
            try? FileManager.default.removeItem(atPath: home)
        }
        let env = ["DISRUPT_HOME": home, "DISRUPT_DATABASE_URL": "", "PGHOST": "", "PGDATABASE": ""]
        let start = try DisruptBinary.run(["db", "start"], databaseURL: nil, environment: env)
        #expect(start.status == 0, "\(start.stderr)")
        let status = try DisruptBinary.run(["db", "status"], databaseURL: nil, environment: env)
        #expect(status.stdout.contains("server:     running"))
        #expect(status.stdout.contains("0 pending"))
        let stop = try DisruptBinary.run(["db", "stop"], databaseURL: nil, environment: env)
        #expect(stop.status == 0)
        let after = try DisruptBinary.run(["db", "status"], databaseURL: nil, environment: env)
        #expect(after.stdout.contains("server:     stopped"))
        #expect(after.status == 1)
    }

    /// A command on a running embedded cluster connects at once: no `pg_ctl status` (through
    /// `runuser` when root) and no `pg_config` before every command, about 20 ms of each. The
    /// server's tools are replaced by one that records being run.
    @Test func aCommandOnARunningEmbeddedClusterRunsNoServerTool() throws {
        let home = NSTemporaryDirectory() + "disrupt-cli-\(UUID().uuidString.prefix(8))"
        let tools = home + "-tools"
        defer {
            _ = try? DisruptBinary.run(["db", "stop"], databaseURL: nil, environment: ["DISRUPT_HOME": home])
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: tools)
        }
        let env = ["DISRUPT_HOME": home, "DISRUPT_DATABASE_URL": "", "PGHOST": "", "PGDATABASE": ""]
        #expect(try DisruptBinary.run(["db", "start"], databaseURL: nil, environment: env).status == 0)
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        let ran = tools + "/ran"
        for tool in ["pg_ctl", "pg_config"] {
            try "#!/bin/sh\necho \"$0 $*\" >> \(ran)\nexit 3\n".write(toFile: tools + "/" + tool, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tools + "/" + tool)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: tools)  // the server's user (postgres, when root) writes the record
        let path = tools + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let whoami = try DisruptBinary.run(["whoami"], databaseURL: nil, environment: env.merging(["DISRUPT_PG_BINDIR": tools, "PATH": path]) { $1 })
        #expect(whoami.status == 0, "\(whoami.stderr)")
        #expect(!FileManager.default.fileExists(atPath: ran), "ran: \((try? String(contentsOfFile: ran, encoding: .utf8)) ?? "")")

        // stopped, the next command finds nothing answering, checks the cluster and starts it
        #expect(try DisruptBinary.run(["db", "stop"], databaseURL: nil, environment: env).status == 0)
        let restarted = try DisruptBinary.run(["whoami"], databaseURL: nil, environment: env)
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(try DisruptBinary.run(["db", "status"], databaseURL: nil, environment: env).stdout.contains("server:     running"))
    }
}

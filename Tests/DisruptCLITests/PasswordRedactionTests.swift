import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

/// A password inside `--db` is never shown: not by `whoami`, `db status` (text and JSON) or
/// an error quoting the URL; `db psql` gets it through its environment, not its command line;
/// `db url` prints the URL as given (documented) so `psql "$(disrupt db url)"` works.
@Suite("Passwords in database URLs (the real binary)")
struct PasswordRedactionTests {
    static let secret = "s3cr%21t-pw"
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("secrets")
    }

    /// The test database's URL with a user and password (the socket trusts it; the password is unused).
    var urlWithPassword: String {
        location.testURL.replacingOccurrences(of: "postgresql:///", with: "postgresql://root:\(Self.secret)@/")
    }

    func run(_ arguments: [String], stdin: String? = nil) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: nil, stdin: stdin)
    }

    func expectNoSecret(_ result: DisruptBinary.Result, _ label: String) {
        #expect(!result.stdout.contains("s3cr"), "\(label) stdout: \(result.stdout.prefix(400))")
        #expect(!result.stderr.contains("s3cr"), "\(label) stderr: \(result.stderr.prefix(400))")
    }

    @Test func noOutputShowsThePassword() throws {
        let whoami = try run(["whoami", "--db", urlWithPassword])
        #expect(whoami.status == 0, "\(whoami.stderr)")
        expectNoSecret(whoami, "whoami")
        for format in ["text", "json"] {
            let status = try run(["db", "status", "--format", format, "--db", urlWithPassword])
            #expect(status.status == 0, "\(status.stderr)")
            expectNoSecret(status, "db status \(format)")
            #expect(status.stdout.contains("root:***@"), "\(status.stdout)")
            let unreachable = try run(["db", "status", "--format", format, "--db", "postgresql://bob:\(Self.secret)@[::1/x"])
            expectNoSecret(unreachable, "db status \(format), bad URL")
        }
        let badURL = try run(["whoami", "--db", "postgresql://bob:\(Self.secret)@[::1/x"])
        #expect(badURL.status != 0)
        #expect(badURL.stderr.contains("postgresql://bob:***@[::1/x"), "\(badURL.stderr)")
        expectNoSecret(badURL, "an error quoting the URL")
        let keyword = try run(["whoami", "--db", "host=/nonexistent password=\(Self.secret) port=x"])
        expectNoSecret(keyword, "a keyword connection string")
        let url = try run(["db", "url", "--db", urlWithPassword])
        #expect(url.stdout == urlWithPassword + "\n", "db url prints a usable URL")
    }

    @Test func psqlGetsThePasswordThroughItsEnvironment() throws {
        let probe = "SELECT 'connected as ' || current_user;\n\\! tr '\\0' ' ' < /proc/$PPID/cmdline; echo; tr '\\0' '\\n' < /proc/$PPID/environ | grep '^PGPASSWORD='\n"
        let result = try run(["db", "psql", "--db", urlWithPassword], stdin: probe)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("connected as root"), "\(result.stdout)")
        let lines = result.stdout.split(separator: "\n")
        let commandLine = lines.first { $0.contains("psql") && $0.contains("postgresql://") } ?? ""
        #expect(!commandLine.isEmpty, "\(result.stdout)")
        #expect(!commandLine.contains("s3cr"), "the password is not on psql's command line: \(commandLine)")
        #expect(lines.contains("PGPASSWORD=s3cr!t-pw"), "it is in psql's environment, percent-decoded: \(result.stdout)")
    }
}

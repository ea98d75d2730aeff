import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Names, notes and references holding ESC, BEL, CR and a C1 control (stored through SQL and
/// through an import) never reach the terminal raw: every text and Markdown output and
/// standard error shows them as visible characters; JSON keeps its own escaping.
@Suite("Terminal escapes in data (the real binary)")
struct TerminalEscapeTests {
    /// Retitles the terminal, rings the bell, returns to the line start, and a C1 CSI.
    static let hostile = "Evil\u{1B}]0;pwned\u{07}\r\u{9B}2J"
    static let asOf = "2026-11-26"
    let location: DatabaseLocation
    /// The plan and the action of the person whose reference is `hostile`.
    let plan: Int64
    let action: Int64
    let spoc = "esc_spoc_\(UUID().uuidString.prefix(6).lowercased())"
    let probation = "esc_prob_\(UUID().uuidString.prefix(6).lowercased())"

    init() throws {
        location = try TestCluster.freshDatabase("escapes")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try SummaryFixture.insert(on: db, spoc: spoc, probation: probation, givenName: Self.hostile)
        try db.execute("UPDATE disrupt.marker SET note = \(Self.hostile) WHERE source_ref = 'M-1'")
        try db.execute("UPDATE disrupt.court_order SET conditions = \(Self.hostile) WHERE source_ref = 'O-1'")
        try db.execute("UPDATE disrupt.forum_link SET contact = \(Self.hostile), reference = \(Self.hostile) WHERE source_ref = 'F-1'")
        try db.execute("UPDATE disrupt.party SET given_name = \(Self.hostile) WHERE party_ref = 'V-1'")
        // A person whose reference is hostile, with an incident (so `rank` lists them), a plan and
        // an overdue action owned by the SPOC (so `remind` makes a reminder for `inbox`), whose
        // note, outcome and history reason are hostile too.
        let person: Int64 = try db.query("""
            INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(Self.hostile), 'Escape', 'police') RETURNING id
            """)[0].decode("id")
        try db.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, offence, agency) VALUES ('I-ESC', \(person), '2026-10-01', 'abh', 'police')
            """)
        plan = try db.query("SELECT disrupt.plan_open(\(Self.hostile), \(spoc), '2026-12-10') AS id")[0].decode("id")
        action = try db.query("""
            SELECT disrupt.action_add(\(plan), 'disrupt', 'anpr_flagging', 'police', \(spoc), '2026-11-01', \(Self.hostile)) AS id
            """)[0].decode("id")
        try db.execute("UPDATE disrupt.action SET outcome = \(Self.hostile) WHERE id = \(action)")
        try db.execute("INSERT INTO disrupt.action_history (action_id, login, change, reason) VALUES (\(action), \(spoc), 'extend', \(Self.hostile))")
    }

    func run(_ arguments: [String], as login: String? = nil) throws -> DisruptBinary.Result {
        let url = login.map { location.asUser($0).testURL } ?? location.testURL
        return try DisruptBinary.run(arguments, databaseURL: url)
    }

    /// The raw control characters of `hostile` (other than tab and line feed).
    static func leaks(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
    }

    func expectSafe(_ result: DisruptBinary.Result, _ label: String, shows: Bool = true) {
        #expect(!Self.leaks(result.stdout), "\(label): raw control characters on standard output")
        #expect(!Self.leaks(result.stderr), "\(label): raw control characters on standard error")
        if shows {
            // Text shows CR as ␍; Markdown puts a value on one line (CR becomes a space) and escapes markup.
            #expect(result.stdout.contains("Evil␛]0;pwned␇␍\\u{9B}2J") || result.stdout.contains("Evil␛\\]0;pwned␇ \\\\u\\{9B\\}2J"),
                    "\(label): the value is shown with visible controls: \(result.stdout.prefix(400)) \(result.stderr.prefix(300))")
        }
    }

    @Test func everyTextCommandShowsControlsVisibly() throws {
        let purpose = ["--purpose", "escape test"]
        expectSafe(try run(["person", "show", "P-SUM-1"] + purpose), "person show")
        expectSafe(try run(["person", "find", "99/1234A"]), "person find")
        expectSafe(try run(["summary", "P-SUM-1", "--as-of", Self.asOf] + purpose), "summary text")
        expectSafe(try run(["summary", "P-SUM-1", "--as-of", Self.asOf, "--format", "markdown"] + purpose), "summary markdown")
        expectSafe(try run(["plan", "show", "P-SUM-1", "--as-of", Self.asOf]), "plan show", shows: false)
        expectSafe(try run(["plan", "show", "\(plan)", "--as-of", Self.asOf]), "plan show (a hostile reference)")
        expectSafe(try run(["plan", "list"]), "plan list")
        let shown = try run(["action", "show", "\(action)", "--as-of", Self.asOf])
        expectSafe(shown, "action show")
        #expect(shown.stdout.components(separatedBy: "Evil␛]0;pwned␇␍\\u{9B}2J").count - 1 >= 3, "note, outcome and reason: \(shown.stdout)")
        expectSafe(try run(["action", "list", "--as-of", Self.asOf]), "action list")
        expectSafe(try run(["agenda", "--meeting", Self.asOf, "--previous", "2026-01-01"]), "agenda text")
        expectSafe(try run(["agenda", "--meeting", Self.asOf, "--previous", "2026-01-01", "--format", "markdown"]), "agenda markdown")
        expectSafe(try run(["rank", "--by", "rfg", "--as-of", Self.asOf]), "rank")
        // `remind` prints only counts (no data): it must sweep the hostile rows without leaking,
        // and the reminder it makes shows the hostile reference in `inbox`.
        let remind = try run(["remind", "--as-of", Self.asOf])
        expectSafe(remind, "remind", shows: false)
        #expect(remind.status == 0 && remind.stdout.contains("reminder(s) created"), "\(remind.stdout) \(remind.stderr)")
        let inbox = try run(["inbox", "--all"], as: spoc)
        expectSafe(inbox, "inbox")
        #expect(inbox.stdout.contains("overdue"), "\(inbox.stdout)")
        let notFound = try run(["person", "show", "Nobody\u{1B}[2J", "--purpose", "x"])
        #expect(notFound.status == 3)
        expectSafe(notFound, "an error quoting the argument", shows: false)
        #expect(notFound.stderr.contains("Nobody␛[2J"), "\(notFound.stderr)")
    }

    @Test func jsonKeepsItsOwnEscapingAndMarkdownEscapesMarkup() throws {
        let json = try run(["summary", "P-SUM-1", "--as-of", Self.asOf, "--purpose", "x", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("Evil\\u001b]0;pwned\\u0007\\r"), "JSON escapes control characters itself")
        let person = try run(["person", "show", "P-SUM-1", "--purpose", "x", "--format", "json"])
        let document = try #require(try DisruptBinary.json(person) as? [String: Any], "person show JSON parses: \(person.stdout.prefix(300))")
        #expect("\(document)".contains("pwned"))
        #expect(person.stdout.contains(Self.hostile.replacingOccurrences(of: "\u{1B}", with: "\\u001b")
            .replacingOccurrences(of: "\u{07}", with: "\\u0007").replacingOccurrences(of: "\r", with: "\\r")), "the C1 character is kept as JSON has it")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        try db.execute("UPDATE disrupt.person SET family_name = '*bold* | [link](x) # h' WHERE person_ref = 'P-SUM-1'")
        db.close()
        let agenda = try run(["agenda", "--meeting", Self.asOf, "--previous", "2026-01-01", "--format", "markdown"])
        #expect(agenda.stdout.contains("\\*bold\\* \\| \\[link\\](x) \\# h"), "\(agenda.stdout.prefix(500))")
    }

    @Test func aRejectedImportRowIsPreviewedVisibly() throws {
        let directory = NSTemporaryDirectory() + "disrupt-escape-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/people.csv"
        let csv = "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nE-1,,X,Y,\"\(Self.hostile)\",male\n"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try run(["import", "people", path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(!Self.leaks(result.stdout) && !Self.leaks(result.stderr), "\(result.stderr)")
        #expect(result.stderr.contains("Evil␛]0;pwned␇␍\\u{9B}2J"), "\(result.stderr)")
    }
}

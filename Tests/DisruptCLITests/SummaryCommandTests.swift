import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt summary` end to end: the real binary against a fixture inserted as the superuser.
@Suite("disrupt summary (the real binary)")
struct SummaryCommandTests {
    let location: DatabaseLocation
    let token = String(UUID().uuidString.prefix(6)).lowercased()
    var spoc: String { "sum_spoc_\(token)" }
    var probation: String { "sum_prob_\(token)" }
    static let nastyName = "<script>alert(1)</script> &"
    static let asOf = "2026-11-26"

    init() throws {
        location = try TestCluster.freshDatabase("summary")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        try SummaryFixture.insert(on: db, spoc: spoc, probation: probation, givenName: Self.nastyName)
    }

    func summary(_ extra: [String], as login: String? = nil) throws -> DisruptBinary.Result {
        let url = login.map { location.asUser($0).testURL } ?? location.testURL
        return try DisruptBinary.run(["summary", "P-SUM-1", "--as-of", Self.asOf] + extra, databaseURL: url)
    }

    func json(_ extra: [String] = [], as login: String? = nil) throws -> [String: Any] {
        let result = try summary(["--purpose", "Marac 2026-11-26 case 14", "--format", "json"] + extra, as: login)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try DisruptBinary.json(result) as? [String: Any])
    }

    @Test func jsonCarriesEverySection() throws {
        let s = try json()
        #expect(s["sections"] as? [String] == ["risks", "new_partners", "identity", "flags", "risk", "orders", "incidents", "relationships", "forum_links", "plan", "missing"])
        let risks = try #require(s["risks_to_professionals"] as? [[String: Any]])
        #expect(risks.map { $0["code"] as? String } == ["assault_with_weapon", "risk_to_professionals", "weapons"])
        #expect(risks[1]["note"] as? String == "Threatened a housing officer")
        let identity = try #require(s["identity"] as? [String: Any])
        #expect(identity["name"] as? String == "\(Self.nastyName) \"O'Brien\"")
        #expect(identity["pnc_id"] as? String == "99/1234A")
        #expect(identity["date_of_birth"] as? String == "1985-04-02")
        #expect((identity["aliases"] as? [[String: Any]])?.map { $0["name"] as? String } == ["D. Walsh", "Deano Walsh"])
        let flags = try #require(s["flags"] as? [String: Any])
        #expect(flags["serial"] as? Bool == true)
        #expect(flags["pdp"] as? Bool == true)
        #expect(flags["mappa_category"] as? Int == 2)
        #expect(flags["mappa_level"] as? Int == 2)
        #expect(flags["iom_cohort"] as? String == "fixed")
        #expect(flags["matac"] as? Bool == false)
        let risk = try #require(s["risk"] as? [String: Any])
        #expect((risk["trend"] as? [[String: Any]])?.map { $0["as_of"] as? String } == ["2026-11-26", "2026-08-26", "2025-11-26"])
        #expect((risk["score"] as? Int ?? 0) > 0)
        #expect(((risk["triggers"] as? [[String: Any]]) ?? []).allSatisfy { !($0["reason"] as? String ?? "").isEmpty })
        let orders = try #require(s["orders"] as? [String: Any])
        #expect((orders["in_force"] as? [[String: Any]])?.map { $0["type"] as? String } == ["restraining"])
        #expect((orders["in_force"] as? [[String: Any]])?.first?["protected_party"] as? String == "Amy Victim")
        let breaches = try #require(orders["breaches"] as? [[String: Any]])
        #expect(breaches.map { $0["occurred_on"] as? String } == ["2026-10-10", "2026-07-01"])
        #expect(breaches.map { $0["action_taken"] as? String } == ["arrest", "none"])
        #expect(breaches.map { $0["order"] as? String } == ["Restraining order", "bail / RUI"])
        let incidents = try #require(s["incidents"] as? [String: Any])
        #expect(incidents["total"] as? Int == 3)
        #expect(incidents["distinct_victims"] as? Int == 2)
        #expect((incidents["recent"] as? [[String: Any]])?.first?["victim"] as? String == "Amy Victim")
        let byMonth = try #require(incidents["by_month"] as? [[String: Any]])
        #expect(byMonth.first { $0["month"] as? String == "2026-10" }?["count"] as? Int == 1)
        let people = try #require(s["relationships"] as? [String: Any])
        #expect((people["victims"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Amy Victim", "Beth Victim"])
        #expect((people["children"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Cara Child"])
        #expect((people["new_partners"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Nina Partner"])
        let links = try #require(s["forum_links"] as? [[String: Any]])
        #expect(links.map { $0["forum"] as? String } == ["iom", "mappa"])
        #expect(links.last?["contact"] as? String == "PO Smith 0123")
        #expect(links.last?["lead_agency"] as? String == "probation")
        #expect(links.last?["next_review_on"] as? String == "2026-12-01")
        let plan = try #require(s["plan"] as? [String: Any])
        #expect(plan["spoc_name"] as? String == "Sgt Spoc")
        #expect(plan["overdue_actions"] as? Int == 1)
        let headings = try #require(plan["headings"] as? [[String: Any]])
        #expect(headings.map { $0["heading"] as? String } == ["disrupt", "divert"])
        let first = try #require((headings.first?["actions"] as? [[String: Any]])?.first)
        #expect(first["overdue"] as? Bool == true)
        #expect(first["due_on"] as? String == "2026-11-01")
        #expect(first["owner"] as? String == "Sgt Spoc")
        let missing = try #require(s["missing"] as? [[String: Any]])
        #expect(missing.map { $0["code"] as? String } == ["vehicles_premises", "substance_misuse", "employment_skills"])
        #expect((s["withheld"] as? [Any])?.isEmpty == true)
        #expect((s["warnings"] as? [String]) == ["No substance misuse information has been shared."])
    }

    @Test func textLeadsWithTheRisksAndKeepsTheSectionOrder() throws {
        let result = try summary(["--purpose", "Marac 2026-11-26 case 14"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout
        let headings = ["RISKS TO PROFESSIONALS AND WEAPONS", "NEW PARTNERS", "IDENTITY", "FLAGS", "RISK\n", "ORDERS AND BREACHES",
                        "INCIDENTS (LAST 24 MONTHS)", "RELATIONSHIPS", "FORUM LINKS", "DISRUPTION PLAN", "WHAT IS MISSING"]
        let positions = headings.map { text.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "\(text)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let lines = text.split(separator: "\n")
        #expect(lines[1] == "RISKS TO PROFESSIONALS AND WEAPONS")
        #expect(lines[3] == "WARNING: offence: Assault with a weapon, 2026-03-01 (Police)")
        #expect(lines[4] == "WARNING: Risk to professionals, 2026-01-10 (Police): Threatened a housing officer")
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(!text.contains("\u{1B}["))
        #expect(text.contains("OVERDUE"))
        #expect(text.contains("New partner: Nina Partner"))
        #expect(text.components(separatedBy: "Nina Partner").count == 2, "new partners are listed once, at the top")
    }

    @Test func eachCallLogsExactlyOneConsultationWithItsPurpose() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        let purpose = "Marac audit check \(token)"
        for format in ["text", "json", "markdown", "html"] {
            let result = try summary(["--purpose", purpose, "--format", format])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let rows = try db.query("""
            SELECT object_table, detail->>'format' AS format, detail->'records'->>'markers' AS markers
            FROM disrupt.audit_log WHERE operation = 'consult' AND purpose = \(purpose) ORDER BY at, id
            """)
        #expect(rows.count == 4)
        #expect(try rows.map { try $0.decode("format", as: String.self) } == ["text", "json", "markdown", "html"])
        #expect(try rows.allSatisfy { try $0.decode("object_table", as: String.self) == "summary" })
        #expect(try rows.first?.decode("markers", as: String.self) == "4")
    }

    /// Issue 12: a person read by name or alias (as probation, a real staff login) is named in
    /// the audit log, as when read by reference: the name's look-up is logged, then the reading.
    @Test func aReadByNameRecordsWhichPersonWasRead() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        let person: Int64 = try db.query("SELECT id FROM disrupt.person WHERE person_ref = 'P-SUM-1'")[0].decode("id")
        let url = location.asUser(probation).testURL
        let asOf = ["--as-of", Self.asOf]
        for (command, name, extra) in [(["summary"], "Deano Walsh", asOf), (["person", "show"], "d. walsh", []), (["triggers"], "Deano Walsh", asOf)] {
            let purpose = "by name \(command.joined(separator: " ")) \(token)"
            let result = try DisruptBinary.run(command + [name, "--purpose", purpose] + extra, databaseURL: url)
            #expect(result.status == 0, "\(command): \(result.stderr)")
            let rows = try db.query("""
                SELECT login, person_id, detail->>'subject' AS subject, detail->'records'->>'markers' AS markers
                FROM disrupt.audit_log WHERE operation = 'consult' AND purpose = \(purpose) ORDER BY at
                """)
            #expect(rows.count == 2, "\(command): the look-up of the name, then the read of the person")
            #expect(try rows.first?.decode("subject", as: String?.self) == name)
            #expect(try rows.last?.decode("person_id", as: Int64?.self) == person, "\(command)")
            #expect(try rows.last?.decode("markers", as: String?.self) == "3", "\(command): probation sees three of the four")
            #expect(try rows.allSatisfy { try $0.decode("login", as: String.self) == probation })
        }
    }

    /// The configuration is whole before the consultation is logged: a broken configuration file
    /// reads nothing and leaves no consultation in the audit log, whether he is asked for by
    /// reference or by name.
    @Test func aBrokenConfigurationReadsAndLogsNothing() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("summary-config-\(token)")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        try Data("{ \"triggers\": [ { \"code\": ".utf8).write(to: config.appendingPathComponent("triggers.json"))
        for subject in ["P-SUM-1", "Deano Walsh"] {
            let purpose = "broken configuration \(subject) \(token)"
            let result = try DisruptBinary.run(["summary", subject, "--purpose", purpose, "--as-of", Self.asOf, "--format", "json"],
                                               databaseURL: location.testURL, environment: ["DISRUPT_CONFIG_DIR": config.path])
            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("triggers.json"), "\(result.stderr)")
            #expect(try db.query("SELECT 1 FROM disrupt.audit_log WHERE purpose = \(purpose)").isEmpty, "\(subject)")
        }
    }

    @Test func aPurposeIsRequired() throws {
        let missing = try summary([])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--purpose"))
        let blank = try summary(["--purpose", "  "])
        #expect(blank.status == 2)
    }

    @Test func anAmbiguousNameListsEveryMatch() throws {
        let result = try DisruptBinary.run(
            ["summary", "Sam Twin", "--purpose", "Marac"], databaseURL: location.testURL)
        #expect(result.status == 3)
        #expect(result.stderr.contains("P-TWIN-1"))
        #expect(result.stderr.contains("P-TWIN-2"))
        #expect(result.stderr.contains("matches 2 people"))
    }

    @Test func probationSeesWhatHealthWithholdsOnlyAsACount() throws {
        let s = try json(as: probation)
        let risks = try #require(s["risks_to_professionals"] as? [[String: Any]])
        #expect(risks.count == 3)
        let withheld = try #require(s["withheld"] as? [[String: Any]])
        #expect(withheld.count == 1)
        #expect(withheld.first?["agency"] as? String == "health")
        #expect(withheld.first?["count"] as? Int == 1)
        #expect(withheld.first?["tables"] as? [String] == ["marker"])
        let missing = (s["missing"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
        #expect(missing.contains("mental_health"))
        let text = try summary(["--purpose", "Marac 2026-11-26 case 14"], as: probation)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("1 record withheld (health)"))
        #expect(!text.stdout.contains("Mental ill health"))
    }

    @Test func markdownIsAPackDocument() throws {
        let result = try summary(["--purpose", "Marac pack", "--format", "markdown"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("# Perpetrator summary: \\<script\\>alert(1)\\</script\\> &"))
        #expect(result.stdout.contains("## Risks to professionals and weapons\n\n- **WARNING:**"))
        #expect(result.stdout.contains("| Restraining order | 2026-05-01 | 2027-05-01 | Amy Victim |"))
        #expect(result.stdout.contains("### Disrupt"))
    }

    @Test func htmlIsSelfContainedEscapedAndWrittenAtomically() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(token).html").path
        defer { unlink(path) }
        let result = try summary(["--purpose", "Marac print", "--format", "html", "--out", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;O&#39;Brien&quot;"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(html.contains("<svg") && html.contains("@media print"))
        #expect(html.contains("<strong>WARNING:</strong> Risk to professionals"))
    }

    @Test(.enabled(if: Chromium.path != nil || ProcessInfo.processInfo.environment["CI"] != nil,
                   "chromium is not installed: HTML rendering not checked (install chromium, or set CI to make this a failure)"))
    func htmlRendersInHeadlessChromium() throws {
        let chromium = try #require(Chromium.path, "chromium (or chromium-browser) must be on PATH in CI")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("summary-render-\(token)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = directory.appendingPathComponent("summary.html").path
        let result = try summary(["--purpose", "Marac print", "--format", "html", "--out", html])
        #expect(result.status == 0, "\(result.stderr)")
        let png = directory.appendingPathComponent("summary.png").path
        let pdf = directory.appendingPathComponent("summary.pdf").path
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory.path)/profile"]
        #expect(try Chromium.run(chromium, common + ["--screenshot=\(png)", "--window-size=1000,1400", "file://\(html)"]) == 0)
        #expect(try Chromium.run(chromium, common + ["--print-to-pdf=\(pdf)", "file://\(html)"]) == 0)
        let pngSize = (try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
        let pdfSize = (try FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int) ?? 0
        #expect(pngSize > 10_000)
        #expect(pdfSize > 1_000)
    }
}

/// Headless Chromium, when installed.
enum Chromium {
    static let path: String? = Subprocess.which("chromium") ?? Subprocess.which("chromium-browser")

    static func run(_ path: String, _ arguments: [String]) throws -> Int32 {
        try Subprocess.run(path, arguments).status
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt report` through the real binary over `ReportFixture`, every figure worked by hand:
///
/// North, 2026-01-01 to 2026-06-30, as of 2026-09-30 (North's adult population 250,000):
/// - referrals R1 R2 R3 R5 R6 (R4 is South's, R7 before the period, R8 on no case): 5; police 3,
///   idva 1, health 1; visible_high_risk 3, professional_judgement 1, repeat 1; 5 × 10,000 / 250,000 = 0.2
/// - cases heard C1 C2 C3 (C5 only listed): 3; repeats C1 (heard 01-15, again 03-12) and C2 (heard
///   2025-11-20): 2, 66.7%; perpetrators P1 P2 P3: 3, serial P1: 1
/// - days referral to hearing: 10, 33, 11, 20 → median 15.5, 90th percentile (rank 4) 33, within 28: 3, 75%
/// - actions agreed at North's hearings held in the period: A1 (done 2 days early), A2 (5 late),
///   A3 (9 late), A4 (overdue), A5 (custom, cancelled), A6 (not yet due); A7 is South's, A8 agreed in 2025
/// - outcomes: P1 (plan 2026-01-20) RFG 40 → 16, harm 11 → 3; P2 (MATAC 2026-05-01, partial to 09-30)
///   RFG 30 → 35, harm 8 → 11; comparison (North, never taken on): P3 30 → 16, harm 8 → 3.
@Suite("disrupt report (the real binary)")
final class ReportCommandTests {
    static let period = ["--from", "2026-01-01", "--to", "2026-06-30", "--forum", "marac", "--as-of", "2026-09-30"]

    let fixture: ReportFixture
    let configDirectory: String

    init() throws {
        fixture = try ReportFixture()
        configDirectory = NSTemporaryDirectory() + "report-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        let settings = """
            {"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3},
             "report": {"hearing_limit_days": 28, "adult_population": {"North": 250000}}}
            """
        try Data(settings.utf8).write(to: URL(fileURLWithPath: configDirectory + "/disrupt.json"))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: configDirectory)
    }

    func report(_ extra: [String], as login: String? = nil) throws -> DisruptBinary.Result {
        try DisruptBinary.run(["report"] + Self.period + extra, databaseURL: fixture.url(as: login ?? fixture.chair),
                              environment: ["DISRUPT_CONFIG_DIR": configDirectory])
    }

    func tables(_ extra: [String], as login: String? = nil) throws -> [String: [[String: Any]]] {
        let result = try report(["--format", "json"] + extra, as: login)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try DisruptBinary.json(result) as? [String: Any])
        let tables = try #require(document["tables"] as? [String: [String: Any]])
        return tables.mapValues { $0["rows"] as? [[String: Any]] ?? [] }
    }

    /// A table's rows as [first column: the other columns' values in order].
    func rows(_ table: [[String: Any]]?, key: String, columns: [String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for row in table ?? [] {
            out["\(row[key] ?? "")"] = columns.map { column in
                switch row[column] {
                case is NSNull, nil: "null"
                case let number as NSNumber: "\(number)"
                case let other?: "\(other)"
                }
            }
        }
        return out
    }

    static let actionColumns = ["agreed", "completed", "completed_by_due_date", "overdue_now", "cancelled", "median_days_late"]
    static let outcomeColumns = ["people", "partial", "median_rfg_before", "median_rfg_after", "median_rfg_change", "deescalated",
                                 "median_harm_before", "median_harm_after", "median_harm_change"]

    @Test func everyFigureForOneAreaAsWorkedByHand() throws {
        let t = try tables(["--area", "North"])
        #expect(rows(t["volumes"], key: "measure", columns: ["value"]) == [
            "Referrals": ["5"], "Cases heard": ["3"], "Repeat cases": ["2"], "Repeat rate": ["66.7"],
            "Referrals per 10,000 adults (SafeLives expects about 40 a year)": ["0.2"],
            "Perpetrators discussed": ["3"], "Serial perpetrators among them": ["1"],
        ])
        #expect(rows(t["referrals_by_agency"], key: "agency", columns: ["referrals"]) == ["police": ["3"], "idva": ["1"], "health": ["1"]])
        #expect((t["referrals_by_agency"] ?? []).compactMap { $0["agency"] as? String } == ["police", "health", "idva"])
        #expect(rows(t["referrals_by_criterion"], key: "criterion", columns: ["referrals"])
                == ["visible_high_risk": ["3"], "professional_judgement": ["1"], "repeat": ["1"]])
        #expect(rows(t["timeliness"], key: "measure", columns: ["value"]) == [
            "Hearings that answered a referral": ["4"], "Median days from referral to hearing": ["15.5"],
            "90th percentile of days": ["33"], "Heard within 28 days": ["3"], "Share heard within 28 days": ["75"],
        ])
        #expect(rows(t["actions_by_agency"], key: "agency", columns: Self.actionColumns) == [
            "health": ["1", "0", "0", "0", "1", "null"],
            "police": ["3", "2", "1", "0", "0", "5"],
            "probation": ["2", "1", "0", "1", "0", "9"],
        ])
        #expect(rows(t["actions_by_heading"], key: "heading", columns: Self.actionColumns) == [
            "disrupt": ["2", "1", "1", "0", "0", "null"], "divert": ["2", "0", "0", "1", "1", "null"],
            "manage": ["1", "1", "0", "0", "0", "9"], "prosecute": ["1", "1", "0", "0", "0", "5"],
        ])
        #expect(rows(t["actions_by_tactic"], key: "tactic", columns: Self.actionColumns) == [
            "anpr_flagging": ["2", "1", "1", "0", "0", "null"], "custom": ["1", "0", "0", "0", "1", "null"],
            "evidence_led_prosecution": ["1", "1", "0", "0", "0", "5"], "mappa_referral": ["1", "1", "0", "0", "0", "9"],
            "perpetrator_programme": ["1", "0", "0", "1", "0", "null"],
        ])
        #expect(rows(t["outcomes"], key: "group", columns: Self.outcomeColumns) == [
            "Taken on": ["2", "1", "35", "25.5", "-9.5", "50", "9.5", "7", "-2.5"],
            "Highest RFG not taken on": ["1", "0", "30", "16", "-14", "100", "8", "3", "-5"],
        ])
    }

    @Test func theWholeForceWithoutAnArea() throws {
        let t = try tables([])
        let volumes = rows(t["volumes"], key: "measure", columns: ["value"])
        #expect(volumes["Referrals"] == ["7"] && volumes["Cases heard"] == ["4"] && volumes["Repeat cases"] == ["2"])
        #expect(volumes["Perpetrators discussed"] == ["4"] && volumes["Repeat rate"] == ["50"])
        #expect(volumes["Referrals per 10,000 adults (SafeLives expects about 40 a year)"] == ["population not configured"])
        #expect(rows(t["referrals_by_criterion"], key: "criterion", columns: ["referrals"])
                == ["visible_high_risk": ["3"], "professional_judgement": ["2"], "repeat": ["1"], "escalation": ["1"]])
        #expect(rows(t["timeliness"], key: "measure", columns: ["value"])["Median days from referral to hearing"] == ["17"])
        #expect(rows(t["timeliness"], key: "measure", columns: ["value"])["Share heard within 28 days"] == ["80"])
        #expect(rows(t["actions_by_agency"], key: "agency", columns: Self.actionColumns)["idva"] == ["1", "0", "0", "1", "0", "null"])
        // comparison: P3 (30 → 16) and P4 (16 → 0); P5 (14) ranks third; P6's plan predates the period
        #expect(rows(t["outcomes"], key: "group", columns: Self.outcomeColumns) == [
            "Taken on": ["2", "1", "35", "25.5", "-9.5", "50", "9.5", "7", "-2.5"],
            "Highest RFG not taken on": ["2", "0", "23", "8", "-15", "100", "5.5", "1.5", "-4"],
        ])
    }

    @Test func smallCountsAreSuppressedInCSVAndHTMLByDefault() throws {
        let directory = NSTemporaryDirectory() + "report-csv-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csv = try report(["--area", "North", "--format", "csv", "--out", directory])
        #expect(csv.status == 0, "\(csv.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["actions_by_agency.csv", "actions_by_heading.csv", "actions_by_tactic.csv", "outcomes.csv",
                          "referrals_by_agency.csv", "referrals_by_criterion.csv", "timeliness.csv", "volumes.csv"])
        let volumes = try String(contentsOfFile: directory + "/volumes.csv", encoding: .utf8)
        #expect(volumes == """
            measure,value
            Referrals,5
            Cases heard,<5
            Repeat cases,<5
            Repeat rate,suppressed
            "Referrals per 10,000 adults (SafeLives expects about 40 a year)",0.2
            Perpetrators discussed,<5
            Serial perpetrators among them,<5

            """)
        let outcomes = try String(contentsOfFile: directory + "/outcomes.csv", encoding: .utf8)
        #expect(outcomes.contains("Taken on,<5,<5,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed,suppressed"))
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/volumes.csv")[.posixPermissions] as? Int
        #expect(mode == 0o600, "a report file is private")

        let html = try report(["--area", "North"])
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.contains("<td>Cases heard</td><td class=\"n\">&lt;5</td>"))
        #expect(!html.stdout.contains("<td class=\"n\">3</td>"), "no count from 1 to 4 is printed")
        // asked for: the full figures, and JSON suppresses when told to
        let unsuppressed = try report(["--area", "North", "--no-suppress-small"])
        #expect(unsuppressed.stdout.contains("<td>Cases heard</td><td class=\"n\">3</td>"))
        let t = try tables(["--area", "North", "--suppress-small"])
        #expect(rows(t["volumes"], key: "measure", columns: ["value"])["Cases heard"] == ["<5"])
        #expect(rows(t["volumes"], key: "measure", columns: ["value"])["Repeat rate"] == ["suppressed"])
        #expect(rows(t["volumes"], key: "measure", columns: ["value"])["Referrals"] == ["5"])
    }

    @Test func noFormatNamesAPerson() throws {
        let directory = NSTemporaryDirectory() + "report-names-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var outputs: [String] = []
        for format in ["html", "markdown", "json"] {
            for area in [[], ["--area", "North"]] {
                let result = try report(["--format", format, "--no-suppress-small"] + area)
                #expect(result.status == 0, "\(result.stderr)")
                outputs.append(result.stdout)
            }
        }
        #expect(try report(["--format", "csv", "--out", directory, "--no-suppress-small"]).status == 0)
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            outputs.append(try String(contentsOfFile: directory + "/" + file, encoding: .utf8))
        }
        for output in outputs {
            for secret in ReportFixture.secrets { #expect(!output.contains(secret), "a report shows \(secret)") }
        }
    }

    @Test func onlyChairsCoordinatorsAndAdminsMayRunItAndEachRunIsLogged() throws {
        let refused = try report(["--format", "json"], as: fixture.rep)
        #expect(refused.status == 4, "a rep is refused with the permission exit code: \(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(try report(["--format", "json", "--purpose", "Steering group Q1"], as: fixture.coordinator).status == 0)
        let db = try TestCluster.superuserConnection(database: fixture.location.testDatabaseName)
        defer { db.close() }
        let logged = try db.query("""
            SELECT login, purpose, person_id, detail->>'forum' AS forum FROM disrupt.audit_log
            WHERE operation = 'consult' AND object_table = 'report' ORDER BY at, id
            """)
        #expect(logged.count == 1, "the refused run left no row")
        #expect(try logged[0].decode("login", as: String.self) == fixture.coordinator)
        #expect(try logged[0].decode("purpose", as: String.self) == "Steering group Q1")
        #expect(try logged[0].decode("person_id", as: Int64?.self) == nil)
        #expect(try logged[0].decode("forum", as: String.self) == "marac")
        // a rep calling the function directly learns nothing either
        let repDB = try PostgresConnection(PostgresConfiguration(connectionString: fixture.url(as: fixture.rep)))
        defer { repDB.close() }
        #expect(throws: PostgresError.self) {
            try repDB.query("SELECT * FROM disrupt.report_counts('marac', NULL, '2026-01-01', '2026-06-30')")
        }
    }

    @Test func htmlIsSelfContainedAndRendersInHeadlessChromium() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-render-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = directory.appendingPathComponent("report.html").path
        let result = try report(["--area", "North <b>&", "--out", html, "--no-suppress-small"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(text.hasPrefix("<!DOCTYPE html>") && text.contains("@media print"))
        #expect(!text.contains("<svg"), "an area without meetings has nothing to draw")
        #expect(text.contains("North &lt;b&gt;&amp;"), "the area is escaped")
        #expect(!text.lowercased().contains("<script") && !text.contains("http://") && !text.contains("https://"))
        #expect(!text.contains(" src=") && !text.contains(" href="))
        let full = directory.appendingPathComponent("full.html").path
        #expect(try report(["--area", "North", "--out", full, "--no-suppress-small"]).status == 0)
        let drawn = try String(contentsOfFile: full, encoding: .utf8)
        // three charts: referrals by agency, completion by agency, RFG before and after
        #expect(drawn.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(drawn.contains("<title>Median RFG in the six months before and after</title>"))
        #expect(!drawn.lowercased().contains("<script") && !drawn.contains("http://") && !drawn.contains("https://"))
        guard let chromium = Chromium.path else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "chromium (or chromium-browser) must be on PATH in CI")
            return
        }
        let png = directory.appendingPathComponent("report.png").path
        let pdf = directory.appendingPathComponent("report.pdf").path
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory.path)/profile"]
        #expect(try Chromium.run(chromium, common + ["--screenshot=\(png)", "--window-size=1000,2400", "file://\(full)"]) == 0)
        #expect(try Chromium.run(chromium, common + ["--print-to-pdf=\(pdf)", "file://\(full)"]) == 0)
        #expect(((try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0) > 10_000)
        #expect(((try FileManager.default.attributesOfItem(atPath: pdf)[.size] as? Int) ?? 0) > 1_000)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("disrupt demo (the real binary)")
struct DemoCommandTests {
    @Test func runsTwiceWithTheSameResult() throws {
        let location = try TestCluster.freshDatabase("demo")
        let reportPath = NSTemporaryDirectory() + "demo-report-\(UUID().uuidString.prefix(8)).html"
        defer { try? FileManager.default.removeItem(atPath: reportPath) }
        let arguments = ["demo", "--people", "250", "--as-of", "2026-11-25", "--report", reportPath]
        let first = try DisruptBinary.run(arguments, databaseURL: location.testURL)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.split(separator: "\n").contains { $0.hasPrefix("  new_partner: New partner for ") && $0.hasSuffix("[tactic: dvds_right_to_know]") },
                "the new partner's alert, with the Clare's Law tactic")
        for expected in ["imported people        250 inserted", "disruption plan", "alerts made by the database as the records arrived: ", "PERPETRATOR SUMMARY", "RISKS TO PROFESSIONALS", "MATAC ranking (RFG), top 10", "What to try next",
                         "Marac meeting DEMO-MARAC: the minutes", "Minutes: Marac meeting DEMO-MARAC", "Decision: Police to flag the address",
                         "MATAC selection", "entered the MATAC cohort on 2026-11-25", "MATAC cohort",
                         "MATAC meeting DEMO-MATAC: the minutes", "Minutes: MATAC meeting DEMO-MATAC",
                         "Decision: Police and probation to task a joint disruption plan"] {
            #expect(first.stdout.contains(expected), "first run lacks \(expected)")
        }
        #expect(first.stdout.hasSuffix(reportPath + "\n"), "the demo ends with the report's path")
        let report = try String(contentsOfFile: reportPath, encoding: .utf8)
        #expect(report.hasPrefix("<!DOCTYPE html>") && report.contains("MATAC report, 2025-11-26 to 2026-11-25"))
        let before = try Self.state(location)
        let second = try DisruptBinary.run(arguments, databaseURL: location.testURL)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("imported people        0 inserted, 0 updated, 250 unchanged, 0 rejected"))
        #expect(second.stdout.contains("reminder sweep: nothing new due"))
        #expect(second.stdout.contains("Minutes: Marac meeting DEMO-MARAC"), "the second run shows the same meeting's minutes")
        #expect(second.stdout.contains("Minutes: MATAC meeting DEMO-MATAC"), "and the same MATAC meeting's minutes")

        let db = try PostgresConnection(location.configuration)
        defer { db.close() }
        let row = try db.query("""
            SELECT (SELECT count(*) FROM disrupt.plan) AS plans, (SELECT count(*) FROM disrupt.action) AS actions,
                   (SELECT count(*) FROM disrupt.reminder WHERE kind = 'overdue') AS overdue,
                   (SELECT count(*) FROM disrupt.audit_log WHERE operation = 'consult' AND purpose = 'disrupt demo') AS consults,
                   (SELECT count(*) FROM disrupt.matac_cohort) AS cohort,
                   (SELECT count(*) FROM disrupt.meeting WHERE status = 'closed' AND forum IN ('marac', 'matac')) AS meetings,
                   (SELECT count(*) FROM disrupt.hearing h JOIN disrupt.meeting m ON m.id = h.meeting_id
                     WHERE m.meeting_ref = 'DEMO-MATAC' AND h.status = 'heard') AS matac_heard,
                   (SELECT count(*) FROM disrupt.audit_log WHERE operation = 'consult' AND object_table = 'report'
                                                           AND purpose = 'disrupt demo report' AND person_id IS NULL) AS reports
            """)[0]
        #expect(try row.decode("cohort", as: Int.self) == 1, "one person entered, on the first run only")
        #expect(!second.stdout.contains("entered the MATAC cohort"))
        #expect(try row.decode("meetings", as: Int.self) == 2, "one Marac and one MATAC meeting, held and closed once")
        #expect(try row.decode("matac_heard", as: Int.self) == 1, "the cohort member's case heard at the MATAC meeting")
        #expect(try row.decode("plans", as: Int.self) == 1, "the plan is reused, not opened twice")
        #expect(try row.decode("actions", as: Int.self) == 4)
        #expect(try row.decode("overdue", as: Int.self) >= 1, "the overdue demo action was chased")
        #expect(try row.decode("consults", as: Int.self) == 2, "each summary is one logged consultation")
        #expect(try row.decode("reports", as: Int.self) == 2, "each run's report is one logged consultation (of no one person)")
        #expect(second.stdout.hasSuffix(reportPath + "\n"), "the second run writes the same report again")

        // The second run changed nothing but the audit log (and its consultation gate): no row written (every row's xmin is
        // older than the run), none removed, no sequence value spent, no score recomputed. (The marks that wake the
        // service, which every write that may make a reminder leaves, made or not, are in disrupt_private.)
        let after = try Self.state(location, since: before.xid)
        #expect(after.touched.isEmpty, "rows written by the second run: \(after.touched)")
        #expect(after.counts == before.counts)
        #expect(after.sequences == before.sequences)
        #expect(after.computedAt == before.computedAt, "stored scores were rewritten")
        #expect(before.counts["risk_current"] == 250 && before.sequences["row_id_counter"] != nil, "\(before.counts) \(before.sequences)")
    }

    /// What the database holds, outside the audit log: row counts per table, sequence values,
    /// the newest stored score's time; and, given a transaction id, the tables with rows written since.
    static func state(_ location: DatabaseLocation, since xid: Int64 = 0) throws
        -> (xid: Int64, counts: [String: Int64], touched: [String: Int64], sequences: [String: Int64], computedAt: String?) {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let current: Int64 = try db.query("SELECT (txid_current() & 4294967295)::bigint AS xid")[0].decode("xid")
        var counts: [String: Int64] = [:]
        var touched: [String: Int64] = [:]
        for row in try db.query("""
            SELECT c.relname::text AS name,
                   (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM disrupt.%I', c.relname), false, true, '')))[1]::text::bigint AS n,
                   (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM disrupt.%I WHERE xmin::text::bigint >= %s',
                                                               c.relname, \(xid)::bigint), false, true, '')))[1]::text::bigint AS touched
            FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
            WHERE ns.nspname = 'disrupt' AND c.relkind IN ('r', 'p') AND c.relname NOT IN ('audit_log', 'consultation')
            """) {
            let name: String = try row["name"]
            counts[name] = try row["n"]
            if xid > 0, let n: Int64 = try row["touched"], n > 0 { touched[name] = n }
        }
        var sequences: [String: Int64] = [:]
        for row in try db.query("""
            SELECT sequencename::text AS name, COALESCE(last_value, 0) AS value FROM pg_sequences
            WHERE schemaname = 'disrupt' AND sequencename NOT LIKE 'audit_log%'
            """) {
            sequences[try row["name"]] = try row["value"]
        }
        let computedAt: String? = try db.query("SELECT max(computed_at)::text AS at FROM disrupt.risk_current")[0]["at"]
        return (current, counts, touched, sequences, computedAt)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("disrupt demo (the real binary)")
struct DemoCommandTests {
    @Test func runsTwiceWithTheSameResult() throws {
        let location = try TestCluster.freshDatabase("demo")
        let arguments = ["demo", "--people", "250", "--as-of", "2026-11-25"]
        let first = try DisruptBinary.run(arguments, databaseURL: location.testURL)
        #expect(first.status == 0, "\(first.stderr)")
        for expected in ["imported people        250 inserted", "disruption plan", "PERPETRATOR SUMMARY", "RISKS TO PROFESSIONALS", "MATAC ranking (RFG), top 10", "What to try next"] {
            #expect(first.stdout.contains(expected), "first run lacks \(expected)")
        }
        let second = try DisruptBinary.run(arguments, databaseURL: location.testURL)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("imported people        0 inserted, 0 updated, 250 unchanged, 0 rejected"))
        #expect(second.stdout.contains("reminder sweep: nothing new due"))

        let db = try PostgresConnection(location.configuration)
        defer { db.close() }
        let row = try db.query("""
            SELECT (SELECT count(*) FROM disrupt.plan) AS plans, (SELECT count(*) FROM disrupt.action) AS actions,
                   (SELECT count(*) FROM disrupt.reminder WHERE kind = 'overdue') AS overdue,
                   (SELECT count(*) FROM disrupt.audit_log WHERE operation = 'consult' AND purpose = 'disrupt demo') AS consults
            """)[0]
        #expect(try row.decode("plans", as: Int.self) == 1, "the plan is reused, not opened twice")
        #expect(try row.decode("actions", as: Int.self) == 4)
        #expect(try row.decode("overdue", as: Int.self) >= 1, "the overdue demo action was chased")
        #expect(try row.decode("consults", as: Int.self) == 2, "each summary is one logged consultation")
    }
}

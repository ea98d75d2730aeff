import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("disrupt serve across a failover to a streaming standby (the real binary)")
struct ServeFailoverTests {
    @Test func followsThePromotedStandbyAndDeliversEveryReminderOnce() throws {
        let files = try ServeFixture()
        let token = UUID().uuidString.prefix(6).lowercased()
        let primary = EmbeddedCluster(home: URL(fileURLWithPath: "/tmp/dfo-p-\(token)"), durable: false)
        defer {
            try? primary.stop()
            try? FileManager.default.removeItem(at: primary.home)
        }
        try primary.start()
        let databaseName = "failover"
        _ = try primary.createMigratedDatabase(databaseName)
        let superuser: String = try {
            let admin = try PostgresConnection(PostgresConfiguration(connectionString: primary.url(database: databaseName)))
            defer { admin.close() }
            return try admin.query("SELECT current_user AS u")[0].decode("u")
        }()
        let standby = try StandbyCluster.make(of: primary, superuser: superuser, home: URL(fileURLWithPath: "/tmp/dfo-s-\(token)"))
        defer { standby.tearDown() }

        // Both hosts in one URL: libpq connects to whichever accepts writes.
        let hosts = [primary.socketDirectory.path, standby.socketDirectory.path]
            .map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }.joined(separator: ",")
        let url = "postgresql:///\(databaseName)?host=\(hosts)&target_session_attrs=read-write"
        let admin = try PostgresConnection(PostgresConfiguration(connectionString: url))
        let fx = try PlanFixture(location: .url(url), superuser: admin)
        admin.close()
        _ = try fx.openPlan()

        // The mailer waits while the gate file exists, so a delivery can straddle the failover.
        let gate = files.path("gate")
        let environment = try files.config("ok", script: """
            touch '\(files.path("started"))'
            while [ -e '\(gate)' ]; do sleep 0.05; done
            cat >> '\(files.path("outbox.jsonl"))'
            """, interval: 3600)
        let serve = try BackgroundProcess(["serve"], databaseURL: url, environment: environment)
        #expect(BackgroundProcess.eventually(timeout: 15) { serve.standardError.contains(" sweep as_of=") }, "\(serve.standardError)")

        func check<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
            let db = try PostgresConnection(PostgresConfiguration(connectionString: url))
            defer { db.close() }
            return try body(db)
        }
        func deliveredCount() throws -> Int {
            try check { try $0.query("SELECT count(*) AS n FROM disrupt.reminder WHERE delivered_at IS NOT NULL")[0].decode("n") }
        }

        // Before: delivered at once (NOTIFY, not the hour-long interval).
        try check { try ServeFixture.insertBreach($0, fx, ref: "B-fo-1") }
        #expect(try BackgroundProcess.eventually(timeout: 5) { try deliveredCount() == 1 }, "\(serve.standardError)")

        // During: the mailer is running when the primary stops and the standby is promoted.
        try FileManager.default.removeItem(atPath: files.path("started"))
        #expect(FileManager.default.createFile(atPath: gate, contents: nil))
        try check { try ServeFixture.insertBreach($0, fx, ref: "B-fo-2") }
        #expect(BackgroundProcess.eventually(timeout: 5) { FileManager.default.fileExists(atPath: files.path("started")) },
                "\(serve.standardError)")
        try primary.stop()
        try standby.promote()
        try FileManager.default.removeItem(atPath: gate)
        #expect(BackgroundProcess.eventually(timeout: 20) { serve.standardError.contains("reconnected") }, "\(serve.standardError)")
        #expect(try BackgroundProcess.eventually(timeout: 5) { try deliveredCount() == 2 },
                "the delivery made during the failover was not recorded on the new primary: \(serve.standardError)")

        // After: serve finds the new primary's wake marks (it looks for them there).
        try check { try ServeFixture.insertBreach($0, fx, ref: "B-fo-3") }
        #expect(try BackgroundProcess.eventually(timeout: 5) { try deliveredCount() == 3 }, "\(serve.standardError)")

        let ids: [Int] = try check { try $0.query("SELECT id FROM disrupt.reminder ORDER BY id").map { try $0.decode("id") } }
        #expect(ids.count == 3)
        #expect(files.deliveredIDs("outbox.jsonl").sorted() == ids, "each reminder delivered exactly once")
        serve.signal(SIGTERM)
        #expect(serve.waitForExit(timeout: 3) == 0)
        #expect(!serve.standardError.contains(fx.personRef))
    }
}

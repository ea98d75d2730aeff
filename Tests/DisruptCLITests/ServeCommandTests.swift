import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("disrupt serve (the real binary)")
struct ServeCommandTests {
    let serveFixture: ServeFixture
    var directory: URL { serveFixture.directory }

    init() throws {
        serveFixture = try ServeFixture()
    }

    private func config(_ name: String, script body: String, interval: Int = 300) throws -> [String: String] {
        try serveFixture.config(name, script: body, interval: interval)
    }

    private func insertBreach(_ db: PostgresConnection, _ fx: PlanFixture, ref: String) throws {
        try ServeFixture.insertBreach(db, fx, ref: ref)
    }

    private func delivered(_ db: PostgresConnection, kind: String = "breach_reported") throws -> Bool {
        try db.query("SELECT bool_or(delivered_at IS NOT NULL) AS d FROM disrupt.reminder WHERE kind = \(kind)")[0].decode("d", as: Bool?.self) ?? false
    }

    @Test func deliversABreachReminderWithinTwoSecondsAndStopsOnSigterm() throws {
        let fx = try PlanFixture("serve")
        _ = try fx.openPlan()
        let outbox = directory.appendingPathComponent("delivered.jsonl").path
        let environment = try config("ok", script: "cat >> '\(outbox)'")
        let serve = try BackgroundProcess(["serve"], databaseURL: fx.url(as: nil), environment: environment)
        #expect(BackgroundProcess.eventually(timeout: 15) { serve.standardError.contains(" sweep as_of=") }, "\(serve.standardError)")

        let db = try fx.superuser()
        try insertBreach(db, fx, ref: "B-serve-1")
        let started = Date()
        let arrived = try BackgroundProcess.eventually(timeout: 2) { try delivered(db) }
        #expect(arrived, "not delivered within 2 s: \(serve.standardError)")
        #expect(Date().timeIntervalSince(started) < 2)
        let lines = ((try? String(contentsOfFile: outbox, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.count == 1)
        let json = try JSONSerialization.jsonObject(with: Data(lines.first.map(String.init)?.utf8 ?? "".utf8)) as? [String: Any]
        #expect(json?["kind"] as? String == "breach_reported")
        #expect(json?["recipient_login"] as? String == fx.spoc)

        serve.signal(SIGTERM)
        #expect(serve.waitForExit(timeout: 3) == 0)
        let log = serve.standardError
        #expect(log.contains("serve stopped"))
        #expect(log.contains("breach_reported=0") && log.contains("delivered=1"))
        #expect(!log.contains(fx.personRef) && !log.contains("Testperson") && !log.contains("Adam"))
    }

    @Test func aFailedDeliveryIsRecordedRetriedAndNeverSentTwice() throws {
        let fx = try PlanFixture("deliver")
        _ = try fx.openPlan()
        let db = try fx.superuser()
        try insertBreach(db, fx, ref: "B-fail-1")

        let failing = try config("fail", script: "echo 'mailer down' >&2\nexit 1")
        let first = try fx.run(["serve", "--once"], as: nil, environment: failing)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("delivered=0 failed=1"))
        var row = try db.query("""
            SELECT delivery_attempts, last_error, delivered_at IS NULL AS waiting, next_attempt_at > now() + interval '50 seconds' AS later
              FROM disrupt.reminder WHERE kind = 'breach_reported'
            """)[0]
        #expect(try row.decode("delivery_attempts", as: Int.self) == 1)
        let lastError = try row.decode("last_error", as: String.self)
        #expect(lastError.contains("failed (exit status 1): mailer down"), "\(lastError)")
        #expect(try row.decode("waiting", as: Bool.self))
        #expect(try row.decode("later", as: Bool.self))

        let outbox = directory.appendingPathComponent("retried.jsonl").path
        let working = try config("ok", script: "cat >> '\(outbox)'")
        let tooSoon = try fx.run(["serve", "--once"], as: nil, environment: working)
        #expect(tooSoon.stderr.contains("delivered=0 failed=0"))

        try db.execute("UPDATE disrupt.reminder SET next_attempt_at = now() - interval '1 second' WHERE kind = 'breach_reported'")
        let retry = try fx.run(["serve", "--once"], as: nil, environment: working)
        #expect(retry.stderr.contains("delivered=1 failed=0"), "\(retry.stderr)")
        row = try db.query("SELECT delivery_attempts, last_error FROM disrupt.reminder WHERE kind = 'breach_reported'")[0]
        #expect(try row.decode("delivery_attempts", as: Int.self) == 2)
        #expect(try row.decode("last_error", as: String?.self) == nil)

        try db.execute("UPDATE disrupt.reminder SET next_attempt_at = now() - interval '1 second' WHERE kind = 'breach_reported'")
        let again = try fx.run(["serve", "--once"], as: nil, environment: working)
        #expect(again.stderr.contains("delivered=0 failed=0"))
        let lines = ((try? String(contentsOfFile: outbox, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.count == 1)
    }

    @Test func survivesADatabaseRestart() throws {
        let home = URL(fileURLWithPath: "/tmp/dsr-\(UUID().uuidString.prefix(6))")
        let cluster = EmbeddedCluster(home: home, durable: false)
        try cluster.start()
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: home)
        }
        let location = DatabaseLocation.url(cluster.url)
        let admin = try PostgresConnection(location.configuration)
        try Migrator().migrate(admin)
        let fx = try PlanFixture(location: location, superuser: admin)
        _ = try fx.openPlan()
        admin.close()

        let outbox = directory.appendingPathComponent("restart.jsonl").path
        let environment = try config("ok", script: "cat >> '\(outbox)'")
        let serve = try BackgroundProcess(["serve"], databaseURL: cluster.url, environment: environment)
        #expect(BackgroundProcess.eventually(timeout: 15) { serve.standardError.contains(" sweep as_of=") }, "\(serve.standardError)")

        try cluster.stop()
        #expect(BackgroundProcess.eventually(timeout: 10) { serve.standardError.contains("database unavailable") }, "\(serve.standardError)")
        try cluster.start()
        #expect(BackgroundProcess.eventually(timeout: 40) { serve.standardError.contains("reconnected") }, "\(serve.standardError)")

        let db = try PostgresConnection(location.configuration)
        try insertBreach(db, fx, ref: "B-restart-1")
        #expect(try BackgroundProcess.eventually(timeout: 2) { try delivered(db) }, "\(serve.standardError)")
        db.close()

        serve.signal(SIGTERM)
        #expect(serve.waitForExit(timeout: 3) == 0)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("disrupt serve under faults: a hung delivery, kill -9 (the real binary)")
struct ServeFaultTests {
    let files: ServeFixture

    init() throws {
        files = try ServeFixture()
    }

    /// Kills whatever a delivery script left running (its pid files), whatever the test's outcome.
    private func killLeftovers(_ names: [String]) {
        for name in names {
            if let pid = files.pid(name) { kill(pid, SIGKILL) }
        }
    }

    @Test func sigtermEndsAHungDeliveryWithinTwoSecondsAndTheReminderIsRetried() throws {
        let fx = try PlanFixture("hung")
        _ = try fx.openPlan()
        let db = try fx.superuser()
        try ServeFixture.insertBreach(db, fx, ref: "B-hung-1")
        // The mailer hangs in a grandchild: only stopping the whole process group ends it.
        let hanging = try files.config("hung", script: """
            echo $$ > '\(files.path("shell.pid"))'
            sleep 600 &
            echo $! > '\(files.path("sleep.pid"))'
            wait
            """)
        defer { killLeftovers(["shell.pid", "sleep.pid"]) }
        let serve = try BackgroundProcess(["serve"], databaseURL: fx.url(as: nil), environment: hanging)
        #expect(BackgroundProcess.eventually(timeout: 15) { files.pid("sleep.pid") != nil }, "\(serve.standardError)")
        let shell = try #require(files.pid("shell.pid"))
        let sleeper = try #require(files.pid("sleep.pid"))

        let signalled = Date()
        serve.signal(SIGTERM)
        let status = serve.waitForExit(timeout: 10)
        let seconds = Date().timeIntervalSince(signalled)
        #expect(status == 0, "\(serve.standardError)")
        #expect(seconds < 2, "serve took \(seconds) s to stop")
        #expect(BackgroundProcess.eventually(timeout: 1) { !ServeFixture.isAlive(shell) && !ServeFixture.isAlive(sleeper) },
                "the delivery command's processes outlived serve")
        #expect(serve.standardError.contains("serve stopped"))

        let row = try db.query("""
            SELECT delivered_at IS NULL AS waiting, delivery_attempts, last_error FROM disrupt.reminder WHERE kind = 'breach_reported'
            """)[0]
        #expect(try row.decode("waiting", as: Bool.self))
        #expect(try row.decode("delivery_attempts", as: Int.self) == 1)
        #expect(try row.decode("last_error", as: String?.self)?.contains("serve was stopping") == true)

        // The retry (after its backoff, moved forward here) delivers it.
        try db.execute("UPDATE disrupt.reminder SET next_attempt_at = now() - interval '1 second' WHERE kind = 'breach_reported'")
        let working = try files.config("ok", script: "cat >> '\(files.path("outbox.jsonl"))'")
        let retry = try fx.run(["serve", "--once"], as: nil, environment: working)
        #expect(retry.stderr.contains("delivered=1 failed=0"), "\(retry.stderr)")
        #expect(files.lines("outbox.jsonl").count == 1)
    }

    @Test func killMinus9DuringDeliveryLosesNothingAndHoldsOnlyTheReminderInFlight() throws {
        let fx = try PlanFixture("kill9")
        _ = try fx.openPlan()
        let db = try fx.superuser()
        try ServeFixture.insertBreach(db, fx, ref: "B-kill-1")
        try ServeFixture.insertBreach(db, fx, ref: "B-kill-2")
        let ids: [Int] = try db.query("SELECT id FROM disrupt.reminder WHERE kind = 'breach_reported' ORDER BY id").map { try $0.decode("id") }
        #expect(ids.count == 2)

        let stuck = try files.config("stuck", script: "echo $$ > '\(files.path("mailer.pid"))'\nexec sleep 600")
        defer { killLeftovers(["mailer.pid"]) }
        let first = try BackgroundProcess(["serve"], databaseURL: fx.url(as: nil), environment: stuck)
        #expect(BackgroundProcess.eventually(timeout: 15) { files.pid("mailer.pid") != nil }, "\(first.standardError)")
        first.signal(SIGKILL)
        #expect(first.waitForExit(timeout: 5) == 128 + SIGKILL)
        killLeftovers(["mailer.pid"])

        // The reminder in flight is leased (5 minutes); the other was never claimed.
        let leased: [Int] = try db.query("""
            SELECT id FROM disrupt.reminder
             WHERE kind = 'breach_reported' AND delivered_at IS NULL AND next_attempt_at > now() + interval '4 minutes'
            """).map { try $0.decode("id") }
        #expect(leased.count == 1, "leased after kill -9: \(leased)")
        let inFlight = try #require(leased.first)
        let other = try #require(ids.first { $0 != inFlight })

        // After a restart the other is delivered at once, the one in flight not before its lease ends.
        let working = try files.config("ok", script: "cat >> '\(files.path("outbox.jsonl"))'")
        let second = try BackgroundProcess(["serve"], databaseURL: fx.url(as: nil), environment: working)
        #expect(BackgroundProcess.eventually(timeout: 15) { second.standardError.contains(" sweep as_of=") }, "\(second.standardError)")
        #expect(files.deliveredIDs("outbox.jsonl") == [other], "\(second.standardError)")
        second.signal(SIGTERM)
        #expect(second.waitForExit(timeout: 3) == 0)

        // When the lease ends (moved forward here) it is delivered: at least once, and once only.
        try db.execute("UPDATE disrupt.reminder SET next_attempt_at = now() - interval '1 second' WHERE id = \(inFlight)")
        let third = try fx.run(["serve", "--once"], as: nil, environment: working)
        #expect(third.stderr.contains("delivered=1 failed=0"), "\(third.stderr)")
        #expect(files.deliveredIDs("outbox.jsonl").sorted() == ids)
        let undelivered = try db.query("SELECT count(*) AS n FROM disrupt.reminder WHERE delivered_at IS NULL")[0].decode("n", as: Int.self)
        #expect(undelivered == 0)
    }
}

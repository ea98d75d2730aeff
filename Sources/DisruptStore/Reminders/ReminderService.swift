import DisruptCore
import Foundation
import Postgres

/// The loop behind `disrupt serve`: sweep for due reminders and deliver them, every
/// `interval_seconds` and at once when the database marks that something changed (it looks
/// every 0.2 s with `disrupt.service_wake_take()`, which no staff login may call; see
/// SQL/migrations/0016_service_wake.sql for why not LISTEN/NOTIFY).
/// When the database goes away it reconnects with exponential backoff (1 s doubling to 30 s); with
/// a host list and `target_session_attrs=read-write` that follows a failover.
/// It checks `shouldStop` at least every second, and every 10 ms while a delivery command runs
/// (which is then stopped), so it stops within 2 seconds. Reminders are claimed one at a time,
/// so a crash holds back only the one in flight until its lease ends; a delivery outcome that
/// could not be recorded (the database went away) is kept and recorded after reconnecting.
/// Log lines carry a UTC timestamp, counts, ids and error codes only, never names, notes or messages.
///
/// `@unchecked Sendable`: `unrecorded` is mutable, but `run` and `pass` are called from one
/// thread at a time (the serve command's), and only they touch it.
public final class ReminderService: @unchecked Sendable {
    public static let maximumBackoff: TimeInterval = 30
    /// How often the service looks for a change between sweeps.
    public static let wakePollInterval: TimeInterval = 0.2

    private let configuration: PostgresConfiguration
    private let timings: ReminderTimings
    private let interval: TimeInterval
    private let delivery: DeliveryCommand?
    private let log: @Sendable (String) -> Void
    private let shouldStop: @Sendable () -> Bool
    private let store = ReminderStore()
    /// The alert settings written to the database at each pass (unchanged ones write nothing).
    private let alerts: (settings: AlertSettings, positiveActions: [BreachAction])?
    /// Deliveries whose outcome (nil: delivered; else the failure) is not yet in the database.
    private var unrecorded: [(id: Int64, failure: String?)] = []

    public init(configuration: PostgresConfiguration, timings: ReminderTimings, interval: TimeInterval? = nil,
                alerts: (settings: AlertSettings, positiveActions: [BreachAction])? = nil,
                log: @escaping @Sendable (String) -> Void, shouldStop: @escaping @Sendable () -> Bool) {
        self.configuration = configuration
        self.alerts = alerts
        self.timings = timings
        self.interval = interval ?? TimeInterval(timings.intervalSeconds)
        self.delivery = timings.deliverCommand.map { DeliveryCommand(arguments: $0) }
        self.log = log
        self.shouldStop = shouldStop
    }

    /// One sweep and delivery round on `db`, logged. For `serve --once` and for each wake-up.
    @discardableResult
    public func pass(on db: PostgresConnection) throws -> (sweep: SweepResult, delivered: Int, failed: Int) {
        let started = Date()
        let held = unrecorded.count
        try recordUnrecorded(on: db)
        if held > unrecorded.count {
            log("\(Self.timestamp()) recorded \(held - unrecorded.count) delivery outcome(s) held back earlier")
        }
        if let alerts, try AlertStore().writeSettings(alerts.settings, positiveActions: alerts.positiveActions, on: db) {
            log("\(Self.timestamp()) alert settings written")
        }
        let sweep = try store.sweep(asOf: Day.today(), timings: timings, on: db)
        let (delivered, failed) = try deliverDue(on: db)
        let counts = ReminderKind.all.map { "\($0)=\(sweep.created[$0] ?? 0)" }.joined(separator: " ")
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        log("\(Self.timestamp()) sweep as_of=\(sweep.asOf.iso) \(counts) delivered=\(delivered) failed=\(failed) duration_ms=\(milliseconds)"
            + (sweep.leftOut > 0 ? " left_out=\(sweep.leftOut) (rows with an unusable date)" : ""))
        return (sweep, delivered, failed)
    }

    /// Runs until `shouldStop` returns true. Throws only for errors retrying cannot fix
    /// (the login may not sweep: exit 4).
    public func run() throws {
        var backoff: TimeInterval = 1
        var session: PostgresConnection?
        var lost = false
        log("\(Self.timestamp()) serve started interval_s=\(Int(interval)) delivery=\(delivery == nil ? "inbox-only" : "command")")
        while !shouldStop() {
            do {
                if session == nil {
                    session = try PostgresConnection(configuration)
                    if lost { log("\(Self.timestamp()) reconnected") }
                    lost = false
                }
                try pass(on: session!)
                backoff = 1
                try waitForWork(session!)
            } catch let error as PostgresError where error.sqlState == "42501" || error.sqlState == "DR403" {
                throw error
            } catch {
                if let postgres = error as? PostgresError, postgres.isConnectionError {
                    session?.close()
                    session = nil
                    lost = true
                } else if session?.isConnected == false {
                    session?.close()
                    session = nil
                    lost = true
                }
                log("\(Self.timestamp()) \(lost ? "database unavailable" : "sweep failed") (\(Self.describe(error))); retrying in \(Int(backoff)) s")
                sleep(backoff)
                backoff = min(backoff * 2, Self.maximumBackoff)
            }
        }
        if let session { try? recordUnrecorded(on: session) }  // a last try for outcomes held back
        session?.close()
        if !unrecorded.isEmpty {
            log("\(Self.timestamp()) \(unrecorded.count) delivery outcome(s) not recorded (ids \(unrecorded.map { String($0.id) }.joined(separator: ","))); offered again when their lease ends")
        }
        log("\(Self.timestamp()) serve stopped")
    }

    /// Claims and delivers reminders one at a time until none are waiting (at most 1,000 a pass)
    /// or a stop is requested. One at a time: a claim is a 5-minute lease, and a service that
    /// stops or dies should hold back only the reminder it was delivering.
    private func deliverDue(on db: PostgresConnection) throws -> (Int, Int) {
        guard let delivery else { return (0, 0) }
        var delivered = 0, failed = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<1000 where !shouldStop() {
            try recordUnrecorded(on: db)  // one held back earlier is recorded before it could be claimed again
            guard let reminder = try store.claimForDelivery(limit: 1, on: db).first else { break }
            // a reminder whose outcome is still held back (its row was held past the lease) was
            // delivered already: its outcome is recorded later, not delivered twice
            if unrecorded.contains(where: { $0.id == reminder.id }) { continue }
            let failure = delivery.deliver(try encoder.encode(reminder) + Data("\n".utf8), shouldStop: shouldStop)
            unrecorded.append((reminder.id, failure))
            try recordUnrecorded(on: db)
            if failure == nil { delivered += 1 } else { failed += 1 }
        }
        return (delivered, failed)
    }

    /// Records the outcomes of finished deliveries, oldest first; each leaves the list once it is
    /// in the database (or the reminder is gone: DR404). One whose row another session holds
    /// (55P03: a recipient dismissing the alert in a transaction kept open) stays for a later
    /// pass instead of holding up the loop (helper-56). When the connection fails the rest stay
    /// for the next session, so a delivery made just before a failover is not repeated after it.
    private func recordUnrecorded(on db: PostgresConnection) throws {
        var held: [(id: Int64, failure: String?)] = []
        defer { unrecorded.insert(contentsOf: held, at: 0) }
        while let (id, failure) = unrecorded.first {
            do {
                if let failure {
                    try store.deliveryFailed(id, error: failure, on: db)
                } else {
                    try store.delivered(id, on: db)
                }
            } catch let error as PostgresError where error.sqlState == "DR404" {
                log("\(Self.timestamp()) reminder \(id) no longer exists; its delivery outcome is dropped")
            } catch let error as PostgresError where error.sqlState == "55P03" {
                held.append((id, failure))
            }
            unrecorded.removeFirst()
        }
    }

    /// Waits until the interval has passed or another session has marked a change (our own
    /// sweep's mark is not news: `service_wake_take` answers false for it).
    private func waitForWork(_ db: PostgresConnection) throws {
        let deadline = Date().addingTimeInterval(interval)
        while !shouldStop() {
            if try store.takeWake(on: db) { return }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            usleep(UInt32(min(Self.wakePollInterval, remaining) * 1_000_000))
        }
    }

    /// Sleeps in steps of at most 0.2 s so a stop request is seen promptly.
    private func sleep(_ seconds: TimeInterval) {
        let until = Date().addingTimeInterval(seconds)
        while !shouldStop() && Date() < until { usleep(200_000) }
    }

    private static func describe(_ error: Error) -> String {
        if let postgres = error as? PostgresError { return "\(postgres.code)\(postgres.sqlState.map { " sqlstate=\($0)" } ?? "")" }
        if let store = error as? StoreError { return "exit code \(store.kind.rawValue)" }
        return String(describing: type(of: error))
    }

    static func timestamp() -> String { Timestamp.utc(Date()) }
}

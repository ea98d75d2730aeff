import DisruptCore
import Foundation
import Postgres

/// The loop behind `disrupt serve`: sweep for due reminders and deliver them, every
/// `interval_seconds` and at once when PostgreSQL says something changed (NOTIFY
/// 'disrupt_reminder' from 006, 'disrupt_changed' from 010), on a dedicated LISTEN connection.
/// When the database goes away it reconnects with exponential backoff (1 s doubling to 30 s) and
/// LISTENs again. It checks `shouldStop` at least every second. Log lines carry a UTC timestamp,
/// counts, ids and error codes only, never names, notes or messages.
public final class ReminderService: @unchecked Sendable {
    public static let channels = ["disrupt_reminder", "disrupt_changed"]
    public static let maximumBackoff: TimeInterval = 30

    private let configuration: PostgresConfiguration
    private let timings: ReminderTimings
    private let interval: TimeInterval
    private let delivery: DeliveryCommand?
    private let log: @Sendable (String) -> Void
    private let shouldStop: @Sendable () -> Bool
    private let store = ReminderStore()

    public init(configuration: PostgresConfiguration, timings: ReminderTimings, interval: TimeInterval? = nil,
                log: @escaping @Sendable (String) -> Void, shouldStop: @escaping @Sendable () -> Bool) {
        self.configuration = configuration
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
        let sweep = try store.sweep(asOf: Day.today(), timings: timings, on: db)
        let (delivered, failed) = try deliverDue(on: db)
        let counts = ReminderKind.all.map { "\($0)=\(sweep.created[$0] ?? 0)" }.joined(separator: " ")
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        log("\(Self.timestamp()) sweep as_of=\(sweep.asOf.iso) \(counts) delivered=\(delivered) failed=\(failed) duration_ms=\(milliseconds)")
        return (sweep, delivered, failed)
    }

    /// Runs until `shouldStop` returns true. Throws only for errors retrying cannot fix
    /// (the login may not sweep: exit 4).
    public func run() throws {
        var backoff: TimeInterval = 1
        var session: Session?
        var lost = false
        log("\(Self.timestamp()) serve started interval_s=\(Int(interval)) delivery=\(delivery == nil ? "inbox-only" : "command")")
        while !shouldStop() {
            do {
                if session == nil {
                    session = try Session(configuration: configuration)
                    if lost { log("\(Self.timestamp()) reconnected") }
                    lost = false
                }
                try pass(on: session!.work)
                backoff = 1
                try waitForWork(session!)
            } catch let error as PostgresError where error.sqlState == "42501" || error.sqlState == "DR403" {
                throw error
            } catch {
                if let postgres = error as? PostgresError, postgres.isConnectionError {
                    session?.close()
                    session = nil
                    lost = true
                } else if session?.work.isConnected == false || session?.listener.isConnected == false {
                    session?.close()
                    session = nil
                    lost = true
                }
                log("\(Self.timestamp()) \(lost ? "database unavailable" : "sweep failed") (\(Self.describe(error))); retrying in \(Int(backoff)) s")
                sleep(backoff)
                backoff = min(backoff * 2, Self.maximumBackoff)
            }
        }
        session?.close()
        log("\(Self.timestamp()) serve stopped")
    }

    /// Claims and delivers reminders until none are waiting (or 20 rounds of 50).
    private func deliverDue(on db: PostgresConnection) throws -> (Int, Int) {
        guard let delivery else { return (0, 0) }
        var delivered = 0, failed = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for _ in 0..<20 where !shouldStop() {
            let claimed = try store.claimForDelivery(limit: 50, on: db)
            if claimed.isEmpty { break }
            for reminder in claimed {
                if let failure = delivery.deliver(try encoder.encode(reminder) + Data("\n".utf8)) {
                    try store.deliveryFailed(reminder.id, error: failure, on: db)
                    failed += 1
                } else {
                    try store.delivered(reminder.id, on: db)
                    delivered += 1
                }
            }
        }
        return (delivered, failed)
    }

    /// Waits until the interval has passed or another session notifies a channel.
    private func waitForWork(_ session: Session) throws {
        let deadline = Date().addingTimeInterval(interval)
        while !shouldStop() {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return }
            let notifications = try session.listener.waitForNotifications(timeout: min(1, remaining))
            // our own sweep's NOTIFY comes from the work connection: not news
            if notifications.contains(where: { $0.senderPID != session.workPID }) { return }
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

    /// The work connection and the LISTEN connection.
    private struct Session {
        let work: PostgresConnection
        let listener: PostgresConnection
        let workPID: Int32

        init(configuration: PostgresConfiguration) throws {
            work = try PostgresConnection(configuration)
            listener = try PostgresConnection(configuration)
            for channel in ReminderService.channels { try listener.listen(channel) }
            workPID = try work.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
        }

        func close() {
            work.close()
            listener.close()
        }
    }
}

import DisruptCore
import Foundation
import Postgres

/// The reminder outbox (SQL/definitions/reminders.sql): sweeps, the caller's inbox, acknowledgement and the delivery
/// bookkeeping `disrupt serve` uses. Sweeps are idempotent and safe to run from many machines
/// at once (the outbox key is unique; inserts are ON CONFLICT DO NOTHING).
public struct ReminderStore: Sendable {
    public init() {}

    /// Creates every reminder due as of `asOf` with the configured timings, in one transaction.
    /// Concurrent sweeps (cron on several machines, several services) take turns on a lock the
    /// sweep function takes (on `disrupt_private.sweep_turn`, in a schema no staff login may use): two sweeps
    /// inserting the same outbox keys in different orders could otherwise deadlock; the later one
    /// then finds everything already there. Needs a login in disrupt_service or disrupt_admin.
    public func sweep(asOf: Day, timings: ReminderTimings, on db: PostgresConnection) throws -> SweepResult {
        let started = Date()
        let rows = try db.query("""
            SELECT kind, created FROM disrupt.reminder_sweep(\(asOf)::date, \(timings.dueSoonDays), \(timings.escalationDays),
                                                             \(timings.planReviewDays), \(timings.orderEndingDays),
                                                             mappa_licence_days => \(timings.mappaLicenceDays),
                                                             link_review_days => \(timings.linkReviewDays))
            """)
        var created = Dictionary(uniqueKeysWithValues: ReminderKind.all.map { ($0, 0) })
        var leftOut = 0
        for row in rows {
            let kind = try row.decode("kind", as: String.self), count = try row.decode("created", as: Int.self)
            if kind == "skipped" { leftOut = count } else { created[kind] = count }
        }
        var result = SweepResult(asOf: asOf, created: created, durationMilliseconds: Int(Date().timeIntervalSince(started) * 1000))
        result.leftOut = leftOut
        return result
    }

    /// The caller's reminders: unacknowledged, or all with `showAll`.
    public func inbox(showAll: Bool, on db: PostgresConnection) throws -> [InboxItem] {
        try db.query("SELECT * FROM disrupt.inbox(\(showAll))").records(as: InboxItem.self)
    }

    /// Acknowledges one of the caller's reminders: true if now, false if it already was.
    public func acknowledge(_ id: Int64, on db: PostgresConnection) throws -> Bool {
        try db.query("SELECT disrupt.reminder_ack(\(id)) AS acked")[0].decode("acked")
    }

    /// Takes the database's committed marks of a change (the service's and administrators'): true when a session
    /// other than this one wrote something that may make or move a reminder since the last take.
    public func takeWake(on db: PostgresConnection) throws -> Bool {
        try db.query("SELECT disrupt.service_wake_take() AS woken")[0].decode("woken")
    }

    /// Claims up to `limit` reminders awaiting delivery (a lease: unreported ones come back later).
    public func claimForDelivery(limit: Int, on db: PostgresConnection) throws -> [ClaimedReminder] {
        try db.query("SELECT * FROM disrupt.reminder_claim_for_delivery(\(limit))").records(as: ClaimedReminder.self)
    }

    /// Records a successful delivery (never delivered twice: false if it already was).
    @discardableResult
    public func delivered(_ id: Int64, on db: PostgresConnection) throws -> Bool {
        try db.query("SELECT disrupt.reminder_delivered(\(id)) AS done")[0].decode("done")
    }

    /// Records a failed delivery; the SQL schedules the retry with exponential backoff.
    public func deliveryFailed(_ id: Int64, error: String, on db: PostgresConnection) throws {
        _ = try db.query("SELECT disrupt.reminder_delivery_failed(\(id), \(error))")
    }
}

/// Read by column name from the query above.
extension InboxItem: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            id: try row["id"], kind: try row["kind"], personRef: try row["person_ref"],
            subjectTable: try row["subject_table"], subjectId: try row["subject_id"],
            dueOn: try row["due_on"], message: try row["message"], createdAt: try row["created_at"],
            ackedAt: try row["acked_at"], deliveredAt: try row["delivered_at"], partyRef: try row["party_ref"],
            evidence: try row["evidence"], tactic: try row["tactic"], closedAt: try row["closed_at"], closeReason: try row["close_reason"])
    }
}

/// Read by column name from the query above.
extension ClaimedReminder: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            id: try row["id"], kind: try row["kind"], recipientLogin: try row["recipient_login"],
            subjectTable: try row["subject_table"], subjectId: try row["subject_id"],
            dueOn: try row["due_on"], message: try row["message"],
            deliveryAttempts: try row["delivery_attempts"], createdAt: try row["created_at"])
    }
}

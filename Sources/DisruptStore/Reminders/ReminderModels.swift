import DisruptCore
import Foundation

/// The kinds of reminder the sweep (SQL/definitions/reminders.sql) and triggers create, in the order they are reported.
public enum ReminderKind {
    public static let all = ["due_soon", "overdue", "escalation", "plan_review", "order_ending", "mappa_consider_category3",
                             "mappa_category3_review", "link_review_due", "link_review_overdue", "breach_reported", "new_incident", "research_due"]
}

/// What one sweep created, per kind.
public struct SweepResult: Sendable, Encodable {
    public var asOf: Day
    /// Reminders created now, by kind (every kind present, zero included).
    public var created: [String: Int]
    public var durationMilliseconds: Int
    /// Rows the sweep left out because their date was unusable (infinite or BC), not reminded.
    public var leftOut = 0

    public var total: Int { created.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey { case asOf = "as_of", created, total, durationMilliseconds = "duration_ms", leftOut = "left_out" }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(created, forKey: .created)
        try c.encode(total, forKey: .total)
        try c.encode(durationMilliseconds, forKey: .durationMilliseconds)
        try c.encode(leftOut, forKey: .leftOut)
    }
}

/// A reminder in a staff member's inbox.
public struct InboxItem: Sendable, Encodable {
    public var id: Int64
    public var kind: String
    public var personRef: String?
    public var subjectTable: String
    public var subjectId: Int64
    public var dueOn: Day
    public var message: String
    public var createdAt: Date
    public var ackedAt: Date?
    public var deliveredAt: Date?
    /// The victim an Idva's alert is about (her inbox groups by it).
    public var partyRef: String? = nil
    /// Which records fired an alert (alerts only).
    public var evidence: String? = nil
    /// The tactic code an alert suggests (alerts only).
    public var tactic: String? = nil
    /// When and why an alert was closed (dismissed, or answered by a record); shown with --all.
    public var closedAt: Date? = nil
    public var closeReason: String? = nil

    enum CodingKeys: String, CodingKey {
        case id = "reminder_id", kind, personRef = "person_ref", subjectTable = "subject_table", subjectId = "subject_id"
        case dueOn = "due_on", message, createdAt = "created_at", ackedAt = "acked_at", deliveredAt = "delivered_at"
        case partyRef = "party_ref", evidence, tactic, closedAt = "closed_at", closeReason = "close_reason"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(personRef, forKey: .personRef)
        try c.encode(subjectTable, forKey: .subjectTable)
        try c.encode(subjectId, forKey: .subjectId)
        try c.encode(dueOn, forKey: .dueOn)
        try c.encode(message, forKey: .message)
        try c.encode(Timestamp.utc(createdAt), forKey: .createdAt)
        try c.encode(ackedAt.map(Timestamp.utc), forKey: .ackedAt)
        try c.encode(deliveredAt.map(Timestamp.utc), forKey: .deliveredAt)
        try c.encode(partyRef, forKey: .partyRef)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(tactic, forKey: .tactic)
        try c.encode(closedAt.map(Timestamp.utc), forKey: .closedAt)
        try c.encode(closeReason, forKey: .closeReason)
    }
}

/// A reminder claimed for delivery: what the deliver command receives as JSON on stdin.
public struct ClaimedReminder: Sendable, Encodable {
    public var id: Int64
    public var kind: String
    public var recipientLogin: String
    public var subjectTable: String
    public var subjectId: Int64
    public var dueOn: Day
    public var message: String
    /// Attempts before this one.
    public var deliveryAttempts: Int
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id = "reminder_id", kind, recipientLogin = "recipient_login", subjectTable = "subject_table"
        case subjectId = "subject_id", dueOn = "due_on", message, deliveryAttempts = "delivery_attempts", createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(recipientLogin, forKey: .recipientLogin)
        try c.encode(subjectTable, forKey: .subjectTable)
        try c.encode(subjectId, forKey: .subjectId)
        try c.encode(dueOn, forKey: .dueOn)
        try c.encode(message, forKey: .message)
        try c.encode(deliveryAttempts, forKey: .deliveryAttempts)
        try c.encode(Timestamp.utc(createdAt), forKey: .createdAt)
    }
}

import DisruptCore
import Foundation
import Postgres

/// The alerts of SQL/definitions/alerts.sql: their settings as the database reads them, the
/// victims a plan protects (the Idva loop), dismissal and the chair's list of open alerts.
public struct AlertStore: Sendable {
    public init() {}

    /// Writes the alert settings of Config/disrupt.json (and the positive actions of
    /// Config/triggers.json) for the alert triggers; writes nothing when they are unchanged.
    /// Needs the reminder service or an administrator. True when they changed.
    @discardableResult
    public func writeSettings(_ settings: AlertSettings, positiveActions: [BreachAction], on db: PostgresConnection) throws -> Bool {
        let json = try settings.databaseJSON(positiveActions: positiveActions)
        return try db.query("SELECT disrupt.alert_settings_write(\(json)::jsonb) AS changed")[0].decode("changed")
    }

    /// Names a victim (party reference) the plan protects, with her Idva; the row id.
    public func addVictim(plan: Int64, partyRef: String, idva: String, on db: PostgresConnection) throws -> Int64 {
        try db.query("SELECT disrupt.plan_victim_add(\(plan), \(partyRef), \(idva)) AS id")[0].decode("id")
    }

    /// Removes a victim from a plan.
    public func removeVictim(plan: Int64, partyRef: String, on db: PostgresConnection) throws {
        _ = try db.query("SELECT disrupt.plan_victim_remove(\(plan), \(partyRef))")
    }

    /// Dismisses an alert in the caller's inbox with a reason (audited): true if closed now.
    public func dismiss(_ id: Int64, reason: String, on db: PostgresConnection) throws -> Bool {
        try db.query("SELECT disrupt.alert_dismiss(\(id), \(reason)) AS closed")[0].decode("closed")
    }

    /// The open alerts a chair, coordinator or administrator may see, by kind.
    public func open(kind: AlertKind?, on db: PostgresConnection) throws -> [OpenAlert] {
        try db.query("SELECT * FROM disrupt.alerts_open(\(kind?.rawValue))").records(as: OpenAlert.self)
    }
}

/// One open alert, with everyone it went to and those of them who acknowledged it (`disrupt alerts`).
public struct OpenAlert: Sendable, Encodable, FetchableRecord {
    public var id: Int64
    public var kind: String
    public var personRef: String
    public var subjectTable: String
    public var subjectId: Int64
    public var dueOn: Day
    public var shownOn: Day
    public var message: String
    public var evidence: String?
    public var tactic: String?
    public var recipients: [String]
    public var acknowledgedBy: [String]
    public var createdAt: Date

    public init(row: PostgresRow) throws {
        id = try row["id"]
        kind = try row["kind"]
        personRef = try row["person_ref"]
        subjectTable = try row["subject_table"]
        subjectId = try row["subject_id"]
        dueOn = try row["due_on"]
        shownOn = try row["shown_on"]
        message = try row["message"]
        evidence = try row["evidence"]
        tactic = try row["tactic"]
        recipients = try row["recipients"]
        acknowledgedBy = try row["acknowledged_by"]
        createdAt = try row["created_at"]
    }

    enum CodingKeys: String, CodingKey {
        case id = "reminder_id", kind, personRef = "person_ref", subjectTable = "subject_table", subjectId = "subject_id"
        case dueOn = "due_on", shownOn = "shown_on", message, evidence, tactic, recipients
        case acknowledgedBy = "acknowledged_by", createdAt = "created_at"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(personRef, forKey: .personRef)
        try c.encode(subjectTable, forKey: .subjectTable)
        try c.encode(subjectId, forKey: .subjectId)
        try c.encode(dueOn, forKey: .dueOn)
        try c.encode(shownOn, forKey: .shownOn)
        try c.encode(message, forKey: .message)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(tactic, forKey: .tactic)
        try c.encode(recipients, forKey: .recipients)
        try c.encode(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encode(Timestamp.utc(createdAt), forKey: .createdAt)
    }
}

import DisruptCore
import Foundation
import Postgres

/// Which actions `action list` shows. Every field nil/false: every live action of every agency.
public struct ActionFilter: Sendable {
    public var actionId: Int64?
    public var planId: Int64?
    public var agency: String?
    public var ownerLogin: String?
    /// Statuses to include; nil = live ones (open, in progress, blocked).
    public var statuses: [String]?
    public var overdueOnly: Bool
    /// Only actions due on or before as-of + this many days.
    public var dueWithinDays: Int?

    public init(actionId: Int64? = nil, planId: Int64? = nil, agency: String? = nil, ownerLogin: String? = nil,
                statuses: [String]? = ActionFilter.live, overdueOnly: Bool = false, dueWithinDays: Int? = nil) {
        self.actionId = actionId
        self.planId = planId
        self.agency = agency
        self.ownerLogin = ownerLogin
        self.statuses = statuses
        self.overdueOnly = overdueOnly
        self.dueWithinDays = dueWithinDays
    }

    public static let live = ["open", "in_progress", "blocked"]
    public static let allStatuses = ["open", "in_progress", "blocked", "done", "cancelled"]
}

/// A change to an action's life (`action_transition`, SQL/definitions/plans.sql).
public enum ActionTransition: Sendable {
    case start
    case done(outcome: String)
    case cancel(reason: String)
    case block(reason: String)

    var toStatus: String {
        switch self {
        case .start: "in_progress"
        case .done: "done"
        case .cancel: "cancelled"
        case .block: "blocked"
        }
    }

    var text: String? {
        switch self {
        case .start: nil
        case .done(let text), .cancel(let text), .block(let text): text
        }
    }
}

/// Actions: add, move along their life, reassign, extend, safety-check, read and list. Every
/// change goes through the SQL functions of plans.sql in one transaction; `version` nil means "the
/// version read now" (scripts and careful users pass the one they saw, to catch stale edits).
public struct ActionStore: Sendable {
    public init() {}

    /// Adds an action checked by `TacticCatalogue.validate` over the database's catalogue
    /// (`TacticStore.catalogue`): a catalogue tactic (its heading is the tactic's) or a custom
    /// action (a free-text label under a heading). The database checks again and decides the Idva
    /// safety check itself (a custom action always; a tactic unless its catalogue row is exempt),
    /// and refuses unknown tactics and joint work with the victim on its own. Returns the new action.
    public func add(planId: Int64, action validated: ValidatedAction, agency: String, ownerLogin: String?,
                    dueOn: Day, note: String?, asOf: Day, on db: PostgresConnection) throws -> ActionRecord {
        let heading = validated.heading
        let tactic = validated.tacticCode
        let label: String? = validated.isCustom ? validated.label : nil
        return try db.transaction {
            let id: Int64 = try StateReport.explaining {
                try db.query("""
                    SELECT disrupt.action_add(\(planId), \(heading.rawValue), \(tactic)::text, \(agency), \(ownerLogin)::text,
                                              \(dueOn)::date, \(note)::text, \(label)::text) AS id
                    """)[0].decode("id")
            }
            return try action(id: id, asOf: asOf, on: db)
        }
    }

    /// Moves an action to in progress, done, cancelled or blocked.
    public func transition(actionId: Int64, version: Int?, _ change: ActionTransition, asOf: Day, on db: PostgresConnection) throws -> ActionRecord {
        try changing(actionId, version: version, asOf: asOf, on: db) { expected in
            "SELECT disrupt.action_transition(\(actionId), \(expected), \(change.toStatus), \(change.text)::text)"
        }
    }

    /// Records the Idva's agreement that the action is safe for the victim and children: an Idva
    /// records her own (`idvaLogin` nil or hers), or a chair records the agreement the named Idva
    /// gave at the meeting (`atMeeting`). The database refuses anyone else (exit 4).
    public func safetyCheck(actionId: Int64, version: Int?, idvaLogin: String?, atMeeting: Bool, asOf: Day, on db: PostgresConnection) throws -> ActionRecord {
        try changing(actionId, version: version, asOf: asOf, on: db) { expected in
            "SELECT disrupt.action_safety_check(\(actionId), \(expected), \(idvaLogin)::text, \(atMeeting))"
        }
    }

    /// Gives the action to another agency and/or owner (owner nil: nobody named).
    public func reassign(actionId: Int64, version: Int?, agency: String?, ownerLogin: String?, reason: String, asOf: Day, on db: PostgresConnection) throws -> ActionRecord {
        try changing(actionId, version: version, asOf: asOf, on: db) { expected in
            "SELECT disrupt.action_reassign(\(actionId), \(expected), \(agency)::text, \(ownerLogin)::text, \(reason))"
        }
    }

    /// Moves the due date, with a reason.
    public func extend(actionId: Int64, version: Int?, dueOn: Day, reason: String, asOf: Day, on db: PostgresConnection) throws -> ActionRecord {
        try changing(actionId, version: version, asOf: asOf, on: db) { expected in
            "SELECT disrupt.action_extend(\(actionId), \(expected), \(dueOn)::date, \(reason))"
        }
    }

    /// One action and its history (oldest first).
    public func detail(actionId: Int64, asOf: Day, on db: PostgresConnection) throws -> ActionDetail {
        try db.transaction {
            let action = try action(id: actionId, asOf: asOf, on: db)
            let rows = try db.query("""
                SELECT at, login, change, from_status, to_status, from_value, to_value, reason
                  FROM disrupt.action_history WHERE action_id = \(actionId) ORDER BY at, id
                """)
            let history = try rows.records(as: ActionChange.self)
            return ActionDetail(action: action, history: history)
        }
    }

    /// One action; not found is exit 3. A value that cannot be decoded is an error here (the
    /// caller asked for this row), not a row left out.
    public func action(id: Int64, asOf: Day, on db: PostgresConnection) throws -> ActionRecord {
        guard let action = try query(ActionFilter(actionId: id, statuses: nil), asOf: asOf, on: db).first.map(ActionRecord.init(row:)) else {
            throw StoreError(.notFound, "action \(id) not found", hint: "List actions with: disrupt action list")
        }
        return action
    }

    /// Actions of every agency matching the filter: overdue first (most overdue first), then by
    /// due date. `statuses` nil in the filter means every status. A row holding a value that
    /// cannot be decoded is left out and counted (`RowIsolation`).
    public func list(_ filter: ActionFilter, asOf: Day, on db: PostgresConnection) throws -> Isolated<[ActionRecord]> {
        var leftOut = LeftOut()
        let actions = try RowIsolation.decodeEach(try query(filter, asOf: asOf, on: db), what: "action", into: &leftOut) {
            try ActionRecord(row: $0)
        }
        return Isolated(actions, leftOut: leftOut)
    }

    private func query(_ filter: ActionFilter, asOf: Day, on db: PostgresConnection) throws -> PostgresRows {
        let statuses = filter.statuses ?? ActionFilter.allStatuses
        return try db.query("""
            SELECT a.id, a.plan_id, coalesce(pe.person_ref, 'person ' || p.person_id) AS person_ref, a.heading, a.tactic,
                   a.label, a.agency, a.owner_login, a.due_on, a.status, a.outcome, a.note, a.needs_safety_check,
                   a.safety_checked_by, a.safety_check_recorded_by, a.safety_check_via, a.version, a.updated_by, a.updated_at,
                   (a.status IN ('open', 'in_progress', 'blocked') AND a.due_on < \(asOf)::date) AS overdue,
                   CASE WHEN a.status IN ('open', 'in_progress', 'blocked') AND isfinite(a.due_on) THEN greatest(\(asOf)::date - a.due_on, 0) ELSE 0 END AS days_overdue,
                   (SELECT count(*) FROM disrupt.action_history h WHERE h.action_id = a.id)::int AS history_count
              FROM disrupt.action a
              JOIN disrupt.plan p ON p.id = a.plan_id
              LEFT JOIN disrupt.person pe ON pe.id = p.person_id
             WHERE (\(filter.actionId)::bigint IS NULL OR a.id = \(filter.actionId)::bigint)
               AND (\(filter.planId)::bigint IS NULL OR a.plan_id = \(filter.planId)::bigint)
               AND (\(filter.agency)::text IS NULL OR a.agency = \(filter.agency)::text)
               AND (\(filter.ownerLogin)::text IS NULL OR a.owner_login = \(filter.ownerLogin)::text)
               AND a.status = ANY (\(statuses)::text[])
               AND (NOT \(filter.overdueOnly)::boolean OR (a.status IN ('open', 'in_progress', 'blocked') AND a.due_on < \(asOf)::date))
               AND (\(filter.dueWithinDays)::int IS NULL OR a.due_on <= \(asOf)::date + \(filter.dueWithinDays)::int)
             ORDER BY overdue DESC, days_overdue DESC, a.due_on, a.id
            """)
    }

    /// Runs one change function in a transaction with the expected version, then reads the action back.
    private func changing(_ actionId: Int64, version: Int?, asOf: Day, on db: PostgresConnection,
                          _ statement: (Int?) -> PostgresQuery) throws -> ActionRecord {
        try db.transaction {
            let expected: Int? = try version ?? db.query("SELECT version FROM disrupt.action WHERE id = \(actionId)").first?.decode("version")
            _ = try StateReport.explaining { try db.query(statement(expected)) }
            return try action(id: actionId, asOf: asOf, on: db)
        }
    }
}

/// Read by column name from the query above.
extension ActionChange: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            at: try row["at"], login: try row["login"], change: try row["change"],
            fromStatus: try row["from_status"], toStatus: try row["to_status"],
            fromValue: try row["from_value"], toValue: try row["to_value"], reason: try row["reason"])
    }
}

/// Read by column name from the query above.
extension ActionRecord: FetchableRecord {
    public init(row: PostgresRow) throws {
        self.init(
            id: try row["id"], planId: try row["plan_id"], personRef: try row["person_ref"],
            heading: try row["heading"], tactic: try row["tactic"], label: try row["label"], agency: try row["agency"],
            ownerLogin: try row["owner_login"], dueOn: try row["due_on"], status: try row["status"],
            outcome: try row["outcome"], note: try row["note"], needsSafetyCheck: try row["needs_safety_check"],
            safetyCheckedBy: try row["safety_checked_by"], safetyCheckRecordedBy: try row["safety_check_recorded_by"],
            safetyCheckVia: try row["safety_check_via"], version: try row["version"],
            overdue: try row["overdue"], daysOverdue: try row["days_overdue"],
            historyCount: try row["history_count"], updatedBy: try row["updated_by"],
            updatedAt: try row["updated_at"])
    }
}

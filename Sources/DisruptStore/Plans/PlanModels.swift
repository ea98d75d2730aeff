import DisruptCore
import Foundation

/// A disruption plan as `plan list` and `plan show` present it.
public struct PlanRecord: Sendable, Encodable {
    public var id: Int64
    public var personRef: String
    public var spocLogin: String
    public var agency: String
    public var status: String
    public var reviewOn: Day?
    public var version: Int
    public var openedAt: Date
    public var openedBy: String
    public var closedAt: Date?
    public var closeReason: String?
    /// Actions that are open, in progress or blocked.
    public var liveActions: Int
    /// Live actions whose due date is before the as-of date.
    public var overdueActions: Int

    enum CodingKeys: String, CodingKey {
        case id = "plan_id", personRef = "person_ref", spocLogin = "spoc_login", agency, status
        case reviewOn = "review_on", version, openedAt = "opened_at", openedBy = "opened_by"
        case closedAt = "closed_at", closeReason = "close_reason", liveActions = "live_actions"
        case overdueActions = "overdue_actions"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(personRef, forKey: .personRef)
        try c.encode(spocLogin, forKey: .spocLogin)
        try c.encode(agency, forKey: .agency)
        try c.encode(status, forKey: .status)
        try c.encode(reviewOn, forKey: .reviewOn)
        try c.encode(version, forKey: .version)
        try c.encode(Timestamp.utc(openedAt), forKey: .openedAt)
        try c.encode(openedBy, forKey: .openedBy)
        try c.encode(closedAt.map(Timestamp.utc), forKey: .closedAt)
        try c.encode(closeReason, forKey: .closeReason)
        try c.encode(liveActions, forKey: .liveActions)
        try c.encode(overdueActions, forKey: .overdueActions)
    }
}

/// An action in a plan, with whether it is overdue as of a date.
public struct ActionRecord: Sendable, Encodable {
    public var id: Int64
    public var planId: Int64
    public var personRef: String
    public var heading: String
    /// The catalogue tactic's code; nil for a custom action, which has a `label` instead.
    public var tactic: String?
    /// A custom action's free-text label; nil for a catalogue tactic.
    public var label: String?
    public var agency: String
    public var ownerLogin: String?
    public var dueOn: Day
    public var status: String
    public var outcome: String?
    public var note: String?
    public var needsSafetyCheck: Bool
    /// The Idva who agreed the action is safe (nil: not yet).
    public var safetyCheckedBy: String?
    /// Who recorded that agreement: the Idva herself, or a chair at the meeting.
    public var safetyCheckRecordedBy: String?
    /// `idva` (her own record), `meeting` (a chair recorded it at the meeting) or `legacy` (before migration 0008).
    public var safetyCheckVia: String?
    public var version: Int
    /// The tactic code, or the custom action's label: what the action is, in one line.
    public var what: String { tactic ?? label ?? "" }
    /// Live (open, in progress or blocked) and due before the as-of date.
    public var overdue: Bool
    public var daysOverdue: Int
    public var historyCount: Int
    public var updatedBy: String
    public var updatedAt: Date

    /// Live: open, in progress or blocked.
    public var isLive: Bool { ["open", "in_progress", "blocked"].contains(status) }

    enum CodingKeys: String, CodingKey {
        case id = "action_id", planId = "plan_id", personRef = "person_ref", heading, tactic, label, agency
        case ownerLogin = "owner_login", dueOn = "due_on", status, outcome, note
        case needsSafetyCheck = "needs_safety_check", safetyCheckedBy = "safety_checked_by"
        case safetyCheckRecordedBy = "safety_check_recorded_by", safetyCheckVia = "safety_check_via", version
        case overdue, daysOverdue = "days_overdue", historyCount = "history_count"
        case updatedBy = "updated_by", updatedAt = "updated_at"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(planId, forKey: .planId)
        try c.encode(personRef, forKey: .personRef)
        try c.encode(heading, forKey: .heading)
        try c.encode(tactic, forKey: .tactic)
        try c.encode(label, forKey: .label)
        try c.encode(agency, forKey: .agency)
        try c.encode(ownerLogin, forKey: .ownerLogin)
        try c.encode(dueOn, forKey: .dueOn)
        try c.encode(status, forKey: .status)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(note, forKey: .note)
        try c.encode(needsSafetyCheck, forKey: .needsSafetyCheck)
        try c.encode(safetyCheckedBy, forKey: .safetyCheckedBy)
        try c.encode(safetyCheckRecordedBy, forKey: .safetyCheckRecordedBy)
        try c.encode(safetyCheckVia, forKey: .safetyCheckVia)
        try c.encode(version, forKey: .version)
        try c.encode(overdue, forKey: .overdue)
        try c.encode(daysOverdue, forKey: .daysOverdue)
        try c.encode(historyCount, forKey: .historyCount)
        try c.encode(updatedBy, forKey: .updatedBy)
        try c.encode(Timestamp.utc(updatedAt), forKey: .updatedAt)
    }
}

/// One change to an action: who, when, from, to, why.
public struct ActionChange: Sendable, Encodable {
    public var at: Date
    public var login: String
    public var change: String
    public var fromStatus: String?
    public var toStatus: String?
    public var fromValue: String?
    public var toValue: String?
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case at, login, change, fromStatus = "from_status", toStatus = "to_status"
        case fromValue = "from_value", toValue = "to_value", reason
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Timestamp.utc(at), forKey: .at)
        try c.encode(login, forKey: .login)
        try c.encode(change, forKey: .change)
        try c.encode(fromStatus, forKey: .fromStatus)
        try c.encode(toStatus, forKey: .toStatus)
        try c.encode(fromValue, forKey: .fromValue)
        try c.encode(toValue, forKey: .toValue)
        try c.encode(reason, forKey: .reason)
    }
}

/// A plan with its actions (every agency's), as `plan show` prints it.
public struct PlanDetail: Sendable, Encodable {
    public var plan: PlanRecord
    public var actions: [ActionRecord]
    public var asOf: Day

    enum CodingKeys: String, CodingKey { case plan, actions, asOf = "as_of" }
}

/// An action with its full history, as `action show` prints it.
public struct ActionDetail: Sendable, Encodable {
    public var action: ActionRecord
    public var history: [ActionChange]
}

import Foundation

/// Where an action is in its life. The one definition of "live", "overdue" and which moves are
/// allowed; the database's `action_transition` enforces the same table.
///
/// ```
/// open        -> in_progress (start), blocked, cancelled
/// in_progress -> done, blocked, cancelled
/// blocked     -> in_progress (start), cancelled
/// done, cancelled: final
/// ```
public enum ActionStatus: String, CaseIterable, Codable, Sendable {
    case open
    case inProgress = "in_progress"
    case blocked, done, cancelled

    /// The statuses of actions still to be done.
    public static let live: [ActionStatus] = [.open, .inProgress, .blocked]

    /// Open, in progress or blocked: still to be done, so it can be overdue, reassigned or extended.
    public var isLive: Bool { Self.live.contains(self) }

    /// Overdue on `asOf`: live and due before it (due today is not yet overdue).
    public func isOverdue(dueOn: Day, asOf: Day) -> Bool { isLive && dueOn < asOf }

    /// Whole days past the due date for a live action (0 when not overdue).
    public func daysOverdue(dueOn: Day, asOf: Day) -> Int { isOverdue(dueOn: dueOn, asOf: asOf) ? asOf.days(since: dueOn) : 0 }

    /// Statuses this one may move to.
    public var next: [ActionStatus] {
        switch self {
        case .open: [.inProgress, .blocked, .cancelled]
        case .inProgress: [.done, .blocked, .cancelled]
        case .blocked: [.inProgress, .cancelled]
        case .done, .cancelled: []
        }
    }

    /// Why moving from this status to `target` is refused, or nil when it is allowed. Starting
    /// needs the Idva's safety check when the action needs one; done needs an outcome; blocked
    /// and cancelled need a reason.
    public func refusal(to target: ActionStatus, needsSafetyCheck: Bool, safetyChecked: Bool, text: String?) -> String? {
        guard next.contains(target) else { return "an action that is \(label) cannot become \(target.label)" }
        let hasText = text.flatMap(BlankText.reason) != nil
        switch target {
        case .inProgress where needsSafetyCheck && !safetyChecked:
            return "an Idva must confirm the action is safe for the victim and children before it starts"
        case .done where !hasText: return "an action needs an outcome to be done"
        case .blocked where !hasText, .cancelled where !hasText: return "an action needs a reason to be \(target.label)"
        default: return nil
        }
    }

    /// Plain words: "open", "in progress", ...
    public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

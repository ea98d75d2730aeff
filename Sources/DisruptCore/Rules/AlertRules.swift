/// The alerts that follow the perpetrator (issue 15): each kind, the tactic it suggests from
/// Config/tactics.json, and the rules for "in force" and "recent" that the alert triggers of
/// SQL/definitions/alerts.sql mirror (tests check the two agree at the day edges). "Not seen
/// before" (new partner, new victim) is the triggers' alone: they compare a pair with every
/// incident and relationship stored, which only the database holds.
public enum AlertKind: String, CaseIterable, Sendable, Codable {
    /// A relationship with a partner not seen before for him.
    case newPartner = "new_partner"
    /// An incident against a party not seen before for him.
    case newVictim = "new_victim"
    /// An incident involving the protected party (or at the protected address) of an order in force, with no breach recorded.
    case suspectedBreach = "suspected_breach"
    /// An incident while bail, RUI or a licence is in force.
    case offendingOnOrder = "offending_on_order"
    /// A breach recorded without positive action (Config/triggers.json positive_actions).
    case breachNoPositiveAction = "breach_no_positive_action"
    /// A change to the actions of a plan that protects a victim, to her Idva.
    case idvaUpdate = "idva_update"

    /// The tactic code the alert suggests (nil: the action's own tactic, for an Idva update).
    public var suggestedTactic: String? {
        switch self {
        case .newPartner, .newVictim: "dvds_right_to_know"
        case .suspectedBreach, .offendingOnOrder, .breachNoPositiveAction: "positive_action_breach"
        case .idvaUpdate: nil
        }
    }

    /// Working days before the alert shows, unless Config/disrupt.json says otherwise.
    public var defaultDelayWorkingDays: Int { self == .breachNoPositiveAction ? 1 : 0 }
}

/// The day rules of the alerts.
public enum AlertRules {
    /// An order is in force on `day` from its start through its end (open-ended without one).
    public static func inForce(startsOn: Day, endsOn: Day?, on day: Day) -> Bool {
        startsOn <= day && (endsOn.map { day <= $0 } ?? true)
    }

    /// An event is recent enough to alert on when it happened no more than `withinDays` days before
    /// `today` (a record of older history, imported late, is history, not news).
    public static func isRecent(_ event: Day, today: Day, withinDays: Int) -> Bool {
        event >= today.adding(days: -withinDays)
    }
}

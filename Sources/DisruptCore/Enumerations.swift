/// Small vocabularies fixed by the product (not extensible per area). Raw values are the
/// codes stored in the database and written in JSON; `label` is plain English for display.

/// The four headings under which actions against a perpetrator fall (SafeLives guidance).
public enum ActionHeading: String, CaseIterable, Codable, Sendable {
    case prosecute, disrupt, divert, manage

    /// Plain-English name.
    public var label: String {
        switch self {
        case .prosecute: "Prosecute"
        case .disrupt: "Disrupt"
        case .divert: "Divert"
        case .manage: "Manage"
        }
    }
}

/// Multi-agency forums and programmes a perpetrator can be linked to.
public enum Forum: String, CaseIterable, Codable, Sendable {
    case marac, mappa, matac, iom, dapp, drive

    /// Plain-English name.
    public var label: String {
        switch self {
        case .marac: "Marac"
        case .mappa: "MAPPA"
        case .matac: "MATAC"
        case .iom: "Integrated Offender Management"
        case .dapp: "Domestic abuse perpetrator programme"
        case .drive: "Drive"
        }
    }
}

/// Status of a forum link.
public enum LinkStatus: String, CaseIterable, Codable, Sendable {
    case referred, active, closed
}

/// Integrated Offender Management cohort.
public enum IOMCohort: String, CaseIterable, Codable, Sendable {
    case fixed, flex, free
}

/// Why a case was referred to Marac.
public enum ReferralCriterion: String, CaseIterable, Codable, Sendable {
    case visibleHighRisk = "visible_high_risk"
    case professionalJudgement = "professional_judgement"
    case escalation
    case `repeat`
}

/// The perpetrator's relationship to a party.
public enum RelationshipKind: String, CaseIterable, Codable, Sendable {
    case partner
    case exPartner = "ex_partner"
    case child
    case stepChild = "step_child"
    case family, other
}

/// The kind of a party (someone connected to a perpetrator's case).
public enum PartyKind: String, CaseIterable, Codable, Sendable {
    case victim, child
    case newPartner = "new_partner"
    case family, other
}

/// Agencies that own records and actions.
public enum Agency: String, CaseIterable, Codable, Sendable {
    case police, probation, health
    case mentalHealth = "mental_health"
    case substanceMisuse = "substance_misuse"
    case housing
    case childrensSocialCare = "childrens_social_care"
    case adultSocialCare = "adult_social_care"
    case idva, education, camhs, other

    /// Plain-English name.
    public var label: String {
        switch self {
        case .police: "Police"
        case .probation: "Probation"
        case .health: "Health"
        case .mentalHealth: "Mental health"
        case .substanceMisuse: "Substance misuse services"
        case .housing: "Housing"
        case .childrensSocialCare: "Children's social care"
        case .adultSocialCare: "Adult social care"
        case .idva: "Idva service"
        case .education: "Education"
        case .camhs: "CAMHS"
        case .other: "Other"
        }
    }
}

/// A staff member's role.
public enum StaffRole: String, CaseIterable, Codable, Sendable {
    case rep, spoc, chair, coordinator, idva, admin
}

/// Action taken by police or probation on a reported breach. Which of these count as the
/// guidance's "positive action" is configured (`positive_actions` in `Config/triggers.json`;
/// see `TriggerConfiguration.isPositive`).
public enum BreachAction: String, CaseIterable, Codable, Sendable {
    case arrest, charge, summons, caution, warning, recall, none
}

/// Who may see a record: everyone at the forum, or only the recording agency.
public enum Sensitivity: String, CaseIterable, Codable, Sendable {
    case shared, restricted
}

/// Risk band from the total trigger score; thresholds come from `Config/triggers.json`.
public enum RiskBand: String, CaseIterable, Codable, Sendable, Comparable {
    case standard, medium, high
    case veryHigh = "very_high"

    /// Plain-English name.
    public var label: String {
        switch self {
        case .standard: "Standard"
        case .medium: "Medium"
        case .high: "High"
        case .veryHigh: "Very high"
        }
    }

    public static func < (lhs: RiskBand, rhs: RiskBand) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What a piece of evidence is.
public enum EvidenceKind: String, CaseIterable, Codable, Sendable {
    case marker, incident, breach, order, relationship, referral
}

/// One record that made a trigger fire: which record, and its date.
public struct Evidence: Sendable, Hashable, Codable {
    public var kind: EvidenceKind
    public var ref: String
    /// The record's date: recorded (marker), occurred (incident, breach), starts (order),
    /// from (relationship; as-of if open), referred (referral).
    public var on: Day

    public init(kind: EvidenceKind, ref: String, on: Day) {
        self.kind = kind
        self.ref = ref
        self.on = on
    }
}

/// A trigger that fired, with its weight, reason and evidence (most recent first).
public struct FiredTrigger: Sendable, Hashable, Codable {
    public var code: String
    public var label: String
    public var weight: Int
    /// One line of plain English, e.g. "2 breaches in the last 24 months, most recent 2026-09-02 (positive action: arrest)".
    public var reason: String
    public var evidence: [Evidence]

    public init(code: String, label: String, weight: Int, reason: String, evidence: [Evidence]) {
        self.code = code
        self.label = label
        self.weight = weight
        self.reason = reason
        self.evidence = evidence
    }
}

/// The event that made a case a repeat (SafeLives 2018, see `RepeatRule`): an incident, or a
/// breach of an order protecting the victim, after a Marac referral for the same victim and
/// within the repeat window of it.
public struct RepeatEvent: Sendable, Hashable, Codable {
    /// `.incident` or `.breach`.
    public var kind: EvidenceKind
    public var ref: String
    public var on: Day
    public var victimRef: String
    /// The latest Marac referral for the victim before the event's day.
    public var priorReferralRef: String
    public var priorReferralOn: Day

    public init(kind: EvidenceKind, ref: String, on: Day, victimRef: String, priorReferralRef: String, priorReferralOn: Day) {
        self.kind = kind
        self.ref = ref
        self.on = on
        self.victimRef = victimRef
        self.priorReferralRef = priorReferralRef
        self.priorReferralOn = priorReferralOn
    }

    enum CodingKeys: String, CodingKey {
        case kind, ref, on
        case victimRef = "victim_ref", priorReferralRef = "prior_referral_ref", priorReferralOn = "prior_referral_on"
    }
}

/// Flags shown on agendas and rankings.
public struct RiskFlags: Sendable, Hashable, Codable {
    /// Serial perpetrator (same test as the `serial_perpetrator` trigger, even if that trigger is disabled).
    public var serial: Bool
    /// Escalating (same test as the `escalation` trigger, even if disabled).
    public var escalating: Bool
    /// The most recent repeat event in the last `repeat_months` up to as-of, if any (`RepeatRule.latest`).
    public var repeatEvent: RepeatEvent?

    /// True if the case is a repeat.
    public var isRepeat: Bool { repeatEvent != nil }

    public init(serial: Bool = false, escalating: Bool = false, repeatEvent: RepeatEvent? = nil) {
        self.serial = serial
        self.escalating = escalating
        self.repeatEvent = repeatEvent
    }

    enum CodingKeys: String, CodingKey {
        case serial, escalating
        case repeatEvent = "repeat_event"
    }
}

/// The result of evaluating the trigger rules for one person as of a day.
public struct RiskAssessment: Sendable, Hashable, Codable {
    public var personRef: String
    public var asOf: Day
    /// `TriggerConfiguration.version` used.
    public var modelVersion: String
    /// Sum of fired trigger weights.
    public var score: Int
    public var band: RiskBand
    /// Fired triggers in configuration order.
    public var triggers: [FiredTrigger]
    public var flags: RiskFlags

    public init(
        personRef: String, asOf: Day, modelVersion: String, score: Int, band: RiskBand, triggers: [FiredTrigger],
        flags: RiskFlags
    ) {
        self.personRef = personRef
        self.asOf = asOf
        self.modelVersion = modelVersion
        self.score = score
        self.band = band
        self.triggers = triggers
        self.flags = flags
    }

    enum CodingKeys: String, CodingKey {
        case personRef = "person_ref", asOf = "as_of", modelVersion = "model_version"
        case score, band, triggers, flags
    }
}

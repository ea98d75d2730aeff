import Foundation

/// The perpetrator summary for one person as of a day: the ten sections a Marac representative
/// reads, already decided (what is in force, what falls in the last 24 months, what is missing),
/// so every format renders the same facts. Encoded with `.convertToSnakeCase` for JSON.
public struct Summary: Sendable, Hashable, Codable {
    public var asOf: Day
    /// The sections that have something to say, in reading order.
    public var sections: [SummarySection]
    public var risksToProfessionals: [SummaryRiskItem]
    public var identity: SummaryIdentity
    public var flags: SummaryFlags
    public var risk: SummaryRisk
    public var orders: SummaryOrders
    public var incidents: SummaryIncidents
    public var relationships: SummaryRelationships
    public var forumLinks: [SummaryForumLink]
    /// The open disruption plan; nil is itself a warning.
    public var plan: SummaryPlan?
    public var missing: [SummaryMissingItem]
    /// Empty sections that are warnings in themselves (no plan, no mental health information...).
    public var warnings: [String]
    /// Records the reader's agency may not see, by holding agency.
    public var withheld: [SummaryWithheld]
    /// What changed since his case was last heard, when asked for (shown first).
    public var sinceLastHeard: SinceLastHeardBrief?
}

/// The summary's sections, in reading order.
public enum SummarySection: String, CaseIterable, Sendable, Hashable, Codable {
    case risks
    /// New partners, at the top under the risks: the moment to consider a Clare's Law disclosure.
    case newPartners = "new_partners"
    case identity, flags, risk, orders, incidents, relationships
    case forumLinks = "forum_links"
    case plan, missing

    /// The heading printed for the section.
    public var title: String {
        switch self {
        case .risks: "Risks to professionals and weapons"
        case .newPartners: "New partners"
        case .identity: "Identity"
        case .flags: "Flags"
        case .risk: "Risk"
        case .orders: "Orders and breaches"
        case .incidents: "Incidents (last 24 months)"
        case .relationships: "Relationships"
        case .forumLinks: "Forum links"
        case .plan: "Disruption plan"
        case .missing: "What is missing"
        }
    }
}

/// A warning for anyone meeting the person: a marker or a weapon offence.
public struct SummaryRiskItem: Sendable, Hashable, Codable {
    /// `marker` or `incident`.
    public var source: String
    /// Marker kind or offence code.
    public var code: String
    public var label: String
    public var on: Day
    public var agency: String
    public var note: String?
}

/// Who the person is.
public struct SummaryIdentity: Sendable, Hashable, Codable {
    public var personId: Int64
    public var ref: String
    public var name: String
    public var givenName: String?
    public var familyName: String
    public var dateOfBirth: Day?
    public var gender: String?
    public var pncId: String?
    public var aliases: [SummaryAlias]
    /// Other systems' references (forum references), labelled.
    public var references: [SummaryReference]
}

/// Another name, with its date of birth if different records give one.
public struct SummaryAlias: Sendable, Hashable, Codable {
    public var name: String
    public var dateOfBirth: Day?
}

/// A labelled reference such as "MAPPA: MAPPA-2291".
public struct SummaryReference: Sendable, Hashable, Codable {
    public var label: String
    public var value: String
}

/// The flags that change how a forum treats the case.
public struct SummaryFlags: Sendable, Hashable, Codable {
    public var serial: Bool
    public var escalating: Bool
    public var `repeat`: Bool
    /// The incident or referral that made the case a repeat.
    public var repeatOn: Day?
    /// Potentially dangerous person (an active `pdp` marker).
    public var pdp: Bool
    public var mappaCategory: Int?
    public var mappaLevel: Int?
    public var iomCohort: String?
    /// In the MATAC cohort on the as-of day (an open `matac_cohort` spell; a forum link of
    /// forum matac is listed under forum links but is not membership).
    public var matac: Bool

    /// True when at least one flag is set.
    public var any: Bool {
        serial || escalating || `repeat` || pdp || mappaCategory != nil || mappaLevel != nil || iomCohort != nil || matac
    }
}

/// Score, band, trend and the triggers that fired.
public struct SummaryRisk: Sendable, Hashable, Codable {
    public var score: Int
    public var band: String
    public var bandLabel: String
    public var modelVersion: String
    /// Now, 3 months ago and 12 months ago, evaluated on the same facts.
    public var trend: [SummaryTrendPoint]
    public var triggers: [SummaryTrigger]
}

/// The score on one earlier day.
public struct SummaryTrendPoint: Sendable, Hashable, Codable {
    /// `now`, `3_months_ago`, `12_months_ago`.
    public var point: String
    public var asOf: Day
    public var score: Int
    public var band: String
}

/// A trigger that fired, and why.
public struct SummaryTrigger: Sendable, Hashable, Codable {
    public var code: String
    public var label: String
    public var weight: Int
    public var reason: String
}

/// Orders in force on the as-of day, and breaches in the last 24 months.
public struct SummaryOrders: Sendable, Hashable, Codable {
    public var inForce: [SummaryOrder]
    /// Every order in force at some point in the last 24 months (for the timeline), oldest first.
    public var inWindow: [SummaryOrder]
    public var breaches: [SummaryBreach]
}

/// An order in force.
public struct SummaryOrder: Sendable, Hashable, Codable {
    public var id: Int64
    public var type: String
    public var label: String
    public var startsOn: Day
    public var endsOn: Day?
    public var protectedParty: String?
    public var conditions: String?
    public var agency: String
}

/// A breach and what was done about it.
public struct SummaryBreach: Sendable, Hashable, Codable {
    public var id: Int64
    public var occurredOn: Day
    /// The breached order's label, or "bail / RUI" when none is linked.
    public var order: String
    /// arrest, charge, caution, warning, recall, none, or `not_recorded`.
    public var actionTaken: String
    /// True for positive action (anything but none / not recorded).
    public var positiveAction: Bool
}

/// The last 24 months of incidents.
public struct SummaryIncidents: Sendable, Hashable, Codable {
    /// Exclusive start of the window (as-of minus 24 months).
    public var windowStart: Day
    public var total: Int
    public var distinctVictims: Int
    /// Every calendar month from the window's start through as-of, oldest first, zeros included.
    public var byMonth: [SummaryMonthCount]
    /// The most recent incidents, newest first.
    public var recent: [SummaryIncident]
}

/// Incidents in one calendar month.
public struct SummaryMonthCount: Sendable, Hashable, Codable {
    /// YYYY-MM.
    public var month: String
    public var count: Int
}

/// One incident.
public struct SummaryIncident: Sendable, Hashable, Codable {
    public var id: Int64
    public var occurredOn: Day
    public var offence: String
    public var offenceLabel: String
    public var gravity: Int
    public var victim: String?
    /// Every agency that recorded this incident (one event recorded by several agencies is shown once).
    public var agencies: [String]
}

/// Victims, children he has contact with, and new partners.
public struct SummaryRelationships: Sendable, Hashable, Codable {
    public var victims: [SummaryVictim]
    public var children: [SummaryPartyLink]
    public var newPartners: [SummaryPartyLink]

    /// True when there is nobody to list.
    public var isEmpty: Bool { victims.isEmpty && children.isEmpty && newPartners.isEmpty }
}

/// A victim and how many incidents name them.
public struct SummaryVictim: Sendable, Hashable, Codable {
    public var partyId: Int64
    public var name: String
    public var relationship: String?
    public var incidents: Int
    public var lastIncidentOn: Day?
}

/// A child or new partner.
public struct SummaryPartyLink: Sendable, Hashable, Codable {
    public var partyId: Int64
    public var name: String
    public var dateOfBirth: Day?
    public var relationship: String
    public var since: Day?
}

/// A live link to a forum or programme.
public struct SummaryForumLink: Sendable, Hashable, Codable {
    public var forum: String
    public var forumLabel: String
    public var status: String
    public var reference: String?
    public var leadAgency: String?
    public var contact: String?
    public var nextReviewOn: Day?
    /// The review date has passed.
    public var reviewOverdue: Bool
    public var licenceEndsOn: Day?
    public var detail: String?
}

/// The open disruption plan.
public struct SummaryPlan: Sendable, Hashable, Codable {
    public var id: Int64
    public var spocLogin: String
    public var spocName: String?
    public var agency: String
    public var openedAt: Date
    public var reviewOn: Day?
    public var overdueActions: Int
    /// Actions grouped by heading, in the guidance's order (prosecute, disrupt, divert, manage).
    public var headings: [SummaryHeading]
}

/// The actions under one heading.
public struct SummaryHeading: Sendable, Hashable, Codable {
    public var heading: String
    public var label: String
    public var actions: [SummaryAction]
}

/// One action.
public struct SummaryAction: Sendable, Hashable, Codable {
    public var id: Int64
    public var tactic: String
    public var tacticLabel: String
    public var agency: String
    /// The named owner, else the agency.
    public var owner: String
    public var dueOn: Day
    public var status: String
    public var overdue: Bool
}

/// Information the guidance expects that nobody has shared.
public struct SummaryMissingItem: Sendable, Hashable, Codable {
    /// vehicles_premises, mental_health, substance_misuse, employment_skills, children.
    public var code: String
    public var label: String
    /// Who could usually tell.
    public var ask: String
}

/// Records an agency holds back from the reader.
public struct SummaryWithheld: Sendable, Hashable, Codable {
    public var agency: String
    public var agencyLabel: String
    public var count: Int
    /// Which kinds of record (table names).
    public var tables: [String]

    /// "1 record withheld (health)".
    public var sentence: String { "\(count) record\(count == 1 ? "" : "s") withheld (\(agency))" }
}

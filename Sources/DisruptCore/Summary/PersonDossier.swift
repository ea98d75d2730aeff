import Foundation

/// Everything the reader may see about one person, as plain values: the person, every record
/// about them that row-level security lets through, their open disruption plan, and how many
/// records other agencies withheld. Filled by the store in one query (snake_case JSON keys,
/// decoded with `.convertFromSnakeCase`); read by the summary builder and the rules.
public struct PersonDossier: Sendable, Hashable, Codable {
    public var person: DossierPerson
    public var aliases: [AliasRecord]
    /// Parties named by any of the person's incidents, relationships, orders or referrals.
    public var parties: [PartyRecord]
    public var markers: [MarkerRecord]
    public var incidents: [IncidentRecord]
    public var orders: [OrderRecord]
    public var breaches: [BreachRecord]
    public var relationships: [RelationshipRecord]
    public var forumLinks: [ForumLinkRecord]
    public var referrals: [ReferralRecord]
    /// The open disruption plan, if any.
    public var plan: DossierPlan?
    /// Records the reader cannot see, counted by agency and table.
    public var withheld: [WithheldCount]
    /// His spells in the MATAC cohort (entry and exit days), oldest first.
    public var matacCohort: [CohortSpellRecord]

    public init(
        person: DossierPerson, aliases: [AliasRecord] = [], parties: [PartyRecord] = [], markers: [MarkerRecord] = [],
        incidents: [IncidentRecord] = [], orders: [OrderRecord] = [], breaches: [BreachRecord] = [],
        relationships: [RelationshipRecord] = [], forumLinks: [ForumLinkRecord] = [], referrals: [ReferralRecord] = [],
        plan: DossierPlan? = nil, withheld: [WithheldCount] = [], matacCohort: [CohortSpellRecord] = []
    ) {
        self.matacCohort = matacCohort
        self.person = person
        self.aliases = aliases
        self.parties = parties
        self.markers = markers
        self.incidents = incidents
        self.orders = orders
        self.breaches = breaches
        self.relationships = relationships
        self.forumLinks = forumLinks
        self.referrals = referrals
        self.plan = plan
        self.withheld = withheld
    }

    /// The party with this id, if the reader may see it.
    public func party(_ id: Int64?) -> PartyRecord? {
        guard let id else { return nil }
        return parties.first { $0.id == id }
    }
}

/// One spell in the MATAC cohort. He is a member from his entry day up to, not including, his
/// exit day (on the day he exits he is out).
public struct CohortSpellRecord: Sendable, Hashable, Codable {
    public var enteredOn: Day
    public var exitedOn: Day?

    public init(enteredOn: Day, exitedOn: Day? = nil) {
        self.enteredOn = enteredOn
        self.exitedOn = exitedOn
    }

    /// True when he is in the cohort on `day`.
    public func isMember(on day: Day) -> Bool { enteredOn <= day && exitedOn.map { day < $0 } ?? true }
}

/// The person's own row.
public struct DossierPerson: Sendable, Hashable, Codable {
    public var id: Int64
    public var ref: String
    public var pncId: String?
    public var givenName: String?
    public var familyName: String
    public var dateOfBirth: Day?
    public var gender: String?
    public var agency: String
    /// `shared` or `restricted`.
    public var sensitivity: String
    /// References of records merged into this one.
    public var mergedRefs: [String]

    public init(
        id: Int64, ref: String, pncId: String? = nil, givenName: String? = nil, familyName: String,
        dateOfBirth: Day? = nil, gender: String? = nil, agency: String = "police", sensitivity: String = "shared",
        mergedRefs: [String] = []
    ) {
        self.id = id
        self.ref = ref
        self.pncId = pncId
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.agency = agency
        self.sensitivity = sensitivity
        self.mergedRefs = mergedRefs
    }

    /// Given and family name.
    public var fullName: String { [givenName, familyName].compactMap { $0 }.joined(separator: " ") }
}

/// Another name the person is known by.
public struct AliasRecord: Sendable, Hashable, Codable {
    public var name: String
    public var dateOfBirth: Day?
    public var agency: String

    public init(name: String, dateOfBirth: Day? = nil, agency: String = "police") {
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.agency = agency
    }
}

/// A victim, child, new partner or other person connected to the case.
public struct PartyRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var ref: String
    public var kind: String
    public var givenName: String?
    public var familyName: String?
    public var dateOfBirth: Day?

    public init(id: Int64, ref: String, kind: String, givenName: String? = nil, familyName: String? = nil, dateOfBirth: Day? = nil) {
        self.id = id
        self.ref = ref
        self.kind = kind
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
    }

    /// Given and family name (either may be missing).
    public var fullName: String { [givenName, familyName].compactMap { $0 }.joined(separator: " ") }
}

/// A marker held by an agency.
public struct MarkerRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The source system's reference (unique per table; a hand-built record defaults to its id).
    public var sourceRef: String
    public var kind: String
    public var recordedOn: Day
    public var expiresOn: Day?
    public var note: String?
    public var agency: String
    public var sensitivity: String

    public init(
        id: Int64, kind: String, recordedOn: Day, expiresOn: Day? = nil, note: String? = nil, agency: String = "police",
        sensitivity: String = "shared", sourceRef: String? = nil
    ) {
        self.id = id
        self.sourceRef = sourceRef ?? String(id)
        self.kind = kind
        self.recordedOn = recordedOn
        self.expiresOn = expiresOn
        self.note = note
        self.agency = agency
        self.sensitivity = sensitivity
    }

    /// Active on `day` (recorded on or before it, not yet expired).
    public func isActive(on day: Day) -> Bool { recordedOn <= day && (expiresOn.map { day <= $0 } ?? true) }
}

/// An incident in which the person is suspect or offender.
public struct IncidentRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The source system's reference (unique per table; a hand-built record defaults to its id).
    public var sourceRef: String
    public var partyId: Int64?
    public var occurredOn: Day
    public var offence: String?
    /// The recorded gravity; nil = the offence's default.
    public var gravity: Int?
    public var note: String?
    public var agency: String
    /// True when the record says it is a separate event from the other records of the same
    /// victim and day (nil = not said: one event with them; see `Incident.consolidate`).
    public var separateEvent: Bool?

    public init(
        id: Int64, partyId: Int64? = nil, occurredOn: Day, offence: String? = nil, gravity: Int? = nil, agency: String = "police",
        sourceRef: String? = nil, note: String? = nil, separateEvent: Bool? = nil
    ) {
        self.id = id
        self.separateEvent = separateEvent
        self.sourceRef = sourceRef ?? String(id)
        self.note = note
        self.partyId = partyId
        self.occurredOn = occurredOn
        self.offence = offence
        self.gravity = gravity
        self.agency = agency
    }
}

/// An order or condition on the person, in force from `startsOn` through `endsOn`.
public struct OrderRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The source system's reference (unique per table; a hand-built record defaults to its id).
    public var sourceRef: String
    public var orderType: String
    public var protectedPartyId: Int64?
    public var startsOn: Day
    public var endsOn: Day?
    public var conditions: String?
    public var agency: String

    public init(
        id: Int64, orderType: String, protectedPartyId: Int64? = nil, startsOn: Day, endsOn: Day? = nil,
        conditions: String? = nil, agency: String = "police", sourceRef: String? = nil
    ) {
        self.id = id
        self.sourceRef = sourceRef ?? String(id)
        self.orderType = orderType
        self.protectedPartyId = protectedPartyId
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.conditions = conditions
        self.agency = agency
    }

    /// In force on `day`: started on or before it and not ended before it.
    public func isInForce(on day: Day) -> Bool { startsOn <= day && (endsOn.map { day <= $0 } ?? true) }
}

/// A breach of an order (or offending on bail / RUI when `orderId` is nil) and the action taken.
public struct BreachRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The source system's reference (unique per table; a hand-built record defaults to its id).
    public var sourceRef: String
    public var orderId: Int64?
    /// The breached order's source reference, when the reader may see that order.
    public var orderRef: String?
    /// The breached order's type, when the reader may see that order.
    public var orderType: String?
    public var occurredOn: Day
    public var reportedOn: Day?
    public var actionTaken: String?
    public var note: String?
    public var agency: String

    public init(
        id: Int64, orderId: Int64? = nil, orderType: String? = nil, occurredOn: Day, actionTaken: String? = nil,
        agency: String = "police", sourceRef: String? = nil, orderRef: String? = nil, reportedOn: Day? = nil, note: String? = nil
    ) {
        self.id = id
        self.sourceRef = sourceRef ?? String(id)
        self.orderRef = orderRef
        self.reportedOn = reportedOn
        self.note = note
        self.orderId = orderId
        self.orderType = orderType
        self.occurredOn = occurredOn
        self.actionTaken = actionTaken
        self.agency = agency
    }
}

/// The person's relationship to a party.
public struct RelationshipRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var partyId: Int64
    public var relationship: String
    public var fromOn: Day?
    public var toOn: Day?
    public var hasContact: Bool?
    public var agency: String

    public init(
        id: Int64, partyId: Int64, relationship: String, fromOn: Day? = nil, toOn: Day? = nil, hasContact: Bool? = nil,
        agency: String = "police"
    ) {
        self.id = id
        self.partyId = partyId
        self.relationship = relationship
        self.fromOn = fromOn
        self.toOn = toOn
        self.hasContact = hasContact
        self.agency = agency
    }

    /// Current on `day` (open ends count as current).
    public func isCurrent(on day: Day) -> Bool { (fromOn.map { $0 <= day } ?? true) && (toOn.map { day <= $0 } ?? true) }
}

/// A link to a forum or programme.
public struct ForumLinkRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The source system's reference (unique per table; a hand-built record defaults to its id).
    public var sourceRef: String
    public var forum: String
    public var reference: String?
    public var status: String
    public var leadAgency: String?
    public var startsOn: Day
    public var endsOn: Day?
    public var mappaCategory: Int?
    public var mappaLevel: Int?
    public var iomCohort: String?
    public var licenceEndsOn: Day?
    public var nextReviewOn: Day?
    public var contact: String?
    public var agency: String

    public init(
        id: Int64, forum: String, reference: String? = nil, status: String = "active", leadAgency: String? = nil,
        startsOn: Day, endsOn: Day? = nil, mappaCategory: Int? = nil, mappaLevel: Int? = nil, iomCohort: String? = nil,
        licenceEndsOn: Day? = nil, nextReviewOn: Day? = nil, contact: String? = nil, agency: String = "police",
        sourceRef: String? = nil
    ) {
        self.id = id
        self.sourceRef = sourceRef ?? String(id)
        self.forum = forum
        self.reference = reference
        self.status = status
        self.leadAgency = leadAgency
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.mappaCategory = mappaCategory
        self.mappaLevel = mappaLevel
        self.iomCohort = iomCohort
        self.licenceEndsOn = licenceEndsOn
        self.nextReviewOn = nextReviewOn
        self.contact = contact
        self.agency = agency
    }

    /// Active on `day`: status active, started, and not ended.
    public func isActive(on day: Day) -> Bool {
        status == "active" && startsOn <= day && (endsOn.map { day <= $0 } ?? true)
    }
}

/// A Marac referral.
public struct ReferralRecord: Sendable, Hashable, Codable {
    public var id: Int64
    /// The source system's reference (unique per table; a hand-built record defaults to its id).
    public var sourceRef: String
    public var partyId: Int64?
    public var referredOn: Day
    public var criterion: String
    /// The DASH risk checklist score (0-27), if recorded.
    public var dashScore: Int?
    public var agency: String

    public init(
        id: Int64, partyId: Int64? = nil, referredOn: Day, criterion: String, sourceRef: String? = nil, dashScore: Int? = nil,
        agency: String = "police"
    ) {
        self.id = id
        self.sourceRef = sourceRef ?? String(id)
        self.dashScore = dashScore
        self.agency = agency
        self.partyId = partyId
        self.referredOn = referredOn
        self.criterion = criterion
    }
}

/// An open disruption plan and its actions.
public struct DossierPlan: Sendable, Hashable, Codable {
    public var id: Int64
    public var spocLogin: String
    public var spocName: String?
    public var agency: String
    public var reviewOn: Day?
    public var openedAt: Date
    public var actions: [DossierAction]

    public init(
        id: Int64, spocLogin: String, spocName: String? = nil, agency: String = "police", reviewOn: Day? = nil,
        openedAt: Date, actions: [DossierAction] = []
    ) {
        self.id = id
        self.spocLogin = spocLogin
        self.spocName = spocName
        self.agency = agency
        self.reviewOn = reviewOn
        self.openedAt = openedAt
        self.actions = actions
    }
}

/// An action in a plan.
public struct DossierAction: Sendable, Hashable, Codable {
    public var id: Int64
    public var heading: String
    public var tactic: String
    public var agency: String
    public var ownerLogin: String?
    public var ownerName: String?
    public var dueOn: Day
    public var status: String

    public init(
        id: Int64, heading: String, tactic: String, agency: String, ownerLogin: String? = nil, ownerName: String? = nil,
        dueOn: Day, status: String = "open"
    ) {
        self.id = id
        self.heading = heading
        self.tactic = tactic
        self.agency = agency
        self.ownerLogin = ownerLogin
        self.ownerName = ownerName
        self.dueOn = dueOn
        self.status = status
    }
}

/// How many rows of one table an agency withholds from the reader.
public struct WithheldCount: Sendable, Hashable, Codable {
    public var agency: String
    public var recordTable: String
    public var count: Int

    public init(agency: String, recordTable: String, count: Int) {
        self.agency = agency
        self.recordTable = recordTable
        self.count = count
    }
}

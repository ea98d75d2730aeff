/// The facts about one perpetrator that the rules consume. The store fills these plain values;
/// the rules never see the database. `ref` values are the store's identifiers, opaque here.

/// A warning marker: active from `recordedOn` through `expiresOn` inclusive (open-ended if nil).
public struct MarkerFact: Sendable, Hashable, Codable {
    public var ref: String
    /// The source system's reference, if imported.
    public var sourceRef: String?
    /// A marker kind code from the marker catalogue.
    public var kind: String
    public var recordedOn: Day
    public var expiresOn: Day?
    public var agency: Agency
    public var sensitivity: Sensitivity

    public init(
        ref: String, sourceRef: String? = nil, kind: String, recordedOn: Day, expiresOn: Day? = nil,
        agency: Agency = .police, sensitivity: Sensitivity = .shared
    ) {
        self.ref = ref
        self.sourceRef = sourceRef
        self.kind = kind
        self.recordedOn = recordedOn
        self.expiresOn = expiresOn
        self.agency = agency
        self.sensitivity = sensitivity
    }

    /// Active on `day`: recorded on or before it and not expired (`day <= expiresOn`).
    @inlinable
    public func isActive(on day: Day) -> Bool {
        recordedOn <= day && (expiresOn.map { day <= $0 } ?? true)
    }
}

/// One agency's record of a domestic-abuse incident in which the person is suspect or offender.
/// Several records of the same event (police, health and the Idva each recording one assault)
/// are one incident: see `Incident.consolidate`.
public struct IncidentFact: Sendable, Hashable, Codable {
    public var ref: String
    /// The victim party, if known (needed for serial, victims and repeat).
    public var victimRef: String?
    public var occurredOn: Day
    /// Offence code from the offence catalogue (nil = unspecified incident).
    public var offence: String?
    /// Resolved gravity: explicit, else the offence's default, else `da_incident`'s
    /// (see `OffenceCatalogue.gravity(explicit:offence:)`).
    public var gravity: Int
    /// The agency that recorded it.
    public var agency: Agency
    /// True when the record says it is a separate event from other records of the same person,
    /// victim and day (two assaults on one day), so it is never merged with them.
    public var separateEvent: Bool

    public init(
        ref: String, victimRef: String? = nil, occurredOn: Day, offence: String? = nil, gravity: Int = 1,
        agency: Agency = .police, separateEvent: Bool = false
    ) {
        self.ref = ref
        self.victimRef = victimRef
        self.occurredOn = occurredOn
        self.offence = offence
        self.gravity = gravity
        self.agency = agency
        self.separateEvent = separateEvent
    }
}

/// A breach of an order or condition, or offending while on bail / released under investigation.
public struct BreachFact: Sendable, Hashable, Codable {
    public var ref: String
    public var occurredOn: Day
    /// Order type breached; nil for offending on bail or RUI without a specific order.
    public var orderType: String?
    public var actionTaken: BreachAction
    /// The party the breached order protects, if any (a breach of it is a repeat for that victim).
    public var protectedPartyRef: String?

    public init(
        ref: String, occurredOn: Day, orderType: String? = nil, actionTaken: BreachAction = .none,
        protectedPartyRef: String? = nil
    ) {
        self.ref = ref
        self.occurredOn = occurredOn
        self.orderType = orderType
        self.actionTaken = actionTaken
        self.protectedPartyRef = protectedPartyRef
    }
}

/// An order or condition on the person, in force from `startsOn` through `endsOn` inclusive.
public struct OrderFact: Sendable, Hashable, Codable {
    public var ref: String
    /// Order type code from the catalogue.
    public var type: String
    public var startsOn: Day
    public var endsOn: Day?
    /// The party the order protects, if any.
    public var protectedPartyRef: String?

    public init(ref: String, type: String, startsOn: Day, endsOn: Day? = nil, protectedPartyRef: String? = nil) {
        self.ref = ref
        self.type = type
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.protectedPartyRef = protectedPartyRef
    }

    /// In force on `day`: `startsOn <= day` and (`endsOn == nil` or `day <= endsOn`).
    @inlinable
    public func isInForce(on day: Day) -> Bool {
        startsOn <= day && (endsOn.map { day <= $0 } ?? true)
    }
}

/// The person's relationship to a party, current from `from` through `to` inclusive (open if nil).
public struct RelationshipFact: Sendable, Hashable, Codable {
    public var ref: String
    public var partyRef: String
    public var relationship: RelationshipKind
    public var from: Day?
    public var to: Day?
    /// True if the person has contact (e.g. child contact arrangements).
    public var hasContact: Bool

    public init(
        ref: String, partyRef: String, relationship: RelationshipKind, from: Day? = nil, to: Day? = nil,
        hasContact: Bool = false
    ) {
        self.ref = ref
        self.partyRef = partyRef
        self.relationship = relationship
        self.from = from
        self.to = to
        self.hasContact = hasContact
    }

    /// Current on `day`.
    @inlinable
    public func isCurrent(on day: Day) -> Bool {
        (from.map { $0 <= day } ?? true) && (to.map { day <= $0 } ?? true)
    }
}

/// A Marac referral of a case in which the person is the perpetrator.
public struct MaracReferralFact: Sendable, Hashable, Codable {
    public var ref: String
    /// The victim party the referral is about, if recorded.
    public var partyRef: String?
    public var referredOn: Day
    public var criterion: ReferralCriterion

    public init(ref: String, partyRef: String? = nil, referredOn: Day, criterion: ReferralCriterion) {
        self.ref = ref
        self.partyRef = partyRef
        self.referredOn = referredOn
        self.criterion = criterion
    }
}

/// A link to a forum or programme (MAPPA category and level, IOM cohort, review and licence dates).
public struct ForumLinkFact: Sendable, Hashable, Codable {
    public var ref: String
    public var forum: Forum
    public var status: LinkStatus
    public var leadAgency: Agency?
    public var mappaCategory: Int?
    public var mappaLevel: Int?
    public var iomCohort: IOMCohort?
    public var reviewOn: Day?
    public var licenceExpiresOn: Day?
    /// The link's own dates: it is live from `startsOn` through `endsOn` inclusive (open if nil).
    public var startsOn: Day?
    public var endsOn: Day?

    public init(
        ref: String, forum: Forum, status: LinkStatus, leadAgency: Agency? = nil, mappaCategory: Int? = nil,
        mappaLevel: Int? = nil, iomCohort: IOMCohort? = nil, reviewOn: Day? = nil, licenceExpiresOn: Day? = nil,
        startsOn: Day? = nil, endsOn: Day? = nil
    ) {
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.ref = ref
        self.forum = forum
        self.status = status
        self.leadAgency = leadAgency
        self.mappaCategory = mappaCategory
        self.mappaLevel = mappaLevel
        self.iomCohort = iomCohort
        self.reviewOn = reviewOn
        self.licenceExpiresOn = licenceExpiresOn
    }
}

/// Everything the rules consider about one person. Arrays need not be sorted.
public struct PersonFacts: Sendable, Hashable, Codable {
    public var personRef: String
    public var markers: [MarkerFact]
    public var incidents: [IncidentFact]
    public var breaches: [BreachFact]
    public var orders: [OrderFact]
    public var relationships: [RelationshipFact]
    public var maracReferrals: [MaracReferralFact]
    public var forumLinks: [ForumLinkFact]
    /// The parties named by the records above (victims' kinds and dates of birth, for serial).
    public var parties: [PartyFact]

    public init(
        personRef: String, markers: [MarkerFact] = [], incidents: [IncidentFact] = [], breaches: [BreachFact] = [],
        orders: [OrderFact] = [], relationships: [RelationshipFact] = [], maracReferrals: [MaracReferralFact] = [],
        forumLinks: [ForumLinkFact] = [], parties: [PartyFact] = []
    ) {
        self.parties = parties
        self.personRef = personRef
        self.markers = markers
        self.incidents = incidents
        self.breaches = breaches
        self.orders = orders
        self.relationships = relationships
        self.maracReferrals = maracReferrals
        self.forumLinks = forumLinks
    }
}

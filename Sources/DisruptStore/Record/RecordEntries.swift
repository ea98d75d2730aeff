import DisruptCore

/// A new person (perpetrator); `ref` nil = the next `P-000123`.
public struct NewPerson: Sendable {
    public var ref: String?
    public var familyName: String
    public var givenName: String?
    public var pnc: String?
    public var dateOfBirth: Day?
    public var gender: String?

    public init(ref: String?, familyName: String, givenName: String?, pnc: String?, dateOfBirth: Day?, gender: String?) {
        (self.ref, self.familyName, self.givenName, self.pnc, self.dateOfBirth, self.gender) = (ref, familyName, givenName, pnc, dateOfBirth, gender)
    }
}

/// A new party (victim, child, new partner, family).
public struct NewParty: Sendable {
    public var ref: String
    public var familyName: String
    public var givenName: String?
    public var dateOfBirth: Day?
    public var kind: String

    public init(ref: String, familyName: String, givenName: String?, dateOfBirth: Day?, kind: String) {
        (self.ref, self.familyName, self.givenName, self.dateOfBirth, self.kind) = (ref, familyName, givenName, dateOfBirth, kind)
    }
}

/// A person's relationship to a party.
public struct NewRelationship: Sendable {
    public var party: String
    public var relationship: String
    public var from: Day?
    public var to: Day?
    public var hasContact: Bool?

    public init(party: String, relationship: String, from: Day?, to: Day?, hasContact: Bool?) {
        (self.party, self.relationship, self.from, self.to, self.hasContact) = (party, relationship, from, to, hasContact)
    }
}

/// A new incident; `offence` nil = da_incident, `gravity` nil = the offence's gravity;
/// `separateEvent`: not the same event as other records of this person, victim and day.
public struct NewIncident: Sendable {
    public var on: Day
    public var victim: String?
    public var offence: String?
    public var gravity: Int?
    public var agency: String?
    public var ref: String?
    public var separateEvent: Bool

    public init(
        on: Day, victim: String?, offence: String?, gravity: Int?, agency: String?, ref: String?, separateEvent: Bool = false
    ) {
        (self.on, self.victim, self.offence, self.gravity, self.agency, self.ref) = (on, victim, offence, gravity, agency, ref)
        self.separateEvent = separateEvent
    }
}

/// A new marker (risk flag).
public struct NewMarker: Sendable {
    public var kind: String
    public var on: Day
    public var expires: Day?
    public var agency: String?
    public var sensitivity: String?
    public var note: String?
    public var ref: String?

    public init(kind: String, on: Day, expires: Day?, agency: String?, sensitivity: String?, note: String?, ref: String?) {
        (self.kind, self.on, self.expires, self.agency, self.sensitivity, self.note, self.ref) = (kind, on, expires, agency, sensitivity, note, ref)
    }
}

/// A new court order or condition.
public struct NewOrder: Sendable {
    public var type: String
    public var starts: Day
    public var ends: Day?
    public var protected: String?
    public var conditions: String?
    public var ref: String?

    public init(type: String, starts: Day, ends: Day?, protected: String?, conditions: String?, ref: String?) {
        (self.type, self.starts, self.ends, self.protected, self.conditions, self.ref) = (type, starts, ends, protected, conditions, ref)
    }
}

/// A new breach (of an order, or offending on bail/RUI when `order` is nil).
public struct NewBreach: Sendable {
    public var on: Day
    public var order: String?
    public var reported: Day?
    public var agency: String?
    public var action: String
    public var note: String?
    public var ref: String?

    public init(on: Day, order: String?, reported: Day?, agency: String?, action: String, note: String?, ref: String?) {
        (self.on, self.order, self.reported, self.agency, self.action, self.note, self.ref) = (on, order, reported, agency, action, note, ref)
    }
}

/// A new forum link (Marac, MAPPA, MATAC, IOM, DAPP, Drive); `starts` nil = today.
public struct NewLink: Sendable {
    public var forum: String
    public var status: String
    public var reference: String?
    public var leadAgency: String?
    public var starts: Day?
    public var ends: Day?
    public var mappaCategory: Int?
    public var mappaLevel: Int?
    public var iomCohort: String?
    public var licenceEnds: Day?
    public var nextReview: Day?
    public var contact: String?
    public var ref: String?

    public init(forum: String, status: String) {
        self.forum = forum
        self.status = status
    }
}

/// Changes to a forum link; nil = unchanged.
public struct LinkChange: Sendable {
    public var status: String?
    public var nextReview: Day?
    public var licenceEnds: Day?
    public var contact: String?
    public var leadAgency: String?
    public var mappaLevel: Int?

    public init() {}

    public var isEmpty: Bool {
        status == nil && nextReview == nil && licenceEnds == nil && contact == nil && leadAgency == nil && mappaLevel == nil
    }
}

/// A new Marac referral.
public struct NewReferral: Sendable {
    public var on: Day
    public var criterion: String
    public var victim: String?
    public var dash: Int?
    public var agency: String?
    public var ref: String?

    public init(on: Day, criterion: String, victim: String?, dash: Int?, agency: String?, ref: String?) {
        (self.on, self.criterion, self.victim, self.dash, self.agency, self.ref) = (on, criterion, victim, dash, agency, ref)
    }
}

import DisruptCore

/// The typed inputs of the hand-entry commands (`disrupt alias add`, `incident add`, ...).
extension RecordCommands {
    /// `alias add`.
    struct AliasAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Option(help: "The other name.") var name: PersonName
        @Option(help: "Date of birth given with it.") var dob: Day?
    }

    /// `party add`.
    struct PartyAdd: ParsableArguments {
        @Option(help: "The party's reference.", valueName: "REF") var ref: NonBlankText
        @Option(help: "Family name.") var familyName: PersonName
        @Option(help: "Given name(s).") var givenName: PersonName?
        @Option(help: "Date of birth.") var dob: Day?
        @Option(help: "victim, child, new_partner, family or other.", valueName: "K") var kind: PartyKind
    }

    /// `relationship add`.
    struct RelationshipAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Argument(help: "The party's reference.") var party: String
        @Option(help: "partner, ex_partner, child, step_child, family or other.", valueName: "R") var relationship: RelationshipKind
        @Option(help: "Since.") var from: Day?
        @Option(help: "Until.") var to: Day?
        @Flag(help: "The person has contact with the party.") var hasContact: Bool
    }

    /// `incident add`.
    struct IncidentAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Option(help: "When it happened.") var on: Day
        @Option(help: "The victim's party reference.", valueName: "PARTY") var victim: String?
        @Option(help: "Offence code (default: da_incident).", valueName: "CODE") var offence: String?
        @Option(help: "Gravity (default: the offence's).") var gravity: Int?
        @Option(help: agencyHelp, valueName: "AGENCY") var agency: Agency?
        @Option(help: refHelp, valueName: "REF") var ref: String?
        @Flag(help: "A separate event from other records of this person, victim and day (never counted as one incident with them).")
        var separateEvent: Bool
    }

    /// `marker add`.
    struct MarkerAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Option(help: "Marker kind (weapons, strangulation, ...).", valueName: "K") var kind: NonBlankText
        @Option(help: "Recorded on.") var on: Day
        @Option(help: "Expires on.") var expires: Day?
        @Option(help: agencyHelp, valueName: "AGENCY") var agency: Agency?
        @Option(help: "Who may read it (default: shared).", valueName: "shared|restricted") var sensitivity: Sensitivity?
        @Option(help: "A note.") var note: String?
        @Option(help: refHelp, valueName: "REF") var ref: String?
    }

    /// `marker end`.
    struct MarkerEnd: ParsableArguments {
        @Argument(help: "The marker's reference.") var marker: String
        @Option(help: "Expires on (default: today).") var on: Day?
    }

    /// `order add`.
    struct OrderAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Option(help: "Order type (bail, dvpo, restraining, ...).", valueName: "T") var type: NonBlankText
        @Option(help: "Starts on.") var starts: Day
        @Option(help: "Ends on.") var ends: Day?
        @Option(help: "The protected party's reference.", valueName: "PARTY") var protected: String?
        @Option(help: "The conditions.") var conditions: String?
        @Option(help: refHelp, valueName: "REF") var ref: String?
    }

    /// `breach add`.
    struct BreachAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Option(help: "When it happened.") var on: Day
        @Option(help: "The order breached (none: offending on bail/RUI).", valueName: "ORDER_REF") var order: String?
        @Option(help: "Reported on.") var reported: Day?
        @Option(help: agencyHelp, valueName: "AGENCY") var agency: Agency?
        @Option(help: "arrest, charge, summons, caution, warning, recall or none.", valueName: "A") var action: BreachAction
        @Option(help: "A note.") var note: String?
        @Option(help: refHelp, valueName: "REF") var ref: String?
    }

    /// `link add`.
    struct LinkAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Option(help: "marac, mappa, matac, iom, dapp or drive.", valueName: "F") var forum: Forum
        @Option(help: "referred, active or closed.", valueName: "S") var status: LinkStatus
        @Option(help: "The forum's own reference.", valueName: "X") var reference: String?
        @Option(help: "Lead agency.", valueName: "A") var leadAgency: Agency?
        @Option(help: "Starts on (default: today).") var starts: Day?
        @Option(help: "Ends on.") var ends: Day?
        @Option(help: "MAPPA category 1-3.") var mappaCategory: Int?
        @Option(help: "MAPPA level 1-3.") var mappaLevel: Int?
        @Option(help: "fixed, flex or free.", valueName: "C") var iomCohort: IOMCohort?
        @Option(help: "Licence end.") var licenceEnds: Day?
        @Option(help: "Next review.") var nextReview: Day?
        @Option(help: "Contact for the forum.", valueName: "X") var contact: String?
        @Option(help: refHelp, valueName: "REF") var ref: String?
    }

    /// `link update`.
    struct LinkUpdate: ParsableArguments {
        @Argument(help: "The link's reference.") var link: String
        @Option(help: "referred, active or closed.", valueName: "S") var status: LinkStatus?
        @Option(help: "Next review.") var nextReview: Day?
        @Option(help: "Licence end.") var licenceEnds: Day?
        @Option(help: "Contact.", valueName: "X") var contact: String?
        @Option(help: "Lead agency.", valueName: "A") var leadAgency: Agency?
        @Option(help: "MAPPA level 1-3.") var mappaLevel: Int?
    }

    /// `referral add`.
    struct ReferralAdd: ParsableArguments {
        @Argument(help: personHelp) var person: String
        @Option(help: "Referred on.") var on: Day
        @Option(help: "visible_high_risk, professional_judgement, escalation or repeat.", valueName: "C") var criterion: ReferralCriterion
        @Option(help: "The victim's party reference.", valueName: "PARTY") var victim: String?
        @Option(help: "DASH score 0-27.") var dash: Int?
        @Option(help: agencyHelp, valueName: "AGENCY") var agency: Agency?
        @Option(help: refHelp, valueName: "REF") var ref: String?
    }
}

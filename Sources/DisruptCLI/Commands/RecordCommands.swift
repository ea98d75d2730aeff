import DisruptCore
import DisruptStore

/// Hand entry of everything recorded about a person: `disrupt alias|party|relationship|
/// incident|marker|order|breach|link|referral ...`. Each prints the new record's reference.
enum RecordCommands {
    static let exitCodes = "Exit codes: 1 unknown catalogue code (the valid ones are listed) or an end before its start, 2 impossible date or a value outside a fixed list (the choices are listed), 3 unknown person, party or record, 5 the reference already exists."
    static let personHelp = "Reference, PNC id, or exact name or alias."
    static let refHelp = "Source reference (default: the next free one, printed)."
    static let agencyHelp = "Owning agency (default: yours)."

    static var specs: [CommandSpec] {
        [group("alias", "Record another name a person uses.", [aliasAdd]),
         group("party", "Record victims, children, new partners and family.", [partyAdd]),
         group("relationship", "Record how a person is related to a party.", [relationshipAdd]),
         group("incident", "Record domestic abuse incidents.", [incidentAdd]),
         group("marker", "Record and end risk markers.", [markerAdd, markerEnd]),
         group("order", "Record court orders and bail conditions.", [orderAdd]),
         group("breach", "Record breaches of orders and bail.", [breachAdd]),
         group("link", "Record and update forum links (Marac, MAPPA, MATAC, IOM, DAPP, Drive).", [linkAdd, linkUpdate]),
         group("referral", "Record Marac referrals.", [referralAdd])]
    }

    private static func group(_ name: String, _ abstract: String, _ subcommands: [CommandSpec]) -> CommandSpec {
        CommandSpec(name, abstract: abstract, examples: subcommands.flatMap(\.examples).prefix(1).map { $0 }, subcommands: subcommands)
    }

    static let aliasAdd = CommandSpec(
        "add", abstract: "Add an alias to a person.", discussion: exitCodes, arguments: AliasAdd.self,
        examples: ["disrupt alias add P-000003 --name 'Cory Blackthorn' --dob 1982-12-30"]
    ) { input, i in
        let who = try i.reading { db in try RecordStore(db).addAlias(person: input.person, name: input.name.text, dateOfBirth: input.dob) }
        i.console.print(who)
        return 0
    }

    static let partyAdd = CommandSpec(
        "add", abstract: "Add a party (victim, child, new_partner, family, other).", discussion: exitCodes, arguments: PartyAdd.self,
        examples: ["disrupt party add --ref V-000010 --given-name Gemma --family-name Netherby --kind victim"]
    ) { input, i in
        i.console.print(try i.reading { db in try RecordStore(db).addParty(NewParty(
            ref: input.ref.text, familyName: input.familyName.text, givenName: input.givenName?.text,
            dateOfBirth: input.dob, kind: input.kind.rawValue)) })
        return 0
    }

    static let relationshipAdd = CommandSpec(
        "add", abstract: "Record how a person is related to a party.", discussion: exitCodes, arguments: RelationshipAdd.self,
        examples: ["disrupt relationship add P-000001 V-000001 --relationship partner --from 2017-06-01"]
    ) { input, i in
        i.console.print(try i.reading { db in try RecordStore(db).addRelationship(person: input.person, NewRelationship(
            party: input.party, relationship: input.relationship.rawValue, from: input.from,
            to: input.to, hasContact: input.hasContact ? true : nil)) })
        return 0
    }

    static let incidentAdd = CommandSpec(
        "add", abstract: "Record an incident; prints its reference.", discussion: exitCodes, arguments: IncidentAdd.self,
        examples: ["disrupt incident add P-000001 --on 2026-07-30 --victim V-000001 --offence abh"]
    ) { input, i in
        i.console.print(try i.reading { db in try RecordStore(db).addIncident(person: input.person, NewIncident(
            on: input.on, victim: input.victim, offence: input.offence, gravity: input.gravity,
            agency: input.agency?.rawValue, ref: input.ref, separateEvent: input.separateEvent)) })
        return 0
    }

    static let markerAdd = CommandSpec(
        "add", abstract: "Record a risk marker; prints its reference.", discussion: exitCodes, arguments: MarkerAdd.self,
        examples: ["disrupt marker add P-000003 --kind weapons --on 2026-01-05 --note 'Kitchen knife recovered'"]
    ) { input, i in
        i.console.print(try i.reading { db in try RecordStore(db).addMarker(person: input.person, NewMarker(
            kind: input.kind.text, on: input.on, expires: input.expires, agency: input.agency?.rawValue,
            sensitivity: input.sensitivity?.rawValue, note: input.note, ref: input.ref)) })
        return 0
    }

    static let markerEnd = CommandSpec(
        "end", abstract: "End a marker (set its expiry date).", discussion: exitCodes, arguments: MarkerEnd.self,
        examples: ["disrupt marker end M-0000005 --on 2026-10-01"]
    ) { input, i in
        let ref = input.marker
        let day = input.on ?? Day.today()
        try i.reading { db in try RecordStore(db).endMarker(ref, on: day) }
        i.console.print("\(ref) expires on \(day.iso)")
        return 0
    }

    static let orderAdd = CommandSpec(
        "add", abstract: "Record a court order or bail conditions; prints its reference.", discussion: exitCodes, arguments: OrderAdd.self,
        examples: ["disrupt order add P-000001 --type bail --starts 2026-07-31 --ends 2026-10-30 --protected V-000001 --conditions 'No contact'"]
    ) { input, i in
        i.console.print(try i.reading { db in try RecordStore(db).addOrder(person: input.person, NewOrder(
            type: input.type.text, starts: input.starts, ends: input.ends,
            protected: input.protected, conditions: input.conditions, ref: input.ref)) })
        return 0
    }

    static let breachAdd = CommandSpec(
        "add", abstract: "Record a breach; prints its reference.", discussion: exitCodes, arguments: BreachAdd.self,
        examples: ["disrupt breach add P-000001 --on 2026-08-15 --order O-000001 --action arrest"]
    ) { input, i in
        i.console.print(try i.reading { db in try RecordStore(db).addBreach(person: input.person, NewBreach(
            on: input.on, order: input.order, reported: input.reported, agency: input.agency?.rawValue,
            action: input.action.rawValue, note: input.note, ref: input.ref)) })
        return 0
    }

    static let linkAdd = CommandSpec(
        "add", abstract: "Record a forum link; prints its reference.", discussion: exitCodes, arguments: LinkAdd.self,
        examples: ["disrupt link add P-000003 --forum mappa --status active --lead-agency probation --starts 2026-01-20 --mappa-category 2 --mappa-level 2"]
    ) { input, i in
        var link = NewLink(forum: input.forum.rawValue, status: input.status.rawValue)
        link.reference = input.reference
        link.leadAgency = input.leadAgency?.rawValue
        link.starts = input.starts
        link.ends = input.ends
        link.mappaCategory = input.mappaCategory
        link.mappaLevel = input.mappaLevel
        link.iomCohort = input.iomCohort?.rawValue
        link.licenceEnds = input.licenceEnds
        link.nextReview = input.nextReview
        link.contact = input.contact
        link.ref = input.ref
        i.console.print(try i.reading { db in try RecordStore(db).addLink(person: input.person, link) })
        return 0
    }

    static let linkUpdate = CommandSpec(
        "update", abstract: "Change a forum link.", discussion: exitCodes, arguments: LinkUpdate.self,
        examples: ["disrupt link update L-000003 --mappa-level 3 --next-review 2026-12-01"]
    ) { input, i in
        var change = LinkChange()
        change.status = input.status?.rawValue
        change.nextReview = input.nextReview
        change.licenceEnds = input.licenceEnds
        change.contact = input.contact
        change.leadAgency = input.leadAgency?.rawValue
        change.mappaLevel = input.mappaLevel
        let ref = input.link
        try i.reading { db in try RecordStore(db).updateLink(ref, change) }
        i.console.print("\(ref) updated")
        return 0
    }

    static let referralAdd = CommandSpec(
        "add", abstract: "Record a Marac referral; prints its reference.", discussion: exitCodes, arguments: ReferralAdd.self,
        examples: ["disrupt referral add P-000001 --on 2026-08-06 --criterion visible_high_risk --victim V-000001 --dash 16"]
    ) { input, i in
        i.console.print(try i.reading { db in try RecordStore(db).addReferral(person: input.person, NewReferral(
            on: input.on, criterion: input.criterion.rawValue, victim: input.victim, dash: input.dash,
            agency: input.agency?.rawValue, ref: input.ref)) })
        return 0
    }
}

import DisruptCore
import DisruptStore

/// Hand entry of everything recorded about a person: `disrupt alias|party|relationship|
/// incident|marker|order|breach|link|referral ...`. Each prints the new record's reference.
enum RecordCommands {
    static let exitCodes = "Exit codes: 1 unknown code (the valid ones are listed) or an end before its start, 2 impossible date, 3 unknown person, party or record, 5 the reference already exists."
    static let person = ArgumentSpec("person", help: "Reference, PNC id, or exact name or alias.")
    static let ref = OptionSpec.option("--ref", "REF", "Source reference (default: the next free one, printed).")
    static let agency = OptionSpec.option("--agency", "AGENCY", "Owning agency (default: yours).")

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
        "add", abstract: "Add an alias to a person.", discussion: exitCodes, arguments: [person],
        options: [.option("--name", "NAME", "The other name.", required: true), .option("--dob", "YYYY-MM-DD", "Date of birth given with it.")],
        examples: ["disrupt alias add P-000003 --name 'Cory Blackthorn' --dob 1982-12-30"]
    ) { i in
        let who = try RecordStore(i.database()).addAlias(person: try i.requiredArgument("person"), name: try i.personName("--name")!, dateOfBirth: try i.day("--dob"))
        i.console.print(who)
        return 0
    }

    static let partyAdd = CommandSpec(
        "add", abstract: "Add a party (victim, child, new_partner, family, other).", discussion: exitCodes,
        options: [.option("--ref", "REF", "The party's reference.", required: true), .option("--family-name", "NAME", "Family name.", required: true),
                  .option("--given-name", "NAME", "Given name(s)."), .option("--dob", "YYYY-MM-DD", "Date of birth."),
                  .option("--kind", "K", "victim, child, new_partner, family or other.", required: true)],
        examples: ["disrupt party add --ref V-000010 --given-name Gemma --family-name Netherby --kind victim"]
    ) { i in
        i.console.print(try RecordStore(i.database()).addParty(NewParty(
            ref: try i.text("--ref"), familyName: try i.personName("--family-name")!, givenName: try i.personName("--given-name", required: false),
            dateOfBirth: try i.day("--dob"), kind: try i.text("--kind"))))
        return 0
    }

    static let relationshipAdd = CommandSpec(
        "add", abstract: "Record how a person is related to a party.", discussion: exitCodes,
        arguments: [person, ArgumentSpec("party", help: "The party's reference.")],
        options: [.option("--relationship", "R", "partner, ex_partner, child, step_child, family or other.", required: true),
                  .option("--from", "YYYY-MM-DD", "Since."), .option("--to", "YYYY-MM-DD", "Until."),
                  .flag("--has-contact", "The person has contact with the party.")],
        examples: ["disrupt relationship add P-000001 V-000001 --relationship partner --from 2017-06-01"]
    ) { i in
        i.console.print(try RecordStore(i.database()).addRelationship(person: try i.requiredArgument("person"), NewRelationship(
            party: try i.requiredArgument("party"), relationship: try i.text("--relationship"), from: try i.day("--from"),
            to: try i.day("--to"), hasContact: i.flag("--has-contact") ? true : nil)))
        return 0
    }

    static let incidentAdd = CommandSpec(
        "add", abstract: "Record an incident; prints its reference.", discussion: exitCodes, arguments: [person],
        options: [.option("--on", "YYYY-MM-DD", "When it happened.", required: true), .option("--victim", "PARTY", "The victim's party reference."),
                  .option("--offence", "CODE", "Offence code (default: da_incident)."), .option("--gravity", "N", "Gravity (default: the offence's)."),
                  agency, ref],
        examples: ["disrupt incident add P-000001 --on 2026-07-30 --victim V-000001 --offence abh"]
    ) { i in
        i.console.print(try RecordStore(i.database()).addIncident(person: try i.requiredArgument("person"), NewIncident(
            on: try i.requiredDay("--on"), victim: i.option("--victim"), offence: i.option("--offence"), gravity: try i.int("--gravity"),
            agency: i.option("--agency"), ref: i.option("--ref"))))
        return 0
    }

    static let markerAdd = CommandSpec(
        "add", abstract: "Record a risk marker; prints its reference.", discussion: exitCodes, arguments: [person],
        options: [.option("--kind", "K", "Marker kind (weapons, strangulation, ...).", required: true),
                  .option("--on", "YYYY-MM-DD", "Recorded on.", required: true), .option("--expires", "YYYY-MM-DD", "Expires on."),
                  agency, .option("--sensitivity", "shared|restricted", "Who may read it (default: shared)."),
                  .option("--note", "TEXT", "A note."), ref],
        examples: ["disrupt marker add P-000003 --kind weapons --on 2026-01-05 --note 'Kitchen knife recovered'"]
    ) { i in
        i.console.print(try RecordStore(i.database()).addMarker(person: try i.requiredArgument("person"), NewMarker(
            kind: try i.text("--kind"), on: try i.requiredDay("--on"), expires: try i.day("--expires"), agency: i.option("--agency"),
            sensitivity: i.option("--sensitivity"), note: i.option("--note"), ref: i.option("--ref"))))
        return 0
    }

    static let markerEnd = CommandSpec(
        "end", abstract: "End a marker (set its expiry date).", discussion: exitCodes,
        arguments: [ArgumentSpec("marker", help: "The marker's reference.")],
        options: [.option("--on", "YYYY-MM-DD", "Expires on (default: today).")],
        examples: ["disrupt marker end M-0000005 --on 2026-10-01"]
    ) { i in
        let ref = try i.requiredArgument("marker")
        let day = try i.day("--on") ?? Day.today()
        try RecordStore(i.database()).endMarker(ref, on: day)
        i.console.print("\(ref) expires on \(day.iso)")
        return 0
    }

    static let orderAdd = CommandSpec(
        "add", abstract: "Record a court order or bail conditions; prints its reference.", discussion: exitCodes, arguments: [person],
        options: [.option("--type", "T", "Order type (bail, dvpo, restraining, ...).", required: true),
                  .option("--starts", "YYYY-MM-DD", "Starts on.", required: true), .option("--ends", "YYYY-MM-DD", "Ends on."),
                  .option("--protected", "PARTY", "The protected party's reference."), .option("--conditions", "TEXT", "The conditions."), ref],
        examples: ["disrupt order add P-000001 --type bail --starts 2026-07-31 --ends 2026-10-30 --protected V-000001 --conditions 'No contact'"]
    ) { i in
        i.console.print(try RecordStore(i.database()).addOrder(person: try i.requiredArgument("person"), NewOrder(
            type: try i.text("--type"), starts: try i.requiredDay("--starts"), ends: try i.day("--ends"),
            protected: i.option("--protected"), conditions: i.option("--conditions"), ref: i.option("--ref"))))
        return 0
    }

    static let breachAdd = CommandSpec(
        "add", abstract: "Record a breach; prints its reference.", discussion: exitCodes, arguments: [person],
        options: [.option("--on", "YYYY-MM-DD", "When it happened.", required: true), .option("--order", "ORDER_REF", "The order breached (none: offending on bail/RUI)."),
                  .option("--reported", "YYYY-MM-DD", "Reported on."), agency,
                  .option("--action", "A", "arrest, charge, caution, warning, recall or none.", required: true),
                  .option("--note", "TEXT", "A note."), ref],
        examples: ["disrupt breach add P-000001 --on 2026-08-15 --order O-000001 --action arrest"]
    ) { i in
        i.console.print(try RecordStore(i.database()).addBreach(person: try i.requiredArgument("person"), NewBreach(
            on: try i.requiredDay("--on"), order: i.option("--order"), reported: try i.day("--reported"), agency: i.option("--agency"),
            action: try i.text("--action"), note: i.option("--note"), ref: i.option("--ref"))))
        return 0
    }

    static let linkAdd = CommandSpec(
        "add", abstract: "Record a forum link; prints its reference.", discussion: exitCodes, arguments: [person],
        options: [.option("--forum", "F", "marac, mappa, matac, iom, dapp or drive.", required: true),
                  .option("--status", "S", "referred, active or closed.", required: true), .option("--reference", "X", "The forum's own reference."),
                  .option("--lead-agency", "A", "Lead agency."), .option("--starts", "YYYY-MM-DD", "Starts on (default: today)."),
                  .option("--ends", "YYYY-MM-DD", "Ends on."), .option("--mappa-category", "N", "MAPPA category 1-3."),
                  .option("--mappa-level", "N", "MAPPA level 1-3."), .option("--iom-cohort", "C", "fixed, flex or free."),
                  .option("--licence-ends", "YYYY-MM-DD", "Licence end."), .option("--next-review", "YYYY-MM-DD", "Next review."),
                  .option("--contact", "X", "Contact for the forum."), ref],
        examples: ["disrupt link add P-000003 --forum mappa --status active --lead-agency probation --starts 2026-01-20 --mappa-category 2 --mappa-level 2"]
    ) { i in
        var link = NewLink(forum: try i.text("--forum"), status: try i.text("--status"))
        link.reference = i.option("--reference")
        link.leadAgency = i.option("--lead-agency")
        link.starts = try i.day("--starts")
        link.ends = try i.day("--ends")
        link.mappaCategory = try i.int("--mappa-category")
        link.mappaLevel = try i.int("--mappa-level")
        link.iomCohort = i.option("--iom-cohort")
        link.licenceEnds = try i.day("--licence-ends")
        link.nextReview = try i.day("--next-review")
        link.contact = i.option("--contact")
        link.ref = i.option("--ref")
        i.console.print(try RecordStore(i.database()).addLink(person: try i.requiredArgument("person"), link))
        return 0
    }

    static let linkUpdate = CommandSpec(
        "update", abstract: "Change a forum link.", discussion: exitCodes,
        arguments: [ArgumentSpec("link", help: "The link's reference.")],
        options: [.option("--status", "S", "referred, active or closed."), .option("--next-review", "YYYY-MM-DD", "Next review."),
                  .option("--licence-ends", "YYYY-MM-DD", "Licence end."), .option("--contact", "X", "Contact."),
                  .option("--lead-agency", "A", "Lead agency."), .option("--mappa-level", "N", "MAPPA level 1-3.")],
        examples: ["disrupt link update L-000003 --mappa-level 3 --next-review 2026-12-01"]
    ) { i in
        var change = LinkChange()
        change.status = i.option("--status")
        change.nextReview = try i.day("--next-review")
        change.licenceEnds = try i.day("--licence-ends")
        change.contact = i.option("--contact")
        change.leadAgency = i.option("--lead-agency")
        change.mappaLevel = try i.int("--mappa-level")
        let ref = try i.requiredArgument("link")
        try RecordStore(i.database()).updateLink(ref, change)
        i.console.print("\(ref) updated")
        return 0
    }

    static let referralAdd = CommandSpec(
        "add", abstract: "Record a Marac referral; prints its reference.", discussion: exitCodes, arguments: [person],
        options: [.option("--on", "YYYY-MM-DD", "Referred on.", required: true),
                  .option("--criterion", "C", "visible_high_risk, professional_judgement, escalation or repeat.", required: true),
                  .option("--victim", "PARTY", "The victim's party reference."), .option("--dash", "N", "DASH score 0-27."), agency, ref],
        examples: ["disrupt referral add P-000001 --on 2026-08-06 --criterion visible_high_risk --victim V-000001 --dash 16"]
    ) { i in
        i.console.print(try RecordStore(i.database()).addReferral(person: try i.requiredArgument("person"), NewReferral(
            on: try i.requiredDay("--on"), criterion: try i.text("--criterion"), victim: i.option("--victim"), dash: try i.int("--dash"),
            agency: i.option("--agency"), ref: i.option("--ref"))))
        return 0
    }
}

extension Invocation {
    /// A required date option.
    func requiredDay(_ name: String) throws -> Day {
        guard let day = try day(name) else { throw usage("Missing expected option '\(name)'") }
        return day
    }
}

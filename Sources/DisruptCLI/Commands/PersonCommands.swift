import DisruptCore
import DisruptStore
import Foundation

/// `disrupt person ...`: add, show, find and merge perpetrators.
enum PersonCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "person", abstract: "Add, show, find and merge people (perpetrators).",
            examples: ["disrupt person add --family-name Ashdown --given-name Darren --dob 1988-04-17", "disrupt person show P-000001", "disrupt person find zoe"],
            subcommands: [add, show, find, merge]
        )
    }

    static let add = CommandSpec(
        "add", abstract: "Add a person; prints the reference.",
        discussion: "Without --ref the next free reference (P-000123) is used. The person belongs to your agency.\nExit codes: 1 unknown gender, 2 impossible date, 5 the reference or PNC id already exists.",
        arguments: Add.self,
        examples: ["disrupt person add --family-name Ashdown --given-name Darren --dob 1988-04-17 --gender male"]
    ) { input, invocation in
        let ref = try invocation.reading { db in
            try RecordStore(db).addPerson(NewPerson(
                ref: input.ref, familyName: input.familyName.text, givenName: input.givenName?.text,
                pnc: input.pnc, dateOfBirth: input.dob, gender: input.gender))
        }
        invocation.console.print(ref)
        return 0
    }

    static let show = CommandSpec(
        "show", abstract: "Show a person's whole record: identity, aliases, relationships, incidents, markers, orders, breaches, links, referrals.",
        discussion: "Reading a record is a consultation: it is logged in the audit log with --purpose.\nExit code 3 when no person (or more than one) matches.",
        arguments: Show.self,
        examples: ["disrupt person show P-000003", "disrupt person show 'Corvin Blackthorn' --purpose 'Marac 2026-11-05' --format json"]
    ) { input, invocation in
        let purpose = input.purpose?.trimmed ?? "person show"
        let format = input.format
        let offences = try invocation.riskModel().offences
        let consultation = PersonDossierReader.consultation(
            scope: "person", purpose: purpose, subject: input.person, format: format.rawValue, asOf: Day.today())
        let dossier = invocation.console.reporting(try invocation.reading(person: consultation) { db, person in
            try PersonDossierReader().read(personID: person.id, on: db)
        })
        let gravity = { (incident: IncidentRecord) in offences.gravity(explicit: incident.gravity, offence: incident.offence) }
        if format == .json {
            invocation.console.writeDocument(try PersonRecordJSON.render(dossier, gravity: gravity) + "\n")
        } else {
            invocation.console.print(PersonRecordText.render(dossier, gravity: gravity))
        }
        return 0
    }

    static let find = CommandSpec(
        "find", abstract: "Find people by name, alias, PNC id or reference (case and accents ignored, name prefixes allowed).",
        discussion: "Exact matches come first; at most 50. Exit code 3 when nobody matches.",
        arguments: Find.self,
        examples: ["disrupt person find zoe", "disrupt person find 'blackth' --format json", "disrupt person find 08/417263T"]
    ) { input, invocation in
        let matches = try invocation.reading { db in try PersonSearch().find(input.text, on: db) }
        if input.format == .json {
            try invocation.console.printJSON(matches)
        } else if matches.isEmpty {
            invocation.console.error("Nobody matches.")
        } else {
            var table = TextTable(["PERSON", "NAME", "BORN", "PNC", "MATCHED"])
            for match in matches {
                table.append([match.personRef, [match.givenName, match.familyName].compactMap { $0 }.joined(separator: " "),
                              match.dateOfBirth?.iso ?? "", match.pncId ?? "", match.matched])
            }
            invocation.console.print(table.render())
        }
        return matches.isEmpty ? 3 : 0
    }

    static let merge = CommandSpec(
        "merge", abstract: "Merge two records of the same person (administrators): ABSORB's history moves to KEEP.",
        discussion: """
            Everything recorded against ABSORB (aliases, relationships, incidents, markers, orders, breaches,
            links, referrals) moves to KEEP; ABSORB's name becomes an alias; ABSORB's reference and PNC id
            then lead to KEEP. Logged with --reason. Administrators only (an administrator sees both
            records; one agency may not merge another's). Exit codes: 3 a person not found, 4 not allowed.
            """,
        arguments: Merge.self,
        examples: ["disrupt person merge P-000001 P-000042 --reason 'Same PNC id, confirmed by DC Hale'"]
    ) { input, invocation in
        let kept = try invocation.reading { db in
            try RecordStore(db).merge(keep: input.keep, absorb: input.absorb, reason: input.reason.text)
        }
        invocation.console.print("Merged \(input.absorb) into \(kept).")
        return 0
    }
}

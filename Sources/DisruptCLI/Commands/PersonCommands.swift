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
        options: [
            .option("--ref", "REF", "The person's reference (default: the next P-000123)."),
            .option("--family-name", "NAME", "Family name.", required: true),
            .option("--given-name", "NAME", "Given name(s)."),
            .option("--pnc", "ID", "Police National Computer id."),
            .option("--dob", "YYYY-MM-DD", "Date of birth."),
            .option("--gender", "G", "male, female, other or unknown."),
        ],
        examples: ["disrupt person add --family-name Ashdown --given-name Darren --dob 1988-04-17 --gender male"]
    ) { invocation in
        let ref = try RecordStore(invocation.database()).addPerson(NewPerson(
            ref: invocation.option("--ref"), familyName: try invocation.personName("--family-name")!, givenName: try invocation.personName("--given-name", required: false),
            pnc: invocation.option("--pnc"), dateOfBirth: try invocation.day("--dob"), gender: invocation.option("--gender")))
        invocation.console.print(ref)
        return 0
    }

    static let show = CommandSpec(
        "show", abstract: "Show a person's whole record: identity, aliases, relationships, incidents, markers, orders, breaches, links, referrals.",
        discussion: "Reading a record is a consultation: it is logged in the audit log with --purpose.\nExit code 3 when no person (or more than one) matches.",
        arguments: [ArgumentSpec("person", help: "Reference, PNC id, or exact name or alias.")],
        options: [.option("--purpose", "TEXT", "Why you are reading the record (logged; default: \"person show\")."), .format(["text", "json"])],
        examples: ["disrupt person show P-000003", "disrupt person show 'Corvin Blackthorn' --purpose 'Marac 2026-11-05' --format json"]
    ) { invocation in
        let purpose = (invocation.option("--purpose") ?? "person show").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !purpose.isEmpty else { throw invocation.usage("--purpose must say why you are reading the record") }
        let format = invocation.format()
        let offences = try invocation.riskModel().offences
        let db = try invocation.database()
        let person = try PersonResolver().resolve(try invocation.requiredArgument("person"), on: db)
        let dossier = try PersonDossierReader().read(
            personID: person.id, purpose: purpose, consultation: .init(kind: "person", format: format, asOf: Day.today()), on: db)
        let gravity = { (incident: IncidentRecord) in offences.gravity(explicit: incident.gravity, offence: incident.offence) }
        if format == "json" {
            invocation.console.writeDocument(try PersonRecordJSON.render(dossier, gravity: gravity) + "\n")
        } else {
            invocation.console.print(PersonRecordText.render(dossier, gravity: gravity))
        }
        return 0
    }

    static let find = CommandSpec(
        "find", abstract: "Find people by name, alias, PNC id or reference (case and accents ignored, name prefixes allowed).",
        discussion: "Exact matches come first; at most 50. Exit code 3 when nobody matches.",
        arguments: [ArgumentSpec("text", help: "What to look for.")],
        options: [.format(["text", "json"])],
        examples: ["disrupt person find zoe", "disrupt person find 'blackth' --format json", "disrupt person find 08/417263T"]
    ) { invocation in
        let matches = try PersonSearch().find(try invocation.requiredArgument("text"), on: invocation.database())
        if invocation.format() == "json" {
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
        "merge", abstract: "Merge two records of the same person: ABSORB's history moves to KEEP.",
        discussion: """
            Everything recorded against ABSORB (aliases, relationships, incidents, markers, orders, breaches,
            links, referrals) moves to KEEP; ABSORB's name becomes an alias; ABSORB's reference and PNC id
            then lead to KEEP. Logged with --reason. Exit codes: 3 a person not found, 4 not allowed.
            """,
        arguments: [ArgumentSpec("keep", help: "The record that stays."), ArgumentSpec("absorb", help: "The record merged into it.")],
        options: [.option("--reason", "TEXT", "Why these are the same person (logged).", required: true)],
        examples: ["disrupt person merge P-000001 P-000042 --reason 'Same PNC id, confirmed by DC Hale'"]
    ) { invocation in
        let kept = try RecordStore(invocation.database()).merge(
            keep: try invocation.requiredArgument("keep"), absorb: try invocation.requiredArgument("absorb"), reason: try invocation.text("--reason"))
        invocation.console.print("Merged \(try invocation.requiredArgument("absorb")) into \(kept).")
        return 0
    }
}

extension Invocation {
    /// A required text option that must not be blank.
    func text(_ name: String) throws -> String {
        guard let value = option(name), !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw usage("'\(name)' needs a value that is not blank")
        }
        return value
    }

    /// A person's or party's name: not blank when required, and at most 200 characters (the
    /// database's limit: names are indexed for search).
    func personName(_ name: String, required: Bool = true) throws -> String? {
        guard let value = required ? try text(name) : option(name) else { return nil }
        guard value.count <= 200 else {
            throw usage("'\(name)' is \(value.count) characters long; a name may have at most 200")
        }
        return value
    }
}

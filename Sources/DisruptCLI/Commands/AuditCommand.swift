import DisruptCore
import DisruptStore
import Foundation

/// `disrupt audit`: the audit log. Administrators see every row; anyone else only their own.
enum AuditCommand {
    static let spec = CommandSpec(
        "audit", abstract: "Show the audit log: who collected, altered, consulted, disclosed, combined or erased what.",
        discussion: """
            Administrators see every row; anyone else sees only the rows their own login made
            (the database enforces this). Text shows local time; JSON shows ISO 8601 UTC.
            --since and --until are days in local time, both included.
            """,
        arguments: Arguments.self,
        examples: ["disrupt audit --person P-000123", "disrupt audit --staff prob_jsmith --since 2024-05-01 --format json"]
    ) { input, invocation in
        // the consultation names no person, so its own row never shows among a person's rows
        let (entries, identity) = try invocation.reading(Consultation(purpose: "disrupt audit: the audit log", scope: "audit")) { db in
            let person = try input.person.map { try PersonResolver().resolve($0, on: db) }
            let filter = AuditLog.Filter(
                personID: person?.id, login: input.staff, since: input.since.map { Timestamp.start(of: $0) },
                until: input.until.map { Timestamp.start(of: $0.adding(days: 1)) }, operation: input.operation?.name, limit: input.limit)
            return (try AuditLog().entries(filter, on: db), try Identity.current(on: db))
        }
        let scope = identity.admin ? "all" : "own"
        if input.format == .json {
            try invocation.console.printJSON(AuditOutput(login: identity.login, scope: scope, entries: entries))
            return 0
        }
        if !identity.admin {
            invocation.console.error("Showing only rows made by \(identity.login): only administrators see everyone's.")
        }
        guard !entries.isEmpty else {
            invocation.console.print("No audit rows match.")
            return 0
        }
        var table = TextTable(["WHEN", "LOGIN", "AGENCY", "OPERATION", "TABLE", "KEY", "PERSON", "WHAT"])
        for entry in entries {
            let what: String
            switch entry.operation {
            case "alter": what = "changed " + (entry.after?.keys.joined(separator: ", ") ?? "")
            case "consult", "disclose": what = [entry.purpose, entry.recipient.map { "to \($0)" }].compactMap { $0 }.joined(separator: " ")
            default: what = ""
            }
            table.append([Timestamp.local(entry.at), entry.login, entry.agency ?? "", entry.operation, entry.objectTable,
                          entry.objectKey ?? "", entry.personRef ?? entry.personID.map(String.init) ?? "", what])
        }
        invocation.console.print(table.render())
        return 0
    }

    /// The inputs of `disrupt audit`.
    struct Arguments: ParsableArguments {
        @Option(help: "Only rows about this person (reference, PNC id or exact name).", valueName: "PERSON") var person: String?
        @Option(help: "Only rows made by this login.", valueName: "LOGIN") var staff: String?
        @Option(help: "From this day.") var since: Day?
        @Option(help: "To this day (included).") var until: Day?
        @Option(help: "Only this operation.", valueName: "OP") var operation: Operation?
        @Option(help: "At most N rows, newest first (default 100, at most 10000).") var limit: Int = 100
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
            if let since, let until, until < since { throw ValidationError("--until is before --since") }
        }
    }

    /// One of the audit log's operations.
    struct Operation: ExpressibleByArgument {
        var name: String

        init(argument: String) throws(InvalidValue) {
            guard AuditLog.operations.contains(argument) else {
                throw InvalidValue(expected: "choose one of \(AuditLog.operations.joined(separator: ", "))")
            }
            name = argument
        }

        static var defaultValueName: String { "OP" }
    }

    /// The JSON document: who asked, whether they see every row, and the rows.
    struct AuditOutput: Encodable {
        var login: String
        var scope: String
        var entries: [AuditEntry]
    }
}

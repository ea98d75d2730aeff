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
        options: [
            .option("--person", "PERSON", "Only rows about this person (reference, PNC id or exact name)."),
            .option("--staff", "LOGIN", "Only rows made by this login."),
            .option("--since", "YYYY-MM-DD", "From this day."),
            .option("--until", "YYYY-MM-DD", "To this day (included)."),
            .option("--operation", "OP", "Only this operation.", allowed: AuditLog.operations),
            .option("--limit", "N", "At most N rows, newest first (default 100, at most 10000)."),
            .format(["text", "json"]),
        ],
        examples: ["disrupt audit --person P-000123", "disrupt audit --staff prob_jsmith --since 2024-05-01 --format json"]
    ) { invocation in
        let limit = try invocation.int("--limit") ?? 100
        guard (1...10_000).contains(limit) else { throw invocation.usage("--limit must be between 1 and 10000") }
        let since = try invocation.day("--since")
        let until = try invocation.day("--until")
        if let since, let until, until < since { throw invocation.usage("--until is before --since") }
        let db = try invocation.database()
        let person = try invocation.option("--person").map { try PersonResolver().resolve($0, on: db) }
        let filter = AuditLog.Filter(
            personID: person?.id, login: invocation.option("--staff"), since: since.map { Timestamp.start(of: $0) },
            until: until.map { Timestamp.start(of: $0.adding(days: 1)) }, operation: invocation.option("--operation"), limit: limit)
        let entries = try AuditLog().entries(filter, on: db)
        let identity = try Identity.current(on: db)
        let scope = identity.admin ? "all" : "own"
        if invocation.format() == "json" {
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

    /// The JSON document: who asked, whether they see every row, and the rows.
    struct AuditOutput: Encodable {
        var login: String
        var scope: String
        var entries: [AuditEntry]
    }
}

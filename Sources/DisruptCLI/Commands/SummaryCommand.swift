import DisruptCore
import DisruptStore
import Foundation

/// `disrupt summary`: the one-page perpetrator summary for a Marac representative.
enum SummaryCommand {
    static let formats = ["text", "json", "markdown", "html"]

    static let spec = CommandSpec(
        "summary", abstract: "Print the perpetrator summary a Marac representative reads (logged as a consultation).",
        discussion: """
            Sections, in order: risks to professionals and weapons; identity; flags; risk (score, band,
            trend, triggers); orders in force and breaches; incidents in the last 24 months;
            relationships; forum links; the disruption plan; what is missing. Records your agency may
            not see are left out, and the summary says how many each agency withheld so you can ask.
            Reading it is a consultation of personal data: --purpose is required and is logged with
            who read which person, when, and in which format.
            """,
        arguments: [ArgumentSpec("person", help: "A reference, a PNC id, or a name or alias that matches one person.")],
        options: [
            .option("--purpose", "TEXT", "Why you are reading it, e.g. 'Marac 2026-11-26 case 14' (logged).", required: true),
            Invocation.asOfOption,
            .option("--format", "FORMAT", "Output format (default: text).", allowed: formats),
            .option("--out", "FILE", "Write to this file (replaced atomically) instead of standard output."),
        ],
        examples: [
            "disrupt summary P-000123 --purpose 'Marac 2026-11-26 case 14'",
            "disrupt summary 'Dean Walsh' --purpose 'Marac 2026-11-26 case 14' --format html --out walsh.html",
            "disrupt summary 99/123456A --purpose 'MATAC tasking' --format json --as-of 2026-11-26",
        ]
    ) { invocation in
        let purpose = (invocation.option("--purpose") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !purpose.isEmpty else { throw invocation.usage("--purpose must say why you are reading the summary") }
        let format = invocation.format()
        let asOf = try invocation.asOf()
        let builder = SummaryBuilder(model: try invocation.riskModel())
        let db = try invocation.database()
        let person = try PersonResolver().resolve(try invocation.requiredArgument("person"), on: db)
        let dossier = try PersonDossierReader().read(
            personID: person.id, purpose: purpose,
            consultation: .init(kind: "summary", format: format, asOf: asOf), on: db)
        let summary = builder.build(dossier, asOf: asOf)
        let output: String
        switch format {
        case "json": output = try SummaryJSON.render(summary)
        case "markdown": output = SummaryMarkdownRenderer().render(summary)
        case "html": output = SummaryHTMLRenderer().render(summary)
        default:
            let colour = invocation.option("--out") == nil && invocation.console.useColour
            output = SummaryTextRenderer(escape: colour ? invocation.console.escapeToken : nil).render(summary)
        }
        if let path = invocation.option("--out") {
            // Personal data: replaced atomically, readable by its owner only; text and
            // Markdown go through the same sanitiser as the terminal (the file is read with cat).
            let document = format == "json" || format == "html" ? output : TerminalSafe.text(output)
            do {
                try PrivateFile.write(Data(document.utf8), to: path)
            } catch {
                throw StoreError(.failure, "cannot write \(path): \(error)", hint: "Choose a writable file with --out")
            }
            invocation.console.error("Wrote the summary of \(person.ref) to \(path)")
        } else if format == "json" || format == "html" {
            invocation.console.writeDocument(output)
        } else {
            invocation.console.write(output)
        }
        return 0
    }
}

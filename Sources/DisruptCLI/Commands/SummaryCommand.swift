import DisruptCore
import DisruptStore
import Foundation

/// `disrupt summary`: the one-page perpetrator summary for a Marac representative.
enum SummaryCommand {
    static let spec = CommandSpec(
        "summary", abstract: "Print the perpetrator summary a Marac representative reads (logged as a consultation).",
        discussion: """
            With --since-last-heard (or --since DAY) it starts with what changed since his case was last
            heard: new incidents, breaches, markers, alerts, actions done, overdue or not started, and the
            stored score and RFG then and now. A record dated on the day of the hearing counts as new.
            Sections, in order: risks to professionals and weapons; identity; flags; risk (score, band,
            trend, triggers); orders in force and breaches; incidents in the last 24 months;
            relationships; forum links; the disruption plan; what is missing. Records your agency may
            not see are left out, and the summary says how many each agency withheld so you can ask.
            Reading it is a consultation of personal data: --purpose is required and is logged with
            who read which person, when, and in which format.
            """,
        arguments: Arguments.self,
        examples: [
            "disrupt summary P-000123 --purpose 'Marac 2026-11-26 case 14'",
            "disrupt summary 'Dean Walsh' --purpose 'Marac 2026-11-26 case 14' --format html --out walsh.html",
            "disrupt summary 99/123456A --purpose 'MATAC tasking' --format json --as-of 2026-11-26",
            "disrupt summary P-000123 --purpose 'Marac 2026-12-10 case 3' --since-last-heard",
        ]
    ) { input, invocation in
        let purpose = input.purpose.trimmed
        let format = input.format
        let asOf = input.asOf ?? Day.today()
        // the configuration is read while the connection opens (and the embedded cluster starts,
        // when it must), and is whole before the consultation is logged: a configuration error
        // reads and logs nothing (a connection error, if both, is the one reported)
        let loading = invocation.riskModelInBackground()
        _ = try invocation.database()
        let model = try loading.value()
        let consultation = PersonDossierReader.consultation(
            scope: "summary", purpose: purpose, subject: input.person, format: format.rawValue, asOf: asOf)
        // one transaction, one consultation: the person, the dossier and what changed since
        let (person, summary) = try invocation.reading(person: consultation) { db, person throws -> (PersonReference, Summary) in
            let since = SinceLastHeardReader(model: model)
            let sinceDay = input.sinceLastHeard ? try since.lastHeardOn(personID: person.id, on: db) : input.since
            if input.sinceLastHeard && sinceDay == nil {
                throw StoreError(.notFound, "no hearing of \(person.ref)'s cases that you can see",
                                 hint: "Give the day to compare with: --since DAY")
            }
            let dossier = invocation.console.reporting(try PersonDossierReader().read(personID: person.id, on: db))
            var summary = SummaryBuilder(model: model).build(dossier, asOf: asOf)
            if let sinceDay {
                let basis = input.sinceLastHeard ? nil : sinceDay
                summary.sinceLastHeard = try since.brief(personID: person.id, dossier: dossier, since: basis, asOf: asOf, on: db)
            }
            return (person, summary)
        }
        let output: String
        switch format {
        case .json: output = try SummaryJSON.render(summary)
        case .markdown: output = SummaryMarkdownRenderer().render(summary)
        case .html: output = SummaryHTMLRenderer().render(summary)
        case .text:
            let colour = input.out == nil && invocation.console.useColour
            output = SummaryTextRenderer(escape: colour ? invocation.console.escapeToken : nil).render(summary)
        }
        let isDocument = format == .json || format == .html
        if let path = input.out {
            // Personal data: replaced atomically, readable by its owner only; text and
            // Markdown go through the same sanitiser as the terminal (the file is read with cat).
            let document = isDocument ? output : TerminalSafe.text(output)
            do {
                try PrivateFile.write(Data(document.utf8), to: path)
            } catch let error as PrivateFileError {
                throw StoreError(.failure, error.description, hint: "Choose a writable file with --out")
            } catch {
                throw StoreError(.failure, "cannot write \(path): \(error.localizedDescription)", hint: "Choose a writable file with --out")
            }
            invocation.console.error("Wrote the summary of \(person.ref) to \(path)")
        } else if isDocument {
            invocation.console.writeDocument(output)
        } else {
            invocation.console.write(output)
        }
        return 0
    }

    /// The inputs of `disrupt summary`.
    struct Arguments: ParsableArguments {
        @Argument(help: "A reference, a PNC id, or a name or alias that matches one person.") var person: String
        @Option(help: "Why you are reading it, e.g. 'Marac 2026-11-26 case 14' (logged).") var purpose: ReasonText
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format, valueName: "FORMAT") var format: SummaryFormat = .text
        @Option(help: "Write to this file (replaced atomically) instead of standard output.", valueName: "FILE") var out: String?
        @Flag(help: "Start with what changed since his case was last heard (hearings you can see).") var sinceLastHeard: Bool
        @Option(help: "Start with what changed since this day (instead of the last hearing).") var since: Day?

        func validate() throws(ValidationError) {
            if sinceLastHeard && since != nil { throw ValidationError("Use --since-last-heard or --since DAY, not both") }
        }
    }
}

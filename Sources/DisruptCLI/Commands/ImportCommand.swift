import DisruptCore
import DisruptStore
import Foundation

/// `disrupt import KIND FILE.csv`: bulk merge of one CSV file into the record.
enum ImportCommand {
    static var spec: CommandSpec {
        CommandSpec(
            "import", abstract: "Merge a CSV file of one kind into the record (one transaction).",
            discussion: """
                KIND is one of: \(ImportKind.allCases.map(\.rawValue).joined(separator: ", ")).
                The header row must be exactly the kind's columns (see Config/samples/<kind>.csv).
                Rows are matched on their reference (person_ref, party_ref, source_ref; for aliases and
                relationships the person, party and kind): new ones are inserted, changed ones updated,
                identical ones left alone, so importing the same file twice changes nothing.
                Bad rows are rejected, never half-written: each is listed as 'line N, column C: reason'
                on stderr (the first 20) and all of them go to FILE.rejects.csv next to the input
                (columns line,column,reason and the original columns). The good rows still land,
                unless --strict. Rows of kinds without an agency column belong to your agency.

                Exit codes: 0 every row landed (or would, with --dry-run); 1 some rows were rejected
                (with --strict nothing landed); 2 usage (unknown KIND, unreadable file, wrong header);
                4 not allowed to import.
                """,
            arguments: Arguments.self,
            examples: [
                "disrupt import people people.csv",
                "disrupt import markers markers.csv --dry-run",
                "disrupt import incidents incidents.csv --strict --format json",
            ]
        ) { input, invocation in
            try run(input, invocation)
        }
    }

    /// The inputs of `disrupt import`.
    struct Arguments: ParsableArguments {
        @Argument(help: "What the file holds: \(ImportKind.allCases.map(\.rawValue).joined(separator: "|")).") var kind: ImportKind
        @Argument(help: "The CSV file (UTF-8, header row first).") var file: String
        @Flag(help: "Check and count everything, then roll back: nothing lands.") var dryRun: Bool
        @Flag(help: "Land nothing if any row is rejected.") var strict: Bool
        @Option(help: "Administrators: the agency owning rows of kinds without an agency column (default: yours, or police).", valueName: "AGENCY")
        var agency: Agency?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    static func run(_ input: Arguments, _ invocation: Invocation) throws -> Int32 {
        let path = input.file
        var options = Importer.Options(dryRun: input.dryRun, strict: input.strict)
        options.defaultAgency = input.agency?.rawValue
        let importer = Importer(kind: input.kind, path: path, options: options)
        let db = try invocation.database()
        let bar = ProgressBar(console: invocation.console, label: "importing")
        defer { bar.finish() }
        let size = max(1, (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0)
        let report = try importer.run(on: db) { bytes, records in
            bar.update(Double(bytes) / Double(size), detail: "\(records) rows  \(Int(Double(records) / max(0.001, bar.elapsed))) rows/s")
        }
        bar.finish()  // before the results; the defer wipes it when the import throws
        printRejects(report, console: invocation.console)
        if input.format == .json {
            try invocation.console.printJSON(report)
        } else {
            invocation.console.print("inserted \(report.inserted), updated \(report.updated), unchanged \(report.unchanged), rejected \(report.rejected)")
        }
        if report.rolledBack {
            invocation.console.error(options.dryRun ? "Dry run: rolled back, nothing was changed." : "--strict: \(report.rejected) row(s) rejected, so nothing was imported.")
        }
        return report.rejected > 0 ? 1 : 0
    }

    private static func printRejects(_ report: ImportReport, console: Console) {
        for reject in report.firstRejects {
            console.error("line \(reject.line), column \(reject.column): \(reject.reason)")
        }
        guard let file = report.rejectsFile else { return }
        if let note = report.rejectsFileNote { console.error("\(note); the rejects were written to \(file)") }
        let more = report.rejected - report.firstRejects.count
        console.error(more > 0 ? "... and \(more) more, see \(file)" : "All rejects are in \(file)")
    }
}

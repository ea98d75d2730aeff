import DisruptCore
import DisruptStore
import Foundation

/// `disrupt report`: the steering group's outcome and governance report for a forum and period.
enum ReportCommand {
    static let spec = CommandSpec(
        "report", abstract: "The steering group's report for a period: volumes, timeliness, actions by agency, perpetrator outcomes.",
        discussion: """
            Sections: volumes (referrals by referring agency and criterion, cases heard, repeat cases and
            rate, referrals per 10,000 adults when Config/disrupt.json gives the area's adult population,
            perpetrators discussed and how many are serial); timeliness (days from referral to hearing:
            median, 90th percentile, share within report.hearing_limit_days); actions by agency, heading
            and tactic (agreed, completed, completed by the due date, overdue now, cancelled, median days
            late); perpetrator outcomes (RFG and harm six months before and after entering MATAC or having
            a plan opened, beside the highest-RFG people not taken on). Counts only: no person is named.
            Counts from 1 to 4 are shown as <5 (--suppress-small; on by default for html and csv).
            Only chairs, coordinators and administrators may run it; it is logged as a consultation
            of personal data with --purpose. csv writes one file per table into the --out directory.
            """,
        arguments: Arguments.self,
        examples: [
            "disrupt report --from 2026-04-01 --to 2027-03-31 --forum marac --out marac-2026.html",
            "disrupt report --from 2026-01-01 --to 2026-03-31 --forum matac --area North --format csv --out q1",
            "disrupt report --from 2026-01-01 --to 2026-12-31 --forum marac --format json",
        ]
    ) { input, invocation in
        let format = input.format
        let suppress = input.suppressSmall ? true : input.noSuppressSmall ? false : format.suppressesByDefault
        let asOf = input.asOf ?? Day.today()
        let model = try invocation.riskModel()
        let scope = ReportReader.Scope(forum: input.forum.rawValue, area: input.area?.trimmed, from: input.from, to: input.to, asOf: asOf)
        let facts = try ReportReader(model: model).read(scope, purpose: input.purpose?.trimmed ?? "steering group report", format: format.rawValue, on: try invocation.database())
        let report = ReportBuilder(rfg: model.rfg, settings: model.settings.report)
            .build(facts, forum: scope.forum, area: scope.area, from: scope.from, to: scope.to, asOf: asOf)
        let now = Date()
        switch format {
        case .csv:
            guard let directory = input.out else { return 2 }  // refused by validate()
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for file in ReportText.csv(report, suppressSmall: suppress) {
                try write(file.data, to: (directory as NSString).appendingPathComponent(file.name))
            }
            invocation.console.error("Wrote \(report.tables.count) tables to \(directory)")
            return 0
        case .html: try emit(ReportHTMLRenderer(suppressSmall: suppress).render(report, generatedAt: now), input, invocation)
        case .markdown: try emit(ReportText.markdown(report, suppressSmall: suppress), input, invocation)
        case .json: try emit(ReportText.json(report, suppressSmall: suppress, generatedAt: now), input, invocation)
        }
        return 0
    }

    /// To --out (private, replaced atomically) or standard output.
    private static func emit(_ document: String, _ input: Arguments, _ invocation: Invocation) throws {
        guard let path = input.out else {
            invocation.console.writeDocument(document)
            return
        }
        try write(Data(document.utf8), to: path)
        invocation.console.error("Wrote the report to \(path)")
    }

    private static func write(_ data: Data, to path: String) throws {
        do {
            try PrivateFile.write(data, to: path)
        } catch let error as PrivateFileError {
            throw StoreError(.failure, error.description, hint: "Choose a writable path with --out")
        } catch {
            throw StoreError(.failure, "cannot write \(path): \(error.localizedDescription)", hint: "Choose a writable path with --out")
        }
    }

    /// The inputs of `disrupt report`.
    struct Arguments: ParsableArguments {
        @Option(help: "First day of the period.") var from: Day
        @Option(help: "Last day of the period.") var to: Day
        @Option(help: "marac or matac.", valueName: "FORUM") var forum: ReportForum
        @Option(help: "Only meetings held in this area (as recorded on the meeting).", valueName: "A") var area: NonBlankText?
        @Option(help: "html, markdown, json or csv (default: html).", valueName: "FORMAT") var format: ReportFormat = .html
        @Option(help: "Write to this file (csv: this directory, one file per table) instead of standard output.", valueName: "PATH") var out: String?
        @Flag(help: "Show counts from 1 to 4 as <5 (default for html and csv).") var suppressSmall: Bool
        @Flag(help: "Show every count as it is (for the partnership only; default for json and markdown).") var noSuppressSmall: Bool
        @Option(help: "Judge 'overdue now' and partial after-periods on this day (default: today).") var asOf: Day?
        @Option(help: "Why you run it (logged; default 'steering group report').") var purpose: ReasonText?

        func validate() throws(ValidationError) {
            guard to >= from else { throw ValidationError("--to must be on or after --from") }
            guard format != .csv || out != nil else { throw ValidationError("--format csv writes one file per table: give a directory with --out") }
            guard !(suppressSmall && noSuppressSmall) else { throw ValidationError("Give --suppress-small or --no-suppress-small, not both") }
        }
    }
}

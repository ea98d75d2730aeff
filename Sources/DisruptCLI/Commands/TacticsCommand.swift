import DisruptCore
import DisruptStore
import Foundation

/// `disrupt tactics`: the tactic catalogue actions are chosen from, as the database holds it,
/// and `disrupt tactics import` (administrators) to change it.
enum TacticsCommand {
    static let spec = CommandSpec(
        "tactics", abstract: "List the tactic catalogue (held by the database) that actions are chosen from.",
        discussion: """
            IDVA CHECK yes: an Idva must agree the action is safe for the victim and children before it starts; \
            no: an administrator exempted the tactic (the reason is in --format json). A new database holds the \
            shipped Config/tactics.json; administrators change it with 'disrupt tactics import'.
            """,
        arguments: Arguments.self,
        examples: ["disrupt tactics", "disrupt tactics --heading divert", "disrupt tactics --format json"],
        subcommands: [importSpec]
    ) { input, invocation in
        let db = try invocation.database()
        let catalogue = try db.transaction { try TacticStore().catalogue(on: db) }
        let tactics = input.heading.map { catalogue.tactics(under: $0) } ?? catalogue.tactics
        if input.format == .json {
            try invocation.console.printJSON(tactics)
        } else {
            var table = TextTable(["CODE", "HEADING", "AGENCY", "IDVA CHECK", "LABEL"], maxWidth: 80)
            for tactic in tactics {
                table.append([tactic.code, tactic.heading.rawValue, tactic.agency.rawValue, tactic.needsSafetyCheck ? "yes" : "no", tactic.label])
            }
            invocation.console.print(table.render())
        }
        return 0
    }

    static let importSpec = CommandSpec(
        "import", abstract: "Make the database's tactic catalogue a tactics.json file (administrators only).",
        discussion: """
            FILE has the layout of Config/tactics.json; without it, the configured tactics.json is used (the \
            config directory's copy, else the built-in one). Tactics are added or changed; tactics the file lacks \
            are retired (no new action may use them; existing actions keep them). The file is checked first: \
            a tactic that is mediation, couples or joint counselling, family therapy, restorative justice or other \
            joint work with the victim is refused (exit 1), and so is an exemption from the Idva check without a \
            reason (safety_check_exempt_reason). Every change is in the audit log. Exit 4 unless an administrator.
            """,
        arguments: ImportArguments.self,
        examples: ["disrupt tactics import", "disrupt tactics import ./tactics.json --format json"]
    ) { input, invocation in
        let catalogue = try load(input.file, invocation: invocation)
        let db = try invocation.database()
        let report = try TacticStore().importCatalogue(catalogue, on: db)
        if input.format == .json {
            try invocation.console.printJSON(report)
        } else {
            invocation.console.print("Tactic catalogue: \(report.added.count) added, \(report.changed.count) changed, \(report.unchanged.count) unchanged, \(report.retired.count) retired.")
            for (what, codes) in [("added", report.added), ("changed", report.changed), ("retired", report.retired)] where !codes.isEmpty {
                invocation.console.print("  \(what): \(codes.joined(separator: ", "))")
            }
        }
        return 0
    }

    /// The catalogue in `file`, or the configured tactics.json; a bad file is exit 1 naming file and key.
    private static func load(_ file: String?, invocation: Invocation) throws -> TacticCatalogue {
        guard let file else { return try invocation.riskModel().tactics }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw StoreError(.usage, "cannot read \(file): \(error.localizedDescription)")
        }
        do {
            return try TacticCatalogue.decode(data, file: file)
        } catch let error as ConfigurationError {
            throw StoreError(.failure, "\(error)")
        }
    }

    /// The inputs of `disrupt tactics`.
    struct Arguments: ParsableArguments {
        @Option(help: "Only this heading.", valueName: "HEADING") var heading: ActionHeading?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// The inputs of `disrupt tactics import`.
    struct ImportArguments: ParsableArguments {
        @Argument(name: "FILE", help: "A tactics.json file (default: the configured one).") var file: String?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }
}

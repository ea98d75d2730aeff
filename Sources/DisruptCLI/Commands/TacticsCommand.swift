import DisruptCore
import DisruptStore

/// `disrupt tactics`: the tactic catalogue actions are chosen from.
enum TacticsCommand {
    static let spec = CommandSpec(
        "tactics", abstract: "List the tactic catalogue (Config/tactics.json) that actions are chosen from.",
        discussion: "IDVA CHECK yes: an Idva must agree the action is safe for the victim and children before it starts.",
        arguments: Arguments.self,
        examples: ["disrupt tactics", "disrupt tactics --heading divert", "disrupt tactics --format json"]
    ) { input, invocation in
        let catalogue = try invocation.riskModel().tactics
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

    /// The inputs of `disrupt tactics`.
    struct Arguments: ParsableArguments {
        @Option(help: "Only this heading.", valueName: "HEADING") var heading: ActionHeading?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }
}

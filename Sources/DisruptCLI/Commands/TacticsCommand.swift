import DisruptCore
import DisruptStore

/// `disrupt tactics`: the tactic catalogue actions are chosen from.
enum TacticsCommand {
    static let spec = CommandSpec(
        "tactics", abstract: "List the tactic catalogue (Config/tactics.json) that actions are chosen from.",
        discussion: "IDVA CHECK yes: an Idva must agree the action is safe for the victim and children before it starts.",
        options: [.option("--heading", "HEADING", "Only this heading.", allowed: ActionHeading.allCases.map(\.rawValue)),
                  .format(["text", "json"])],
        examples: ["disrupt tactics", "disrupt tactics --heading divert", "disrupt tactics --format json"]
    ) { invocation in
        let catalogue = try invocation.riskModel().tactics
        let tactics = invocation.option("--heading").flatMap(ActionHeading.init(rawValue:)).map { catalogue.tactics(under: $0) } ?? catalogue.tactics
        if invocation.format() == "json" {
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
}

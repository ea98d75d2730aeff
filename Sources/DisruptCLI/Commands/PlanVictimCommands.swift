import DisruptCore
import DisruptStore

/// `disrupt plan victim add|remove`: the victims a plan protects and each one's Idva, who then
/// hears of every change to the plan's actions in her inbox.
enum PlanVictimCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "victim", abstract: "Name the victims a plan protects and each one's Idva.",
            discussion: "The Idva (an active staff login with role idva, who may see the person and the victim) gets an idva_update in her inbox for every change to the plan's actions: added (her safety check asked for), started, blocked, done, cancelled, reassigned, extended, safety check given.",
            examples: ["disrupt plan victim add 12 V-000045 --idva idva_jones", "disrupt plan victim remove 12 V-000045"],
            subcommands: [add, remove]
        )
    }

    static let add = CommandSpec(
        "add", abstract: "Name a victim (party reference) the plan protects, with her Idva.",
        discussion: "Naming the same victim again changes her Idva. A plan or party you may not see: exit 3.",
        arguments: Add.self,
        examples: ["disrupt plan victim add 12 V-000045 --idva idva_jones"]
    ) { input, invocation in
        _ = try invocation.reading { db in try AlertStore().addVictim(plan: input.plan.value, partyRef: input.party.text, idva: input.idva.text, on: db) }
        invocation.console.print("Plan \(input.plan.value) protects \(input.party.text); Idva \(input.idva.text).")
        return 0
    }

    static let remove = CommandSpec(
        "remove", abstract: "Stop naming a victim on a plan.",
        arguments: Remove.self,
        examples: ["disrupt plan victim remove 12 V-000045"]
    ) { input, invocation in
        try invocation.reading { db in try AlertStore().removeVictim(plan: input.plan.value, partyRef: input.party.text, on: db) }
        invocation.console.print("Plan \(input.plan.value) no longer names \(input.party.text).")
        return 0
    }

    /// The inputs of `plan victim add`.
    struct Add: ParsableArguments {
        @Argument(name: "PLAN", help: "The plan id.") var plan: RecordID
        @Argument(name: "PARTY", help: "The victim's party reference.") var party: NonBlankText
        @Option(help: "Her Idva (an active Idva staff login).", valueName: "LOGIN") var idva: NonBlankText
    }

    /// The inputs of `plan victim remove`.
    struct Remove: ParsableArguments {
        @Argument(name: "PLAN", help: "The plan id.") var plan: RecordID
        @Argument(name: "PARTY", help: "The victim's party reference.") var party: NonBlankText
    }
}

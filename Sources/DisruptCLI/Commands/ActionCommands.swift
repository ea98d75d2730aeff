import DisruptCore
import DisruptStore

/// `disrupt action ...`: the actions of a plan and their life
/// (open -> in_progress -> done; cancel or block on the way; blocked -> in_progress).
enum ActionCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "action", abstract: "Actions in plans: add, start, done, cancel, block, reassign, extend, safety-check, show, list.",
            discussion: """
                Life of an action: open -> in_progress -> done (needs --outcome); open, in_progress or
                blocked -> cancelled (needs --reason); open or in_progress -> blocked (needs --reason);
                blocked -> in_progress. An action cannot start until an Idva has agreed it is safe for
                the victim and children (action safety-check), unless an administrator exempted its tactic.

                Changes take --version N, the version shown by show/list. If someone changed the action
                since, nothing is changed, the current state is printed and the exit code is 5.
                """,
            examples: ["disrupt action add 12 --heading disrupt --tactic anpr_flagging --agency police --due 2025-06-30",
                       "disrupt action list --overdue"],
            subcommands: [add, start, done, cancel, block, reassign, extend, safetyCheck, show, list]
        )
    }

    static let add = CommandSpec(
        "add", abstract: "Add an action for a catalogued tactic to an open plan.",
        discussion: "The tactic must be in the catalogue (disrupt tactics) and --heading must be its heading. An Idva must check the action before it starts unless an administrator exempted the tactic.",
        arguments: [ArgumentSpec("PLAN", help: "A plan id, or a person (their open plan).")],
        options: [.option("--heading", "HEADING", "prosecute, disrupt, divert or manage.", required: true, allowed: ActionHeading.allCases.map(\.rawValue)),
                  .option("--tactic", "CODE", "A tactic code from 'disrupt tactics'.", required: true),
                  .option("--agency", "AGENCY", "The agency that owns the action.", required: true),
                  .option("--owner", "LOGIN", "The person who owns it (active staff of that agency)."),
                  .option("--due", "YYYY-MM-DD", "When it is due.", required: true),
                  .option("--note", "TEXT", "What was agreed."), .format(["text", "json"])],
        examples: ["disrupt action add 12 --heading prosecute --tactic arrest_charge --agency police --owner pc_smith --due 2025-06-30",
                   "disrupt action add P000123 --heading manage --tactic mappa_referral --agency probation --due 2025-07-15 --note 'Refer at level 2'"]
    ) { invocation in
        guard let heading = invocation.option("--heading").flatMap(ActionHeading.init(rawValue:)),
              let agency = try invocation.agency(), let due = try invocation.day("--due") else {
            throw invocation.usage("--heading, --agency and --due are required")
        }
        let validated = try invocation.riskModel().tactics.require(
            .tactic(code: try invocation.requiredText("--tactic"), heading: heading))
        let db = try invocation.database()
        let action = try db.transaction {
            let planId = try PlanStore().resolvePlan(try invocation.requiredArgument("PLAN"), on: db)
            return try ActionStore().add(
                planId: planId, action: validated, agency: agency, ownerLogin: invocation.option("--owner"),
                dueOn: due, note: invocation.option("--note"), asOf: Day.today(), on: db)
        }
        if invocation.format() == "json" {
            try invocation.console.printJSON(action)
        } else {
            invocation.console.print("Added action \(action.id) to plan \(action.planId) (\(action.heading): \(action.tactic), \(action.agency)), due \(action.dueOn.iso); version \(action.version).")
            if action.needsSafetyCheck {
                invocation.console.print("An Idva must agree it is safe for the victim and children before it starts (disrupt action safety-check \(action.id) --version \(action.version) --by IDVA_LOGIN).")
            }
        }
        return 0
    }

    static let start = transition("start", abstract: "Start an action (open or blocked -> in_progress).", textOption: nil,
                                  example: "disrupt action start 7 --version 2") { _ in .start }
    static let done = transition("done", abstract: "Finish an action with its outcome (in_progress -> done).",
                                 textOption: ("--outcome", "What happened."),
                                 example: "disrupt action done 7 --version 3 --outcome 'Charged with ABH; remanded'") { .done(outcome: $0!) }
    static let cancel = transition("cancel", abstract: "Cancel an action with a reason.", textOption: ("--reason", "Why."),
                                   example: "disrupt action cancel 7 --version 3 --reason 'Victim moved out of area'") { .cancel(reason: $0!) }
    static let block = transition("block", abstract: "Mark an action blocked with a reason.", textOption: ("--reason", "What blocks it."),
                                  example: "disrupt action block 7 --version 3 --reason 'Awaiting CPS advice'") { .block(reason: $0!) }

    static let reassign = CommandSpec(
        "reassign", abstract: "Give a live action to another agency and/or owner, with a reason.",
        discussion: "Without --owner the action belongs to the agency with nobody named.",
        arguments: [ArgumentSpec("ACTION", help: "The action id.")],
        options: [Invocation.versionOption, .option("--agency", "AGENCY", "The new agency (default: unchanged)."),
                  .option("--owner", "LOGIN", "The new owner (active staff of the agency)."),
                  .option("--reason", "TEXT", "Why.", required: true), .format(["text", "json"])],
        examples: ["disrupt action reassign 7 --version 3 --agency probation --owner po_khan --reason 'Now on licence'"]
    ) { invocation in
        let action = try ActionStore().reassign(
            actionId: try invocation.id("ACTION"), version: try invocation.expectedVersion(), agency: try invocation.agency(),
            ownerLogin: invocation.option("--owner"), reason: try invocation.requiredText("--reason"), asOf: Day.today(),
            on: try invocation.database())
        try printChanged(action, invocation)
        return 0
    }

    static let extend = CommandSpec(
        "extend", abstract: "Move a live action's due date, with a reason.",
        arguments: [ArgumentSpec("ACTION", help: "The action id.")],
        options: [Invocation.versionOption, .option("--due", "YYYY-MM-DD", "The new due date.", required: true),
                  .option("--reason", "TEXT", "Why.", required: true), .format(["text", "json"])],
        examples: ["disrupt action extend 7 --version 3 --due 2025-07-31 --reason 'Court date moved'"]
    ) { invocation in
        guard let due = try invocation.day("--due") else { throw invocation.usage("--due is required") }
        let action = try ActionStore().extend(
            actionId: try invocation.id("ACTION"), version: try invocation.expectedVersion(), dueOn: due,
            reason: try invocation.requiredText("--reason"), asOf: Day.today(), on: try invocation.database())
        try printChanged(action, invocation)
        return 0
    }

    static let safetyCheck = CommandSpec(
        "safety-check", abstract: "Record that an Idva agreed the action is safe for the victim and children.",
        discussion: "--by names the Idva (an active staff member with role idva). The Idva records it, or anyone who may change the action records the Idva's agreement at the meeting.",
        arguments: [ArgumentSpec("ACTION", help: "The action id.")],
        options: [Invocation.versionOption, .option("--by", "LOGIN", "The Idva who agreed.", required: true), .format(["text", "json"])],
        examples: ["disrupt action safety-check 7 --version 1 --by idva_patel"]
    ) { invocation in
        let action = try ActionStore().safetyCheck(
            actionId: try invocation.id("ACTION"), version: try invocation.expectedVersion(), idvaLogin: try invocation.requiredText("--by"),
            asOf: Day.today(), on: try invocation.database())
        try printChanged(action, invocation)
        return 0
    }

    static let show = CommandSpec(
        "show", abstract: "Show an action and its history: who changed what, when, from, to and why.",
        arguments: [ArgumentSpec("ACTION", help: "The action id.")],
        options: [Invocation.asOfOption, .format(["text", "json"])],
        examples: ["disrupt action show 7", "disrupt action show 7 --format json"]
    ) { invocation in
        let detail = try ActionStore().detail(actionId: try invocation.id("ACTION"), asOf: try invocation.asOf(), on: try invocation.database())
        if invocation.format() == "json" {
            try invocation.console.printJSON(detail)
        } else {
            invocation.console.print(PlanText.action(detail))
        }
        return 0
    }

    static let list = CommandSpec(
        "list", abstract: "List actions of every agency, overdue first (live ones unless --status says otherwise).",
        options: [.option("--plan", "PLAN", "Only this plan (id, or a person)."),
                  .option("--agency", "AGENCY", "Only this agency's actions."),
                  .option("--owner", "LOGIN", "Only this owner's actions."),
                  .option("--status", "STATUS", "live (default), open, in_progress, blocked, done, cancelled or all.",
                          allowed: ["live", "all"] + ActionFilter.allStatuses),
                  .flag("--overdue", "Only overdue actions."),
                  .option("--due-within", "DAYS", "Only actions due within this many days of the as-of date (or overdue)."),
                  Invocation.asOfOption, .format(["text", "json"])],
        examples: ["disrupt action list --overdue", "disrupt action list --agency probation --due-within 7",
                   "disrupt action list --plan 12 --status all --format json"]
    ) { invocation in
        let statuses: [String]? = switch invocation.option("--status") ?? "live" {
        case "live": ActionFilter.live
        case "all": nil
        case let one: [one]
        }
        let within = try invocation.int("--due-within")
        if let within, within < 0 { throw invocation.usage("--due-within must be 0 or more days") }
        let db = try invocation.database()
        let actions = try db.transaction {
            let planId = try invocation.option("--plan").map { try PlanStore().resolvePlan($0, on: db) }
            let filter = ActionFilter(planId: planId, agency: try invocation.agency(), ownerLogin: invocation.option("--owner"),
                                      statuses: statuses, overdueOnly: invocation.flag("--overdue"), dueWithinDays: within)
            return try ActionStore().list(filter, asOf: try invocation.asOf(), on: db)
        }
        if invocation.format() == "json" {
            try invocation.console.printJSON(actions)
        } else if actions.isEmpty {
            invocation.console.print("No actions match.")
        } else {
            invocation.console.print(PlanText.actionTable(actions, console: invocation.console, showPerson: true))
        }
        return 0
    }

    /// A lifecycle command: ACTION, --version and optionally a required text (--outcome / --reason).
    private static func transition(_ name: String, abstract: String, textOption: (name: String, help: String)?, example: String,
                                   _ change: @escaping @Sendable (String?) -> ActionTransition) -> CommandSpec {
        var options = [Invocation.versionOption]
        if let textOption { options.append(.option(textOption.name, "TEXT", textOption.help, required: true)) }
        options.append(.format(["text", "json"]))
        return CommandSpec(
            name, abstract: abstract, arguments: [ArgumentSpec("ACTION", help: "The action id.")], options: options, examples: [example]
        ) { invocation in
            let text = try textOption.map { try invocation.requiredText($0.name) }
            let action = try ActionStore().transition(
                actionId: try invocation.id("ACTION"), version: try invocation.expectedVersion(), change(text), asOf: Day.today(),
                on: try invocation.database())
            try printChanged(action, invocation)
            return 0
        }
    }

    private static func printChanged(_ action: ActionRecord, _ invocation: Invocation) throws {
        if invocation.format() == "json" {
            try invocation.console.printJSON(action)
        } else {
            invocation.console.print(PlanText.changed(action))
        }
    }
}

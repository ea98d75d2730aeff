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
                the victim and children (action safety-check): every action needs it, except one for a
                tactic an administrator exempted in the catalogue (disrupt tactics shows IDVA CHECK).

                Changes take --version N, the version shown by show/list. If someone changed the action
                since, nothing is changed, the current state is printed and the exit code is 5.
                """,
            examples: ["disrupt action add 12 --heading disrupt --tactic anpr_flagging --agency police --due 2025-06-30",
                       "disrupt action list --overdue"],
            subcommands: [add, start, done, cancel, block, reassign, extend, safetyCheck, show, list]
        )
    }

    static let add = CommandSpec(
        "add", abstract: "Add an action to an open plan: a catalogued tactic, or a custom action (--label).",
        discussion: """
            A tactic must be in the database's catalogue (disrupt tactics); it fixes the heading, and --heading, if given, \
            must be that heading. A custom action is --label TEXT under --heading. Mediation, couples or joint counselling, \
            family therapy, restorative justice and other joint work with the victim are refused. An Idva must agree \
            every action is safe for the victim and children before it starts, unless its tactic is exempt in the \
            catalogue; the database decides.
            """,
        arguments: Add.self,
        examples: ["disrupt action add 12 --heading prosecute --tactic arrest_charge --agency police --owner pc_smith --due 2025-06-30",
                   "disrupt action add P000123 --heading manage --tactic mappa_referral --agency probation --due 2025-07-15 --note 'Refer at level 2'",
                   "disrupt action add 12 --heading divert --label 'Ask the GP to offer alcohol treatment' --agency health --due 2025-07-01"]
    ) { input, invocation in
        let action = try invocation.reading { db in
            let validated = try TacticStore().catalogue(on: db).require(input.proposal)
            let planId = try PlanStore().resolvePlan(input.plan, on: db)
            return try ActionStore().add(
                planId: planId, action: validated, agency: input.agency.rawValue, ownerLogin: input.owner,
                dueOn: input.due, note: input.note, asOf: Day.today(), on: db)
        }
        if input.format == .json {
            try invocation.console.printJSON(action)
        } else {
            invocation.console.print("Added action \(action.id) to plan \(action.planId) (\(action.heading): \(action.what), \(action.agency)), due \(action.dueOn.iso); version \(action.version).")
            if action.needsSafetyCheck {
                invocation.console.print("An Idva must agree it is safe for the victim and children before it starts (the Idva: disrupt action safety-check \(action.id) --version \(action.version); or the chair at the meeting: add --by IDVA_LOGIN --at-meeting).")
            }
        }
        return 0
    }

    static let start = transition("start", abstract: "Start an action (open or blocked -> in_progress).", Change.self,
                                  example: "disrupt action start 7 --version 2") { _ in .start }
    static let done = transition("done", abstract: "Finish an action with its outcome (in_progress -> done).", Done.self,
                                 example: "disrupt action done 7 --version 3 --outcome 'Charged with ABH; remanded'") { .done(outcome: $0.outcome.text) }
    static let cancel = transition("cancel", abstract: "Cancel an action with a reason.", Cancel.self,
                                   example: "disrupt action cancel 7 --version 3 --reason 'Victim moved out of area'") { .cancel(reason: $0.reason.text) }
    static let block = transition("block", abstract: "Mark an action blocked with a reason.", Block.self,
                                  example: "disrupt action block 7 --version 3 --reason 'Awaiting CPS advice'") { .block(reason: $0.reason.text) }

    static let reassign = CommandSpec(
        "reassign", abstract: "Give a live action to another agency and/or owner, with a reason.",
        discussion: "Without --owner the action belongs to the agency with nobody named.",
        arguments: Reassign.self,
        examples: ["disrupt action reassign 7 --version 3 --agency probation --owner po_khan --reason 'Now on licence'"]
    ) { input, invocation in
        let action = try invocation.reading { db in try ActionStore().reassign(
            actionId: input.action.value, version: input.version?.value, agency: input.agency?.rawValue,
            ownerLogin: input.owner, reason: input.reason.text, asOf: Day.today(),
            on: db) }
        try printChanged(action, input.format, invocation)
        return 0
    }

    static let extend = CommandSpec(
        "extend", abstract: "Move a live action's due date, with a reason.",
        arguments: Extend.self,
        examples: ["disrupt action extend 7 --version 3 --due 2025-07-31 --reason 'Court date moved'"]
    ) { input, invocation in
        let action = try invocation.reading { db in try ActionStore().extend(
            actionId: input.action.value, version: input.version?.value, dueOn: input.due,
            reason: input.reason.text, asOf: Day.today(), on: db) }
        try printChanged(action, input.format, invocation)
        return 0
    }

    static let safetyCheck = CommandSpec(
        "safety-check", abstract: "Record that an Idva agreed the action is safe for the victim and children.",
        discussion: """
            Two ways, and only these: an Idva records her own agreement (--by, if given, is her own login); or a chair \
            records the agreement the named Idva gave at the meeting (--by IDVA_LOGIN --at-meeting). The Idva must be \
            an active staff member with role idva. The action records both the Idva and who recorded it. Anyone else \
            (the SPOC, the action's agency, a coordinator, an administrator) is refused with exit 4.
            """,
        arguments: SafetyCheck.self,
        examples: ["disrupt action safety-check 7 --version 1                              # as the Idva",
                   "disrupt action safety-check 7 --version 1 --by idva_patel --at-meeting # as the chair"]
    ) { input, invocation in
        let action = try invocation.reading { db in try ActionStore().safetyCheck(
            actionId: input.action.value, version: input.version?.value, idvaLogin: input.by?.text,
            atMeeting: input.atMeeting, asOf: Day.today(), on: db) }
        try printChanged(action, input.format, invocation)
        return 0
    }

    static let show = CommandSpec(
        "show", abstract: "Show an action and its history: who changed what, when, from, to and why.",
        arguments: Show.self,
        examples: ["disrupt action show 7", "disrupt action show 7 --format json"]
    ) { input, invocation in
        let detail = try invocation.reading { db in try ActionStore().detail(actionId: input.action.value, asOf: input.asOf ?? Day.today(), on: db) }
        if input.format == .json {
            try invocation.console.printJSON(detail)
        } else {
            invocation.console.print(PlanText.action(detail))
        }
        return 0
    }

    static let list = CommandSpec(
        "list", abstract: "List actions of every agency, overdue first (live ones unless --status says otherwise).",
        arguments: List.self,
        examples: ["disrupt action list --overdue", "disrupt action list --agency probation --due-within 7",
                   "disrupt action list --plan 12 --status all --format json"]
    ) { input, invocation in
        let actions = invocation.console.reporting(try invocation.reading { db in
            let planId = try input.plan.map { try PlanStore().resolvePlan($0, on: db) }
            let filter = ActionFilter(planId: planId, agency: input.agency?.rawValue, ownerLogin: input.owner,
                                      statuses: input.status.statuses, overdueOnly: input.overdue, dueWithinDays: input.dueWithin)
            return try ActionStore().list(filter, asOf: input.asOf ?? Day.today(), on: db)
        })
        if input.format == .json {
            try invocation.console.printJSON(actions)
        } else if actions.isEmpty {
            invocation.console.print("No actions match.")
        } else {
            invocation.console.print(PlanText.actionTable(actions, console: invocation.console, showPerson: true))
        }
        return 0
    }

    /// A lifecycle command: ACTION, --version and, per `Arguments`, a required text (--outcome / --reason).
    private static func transition<Arguments: TransitionArguments>(
        _ name: String, abstract: String, _ arguments: Arguments.Type, example: String,
        _ change: @escaping @Sendable (Arguments) -> ActionTransition
    ) -> CommandSpec {
        CommandSpec(name, abstract: abstract, arguments: arguments, examples: [example]) { input, invocation in
            let action = try invocation.reading { db in try ActionStore().transition(
                actionId: input.action.value, version: input.version?.value, change(input), asOf: Day.today(),
                on: db) }
            try printChanged(action, input.format, invocation)
            return 0
        }
    }

    private static func printChanged(_ action: ActionRecord, _ format: TextOrJSON, _ invocation: Invocation) throws {
        if format == .json {
            try invocation.console.printJSON(action)
        } else {
            invocation.console.print(PlanText.changed(action))
        }
    }
}

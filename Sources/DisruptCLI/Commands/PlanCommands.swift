import DisruptCore
import DisruptStore

/// `disrupt plan ...`: open, show, list, update and close disruption plans.
enum PlanCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "plan", abstract: "Disruption plans: one open plan per person, owned by a SPOC.",
            examples: ["disrupt plan open P000123 --spoc pc_smith --review-on 2025-07-01", "disrupt plan show P000123"],
            subcommands: [open, show, list, update, close, PlanVictimCommands.spec]
        )
    }

    static let open = CommandSpec(
        "open", abstract: "Open a plan for a person with a SPOC (one open plan per person).",
        discussion: "PERSON is a reference, PNC id or exact name. The SPOC must be an active staff member with role spoc. A person who already has an open plan: exit 5.",
        arguments: Open.self,
        examples: ["disrupt plan open P000123 --spoc pc_smith --review-on 2025-07-01"]
    ) { input, invocation in
        let plan = try invocation.reading { db in try PlanStore().open(
            person: input.person, spocLogin: input.spoc.text,
            reviewOn: input.reviewOn, asOf: Day.today(), on: db) }
        try printPlan(plan, input.format, invocation, verb: "Opened")
        return 0
    }

    static let show = CommandSpec(
        "show", abstract: "Show a plan and every agency's actions under their headings.",
        discussion: "Digits name a plan; anything else names a person (their open plan, else their latest). Overdue actions are marked OVERDUE with the days; VERSION is what changes pass as --version.",
        arguments: Show.self,
        examples: ["disrupt plan show 12", "disrupt plan show P000123 --format json"]
    ) { input, invocation in
        let detail = try invocation.reading { db in invocation.console.reporting(try PlanStore().detail(input.plan, asOf: input.asOf ?? Day.today(), on: db)) }
        if input.format == .json {
            try invocation.console.printJSON(detail)
        } else {
            invocation.console.print(PlanText.plan(detail, console: invocation.console))
        }
        return 0
    }

    static let list = CommandSpec(
        "list", abstract: "List plans (open ones by default), with live and overdue action counts.",
        arguments: List.self,
        examples: ["disrupt plan list", "disrupt plan list --spoc pc_smith --format json", "disrupt plan list --status closed"]
    ) { input, invocation in
        let status = input.status.rawValue
        let plans = try invocation.reading { db in invocation.console.reporting(try PlanStore().list(
            spocLogin: input.spoc, status: input.status == .all ? nil : status,
            asOf: input.asOf ?? Day.today(), on: db)) }
        if input.format == .json {
            try invocation.console.printJSON(plans)
        } else if plans.isEmpty {
            invocation.console.print("No \(status == "all" ? "" : status + " ")plans.")
        } else {
            var table = TextTable(["PLAN", "PERSON", "SPOC", "AGENCY", "STATUS", "REVIEW", "LIVE", "OVERDUE", "VERSION"])
            for plan in plans {
                table.append(["\(plan.id)", plan.personRef, plan.spocLogin, plan.agency, plan.status, plan.reviewOn?.iso ?? "-",
                              "\(plan.liveActions)", "\(plan.overdueActions)", "\(plan.version)"])
            }
            invocation.console.print(table.render())
        }
        return 0
    }

    static let update = CommandSpec(
        "update", abstract: "Change a plan's SPOC and/or review date.",
        discussion: "A stale --version (someone changed the plan since you looked) changes nothing, prints the current state and exits 5.",
        arguments: Update.self,
        examples: ["disrupt plan update 12 --version 3 --review-on 2025-08-01", "disrupt plan update 12 --version 4 --spoc ds_jones"]
    ) { input, invocation in
        let plan = try invocation.reading { db in try PlanStore().update(
            planId: input.plan.value, version: input.version?.value, spocLogin: input.spoc, reviewOn: input.reviewOn,
            asOf: Day.today(), on: db) }
        try printPlan(plan, input.format, invocation, verb: "Updated")
        return 0
    }

    static let close = CommandSpec(
        "close", abstract: "Close a plan with a reason; its live actions are cancelled with that reason.",
        arguments: Close.self,
        examples: ["disrupt plan close 12 --version 5 --reason 'Sentenced to 4 years; managed by MAPPA'"]
    ) { input, invocation in
        let plan = try invocation.reading { db in try PlanStore().close(
            planId: input.plan.value, version: input.version?.value, reason: input.reason.text,
            asOf: Day.today(), on: db) }
        try printPlan(plan, input.format, invocation, verb: "Closed")
        return 0
    }

    private static func printPlan(_ plan: PlanRecord, _ format: TextOrJSON, _ invocation: Invocation, verb: String) throws {
        if format == .json {
            try invocation.console.printJSON(plan)
        } else {
            invocation.console.print("\(verb): \(PlanText.planLine(plan)).")
        }
    }
}

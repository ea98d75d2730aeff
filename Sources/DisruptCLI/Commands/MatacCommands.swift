import DisruptCore
import DisruptStore

/// `disrupt matac select|enter|exit|cohort`: the MATAC cohort, from selection to exit.
enum MatacCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "matac", abstract: "The MATAC cohort: select the highest-RFG serial perpetrators, enter, exit, list.",
            discussion: """
                An open cohort entry is what "in the MATAC cohort" means (a forum link of forum matac is an
                agency's record of the link, not membership). Entry and exit record the day and the RFG the
                database holds for him then (risk_current, written by disrupt recompute), never a number
                typed in. Chairs, coordinators and administrators enter and exit; any staff member selects
                and lists. A state conflict (already a member, not a member, exit before entry) is exit 5
                with the current state.
                """,
            examples: ["disrupt matac select --top 5", "disrupt matac cohort --all"],
            subcommands: [select, enter, exit, cohort]
        )
    }

    static let select = CommandSpec(
        "select", abstract: "Propose the highest-RFG serial perpetrators not in the cohort, with why.",
        discussion: """
            From the stored ranking (disrupt rank --by rfg: same order and ties), keeping serial perpetrators
            who are not in the cohort. For each: RFG and its terms, then the serial trigger's reason and
            evidence on the records you can see as of --as-of (read live, as disrupt triggers does: a
            consultation logged with --purpose). Stale stored scores are warned about on standard error.
            """,
        arguments: Select.self,
        examples: ["disrupt matac select --top 5", "disrupt matac select --top 10 --as-of 2026-11-26 --format json"]
    ) { input, invocation in
        let asOf = input.asOf ?? Day.today()
        let model = try invocation.riskModel()
        let consultation = Consultation(purpose: input.purpose?.trimmed ?? "MATAC selection", scope: "matac select",
                                        detail: ["as_of": asOf.iso, "top": String(input.top)])
        let candidates = invocation.console.reporting(try invocation.reading(consultation) { db in
            let freshness = try RiskStore(model: model).freshness(asOf: asOf, on: db)
            if !freshness.isCurrent { invocation.console.error(RiskCommands.staleWarning(freshness, asOf: asOf)) }
            return try MatacStore(model: model).select(top: input.top, asOf: asOf, on: db)
        })
        if input.format == .json {
            try invocation.console.printJSON(candidates)
            return 0
        }
        if candidates.isEmpty {
            invocation.console.print("No serial perpetrator outside the cohort has a stored score.")
            return 0
        }
        for candidate in candidates {
            let row = candidate.ranked
            invocation.console.print(invocation.console.styled(
                "\(row.rank). \(row.person)  RFG \(row.rfg.total) (recency \(row.rfg.recency), frequency \(row.rfg.frequency), "
                    + "gravity \(row.rfg.gravity), victims \(row.rfg.victims))  score \(row.score) \(row.band)", .bold))
            invocation.console.print("   \(row.victims) victim(s) in the RFG window, latest incident \(row.latestIncidentOn?.iso ?? "none")")
            if let serial = candidate.serial {
                invocation.console.print("   serial: \(serial.reason)")
                for e in serial.evidence { invocation.console.print("      \(e.kind.rawValue) \(e.ref) \(e.on.iso)") }
            } else {
                invocation.console.print("   serial: flagged on the stored score; not on the records you can see")
            }
        }
        invocation.console.print("Enter with: disrupt matac enter PERSON --reason TEXT")
        return 0
    }

    static let enter = CommandSpec(
        "enter", abstract: "Enter a person into the MATAC cohort (the database records his RFG now).",
        discussion: "Chairs, coordinators and administrators. A person you cannot see is not found (exit 3); one already in the cohort is exit 5.",
        arguments: Change.self,
        examples: ["disrupt matac enter P-000123 --reason 'MATAC 2026-12-01: top RFG, 3 victims'"]
    ) { input, invocation in
        let model = try invocation.riskModel()
        let member = try invocation.reading { db in
            try MatacStore(model: model).enter(person: input.person, reason: input.reason.trimmed, on: input.on, db: db)
        }
        try printChange(member, input.format, invocation)
        return 0
    }

    static let exit = CommandSpec(
        "exit", abstract: "Record a member's exit from the MATAC cohort (the database records his RFG now).",
        discussion: "Chairs, coordinators and administrators. Not a member, or an exit day before his entry: exit 5 with the current state.",
        arguments: Change.self,
        examples: ["disrupt matac exit P-000123 --reason 'Plan complete: no incident for 6 months'"]
    ) { input, invocation in
        let model = try invocation.riskModel()
        let member = try invocation.reading { db in
            try MatacStore(model: model).exit(person: input.person, reason: input.reason.trimmed, on: input.on, db: db)
        }
        try printChange(member, input.format, invocation)
        return 0
    }

    static let cohort = CommandSpec(
        "cohort", abstract: "List the cohort: RFG now beside RFG at entry, and the change.",
        discussion: "With --all, exited members too, with the RFG at exit. Only people you can see are listed.",
        arguments: Cohort.self,
        examples: ["disrupt matac cohort", "disrupt matac cohort --all --format json"]
    ) { input, invocation in
        let model = try invocation.riskModel()
        let members = try invocation.reading { db in try MatacStore(model: model).cohort(includeExited: input.all, on: db) }
        if input.format == .json {
            try invocation.console.printJSON(members)
            return 0
        }
        if members.isEmpty {
            invocation.console.print(input.all ? "Nobody has been in the MATAC cohort." : "Nobody is in the MATAC cohort.")
            return 0
        }
        var table = TextTable(["Person", "Entered", "RFG entry", "RFG now", "Exited", "RFG exit", "Change", "Reason"], maxWidth: 40)
        for m in members {
            table.append([
                m.person, m.enteredOn.iso, String(m.rfgAtEntry), m.rfgNow.map(String.init) ?? "-", m.exitedOn?.iso ?? "-",
                m.rfgAtExit.map(String.init) ?? "-", m.change.map(signed) ?? "-", m.exitReason ?? m.entryReason,
            ])
        }
        invocation.console.print(table.render())
        let exited = members.filter { !$0.isMember }
        if !exited.isEmpty {
            let entry = exited.reduce(0) { $0 + $1.rfgAtEntry }
            let exit = exited.reduce(0) { $0 + ($1.rfgAtExit ?? 0) }
            invocation.console.print("Exited: \(exited.count); RFG \(entry) at entry, \(exit) at exit (\(signed(exit - entry))).")
        }
        return 0
    }

    /// "+3", "-2", "0".
    static func signed(_ n: Int) -> String { n > 0 ? "+\(n)" : String(n) }

    static func printChange(_ m: CohortMember, _ format: TextOrJSON, _ invocation: Invocation) throws {
        if format == .json {
            try invocation.console.printJSON(m)
        } else if let exited = m.exitedOn {
            invocation.console.print(
                "\(m.person) left the MATAC cohort on \(exited.iso): RFG \(m.rfgAtExit ?? 0) at exit, \(m.rfgAtEntry) at entry on \(m.enteredOn.iso) (\(signed(m.change ?? 0))).")
        } else {
            invocation.console.print("\(m.person) entered the MATAC cohort on \(m.enteredOn.iso) with RFG \(m.rfgAtEntry).")
        }
    }

    /// The inputs of `disrupt matac select`.
    struct Select: ParsableArguments {
        @Option(help: "How many people to propose (default 10).") var top: Int = 10
        @Option(help: "The day the serial evidence is read as of (default today).") var asOf: Day?
        @Option(help: "Why you are reading it (logged as a consultation; default: \"MATAC selection\").") var purpose: ReasonText?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            guard top >= 1 else { throw ValidationError("The value '\(top)' is invalid for '--top': expected 1 or more") }
        }
    }

    /// The inputs of `disrupt matac enter` and `disrupt matac exit`.
    struct Change: ParsableArguments {
        @Argument(name: "PERSON", help: "The perpetrator: reference, PNC id or exact name.") var person: String
        @Option(help: "Why (recorded with the entry or exit).") var reason: ReasonText
        @Option(help: "The day (default today).") var on: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// The inputs of `disrupt matac cohort`.
    struct Cohort: ParsableArguments {
        @Flag(help: "Include people who have exited.") var all: Bool
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }
}

import DisruptCore
import DisruptStore
import Foundation

/// `disrupt demo`: a newcomer's first run. It is a script of the real commands, run in this
/// process against the configured database (the embedded one by default), so everything it
/// shows went through the same paths a user's commands take. Running it again changes nothing
/// (the force is generated deterministically, imports are idempotent, the plan is reused).
enum DemoCommand {
    static let spec = CommandSpec(
        "demo", abstract: "Load a synthetic force, plan against its top serial perpetrator, show the summary, hold a Marac and a MATAC meeting and print their minutes.",
        discussion: """
            Generates a force of fictional people, imports it through the real import path, adds demo
            staff (a police SPOC, an Idva, a Marac chair, a probation officer), scores everyone,
            opens a disruption plan with actions for the top-ranked serial perpetrator (with a new
            partner, which the database alerts on, named as a victim with the demo Idva), runs a
            reminder sweep, prints his summary, plans and holds one Marac meeting today (his victim's
            case: research returns, attendance, hearing, decision, an agreed action) and prints its
            minutes, then the top of the MATAC ranking, a MATAC selection with the first proposed
            person entered into the cohort (first run only), and the cohort, plans and holds one MATAC
            meeting today (the cohort member's case: research, attendance, hearing, decision) and prints
            its minutes, and ends with the path
            of the year's MATAC steering-group report it wrote (HTML; --report chooses the file,
            default $DISRUPT_HOME/reports/demo-matac-report.html). Needs an administrator: the
            embedded database's own user is one.
            """,
        arguments: Arguments.self,
        examples: ["disrupt demo", "disrupt demo --people 10000"]
    ) { input, invocation in
        let script = DemoScript(invocation: invocation, asOf: input.asOf ?? Day.today())
        let report = input.report ?? EmbeddedCluster.defaultHome(environment: invocation.environment)
            .appendingPathComponent("reports/demo-matac-report.html").path
        try script.run(people: input.people, seed: "\(input.seed)", reportPath: report)
        return 0
    }

    /// The inputs of `disrupt demo`.
    struct Arguments: ParsableArguments {
        @Option(help: "Size of the synthetic force (default 3000).") var people: Int = 3000
        @Option(help: "Generator seed (default 1).", valueName: "S") var seed: UInt64 = 1
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: "Write the demo's steering-group report here (default: $DISRUPT_HOME/reports/demo-matac-report.html).", valueName: "FILE") var report: String?

        func validate() throws(ValidationError) {
            guard people > 0 else { throw ValidationError("The value for '--people' must be a whole number above 0") }
        }
    }
}

/// The demo's steps, each one a real `disrupt` command line.
struct DemoScript {
    let invocation: Invocation
    let asOf: Day
    var console: Console { invocation.console }

    static let staff: [(login: String, name: String, agency: String, role: String)] = [
        ("demo_spoc", "Demo SPOC (police)", "police", "spoc"),
        ("demo_idva", "Demo Idva", "idva", "idva"),
        ("demo_chair", "Demo Marac chair", "police", "chair"),
        ("demo_probation", "Demo probation officer", "probation", "spoc"),
    ]

    func run(people: Int, seed: String, reportPath: String) throws {
        // The generated force lives in this run's private temporary directory (0700), removed
        // when the demo ends, fails or is interrupted; a killed demo's is removed by the next run.
        let directory = try PrivateTemporaryDirectory(environment: invocation.environment)
        defer { directory.remove() }
        ForceFile.allCases.forEach { _ = directory.file($0.fileName) }
        let force = URL(fileURLWithPath: directory.path)
        console.print(console.styled("disrupt demo", .bold) + ": a synthetic force of \(people) fictional people on \(invocation.location.summary), as of \(asOf.iso)\n")

        try step(["generate", "--people", "\(people)", "--seed", seed, "--out", force.path])
        // staff first: the alerts the database makes as the records arrive need someone to reach
        for member in Self.staff {
            try step(["staff", "add", member.login, "--name", member.name, "--agency", member.agency, "--role", member.role])
        }
        console.print("staff: \(Self.staff.map(\.login).joined(separator: ", "))")
        for kind in ForceFile.allCases {
            let report = try json(["import", kind.rawValue, force.appendingPathComponent(kind.fileName).path, "--format", "json"]) as? [String: Any] ?? [:]
            let counts = ["inserted", "updated", "unchanged", "rejected"].map { "\(report[$0] as? Int ?? 0) \($0)" }
            console.print("imported \(kind.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0)) \(counts.joined(separator: ", "))")
        }
        try step(["recompute", "--all", "--as-of", asOf.iso])

        let top = try json(["rank", "--by", "rfg", "--top", "1", "--as-of", asOf.iso, "--format", "json"]) as? [[String: Any]] ?? []
        guard let person = top.first?["person"] as? String else {
            throw DemoError("the ranking is empty: nothing was imported")
        }
        let plan = try openPlan(for: person)
        let sweep = try json(["remind", "--as-of", asOf.iso, "--format", "json"])
        console.print("disruption plan \(plan) for \(person) (SPOC demo_spoc); reminder sweep: \(Self.describeSweep(sweep))\n")

        try showAlerts()

        try show(["summary", person, "--purpose", "disrupt demo", "--as-of", asOf.iso])
        console.print("")
        try holdMeeting(for: person, plan: plan)
        console.print("")
        console.print(console.styled("MATAC ranking (RFG), top 10", .bold))
        try show(["rank", "--by", "rfg", "--top", "10", "--as-of", asOf.iso])
        try matacCycle()
        let next: [(command: String, why: String)] = [
            ("disrupt person show \(person)", "his whole record"),
            ("disrupt triggers \(person)", "why each risk trigger fired"),
            ("disrupt plan show \(person)", "the plan and its actions"),
            ("PGUSER=demo_spoc disrupt inbox", "the SPOC's reminders"),
            ("PGUSER=demo_chair disrupt alerts", "the open alerts by kind"),
            ("PGUSER=demo_idva disrupt inbox", "the Idva's updates on the plan, by victim"),
            ("PGUSER=demo_probation disrupt summary \(person) --purpose 'Marac case 1'", "what probation may see"),
            ("disrupt summary \(person) --purpose 'Marac pack' --format html --out summary.html", "a printable pack"),
            ("disrupt audit --person \(person)", "who consulted him, and why"),
            ("disrupt meeting agenda \(Self.meeting)", "the Marac meeting's agenda"),
            ("disrupt meeting minutes \(Self.meeting) --agency probation --format html --out minutes.html", "probation's copy of the minutes"),
            ("disrupt matac cohort --all", "the MATAC cohort, RFG now beside entry"),
            ("disrupt meeting minutes \(Self.matacMeeting) --format markdown", "the MATAC meeting's minutes"),
            ("disrupt report --from \(asOf.adding(years: -1).adding(days: 1).iso) --to \(asOf.iso) --forum matac --format markdown", "the steering group's report"),
            ("disrupt --help", "every command"),
        ]
        console.print("\nWhat to try next:")
        for item in next {
            console.print("  # \(item.why)\n  \(item.command)")
        }
        try writeReport(to: reportPath)
    }

    /// The MATAC steering-group report for the year up to as-of; its path is the demo's last line.
    private func writeReport(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let from = asOf.adding(years: -1).adding(days: 1)
        try step(["report", "--from", from.iso, "--to", asOf.iso, "--forum", "matac", "--as-of", asOf.iso,
                  "--format", "html", "--out", path, "--purpose", "disrupt demo report"])
        console.print("\nMATAC steering-group report, \(from.iso) to \(asOf.iso) (disrupt report --help):\n\(path)")
    }

    /// The person's open plan, or a new one with actions under each heading: one overdue (so
    /// the sweep has something to chase) and one that needs an Idva safety check.
    private func openPlan(for person: String) throws -> Int {
        if let shown = try? json(["plan", "show", person, "--format", "json"]) as? [String: Any],
           let existing = shown["plan"] as? [String: Any],
           existing["status"] as? String == "open", let id = existing["plan_id"] as? Int {
            return id
        }
        let plan = try json(["plan", "open", person, "--spoc", "demo_spoc", "--review-on", asOf.adding(days: 28).iso, "--format", "json"]) as? [String: Any]
        guard let id = plan?["plan_id"] as? Int else { throw DemoError("plan open did not report the plan") }
        // a new partner appears (the database alerts his SPOC: Clare's Law right to know), and
        // the plan names her as a victim it protects, with the demo Idva, who then hears of
        // every action added below
        let partner = "DEMO-PARTNER-\(person)"
        try step(["party", "add", "--ref", partner, "--family-name", "Newpartner", "--given-name", "Demo", "--kind", "new_partner"])
        // undated, as a new partner often is when police first hear of her: the alert dates it the
        // day it is recorded (the real today), so it fires whatever --as-of the demo is given
        try step(["relationship", "add", person, partner, "--relationship", "partner"])
        try step(["plan", "victim", "add", "\(id)", partner, "--idva", "demo_idva"])
        try step(["recompute", "--all", "--as-of", asOf.iso])  // the new relationship is his: scored with it
        let actions: [(heading: String, tactic: String, agency: String, owner: String?, due: Int)] = [
            ("prosecute", "evidence_led_prosecution", "police", "demo_spoc", 14),
            ("disrupt", "anpr_flagging", "police", "demo_spoc", -2),
            ("divert", "perpetrator_programme", "probation", "demo_probation", 21),
            ("manage", "mappa_referral", "probation", "demo_probation", 7),
        ]
        for action in actions {
            var arguments = ["action", "add", "\(id)", "--heading", action.heading, "--tactic", action.tactic,
                             "--agency", action.agency, "--due", asOf.adding(days: action.due).iso]
            if let owner = action.owner { arguments += ["--owner", owner] }
            try step(arguments)
        }
        return id
    }

    /// MATAC: the top serial perpetrators outside the cohort, the first of them entered (on the
    /// first run only: once someone is in the cohort the demo enters nobody), and the cohort.
    private func matacCycle() throws {
        console.print("")
        console.print(console.styled("MATAC selection: serial perpetrators not in the cohort, top 3", .bold))
        try show(["matac", "select", "--top", "3", "--as-of", asOf.iso])
        let members = try json(["matac", "cohort", "--all", "--format", "json"]) as? [[String: Any]] ?? []
        if members.isEmpty,
           let first = (try json(["matac", "select", "--top", "1", "--as-of", asOf.iso, "--format", "json"]) as? [[String: Any]])?.first,
           let person = first["person"] as? String {
            try show(["matac", "enter", person, "--reason", "disrupt demo: highest RFG serial perpetrator", "--on", asOf.iso])
        }
        console.print(console.styled("MATAC cohort", .bold))
        try show(["matac", "cohort"])
        console.print("")
        try holdMatacMeeting()
    }

    /// The open alerts the database made as the force was imported: a count by kind and the first of each.
    private func showAlerts() throws {
        let alerts = try json(["alerts", "--format", "json"]) as? [[String: Any]] ?? []
        guard !alerts.isEmpty else {
            console.print("alerts: none open\n")
            return
        }
        let byKind = Dictionary(grouping: alerts) { $0["kind"] as? String ?? "?" }
        console.print("alerts made by the database as the records arrived: "
                      + byKind.keys.sorted().map { "\(byKind[$0]?.count ?? 0) \($0)" }.joined(separator: ", "))
        for kind in byKind.keys.sorted() {
            guard let first = byKind[kind]?.first, let message = first["message"] as? String else { continue }
            // one line each: a newline in stored text must not start a line of its own
            console.print("  \(kind): \(TerminalSafe.line(message)) [tactic: \(TerminalSafe.line(first["tactic"] as? String ?? "-"))]")
        }
        console.print("")
    }

    static func describeSweep(_ value: Any) -> String {
        guard let counts = (value as? [String: Any])?["created"] as? [String: Int] ?? value as? [String: Int] else { return "done" }
        let made = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        return made.isEmpty ? "nothing new due" : made.joined(separator: ", ")
    }

    /// Runs a command quietly; its output is shown only if it fails.
    func step(_ arguments: [String]) throws {
        _ = try capture(arguments)
    }

    /// Runs a command with `--format json` and decodes what it printed.
    func json(_ arguments: [String]) throws -> Any {
        let output = try capture(arguments)
        return try JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed])
    }

    /// Runs a command to the user's own console.
    func show(_ arguments: [String]) throws {
        let status = DisruptCLI.run(arguments + passThrough, environment: invocation.environment, console: console)
        if status != 0 { throw DemoError("'disrupt \(arguments.joined(separator: " "))' failed (exit \(status))", status: status) }
    }

    private func capture(_ arguments: [String]) throws -> String {
        let buffer = CapturedText()
        let quiet = Console(isTerminal: false, isErrorTerminal: false, noColour: true, out: { buffer.append($0) }, err: { buffer.appendError($0) })
        let status = DisruptCLI.run(arguments + passThrough, environment: invocation.environment, console: quiet)
        guard status == 0 else {
            throw DemoError("'disrupt \(arguments.joined(separator: " "))' failed (exit \(status)):\n\(buffer.error)", status: status)
        }
        return buffer.text
    }

    /// The global `--db` flag reaches every step.
    private var passThrough: [String] { invocation.global.arguments }
}

/// A demo step that failed: says which command, keeps its exit code.
struct DemoError: Error, CustomStringConvertible {
    var description: String
    var status: Int32 = 1
    init(_ description: String, status: Int32 = 1) {
        self.description = description
        self.status = status
    }
}

/// Output captured from an in-process command.
private final class CapturedText: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""
    func append(_ text: String) { lock.withLock { out += text } }
    func appendError(_ text: String) { lock.withLock { err += text } }
    var text: String { lock.withLock { out } }
    var error: String { lock.withLock { err } }
}

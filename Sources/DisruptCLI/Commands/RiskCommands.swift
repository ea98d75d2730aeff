import DisruptCore
import DisruptStore
import Foundation
import Postgres

/// `disrupt triggers`, `disrupt rank`, `disrupt recompute`: risk that explains itself.
enum RiskCommands {
    static let triggers = CommandSpec(
        "triggers", abstract: "Show which risk triggers fire for a person, why, and on what evidence.",
        discussion: """
            Computed live, as of the date, from the records you can see (another agency's restricted
            records are left out, so two agencies may see different scores). Each trigger shows its
            weight, a one-line reason and its evidence (record kind, source reference, date), then
            the total score, the band and the serial / escalating / repeat flags. Reading them is a
            consultation of personal data: it is logged with --purpose (default "triggers").
            Weights, windows and bands come from triggers.json (see README "Risk triggers, scores and RFG").
            """,
        arguments: Triggers.self,
        examples: ["disrupt triggers P-1", "disrupt triggers P-1 --as-of 2026-11-01 --format json --purpose 'MATAC screening'"]
    ) { input, invocation in
        let purpose = input.purpose?.trimmed ?? "triggers"
        let asOf = input.asOf ?? Day.today()
        let store = RiskStore(model: try invocation.riskModel())
        let consultation = PersonDossierReader.consultation(
            scope: "triggers", purpose: purpose, subject: input.person, format: input.format.rawValue, asOf: asOf)
        let live = invocation.console.reporting(try invocation.reading(person: consultation) { db, person in
            try store.live(person, asOf: asOf, on: db)
        })
        if input.format == .json {
            try invocation.console.printJSON(TriggersOutput(live))
        } else {
            printTriggers(live, invocation.console)
        }
        return 0
    }

    static let rank = CommandSpec(
        "rank", abstract: "Rank people by stored risk score or by RFG (recency, frequency, gravity, victims).",
        discussion: """
            Reads the stored scores. When records changed since the last recompute, or the stored
            scores are for another day than --as-of (default today), an administrator's rank computes
            every score live as of that day from the shared records: ranking never changes the
            stored scores nor writes back-dated assessments (only disrupt recompute does); anyone else
            gets the stored scores and a warning on standard error saying how stale they are.
            Ties: higher gravity points, then the most recent incident, then the person reference.
            --agency keeps people with any record from that agency that you can see.
            """,
        arguments: Rank.self,
        examples: ["disrupt rank --by rfg", "disrupt rank --by risk --top 50 --agency probation --format json"]
    ) { input, invocation in
        let asOf = input.asOf ?? Day.today()
        let model = try invocation.riskModel()
        let store = RiskStore(model: model)
        let rows = try invocation.reading { db in try rankRows(input, store: store, asOf: asOf, db: db, console: invocation.console) }
        if input.format == .json {
            try invocation.console.printJSON(rows)
        } else if rows.isEmpty {
            invocation.console.print("No scored people\(input.agency.map { " with records from \($0.rawValue)" } ?? "").")
        } else {
            var table = TextTable(["#", "Person", "Score", "Band", "RFG", "R/F/G/V", "Victims", "Latest incident", "Flags"])
            for row in rows {
                let flags = [row.serial ? "serial" : nil, row.escalating ? "escalating" : nil, row.isRepeat ? "repeat" : nil]
                    .compactMap { $0 }.joined(separator: ",")
                table.append([
                    String(row.rank), row.person, String(row.score), row.band, String(row.rfg.total),
                    "\(row.rfg.recency)/\(row.rfg.frequency)/\(row.rfg.gravity)/\(row.rfg.victims)", String(row.victims),
                    row.latestIncidentOn?.iso ?? "-", flags,
                ])
            }
            invocation.console.print(table.render())
        }
        return 0
    }

    static let recompute = CommandSpec(
        "recompute", abstract: "Recompute stored risk scores for people whose records changed (or everyone).",
        discussion: """
            Administrators only. Stored scores are read by every agency, so they use the shared
            records only (a restricted record never moves a stored score); triggers and summary
            score what you can see.
            Each batch of people is one transaction that stores their new scores and takes them off
            the change queue together. A history row is kept when a score, band, trigger list, flag
            or RFG term changes. Run it nightly with --all so scores follow the calendar (recency decays).
            """,
        arguments: Recompute.self,
        examples: ["disrupt recompute", "disrupt recompute --all --format json"]
    ) { input, invocation in
        let report = try RiskRecompute(model: try invocation.riskModel()).run(
            all: input.all, asOf: input.asOf ?? Day.today(), on: try invocation.database(),
            progress: progressPrinter(invocation))
        if input.format == .json {
            try invocation.console.printJSON(report)
        } else {
            invocation.console.print(
                "Recomputed \(report.people) people as of \(report.asOf.iso) in \(String(format: "%.2f", report.seconds)) s: "
                    + "\(report.changed) changed, \(report.removed) removed.")
        }
        return 0
    }

    /// The inputs of `disrupt triggers`.
    struct Triggers: ParsableArguments {
        @Argument(help: "Reference, PNC id, or exact name or alias.") var person: String
        @Option(help: "Why you are reading it (logged as a consultation; default: \"triggers\").") var purpose: ReasonText?
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// The inputs of `disrupt rank`.
    struct Rank: ParsableArguments {
        @Option(help: "What to rank by.", valueName: "ORDER") var by: RankOrder
        @Option(help: "How many people to show (default 20).") var top: Int = 20
        @Option(help: "Only people with a record from this agency.", valueName: "AGENCY") var agency: Agency?
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            guard top >= 1 else { throw ValidationError("The value '\(top)' is invalid for '--top': expected 1 or more") }
        }
    }

    /// The inputs of `disrupt recompute`.
    struct Recompute: ParsableArguments {
        @Flag(help: "Recompute every person, not only those whose records changed.") var all: Bool
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// The warning printed when the stored scores do not answer for `asOf` (rank, matac select).
    static func staleWarning(_ freshness: RankFreshness, asOf: Day) -> String {
        let what = freshness.otherDay
            ? "the stored scores are not all as of \(asOf.iso)"
            : "\(freshness.dirty) people have changed since the last recompute"
        return "Warning: \(what); an administrator should run: disrupt recompute\(freshness.otherDay ? " --all --as-of \(asOf.iso)" : "")"
    }

    /// The ranked rows: stored scores, or (for an administrator, when they are stale) live ones;
    /// anyone else is warned how stale the stored scores are.
    static func rankRows(_ input: Rank, store: RiskStore, asOf: Day, db: PostgresConnection, console: Console) throws -> [RankedPerson] {
        let freshness = try store.freshness(asOf: asOf, on: db)
        if !freshness.isCurrent {
            if freshness.canRecompute {
                return try store.rankLive(by: input.by, limit: input.top, agency: input.agency?.rawValue, asOf: asOf, on: db)
            }
            console.error(staleWarning(freshness, asOf: asOf))
        }
        return try store.rank(by: input.by, limit: input.top, agency: input.agency?.rawValue, on: db)
    }

    /// Progress on standard error, only when it is a terminal.
    static func progressPrinter(_ invocation: Invocation) -> ((Int, Int) -> Void)? {
        guard invocation.console.isErrorTerminal else { return nil }
        let bar = ProgressBar(console: invocation.console, label: "recomputing risk")
        return { done, total in
            bar.update(Double(done) / Double(max(1, total)), detail: "\(done)/\(total) people")
            if done >= total { bar.finish() }
        }
    }

    static func printTriggers(_ live: LiveRisk, _ console: Console) {
        let a = live.assessment
        console.print(console.styled("\(live.person.ref) as of \(a.asOf.iso): score \(a.score), band \(a.band.rawValue)", .bold))
        if a.triggers.isEmpty { console.print("No trigger fires.") }
        for trigger in a.triggers {
            console.print("  \(trigger.code)  +\(trigger.weight)  \(trigger.reason)")
            for e in trigger.evidence { console.print("      \(e.kind.rawValue) \(e.ref) \(e.on.iso)") }
        }
        let flags = a.flags
        let on = [flags.serial ? "serial" : nil, flags.escalating ? "escalating" : nil, flags.isRepeat ? "repeat" : nil]
            .compactMap { $0 }
        console.print("Flags: \(on.isEmpty ? "none" : on.joined(separator: ", "))")
        let r = live.rfg
        console.print("RFG: \(r.total) (recency \(r.recency), frequency \(r.frequency), gravity \(r.gravity), victims \(r.victims))")
        console.print(console.styled("Model \(a.modelVersion), \(r.version)", .dim))
    }
}

/// The JSON of `disrupt triggers`.
struct TriggersOutput: Encodable {
    struct Trigger: Encodable {
        var code: String
        var label: String
        var weight: Int
        var reason: String
        var evidence: [Evidence]
    }
    struct Flags: Encodable {
        var serial: Bool
        var escalating: Bool
        var isRepeat: Bool
        enum CodingKeys: String, CodingKey { case serial, escalating, isRepeat = "repeat" }
    }
    struct RFG: Encodable {
        var recency: Int
        var frequency: Int
        var gravity: Int
        var victims: Int
        var total: Int
    }
    var person: String
    var asOf: Day
    var score: Int
    var band: String
    var triggers: [Trigger]
    var flags: Flags
    var rfg: RFG
    var modelVersion: String
    var rfgVersion: String

    enum CodingKeys: String, CodingKey {
        case person, score, band, triggers, flags, rfg
        case asOf = "as_of", modelVersion = "model_version", rfgVersion = "rfg_version"
    }

    init(_ live: LiveRisk) {
        let a = live.assessment
        person = live.person.ref
        asOf = a.asOf
        score = a.score
        band = a.band.rawValue
        triggers = a.triggers.map {
            Trigger(code: $0.code, label: $0.label, weight: $0.weight, reason: $0.reason, evidence: $0.evidence)
        }
        flags = Flags(serial: a.flags.serial, escalating: a.flags.escalating, isRepeat: a.flags.isRepeat)
        rfg = RFG(
            recency: live.rfg.recency, frequency: live.rfg.frequency, gravity: live.rfg.gravity,
            victims: live.rfg.victims, total: live.rfg.total)
        modelVersion = a.modelVersion
        rfgVersion = live.rfg.version
    }
}

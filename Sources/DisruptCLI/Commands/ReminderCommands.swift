import DisruptCore
import DisruptStore
import Dispatch
import Foundation

/// `disrupt remind`, `disrupt inbox` and `disrupt serve`: the reminder outbox.
enum ReminderCommands {
    static let remind = CommandSpec(
        "remind", abstract: "Run one reminder sweep now and print how many reminders of each kind it created.",
        discussion: """
            Timings come from reminders.* in disrupt.json. Safe from cron and from many machines at once:
            a reminder is created exactly once however many sweeps run. Needs a login in disrupt_service
            (or an administrator).
            """,
        arguments: Remind.self,
        examples: ["disrupt remind", "disrupt remind --as-of 2025-06-30 --format json"]
    ) { input, invocation in
        let model = try invocation.riskModel()
        let timings = model.reminders
        let db = try invocation.database()
        // reminder_sweep reads as the database owner (SECURITY DEFINER): no consultation
        let result = try db.transaction {
            try AlertStore().writeSettings(model.settings.alerts, positiveActions: model.triggers.positiveActions, on: db)
            return try ReminderStore().sweep(asOf: input.asOf ?? Day.today(), timings: timings, on: db) }
        if input.format == .json {
            try invocation.console.printJSON(result)
        } else {
            invocation.console.print("Sweep as of \(result.asOf.iso): \(result.total) reminder(s) created in \(result.durationMilliseconds) ms")
            for kind in ReminderKind.all { invocation.console.print("  \(kind.padding(toLength: 16, withPad: " ", startingAt: 0)) \(result.created[kind] ?? 0)") }
        }
        return 0
    }

    static var inbox: CommandSpec {
        CommandSpec(
            "inbox", abstract: "Your reminders: unacknowledged ones, and open alerts acknowledged or not (everything with --all).",
            discussion: """
                An alert stays in your inbox, acknowledged or not, until it is dismissed with a reason
                (`disrupt alerts dismiss`) or answered by a record (a breach recorded, positive action
                taken); acknowledging it stops its delivery and shows the chair you have seen it.
                new_partner, new_victim and offending_on_order are answered by no record: dismiss them
                with what was done (a disclosure made, recall requested). An Idva's updates are grouped
                by the victim they concern and go when she acknowledges them (`disrupt plan show` and
                the agenda still mark an action "needs Idva check" until she gives it).
                """,
            arguments: Inbox.self,
            examples: ["disrupt inbox", "disrupt inbox --all --format json", "disrupt inbox ack 42"],
            subcommands: [ack]
        ) { input, invocation in
            let items = try invocation.reading { db in try ReminderStore().inbox(showAll: input.all, on: db) }
            if input.format == .json {
                try invocation.console.printJSON(items)
            } else if items.isEmpty {
                invocation.console.print("Your inbox is empty.")
            } else {
                // an Idva's updates are grouped by the victim they concern; everything else follows
                let groups = Dictionary(grouping: items) { $0.partyRef }
                for victim in groups.keys.compactMap({ $0 }).sorted() {
                    invocation.console.print("Victim \(TerminalSafe.line(victim)):")
                    invocation.console.print(inboxTable(groups[victim] ?? []))
                }
                if let rest = groups[nil] {
                    if groups.count > 1 { invocation.console.print("Other:") }
                    invocation.console.print(inboxTable(rest))
                }
            }
            return 0
        }
    }

    /// The inbox as a table; an alert shows its suggested tactic and evidence under its message.
    private static func inboxTable(_ items: [InboxItem]) -> String {
        var table = TextTable(["ID", "KIND", "DUE", "PERSON", "MESSAGE"], maxWidth: 90)
        for item in items {
            let state = item.closedAt != nil ? " (closed)" : item.ackedAt == nil ? "" : " (ack)"
            var message = item.message
            if let tactic = item.tactic { message += " [tactic: \(tactic)]" }
            if let evidence = item.evidence { message += " Evidence: \(evidence)." }
            table.append(["\(item.id)\(state)", item.kind, item.dueOn.iso, item.personRef ?? "-", message])
        }
        return table.render()
    }

    static let ack = CommandSpec(
        "ack", abstract: "Acknowledge one of your reminders.",
        arguments: Ack.self,
        examples: ["disrupt inbox ack 42"]
    ) { input, invocation in
        let id = input.id.value
        let now = try invocation.reading { db in try ReminderStore().acknowledge(id, on: db) }
        invocation.console.print(now ? "Reminder \(id) acknowledged." : "Reminder \(id) was already acknowledged.")
        return 0
    }

    static let serve = CommandSpec(
        "serve", abstract: "Run the reminder service: sweep on a timer and at once when data changes; deliver reminders.",
        discussion: """
            Sweeps every reminders.interval_seconds (or --interval) and within 0.2 s of a committed
            write that may make a reminder or change one's day (it looks for the database's marks). If
            reminders.deliver_command is set in disrupt.json (an argv array such as
            ["/usr/sbin/sendmail", "-t"]), it runs once per reminder with the reminder as JSON on
            standard input: exit 0 marks it delivered, anything else records the failure and retries
            later with backoff. Reconnects with backoff (up to 30 s) when the database goes away.
            Stops cleanly on SIGTERM or SIGINT (exit 0). One log line per sweep on standard error:
            UTC time, counts per kind, deliveries, duration; no personal data.
            It runs as the session's login (PGUSER / the URL's user); in production, a login that is
            a member of disrupt_service.
            """,
        arguments: Serve.self,
        examples: ["disrupt serve", "PGUSER=disrupt_svc disrupt serve --interval 30", "disrupt serve --once"]
    ) { input, invocation in
        let model = try invocation.riskModel()
        let timings = model.reminders
        let interval = input.interval
        let db = try invocation.database()
        let console = invocation.console
        let stop = StopFlag()
        let service = ReminderService(
            configuration: invocation.location.configuration, timings: timings, interval: interval.map(TimeInterval.init),
            alerts: (model.settings.alerts, model.triggers.positiveActions), log: { console.error($0) }, shouldStop: { stop.isSet })
        if input.once {
            try service.pass(on: db)
            return 0
        }
        db.close()
        let sources = stop.handle([SIGTERM, SIGINT])
        defer { sources.forEach { $0.cancel() } }
        try service.run()
        return 0
    }

    /// The inputs of `disrupt remind`.
    struct Remind: ParsableArguments {
        @Option(help: StandardHelp.asOf) var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// The inputs of `disrupt inbox`.
    struct Inbox: ParsableArguments {
        @Flag(help: "Also acknowledged reminders and Idva updates, and closed alerts (an open alert shows without it, acknowledged or not).") var all: Bool
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    /// The inputs of `disrupt inbox ack`.
    struct Ack: ParsableArguments {
        @Argument(name: "ID", help: "The reminder id (from disrupt inbox).") var id: RecordID
    }

    /// The inputs of `disrupt serve`.
    struct Serve: ParsableArguments {
        @Option(help: "Seconds between sweeps (default: reminders.interval_seconds).", valueName: "SECONDS") var interval: Int?
        @Flag(help: "One sweep and delivery round, then exit.") var once: Bool

        func validate() throws(ValidationError) {
            if let interval, interval < 1 { throw ValidationError("--interval must be at least 1 second") }
        }
    }
}

/// Set once a stop signal arrives; read by the service loop at least every second.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }

    /// Ignores the default action of these signals and sets the flag when one arrives instead.
    func handle(_ signals: [Int32]) -> [DispatchSourceSignal] {
        signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.set() }
            source.resume()
            return source
        }
    }
}

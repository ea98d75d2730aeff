import DisruptCore
import DisruptStore

/// `disrupt alerts` (the open alerts by kind, for a chair) and `disrupt alerts dismiss`.
enum AlertCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "alerts", abstract: "Open alerts by kind (chairs, coordinators, administrators).",
            discussion: """
                Alerts are made by the database the moment a record changes (an import, a command or
                psql): new_partner, new_victim, suspected_breach, offending_on_order and
                breach_no_positive_action, each with its evidence and a suggested tactic; they reach the
                recipient's inbox and `disrupt serve`'s delivery. An alert is open until it is dismissed
                with a reason or answered by a record (a breach recorded, positive action taken);
                acknowledging it (`disrupt inbox ack`) says only that its recipient has seen it (ACK
                lists who has). Only alerts about people you may see are listed. An Idva's updates
                are in her inbox, not here. Each kind is switched off or re-timed in disrupt.json
                (alerts.kinds).
                """,
            arguments: List.self,
            examples: ["disrupt alerts", "disrupt alerts --kind new_partner --format json", "disrupt alerts dismiss 42 --reason 'Disclosure made on 2026-11-30'"],
            subcommands: [dismiss]
        ) { input, invocation in
            let alerts = try invocation.reading { db in try AlertStore().open(kind: input.kind, on: db) }
            if input.format == .json {
                try invocation.console.printJSON(alerts)
                return 0
            }
            if alerts.isEmpty {
                invocation.console.print("No open alerts.")
                return 0
            }
            for kind in AlertKind.allCases {
                let ofKind = alerts.filter { $0.kind == kind.rawValue }
                guard !ofKind.isEmpty else { continue }
                invocation.console.print("\(kind.rawValue) (\(ofKind.count))")
                var table = TextTable(["ID", "PERSON", "DATE", "TO", "ACK", "TACTIC", "MESSAGE"], maxWidth: 100)
                for alert in ofKind {
                    table.append(["\(alert.id)", alert.personRef, alert.dueOn.iso, alert.recipients.joined(separator: ","),
                                  alert.acknowledgedBy.isEmpty ? "-" : alert.acknowledgedBy.joined(separator: ","),
                                  alert.tactic ?? "-", alert.message])
                }
                invocation.console.print(table.render())
            }
            return 0
        }
    }

    static let dismiss = CommandSpec(
        "dismiss", abstract: "Dismiss an alert in your inbox, with a reason (recorded in the audit log).",
        discussion: "Closes the alert for everyone it went to. Not an alert in your inbox: exit 3.",
        arguments: Dismiss.self,
        examples: ["disrupt alerts dismiss 42 --reason 'Same incident as breach B-12, already actioned'"]
    ) { input, invocation in
        let closed = try invocation.reading { db in try AlertStore().dismiss(input.id.value, reason: input.reason.text, on: db) }
        invocation.console.print(closed ? "Alert \(input.id.value) dismissed." : "Alert \(input.id.value) was already closed.")
        return 0
    }

    /// The inputs of `disrupt alerts`.
    struct List: ParsableArguments {
        @Option(help: "Only this kind (any but idva_update, which is in the Idva's inbox).") var kind: AlertKind?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            if kind == .idvaUpdate {
                throw ValidationError("--kind idva_update: an Idva's updates are in her inbox (disrupt inbox), not in the chair's list")
            }
        }
    }

    /// The inputs of `disrupt alerts dismiss`.
    struct Dismiss: ParsableArguments {
        @Argument(name: "ID", help: "The alert's reminder id (from disrupt inbox).") var id: RecordID
        @Option(help: "Why the alert needs no action.") var reason: ReasonText
    }
}

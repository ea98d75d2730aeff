import DisruptCore
import DisruptStore

/// `disrupt agenda`: the coordinator's list for a meeting.
enum AgendaCommand {
    static let spec = CommandSpec(
        "agenda", abstract: "The meeting agenda: every person with a plan, a new referral or a repeat, what happened since the last meeting, and outstanding actions by agency.",
        discussion: """
            Lists everyone with an open plan, a Marac referral or a repeat since the previous meeting
            (default: 28 days before), plan or no plan. A repeat (SafeLives 2018) is an incident, or a breach
            of an order protecting that victim, after (not on the day of) a Marac referral for the same victim
            and within 12 months of it; each is shown with its date, victim and the prior referral. Also:
            serial and escalating as of the meeting (as in disrupt triggers), referrals, incidents and
            breaches since then, and outstanding actions by agency, overdue first. People with overdue
            actions come first, then repeats. What you see follows your agency's access (restricted
            records of other agencies are left out).
            """,
        arguments: Arguments.self,
        examples: ["disrupt agenda --meeting 2025-06-12", "disrupt agenda --meeting 2025-06-12 --previous 2025-05-15 --format markdown > agenda.md"]
    ) { input, invocation in
        let agenda = try invocation.reading { db in invocation.console.reporting(try AgendaStore(model: try invocation.riskModel()).agenda(
            meetingOn: input.meeting, previousMeetingOn: input.previous, on: db)) }
        switch input.format {
        case .json: try invocation.console.printJSON(agenda)
        case .markdown: invocation.console.print(AgendaText.render(agenda, markdown: true))
        case .text: invocation.console.print(AgendaText.render(agenda, markdown: false))
        }
        return 0
    }

    /// The inputs of `disrupt agenda`.
    struct Arguments: ParsableArguments {
        @Option(help: "The meeting date.") var meeting: Day
        @Option(help: "The previous meeting (default: 28 days before).") var previous: Day?
        @Option(help: StandardHelp.format) var format: AgendaFormat = .text
    }
}

/// The agenda as text or Markdown. Every value from data is put on one line and escaped:
/// by `MarkdownEscape` for Markdown, by `TerminalSafe.line` for text.
enum AgendaText {
    static func render(_ agenda: Agenda, markdown: Bool) -> String {
        func v(_ value: String) -> String { markdown ? MarkdownEscape.inline(value) : TerminalSafe.line(value) }
        let h1 = markdown ? "# " : "", h2 = markdown ? "## " : "", bullet = markdown ? "- " : "  ", sub = markdown ? "  - " : "      "
        var lines = ["\(h1)Agenda for \(agenda.meetingOn.iso) (since \(agenda.previousMeetingOn.iso)): \(agenda.people.count) people"]
        for (index, entry) in agenda.people.enumerated() {
            lines.append("")
            let who = v([entry.person_ref, entry.name].compactMap { $0 }.joined(separator: " "))
            let flags = [entry.repeat ? "REPEAT" : nil, entry.serial ? "serial" : nil, entry.escalating ? "escalating" : nil]
                .compactMap { $0 }
            lines.append("\(h2)\(index + 1). \(who)\(flags.isEmpty ? "" : " (\(flags.joined(separator: ", ")))")")
            if let plan = entry.plan {
                lines.append("\(bullet)Plan \(plan.id): SPOC \(v(plan.spoc_login)) (\(v(plan.agency)))\(plan.review_on.map { ", review \($0.iso)" } ?? "")")
            } else {
                lines.append("\(bullet)No open plan")
            }
            for event in entry.repeats {
                let what = event.kind == .breach ? "breach of an order protecting" : "incident against"
                lines.append("\(bullet)Repeat \(event.on.iso): \(what) \(v(event.victimRef)) (\(v(event.ref))), "
                    + "after Marac referral \(v(event.priorReferralRef)) of \(event.priorReferralOn.iso)")
            }
            for referral in entry.referrals {
                lines.append("\(bullet)Referral \(referral.referred_on.iso) (\(v(referral.criterion))\(referral.dash_score.map { ", DASH \($0)" } ?? ""))")
            }
            for incident in entry.incidents {
                lines.append("\(bullet)Incident \(incident.occurred_on.iso)\(incident.offence.map { " \(v($0))" } ?? "")\(incident.gravity.map { ", gravity \($0)" } ?? "")\(incident.repeat ? " repeat" : "")")
            }
            for breach in entry.breaches {
                lines.append("\(bullet)Breach \(breach.occurred_on.iso)\(breach.order_type.map { " of \(v($0))" } ?? "")\(breach.action_taken.map { ", action: \(v($0))" } ?? "")\(breach.repeat ? " repeat" : "")")
            }
            for group in entry.outstanding {
                lines.append("\(bullet)\(v(group.agency)): \(group.actions.count) outstanding, \(group.overdue) overdue")
                for action in group.actions {
                    var text = "\(sub)#\(action.id) \(v(action.heading))/\(v(action.tactic ?? action.label ?? "custom action")) due \(action.due_on.iso) \(v(action.status))"
                    if action.overdue { text += " OVERDUE \(action.days_overdue)d" }
                    if let owner = action.owner_login { text += " (\(v(owner)))" }
                    if action.needs_safety_check && !action.safety_checked { text += " needs Idva check" }
                    lines.append(text)
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}

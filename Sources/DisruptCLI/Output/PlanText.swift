import DisruptCore
import DisruptStore

/// Plain-text views of plans and actions for people at a terminal.
enum PlanText {
    static func planLine(_ plan: PlanRecord) -> String {
        var text = "Plan \(plan.id) for \(plan.personRef): \(plan.status), SPOC \(plan.spocLogin) (\(plan.agency)), version \(plan.version)"
        if let review = plan.reviewOn { text += ", review on \(review.iso)" }
        return text
    }

    static func plan(_ detail: PlanDetail, console: Console) -> String {
        var lines = [planLine(detail.plan)]
        lines.append("Opened \(Timestamp.local(detail.plan.openedAt)) by \(detail.plan.openedBy)")
        if let closed = detail.plan.closedAt {
            lines.append("Closed \(Timestamp.local(closed)): \(detail.plan.closeReason ?? "")")
        }
        lines.append("\(detail.plan.liveActions) live action(s), \(detail.plan.overdueActions) overdue as of \(detail.asOf.iso)")
        for heading in ActionHeading.allCases {
            let actions = detail.actions.filter { $0.heading == heading.rawValue }
            lines.append("")
            guard !actions.isEmpty else {
                lines.append("\(heading.label.uppercased()): no actions")
                continue
            }
            lines.append("\(heading.label.uppercased()):")
            lines.append(actionTable(actions, console: console, showPerson: false).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }

    static func actionTable(_ actions: [ActionRecord], console: Console, showPerson: Bool) -> String {
        var table = TextTable((showPerson ? ["ID", "PLAN", "PERSON"] : ["ID"]) + ["TACTIC/LABEL", "AGENCY", "OWNER", "DUE", "STATUS", "VERSION", "HISTORY"])
        for action in actions {
            let lead = showPerson ? ["\(action.id)", "\(action.planId)", action.personRef] : ["\(action.id)"]
            table.append(lead + [action.what, action.agency, action.ownerLogin ?? "-", action.dueOn.iso,
                                 status(action), "\(action.version)", "\(action.historyCount)"])
        }
        return colourOverdue(table.render(), console: console)
    }

    /// Who recorded the Idva's agreement, when it was not the Idva herself.
    static func recorder(_ action: ActionRecord) -> String {
        switch action.safetyCheckVia {
        case "meeting": " at the meeting (recorded by chair \(action.safetyCheckRecordedBy ?? "?"))"
        case "legacy": " (recorded by \(action.safetyCheckRecordedBy ?? "?") before the Idva-only rule)"
        default: ""
        }
    }

    /// Status with what still blocks it: overdue days, a missing Idva safety check.
    static func status(_ action: ActionRecord) -> String {
        var text = action.status
        if action.overdue { text += " OVERDUE \(action.daysOverdue)d" }
        if action.needsSafetyCheck && action.safetyCheckedBy == nil && action.isLive { text += " (needs Idva check)" }
        return text
    }

    static func action(_ detail: ActionDetail) -> String {
        let a = detail.action
        var lines = [
            "Action \(a.id) on plan \(a.planId) (\(a.personRef)), version \(a.version)",
            "  heading:   \(a.heading)",
            a.tactic.map { "  tactic:    \($0)" } ?? "  custom:    \(a.label ?? "")",
            "  agency:    \(a.agency)",
            "  owner:     \(a.ownerLogin ?? "-")",
            "  due:       \(a.dueOn.iso)",
            "  status:    \(status(a))",
        ]
        if let outcome = a.outcome { lines.append("  outcome:   \(outcome)") }
        if let note = a.note { lines.append("  note:      \(note)") }
        if a.needsSafetyCheck {
            lines.append("  safety:    \(a.safetyCheckedBy.map { "checked by Idva \($0)" + recorder(a) } ?? "needs an Idva safety check before it starts")")
        }
        lines.append("")
        lines.append("History:")
        var table = TextTable(["WHEN", "WHO", "CHANGE", "FROM", "TO", "WHY"], maxWidth: 60)
        for change in detail.history {
            table.append([Timestamp.local(change.at), change.login, change.change,
                          change.fromValue ?? change.fromStatus ?? "-", change.toValue ?? change.toStatus ?? "-", change.reason ?? ""])
        }
        lines.append(table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }

    /// A one-line confirmation after a change, with the new version to pass next time.
    static func changed(_ action: ActionRecord) -> String {
        "Action \(action.id) is \(status(action)), due \(action.dueOn.iso), \(action.agency)\(action.ownerLogin.map { " / \($0)" } ?? ""); version \(action.version)."
    }

    private static func colourOverdue(_ text: String, console: Console) -> String {
        guard console.useColour else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.contains("OVERDUE") ? console.styled(String($0), .red) : String($0) }.joined(separator: "\n")
    }
}

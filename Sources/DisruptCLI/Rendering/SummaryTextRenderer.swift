import DisruptCore

/// The summary for a 100-column terminal or a printer: headings in capitals, tables aligned,
/// the risks first as WARNING lines (bold red too when colour is on; never colour alone).
struct SummaryTextRenderer {
    /// The console's escape token when colour is on (see `Console.escapeToken`), else nil.
    var escape: String?
    static let width = 100

    func render(_ summary: Summary) -> String {
        var lines = ["PERPETRATOR SUMMARY: \(summary.identity.name) (\(summary.identity.ref)), as of \(summary.asOf.iso)"]
        for item in summary.withheld { lines.append(style("NOTE: " + SummaryWording.withheld(item), "1")) }
        if let brief = summary.sinceLastHeard {
            let title = SinceLastHeardWording.title(brief)
            lines += ["", style(title.uppercased(), "1"), String(repeating: "=", count: title.count)]
            lines += SinceLastHeardWording.lines(brief).map { $0.hasPrefix("OVERDUE") ? style("* " + $0, "1;33") : "* " + $0 }
        }
        for section in summary.sections {
            lines.append("")
            lines.append(style(section.title.uppercased(), section == .risks ? "1;31" : "1"))
            lines.append(String(repeating: "=", count: section.title.count))
            lines += body(section, summary)
        }
        return lines.map(fit).joined(separator: "\n") + "\n"
    }

    private func body(_ section: SummarySection, _ summary: Summary) -> [String] {
        switch section {
        case .risks:
            return summary.risksToProfessionals.map { style("WARNING: " + SummaryWording.risk($0), "1;31") }
        case .newPartners:
            return summary.relationships.newPartners.map {
                style("New partner: \($0.name)" + ($0.since.map { ", since \($0.iso)" } ?? "") + " (consider a Clare's Law right-to-know disclosure)", "1")
            }
        case .identity:
            let id = summary.identity
            var lines = [
                "Name: \(id.name)", "Date of birth: \(id.dateOfBirth?.iso ?? "not known")", "PNC id: \(id.pncId ?? "none")",
            ]
            if !id.aliases.isEmpty {
                lines.append("Aliases: " + id.aliases.map { $0.name + ($0.dateOfBirth.map { " (born \($0.iso))" } ?? "") }.joined(separator: "; "))
            }
            lines.append("References: " + id.references.map { "\($0.label) \($0.value)" }.joined(separator: "; "))
            return lines
        case .flags:
            return SummaryWording.flags(summary.flags).map { "* \($0)" }
        case .risk:
            let risk = summary.risk
            var lines = ["Score \(risk.score), band \(risk.bandLabel). Trend: \(SummaryWording.trend(risk))."]
            lines += risk.triggers.map { "* \($0.label) (+\($0.weight)): \($0.reason)" }
            if risk.triggers.isEmpty { lines.append("No trigger fired.") }
            return lines
        case .orders:
            var lines: [String] = []
            if summary.orders.inForce.isEmpty {
                lines.append("No order in force.")
            } else {
                var table = TextTable(["In force", "From", "Until", "Protects", "Conditions"], maxWidth: 30)
                for order in summary.orders.inForce {
                    table.append([order.label, order.startsOn.iso, order.endsOn?.iso ?? "open", order.protectedParty ?? "", order.conditions ?? ""])
                }
                lines.append(table.render())
            }
            lines.append("")
            if summary.orders.breaches.isEmpty {
                lines.append("No breach in the last 24 months.")
            } else {
                var table = TextTable(["Breach on", "Of", "Action taken"], maxWidth: 40)
                for breach in summary.orders.breaches {
                    table.append([breach.occurredOn.iso, breach.order, SummaryWording.action(breach.actionTaken)])
                }
                lines.append(table.render())
            }
            return lines
        case .incidents:
            let incidents = summary.incidents
            var lines = ["\(incidents.total) incident(s) against \(incidents.distinctVictims) victim(s) since \(incidents.windowStart.iso)."]
            lines.append("By month: " + incidents.byMonth.map { "\($0.month.suffix(2))/\($0.month.prefix(4).suffix(2)):\($0.count)" }.joined(separator: " "))
            var table = TextTable(["Date", "Offence", "Gravity", "Victim"], maxWidth: 40)
            for incident in incidents.recent {
                table.append([incident.occurredOn.iso, incident.offenceLabel, String(incident.gravity), incident.victim ?? "not known"])
            }
            lines.append(table.render())
            return lines
        case .relationships:
            let people = summary.relationships
            var lines: [String] = []
            for victim in people.victims {
                lines.append("Victim: \(victim.name) \(SummaryWording.relationship(victim.relationship))".trimmingCharacters(in: .whitespaces)
                    + ", \(victim.incidents) incident(s)" + (victim.lastIncidentOn.map { ", last \($0.iso)" } ?? ""))
            }
            for child in people.children {
                lines.append("Child with contact: \(child.name)" + (child.dateOfBirth.map { ", born \($0.iso)" } ?? ""))
            }
            return lines
        case .forumLinks:
            var table = TextTable(["Forum", "Detail", "Lead", "Contact", "Next review"], maxWidth: 30)
            for link in summary.forumLinks {
                table.append([
                    link.forumLabel + (link.reference.map { " \($0)" } ?? ""), link.detail ?? link.status,
                    link.leadAgency.map(SummaryWording.agency) ?? "", link.contact ?? "",
                    (link.nextReviewOn?.iso ?? "") + (link.reviewOverdue ? " OVERDUE" : ""),
                ])
            }
            return [table.render()]
        case .plan:
            guard let plan = summary.plan else {
                return summary.warnings.filter { $0.hasPrefix("No open disruption plan") }.map { style("WARNING: " + $0, "1;33") }
            }
            var lines = [
                "SPOC: \(plan.spocName ?? plan.spocLogin) (\(SummaryWording.agency(plan.agency))), opened \(SummaryWording.localTime(plan.openedAt))"
                    + (plan.reviewOn.map { ", review \($0.iso)" } ?? ""),
            ]
            if plan.overdueActions > 0 { lines.append(style("\(plan.overdueActions) action(s) OVERDUE", "1;33")) }
            for heading in plan.headings {
                lines.append("")
                lines.append(heading.label)
                var table = TextTable(["Action", "Owner", "Due", "Status"], maxWidth: 40)
                for action in heading.actions {
                    table.append([action.tacticLabel, SummaryWording.owner(action), action.dueOn.iso,
                                  SummaryWording.status(action.status) + (action.overdue ? " OVERDUE" : "")])
                }
                lines.append(table.render())
            }
            if plan.headings.isEmpty { lines.append("No actions yet.") }
            return lines
        case .missing:
            var lines = summary.warnings.filter { !$0.hasPrefix("No open disruption plan") }.map { style("WARNING: " + $0, "1;33") }
            lines += summary.missing.map { "* \($0.label): nobody has shared this (ask \($0.ask))" }
            lines += summary.withheld.map { "* Some may be in the " + $0.sentence + ": ask \($0.agencyLabel)." }
            return lines
        }
    }

    private func style(_ text: String, _ code: String) -> String {
        escape.map { "\($0)[\(code)m\(fit(text))\($0)[0m" } ?? fit(text)
    }

    /// Wraps a line longer than the terminal at word boundaries (tables are already narrow).
    private func fit(_ line: String) -> String {
        line.split(separator: "\n", omittingEmptySubsequences: false).map { part -> String in
            guard part.count > Self.width, escape.map({ !part.contains($0) }) ?? true else { return String(part) }
            var out: [String] = []
            var current = ""
            for word in part.split(separator: " ") {
                if !current.isEmpty && current.count + 1 + word.count > Self.width {
                    out.append(current)
                    current = "  " + word
                } else {
                    current += (current.isEmpty ? "" : " ") + word
                }
            }
            out.append(current)
            return out.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

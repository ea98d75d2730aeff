import DisruptCore

/// The summary as a Markdown document ready for a Marac pack: a heading per section, tables,
/// warnings in bold. Every value from data goes through `MarkdownEscape` (markup, `|`, line
/// breaks and control characters).
struct SummaryMarkdownRenderer {
    func render(_ summary: Summary) -> String {
        var out = ["# Perpetrator summary: \(text(summary.identity.name)) (\(text(summary.identity.ref)))", "",
                   "As of \(summary.asOf.iso)."]
        for item in summary.withheld { out.append("\n> **Note:** \(text(SummaryWording.withheld(item)))") }
        if let brief = summary.sinceLastHeard {
            out += ["", "## \(text(SinceLastHeardWording.title(brief)))", ""]
            out += SinceLastHeardWording.lines(brief).map { "- \(text($0))" }
        }
        for section in summary.sections {
            out.append("")
            out.append("## \(section.title)")
            out.append("")
            out += body(section, summary)
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func body(_ section: SummarySection, _ summary: Summary) -> [String] {
        switch section {
        case .risks:
            return summary.risksToProfessionals.map { "- **WARNING:** \(text(SummaryWording.risk($0)))" }
        case .newPartners:
            return summary.relationships.newPartners.map {
                "- **New partner:** \(text($0.name))" + ($0.since.map { ", since \($0.iso)" } ?? "") + " (consider a Clare's Law right-to-know disclosure)"
            }
        case .identity:
            let id = summary.identity
            var rows = [["Name", id.name], ["Date of birth", id.dateOfBirth?.iso ?? "not known"], ["PNC id", id.pncId ?? "none"]]
            if !id.aliases.isEmpty {
                rows.append(["Aliases", id.aliases.map { $0.name + ($0.dateOfBirth.map { " (born \($0.iso))" } ?? "") }.joined(separator: "; ")])
            }
            rows += id.references.map { ["Reference: \($0.label)", $0.value] }
            return table(["", ""], rows)
        case .flags:
            return SummaryWording.flags(summary.flags).map { "- \(text($0))" }
        case .risk:
            let risk = summary.risk
            return ["Score **\(risk.score)**, band **\(risk.bandLabel)**. Trend: \(SummaryWording.trend(risk)).", ""]
                + (risk.triggers.isEmpty ? ["No trigger fired."]
                    : table(["Trigger", "Weight", "Why"], risk.triggers.map { [$0.label, "+\($0.weight)", $0.reason] }))
        case .orders:
            let orders = summary.orders
            var out = orders.inForce.isEmpty ? ["No order in force."]
                : table(["Order in force", "From", "Until", "Protects", "Conditions"], orders.inForce.map {
                    [$0.label, $0.startsOn.iso, $0.endsOn?.iso ?? "open", $0.protectedParty ?? "", $0.conditions ?? ""]
                })
            out.append("")
            out += orders.breaches.isEmpty ? ["No breach in the last 24 months."]
                : table(["Breach on", "Of", "Action taken"], orders.breaches.map {
                    [$0.occurredOn.iso, $0.order, SummaryWording.action($0.actionTaken)]
                })
            return out
        case .incidents:
            let incidents = summary.incidents
            return ["\(incidents.total) incident(s) against \(incidents.distinctVictims) victim(s) since \(incidents.windowStart.iso).", ""]
                + table(["Month", "Incidents"], incidents.byMonth.filter { $0.count > 0 }.map { [$0.month, String($0.count)] })
                + ["", "Most recent:", ""]
                + table(["Date", "Offence", "Gravity", "Victim"], incidents.recent.map {
                    [$0.occurredOn.iso, $0.offenceLabel, String($0.gravity), $0.victim ?? "not known"]
                })
        case .relationships:
            let people = summary.relationships
            var rows = people.victims.map {
                ["Victim", $0.name, SummaryWording.relationship($0.relationship),
                 "\($0.incidents) incident(s)" + ($0.lastIncidentOn.map { ", last \($0.iso)" } ?? "")]
            }
            rows += people.children.map { ["Child with contact", $0.name, SummaryWording.relationship($0.relationship), $0.dateOfBirth.map { "born \($0.iso)" } ?? ""] }
            return table(["Who", "Name", "Relationship", "Detail"], rows)
        case .forumLinks:
            return table(["Forum", "Detail", "Lead agency", "Contact", "Next review"], summary.forumLinks.map {
                [$0.forumLabel + ($0.reference.map { " \($0)" } ?? ""), $0.detail ?? $0.status,
                 $0.leadAgency.map(SummaryWording.agency) ?? "", $0.contact ?? "",
                 ($0.nextReviewOn?.iso ?? "") + ($0.reviewOverdue ? " **overdue**" : "")]
            })
        case .plan:
            guard let plan = summary.plan else {
                return summary.warnings.filter { $0.hasPrefix("No open disruption plan") }.map { "**WARNING:** \(text($0))" }
            }
            var out = ["SPOC: \(text(plan.spocName ?? plan.spocLogin)) (\(SummaryWording.agency(plan.agency))), opened \(SummaryWording.localTime(plan.openedAt))"
                + (plan.reviewOn.map { ", review \($0.iso)" } ?? "") + "."]
            if plan.overdueActions > 0 { out.append("\n**\(plan.overdueActions) action(s) overdue.**") }
            for heading in plan.headings {
                out += ["", "### \(heading.label)", ""]
                out += table(["Action", "Owner", "Due", "Status"], heading.actions.map {
                    [$0.tacticLabel, SummaryWording.owner($0), $0.dueOn.iso, SummaryWording.status($0.status) + ($0.overdue ? " **OVERDUE**" : "")]
                })
            }
            return out
        case .missing:
            return summary.warnings.filter { !$0.hasPrefix("No open disruption plan") }.map { "**WARNING:** \(text($0))\n" }
                + summary.missing.map { "- \(text($0.label)): nobody has shared this (ask \(text($0.ask)))" }
                + summary.withheld.map { "- Some may be in the \(text($0.sentence)): ask \(text($0.agencyLabel))." }
        }
    }

    /// A pipe table; cells are escaped, markup added by the renderer (`**`) is kept.
    private func table(_ headers: [String], _ rows: [[String]]) -> [String] {
        let line = { (cells: [String]) in "| " + cells.map(cell).joined(separator: " | ") + " |" }
        return [line(headers), "|" + headers.map { _ in " --- |" }.joined()] + rows.map(line)
    }

    private func cell(_ value: String) -> String {
        let bold = value.hasSuffix(" **overdue**") || value.hasSuffix(" **OVERDUE**")
        let body = bold ? String(value.dropLast(12)) : value
        return text(body) + (bold ? String(value.suffix(12)) : "")
    }

    /// A value from data, escaped by the one Markdown escaper.
    private func text(_ value: String) -> String { MarkdownEscape.inline(value) }
}

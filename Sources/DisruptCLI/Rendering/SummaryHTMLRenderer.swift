import DisruptCore

/// The summary as ONE self-contained printable HTML page: inline CSS with print styles, an
/// inline SVG timeline, no scripts and no external resources. Every value is HTML-escaped.
struct SummaryHTMLRenderer {
    func render(_ summary: Summary) -> String {
        var body: [String] = [
            "<header><h1>Perpetrator summary: \(h(summary.identity.name))</h1>",
            "<p class=\"meta\">\(h(summary.identity.ref)) · as of \(h(summary.asOf.iso))</p></header>",
        ]
        body += summary.withheld.map { "<p class=\"note\"><strong>Note:</strong> \(h(SummaryWording.withheld($0)))</p>" }
        if let brief = summary.sinceLastHeard {
            body.append("<section class=\"since\"><h2>\(h(SinceLastHeardWording.title(brief)))</h2><ul>")
            body += SinceLastHeardWording.lines(brief).map { "<li>\(h($0))</li>" }
            body.append("</ul></section>")
        }
        for section in summary.sections {
            let css = section == .risks ? " class=\"risks\"" : ""
            body.append("<section\(css)><h2>\(h(section.title))</h2>")
            body += content(section, summary)
            body.append("</section>")
        }
        return """
            <!DOCTYPE html>
            <html lang="en-GB"><head><meta charset="utf-8">
            <title>Perpetrator summary: \(h(summary.identity.name)) (\(h(summary.asOf.iso)))</title>
            <style>\(Self.css)</style></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    private func content(_ section: SummarySection, _ summary: Summary) -> [String] {
        switch section {
        case .risks:
            return ["<ul>"] + summary.risksToProfessionals.map { "<li><strong>WARNING:</strong> \(h(SummaryWording.risk($0)))</li>" } + ["</ul>"]
        case .newPartners:
            return ["<ul>"] + summary.relationships.newPartners.map {
                "<li><strong>New partner:</strong> \(h($0.name))" + h($0.since.map { ", since \($0.iso)" } ?? "") + " (consider a Clare's Law right-to-know disclosure)</li>"
            } + ["</ul>"]
        case .identity:
            let id = summary.identity
            var rows = [["Name", id.name], ["Date of birth", id.dateOfBirth?.iso ?? "not known"], ["PNC id", id.pncId ?? "none"]]
            if !id.aliases.isEmpty {
                rows.append(["Aliases", id.aliases.map { $0.name + ($0.dateOfBirth.map { " (born \($0.iso))" } ?? "") }.joined(separator: "; ")])
            }
            rows += id.references.map { ["Reference: \($0.label)", $0.value] }
            return ["<table class=\"kv\">"] + rows.map { "<tr><th>\(h($0[0]))</th><td>\(h($0[1]))</td></tr>" } + ["</table>"]
        case .flags:
            return ["<ul class=\"flags\">"] + SummaryWording.flags(summary.flags).map { "<li>\(h($0))</li>" } + ["</ul>"]
        case .risk:
            let risk = summary.risk
            return ["<p>Score <strong>\(risk.score)</strong>, band <strong>\(h(risk.bandLabel))</strong>. Trend: \(h(SummaryWording.trend(risk))).</p>"]
                + (risk.triggers.isEmpty ? ["<p>No trigger fired.</p>"]
                    : table(["Trigger", "Weight", "Why"], risk.triggers.map { [h($0.label), "+\($0.weight)", h($0.reason)] }))
        case .orders:
            let orders = summary.orders
            return [SummaryTimelineSVG().render(summary)]
                + (orders.inForce.isEmpty ? ["<p>No order in force.</p>"]
                    : table(["Order in force", "From", "Until", "Protects", "Conditions"], orders.inForce.map {
                        [h($0.label), h($0.startsOn.iso), h($0.endsOn?.iso ?? "open"), h($0.protectedParty ?? ""), h($0.conditions ?? "")]
                    }))
                + (orders.breaches.isEmpty ? ["<p>No breach in the last 24 months.</p>"]
                    : table(["Breach on", "Of", "Action taken"], orders.breaches.map {
                        [h($0.occurredOn.iso), h($0.order), h(SummaryWording.action($0.actionTaken))]
                    }))
        case .incidents:
            let incidents = summary.incidents
            return ["<p>\(incidents.total) incident(s) against \(incidents.distinctVictims) victim(s) since \(h(incidents.windowStart.iso)).</p>"]
                + (summary.sections.contains(.orders) ? [] : [SummaryTimelineSVG().render(summary)])
                + table(["Date", "Offence", "Gravity", "Victim"], incidents.recent.map {
                    [h($0.occurredOn.iso), h($0.offenceLabel), String($0.gravity), h($0.victim ?? "not known")]
                })
        case .relationships:
            let people = summary.relationships
            var rows = people.victims.map {
                ["Victim", h($0.name), h(SummaryWording.relationship($0.relationship)),
                 h("\($0.incidents) incident(s)" + ($0.lastIncidentOn.map { ", last \($0.iso)" } ?? ""))]
            }
            rows += people.children.map { ["Child with contact", h($0.name), h(SummaryWording.relationship($0.relationship)), h($0.dateOfBirth.map { "born \($0.iso)" } ?? "")] }
            return table(["Who", "Name", "Relationship", "Detail"], rows)
        case .forumLinks:
            return table(["Forum", "Detail", "Lead agency", "Contact", "Next review"], summary.forumLinks.map {
                [h($0.forumLabel + ($0.reference.map { " \($0)" } ?? "")), h($0.detail ?? $0.status),
                 h($0.leadAgency.map(SummaryWording.agency) ?? ""), h($0.contact ?? ""),
                 h($0.nextReviewOn?.iso ?? "") + ($0.reviewOverdue ? " <strong class=\"overdue\">overdue</strong>" : "")]
            })
        case .plan:
            guard let plan = summary.plan else {
                return summary.warnings.filter { $0.hasPrefix("No open disruption plan") }.map { "<p class=\"warning\"><strong>WARNING:</strong> \(h($0))</p>" }
            }
            var out = ["<p>SPOC: \(h(plan.spocName ?? plan.spocLogin)) (\(h(SummaryWording.agency(plan.agency)))), opened \(h(SummaryWording.localTime(plan.openedAt)))"
                + h(plan.reviewOn.map { ", review \($0.iso)" } ?? "") + ".</p>"]
            if plan.overdueActions > 0 { out.append("<p class=\"warning\"><strong>\(plan.overdueActions) action(s) overdue.</strong></p>") }
            for heading in plan.headings {
                out.append("<h3>\(h(heading.label))</h3>")
                out += table(["Action", "Owner", "Due", "Status"], heading.actions.map {
                    [h($0.tacticLabel), h(SummaryWording.owner($0)), h($0.dueOn.iso),
                     h(SummaryWording.status($0.status)) + ($0.overdue ? " <strong class=\"overdue\">OVERDUE</strong>" : "")]
                })
            }
            return out
        case .missing:
            return summary.warnings.filter { !$0.hasPrefix("No open disruption plan") }.map { "<p class=\"warning\"><strong>WARNING:</strong> \(h($0))</p>" }
                + ["<ul>"] + summary.missing.map { "<li>\(h($0.label)): nobody has shared this (ask \(h($0.ask)))</li>" }
                + summary.withheld.map { "<li>Some may be in the \(h($0.sentence)): ask \(h($0.agencyLabel)).</li>" } + ["</ul>"]
        }
    }

    /// Cells must already be escaped (they may carry the renderer's own markup).
    private func table(_ headers: [String], _ rows: [[String]]) -> [String] {
        ["<table><thead><tr>" + headers.map { "<th>\(h($0))</th>" }.joined() + "</tr></thead><tbody>"]
            + rows.map { "<tr>" + $0.map { "<td>\($0)</td>" }.joined() + "</tr>" }
            + ["</tbody></table>"]
    }

    static let css = """
        body{font:11pt/1.4 "DejaVu Sans",Arial,sans-serif;color:#111;margin:1.5em auto;max-width:60em;padding:0 1em}
        h1{font-size:18pt;margin:0}h2{font-size:13pt;border-bottom:2px solid #333;margin:1.2em 0 .4em;padding-bottom:.1em}
        h3{font-size:11pt;margin:.8em 0 .2em}.meta{color:#444;margin:.2em 0 1em}
        table{border-collapse:collapse;width:100%;margin:.3em 0}th,td{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}
        thead th{background:#eee}table.kv th{width:12em;background:#f4f4f4}
        section.risks{border:3px solid #b00000;background:#fff0f0;padding:.2em .8em;margin-top:1em}
        section.risks h2{color:#b00000;border-color:#b00000}
        .warning,.note{border-left:4px solid #b36b00;background:#fff7e6;padding:.3em .6em}.overdue{color:#b00000}
        svg{width:100%;height:auto;margin:.4em 0}
        @media print{body{margin:0;max-width:none;font-size:10pt}section{break-inside:avoid}thead{display:table-header-group}
        section.risks{background:none}a{color:inherit;text-decoration:none}}
        @page{size:A4;margin:15mm}
        """
}

/// Escapes a value for HTML text and attribute values.
func h(_ value: String) -> String {
    var out = ""
    out.reserveCapacity(value.utf8.count)
    for character in value {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

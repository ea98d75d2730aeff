import DisruptCore
import DisruptStore
import Foundation

/// The report as one printable, self-contained HTML page: inline CSS and inline SVG bar charts,
/// no script, no external reference. Every value is escaped with `h`; a suppressed figure is
/// neither printed nor drawn (its bar is left out and labelled "<5" or "suppressed").
struct ReportHTMLRenderer {
    let suppressSmall: Bool

    func render(_ report: Report, generatedAt: Date) -> String {
        var body = "<header><h1>\(h(ReportText.title(report)))</h1><p>As of \(report.asOf.iso); made \(h(Timestamp.local(generatedAt))). "
        body += suppressSmall ? "Counts from 1 to 4 are shown as &lt;5." : "Small counts are not suppressed: for the partnership only."
        body += " No part of this report names a person.</p></header>\n"
        body += section(report.volumes, chart: nil)
        body += section(report.referralsByAgency, chart: bars(report.referralsByAgency, column: 1, title: "Referrals by referring agency", percent: false))
        body += section(report.referralsByCriterion, chart: nil)
        body += section(report.timeliness, chart: nil)
        body += section(report.actionsByAgency, chart: completion(report.actionsByAgency))
        body += section(report.actionsByHeading, chart: nil)
        body += section(report.actionsByTactic, chart: nil)
        body += section(report.outcomes, chart: beforeAfter(report.outcomes))
        body += "<section class=\"notes\"><h2>Notes</h2><p class=\"caveat\">\(h(Report.regressionCaveat))</p><ul>"
        body += report.notes.dropFirst().map { "<li>\(h($0))</li>" }.joined()
        body += "</ul></section>\n"
        return """
            <!DOCTYPE html>
            <html lang="en-GB"><head><meta charset="utf-8"><title>\(h(ReportText.title(report)))</title>
            <style>\(Self.style)</style></head>
            <body>
            \(body)</body></html>

            """
    }

    private func section(_ table: ReportTable, chart: String?) -> String {
        var out = "<section id=\"\(h(table.id))\"><h2>\(h(table.title))</h2>"
        if let chart { out += chart }
        if table.rows.isEmpty {
            out += "<p>None in this period.</p>"
        } else {
            out += "<table><thead><tr>" + table.headings.map { "<th>\(h($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in table.rows {
                out += "<tr>" + row.map { cell in
                    if case .text = cell { return "<td>\(h(cell.display(suppressSmall: suppressSmall)))</td>" }
                    return "<td class=\"n\">\(h(cell.display(suppressSmall: suppressSmall)))</td>"
                }.joined() + "</tr>"
            }
            out += "</tbody></table>"
        }
        return out + "</section>\n"
    }

    /// A drawable value, or the text shown instead of a bar.
    private func drawable(_ cell: ReportCell) -> (value: Double?, label: String) {
        let label = cell.display(suppressSmall: suppressSmall)
        if suppressSmall && cell.isSuppressible { return (nil, label) }
        return (cell.number, label)
    }

    /// Horizontal bars of one column, labelled by the first.
    private func bars(_ table: ReportTable, column: Int, title: String, percent: Bool) -> String? {
        let items = table.rows.map { row in (name: row[0].display(suppressSmall: false), drawable(row[column])) }
        guard !items.isEmpty else { return nil }
        let maximum = percent ? 100 : max(1, items.compactMap { $0.1.value }.max() ?? 1)
        let rowHeight = 22, labelWidth = 190, width = 640, barWidth = Double(width - labelWidth - 80)
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(width) \(items.count * rowHeight + 10)\"><title>\(h(title))</title>"
        for (index, item) in items.enumerated() {
            let y = index * rowHeight + 4
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 14)\" text-anchor=\"end\">\(h(item.name))</text>"
            let length = item.1.value.map { max(0, $0) / maximum * barWidth } ?? 0
            if item.1.value != nil {
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(ReportCell.decimal(length))\" height=\"16\" class=\"bar\"/>"
            }
            svg += "<text x=\"\(labelWidth + Int(length) + 6)\" y=\"\(y + 14)\">\(h(item.1.label))</text>"
        }
        return svg + "</svg>"
    }

    /// Completed as a share of agreed, by agency.
    private func completion(_ table: ReportTable) -> String? {
        let shares = ReportTable(id: "completion", title: "Completion", columns: [("agency", "Agency"), ("share", "Completed")], rows: table.rows.map { row in
            guard case .count(let agreed) = row[1], case .count(let completed) = row[2] else { return [row[0], .text("–")] }
            return [row[0], .share(part: completed, whole: agreed)]
        })
        return bars(shares, column: 1, title: "Share of agreed actions completed, by agency", percent: true)
    }

    /// Median RFG before and after, side by side, for each group.
    private func beforeAfter(_ table: ReportTable) -> String? {
        let groups = table.rows.map { row in (name: row[0].display(suppressSmall: false), before: drawable(row[3]), after: drawable(row[4])) }
        guard groups.contains(where: { $0.before.value != nil || $0.after.value != nil }) else { return nil }
        let maximum = max(1, groups.flatMap { [$0.before.value, $0.after.value] }.compactMap { $0 }.max() ?? 1)
        let height = 200.0, base = 230.0, groupWidth = 260
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(groups.count * groupWidth + 40) 280\"><title>Median RFG in the six months before and after</title>"
        for (index, group) in groups.enumerated() {
            let x = 40 + index * groupWidth
            for (offset, part) in [(0, group.before), (90, group.after)] {
                let length = part.value.map { max(0, $0) / maximum * height } ?? 0
                if part.value != nil {
                    svg += "<rect x=\"\(x + offset)\" y=\"\(ReportCell.decimal(base - length))\" width=\"70\" height=\"\(ReportCell.decimal(length))\" class=\"\(offset == 0 ? "before" : "after")\"/>"
                }
                svg += "<text x=\"\(x + offset + 35)\" y=\"\(ReportCell.decimal(base - length - 6))\" text-anchor=\"middle\">\(h(part.label))</text>"
                svg += "<text x=\"\(x + offset + 35)\" y=\"\(Int(base) + 16)\" text-anchor=\"middle\">\(offset == 0 ? "before" : "after")</text>"
            }
            svg += "<text x=\"\(x + 80)\" y=\"\(Int(base) + 36)\" text-anchor=\"middle\" class=\"group\">\(h(group.name))</text>"
        }
        return svg + "</svg>"
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;color:#111;line-height:1.35}
        h1{font-size:1.5em}h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.4em}
        table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.2em .45em;text-align:left}
        td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}
        svg{width:100%;height:auto;margin:.4em 0;font-size:12px}svg text{fill:#111}
        rect.bar{fill:#3b6ea8}rect.before{fill:#888}rect.after{fill:#3b6ea8}text.group{font-weight:bold}
        p.caveat{font-weight:bold}
        @media print{body{margin:0;max-width:none;font-size:10pt}section{break-inside:avoid}thead{display:table-header-group}}
        @page{size:A4;margin:15mm}
        """
}

import DisruptCore
import DisruptStore
import Foundation

/// The report as JSON, Markdown or CSV tables. Cells go through `ReportCell.display` (and so
/// through the disclosure control) in every format; JSON keeps counts and figures as numbers
/// unless they are suppressed.
enum ReportText {
    /// The report's heading line, e.g. "Marac report, North, 2026-01-01 to 2026-12-31".
    static func title(_ report: Report) -> String {
        let forum = report.forum == "matac" ? "MATAC" : "Marac"
        return "\(forum) report\(report.area.map { ", \($0)" } ?? ""), \(report.from.iso) to \(report.to.iso)"
    }

    /// One JSON document: scope, suppression, every table as rows of objects keyed by column id.
    static func json(_ report: Report, suppressSmall: Bool, generatedAt: Date) throws -> String {
        func value(_ cell: ReportCell) -> Any {
            if suppressSmall && cell.isSuppressible { return cell.display(suppressSmall: true) }
            switch cell {
            case .text(let text): return text
            case .count(let n): return n
            case .share, .figure: return cell.number.map { ($0 * 10).rounded() / 10 } ?? NSNull()
            }
        }
        var tables: [String: Any] = [:]
        for table in report.tables {
            tables[table.id] = [
                "title": table.title,
                "rows": table.rows.map { row in Dictionary(uniqueKeysWithValues: zip(table.columns, row.map(value))) },
            ] as [String: Any]
        }
        let document: [String: Any] = [
            "forum": report.forum, "area": report.area ?? NSNull(), "from": report.from.iso, "to": report.to.iso,
            "as_of": report.asOf.iso, "generated_at": Timestamp.utc(generatedAt), "suppress_small": suppressSmall,
            "hearing_limit_days": report.hearingLimitDays, "tables": tables, "notes": report.notes,
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Markdown: a heading, one pipe table per section, the notes. Every value is escaped.
    static func markdown(_ report: Report, suppressSmall: Bool) -> String {
        var lines = ["# \(MarkdownEscape.inline(title(report)))", "",
                     "As of \(report.asOf.iso). Small counts \(suppressSmall ? "are shown as <5" : "are not suppressed"). No table names a person.", ""]
        for table in report.tables {
            lines.append("## \(MarkdownEscape.inline(table.title))")
            lines.append("")
            if table.rows.isEmpty {
                lines.append("None in this period.")
            } else {
                lines.append("| " + table.headings.map(MarkdownEscape.inline).joined(separator: " | ") + " |")
                lines.append("|" + table.headings.map { _ in " --- |" }.joined())
                for row in table.rows {
                    lines.append("| " + row.map { MarkdownEscape.inline($0.display(suppressSmall: suppressSmall)) }.joined(separator: " | ") + " |")
                }
            }
            lines.append("")
        }
        lines.append("## Notes")
        lines.append("")
        for note in report.notes { lines.append("- " + MarkdownEscape.inline(note)) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One CSV file per table (`<table id>.csv`), headed by the column ids (every label is a code or a fixed phrase, never free text).
    static func csv(_ report: Report, suppressSmall: Bool) -> [(name: String, data: Data)] {
        report.tables.map { table in
            var bytes = CSVEncoder.encode(table.columns, options: .standard)
            for row in table.rows {
                bytes += CSVEncoder.encode(row.map { $0.display(suppressSmall: suppressSmall) }, options: .standard)
            }
            return ("\(table.id).csv", Data(bytes))
        }
    }
}

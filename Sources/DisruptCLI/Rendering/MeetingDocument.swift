import DisruptCore

/// A meeting document (agenda or minutes) as blocks of plain values, rendered as text, Markdown
/// or one self-contained printable HTML page. Every value is data and is escaped by the
/// renderer: `TerminalSafe.line` for text, `MarkdownEscape` for Markdown, `h` for HTML.
struct MeetingDocument {
    /// One block of the document.
    enum Block {
        case heading(String)
        case subheading(String)
        case paragraph(String)
        case warning(String)
        case bullets([String])
        case table([String], [[String]])
    }

    var title: String
    var blocks: [Block] = []

    mutating func add(_ block: Block) { blocks.append(block) }

    func text() -> String {
        var lines = [TerminalSafe.line(title), String(repeating: "=", count: min(title.count, 78))]
        for block in blocks {
            switch block {
            case .heading(let value): lines += ["", TerminalSafe.line(value), String(repeating: "-", count: min(value.count, 78))]
            case .subheading(let value): lines += ["", TerminalSafe.line(value)]
            case .paragraph(let value): lines.append(TerminalSafe.line(value))
            case .warning(let value): lines.append("WARNING: " + TerminalSafe.line(value))
            case .bullets(let items): lines += items.map { "  - " + TerminalSafe.line($0) }
            case .table(let headers, let rows):
                var table = TextTable(headers, maxWidth: 60)
                rows.forEach { table.append($0.map(TerminalSafe.line)) }
                lines.append(table.render())
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func markdown() -> String {
        let e = MarkdownEscape.inline
        var lines = ["# " + e(title)]
        for block in blocks {
            switch block {
            case .heading(let value): lines += ["", "## " + e(value), ""]
            case .subheading(let value): lines += ["", "### " + e(value), ""]
            case .paragraph(let value): lines += [e(value), ""]
            case .warning(let value): lines += ["> **Warning:** " + e(value), ""]
            case .bullets(let items): lines += items.map { "- " + e($0) } + [""]
            case .table(let headers, let rows):
                lines.append("| " + headers.map(e).joined(separator: " | ") + " |")
                lines.append("|" + headers.map { _ in " --- |" }.joined())
                lines += rows.map { "| " + $0.map(e).joined(separator: " | ") + " |" }
                lines.append("")
            }
        }
        // one blank line between blocks, never two
        let tidy = lines.enumerated().filter { index, line in !(line.isEmpty && index > 0 && lines[index - 1].isEmpty) }.map(\.element)
        return tidy.joined(separator: "\n") + "\n"
    }

    /// One printable page: inline CSS with print styles, no scripts, no external resources.
    func html() -> String {
        var body = ["<h1>\(h(title))</h1>"]
        for block in blocks {
            switch block {
            case .heading(let value): body.append("<h2>\(h(value))</h2>")
            case .subheading(let value): body.append("<h3>\(h(value))</h3>")
            case .paragraph(let value): body.append("<p>\(h(value))</p>")
            case .warning(let value): body.append("<p class=\"warning\"><strong>Warning:</strong> \(h(value))</p>")
            case .bullets(let items): body.append("<ul>" + items.map { "<li>\(h($0))</li>" }.joined() + "</ul>")
            case .table(let headers, let rows):
                body.append("<table><thead><tr>" + headers.map { "<th>\(h($0))</th>" }.joined() + "</tr></thead><tbody>"
                    + rows.map { "<tr>" + $0.map { "<td>\(h($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>")
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en-GB"><head><meta charset="utf-8">
            <title>\(h(title))</title>
            <style>\(Self.css)</style></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    static let css = """
        body{font-family:system-ui,sans-serif;max-width:60em;margin:1em auto;color:#111;line-height:1.35}
        h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.4em}h3{font-size:1em}
        table{border-collapse:collapse;width:100%;margin:.4em 0}th,td{border:1px solid #bbb;padding:.2em .4em;text-align:left;vertical-align:top}
        th{background:#eee}.warning{background:#fff3cd;padding:.3em .5em}
        @media print{body{margin:0;max-width:none;font-size:10pt}h2,h3{break-after:avoid}table{break-inside:avoid}thead{display:table-header-group}}
        @page{size:A4;margin:15mm}
        """
}

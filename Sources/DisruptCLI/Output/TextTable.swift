import DisruptCore

/// A plain text table for terminals: columns padded to their widest cell, a header row, and
/// cells cut with an ellipsis past `maxWidth` so a row fits a 100-column terminal. A cell is
/// one line: line breaks and tabs become spaces, other control characters are made visible.
public struct TextTable {
    public var headers: [String]
    public var rows: [[String]] = []
    public var maxWidth: Int

    public init(_ headers: [String], maxWidth: Int = 40) {
        self.headers = headers
        self.maxWidth = maxWidth
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    public func render() -> String {
        let cut = rows.map { $0.map { Self.truncate($0, maxWidth) } }
        var widths = headers.map(\.count)
        for row in cut {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: max(0, widths[index] - cell.count))
            }.joined(separator: "  ")
        }
        return ([line(headers)] + cut.map(line)).joined(separator: "\n")
    }

    static func truncate(_ text: String, _ width: Int) -> String {
        let flat = TerminalSafe.line(text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " "))
        return flat.count <= width ? flat : String(flat.prefix(width - 1)) + "…"
    }
}

/// The one Markdown escaper: a value from data shown in a Markdown document is put on one
/// line (line breaks become spaces), has its control characters made visible
/// (`TerminalSafe.line`), and has every character that Markdown or a pipe table would read as
/// markup backslash-escaped, so a name can neither format the page nor break a table.
public enum MarkdownEscape {
    static let markup: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "!", "~", "{", "}"]

    /// An inline value (a sentence, a heading, a table cell).
    public static func inline(_ value: String) -> String {
        let flat = value.replacingOccurrences(of: "\r\n", with: " ")
            .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\t", with: " ")
        var out = ""
        for character in TerminalSafe.line(flat) {
            if markup.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

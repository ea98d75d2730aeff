/// `--format` of most commands.
public enum TextOrJSON: String, CaseIterable, ExpressibleByArgument {
    case text, json
}

/// `--format` of `disrupt agenda`.
public enum AgendaFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, markdown
}

/// `--format` of `disrupt summary`.
public enum SummaryFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json, markdown, html
}

/// Help lines shared by many commands, so each reads the same everywhere.
enum StandardHelp {
    static let format = "Output format (default: text)."
    static let asOf = "Evaluate as of this date (default: today)."
    static let version = "The version you last saw (from show/list). If the record has changed since, nothing is changed and the exit code is 5. Omit to change whatever is current."
}

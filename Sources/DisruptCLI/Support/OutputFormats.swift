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

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

/// `--format` of `disrupt report`.
public enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case html, markdown, json, csv

    /// Formats meant for people outside the partnership suppress counts 1–4 unless told not to.
    var suppressesByDefault: Bool { self == .html || self == .csv }
}

/// `--forum` of `disrupt report`.
public enum ReportForum: String, CaseIterable, ExpressibleByArgument {
    case marac, matac
}

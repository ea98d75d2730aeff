/// Help lines shared by many commands' declarations, so each reads the same everywhere.
enum StandardHelp {
    static let format = "Output format (default: text)."
    static let asOf = "Evaluate as of this date (default: today)."
    static let version = "The version you last saw (from show/list). If the record has changed since, nothing is changed and the exit code is 5. Omit to change whatever is current."
}

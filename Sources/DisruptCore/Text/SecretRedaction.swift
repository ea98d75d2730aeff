import Foundation

/// Hides passwords in database connection strings before they are shown: the password of a
/// URL's user (`postgresql://user:secret@host` → `postgresql://user:***@host`) and a
/// `password=` setting in a URL's query or a libpq keyword string (`password=***`).
public enum SecretRedaction {
    public static let mask = "***"

    private static let userInfo = try! NSRegularExpression(pattern: "([A-Za-z][A-Za-z0-9+.-]*://[^:/@?#\\s]*):[^@/?#\\s]*@")
    private static let keyword = try! NSRegularExpression(pattern: "(?i)(\\bpassword\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|[^&\\s]*)")

    /// `text` with every password it holds replaced by `***`.
    public static func redact(_ text: String) -> String {
        guard text.contains("@") || text.range(of: "password", options: .caseInsensitive) != nil else { return text }
        var out = text
        for (expression, template) in [(userInfo, "$1:\(mask)@"), (keyword, "$1\(mask)")] {
            out = expression.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: template)
        }
        return out
    }

    /// Splits a connection string into the same string without its password and the
    /// password (percent-decoded), so a program can be given the password through its
    /// environment (`PGPASSWORD`) instead of its command line, which every user can read.
    public static func withoutPassword(_ connection: String) -> (connection: String, password: String?) {
        let range = NSRange(connection.startIndex..., in: connection)
        if let match = userInfo.firstMatch(in: connection, range: range),
           let whole = Range(match.range, in: connection), let user = Range(match.range(at: 1), in: connection) {
            let password = String(connection[user.upperBound..<whole.upperBound].dropFirst().dropLast())
            let rest = connection.replacingCharacters(in: whole, with: connection[user] + "@")
            return (rest, password.removingPercentEncoding ?? password)
        }
        if let match = keyword.firstMatch(in: connection, range: range),
           let whole = Range(match.range, in: connection), let value = Range(match.range(at: 2), in: connection) {
            var password = String(connection[value])
            if password.hasPrefix("'") { password = String(password.dropFirst().dropLast()).replacingOccurrences(of: "\\'", with: "'") }
            var rest = connection
            rest.removeSubrange(whole)
            rest = rest.replacingOccurrences(of: "?&", with: "?").replacingOccurrences(of: "&&", with: "&")
            if rest.hasSuffix("?") || rest.hasSuffix("&") { rest.removeLast() }
            let isURL = connection.contains("://")
            return (rest, isURL ? (password.removingPercentEncoding ?? password) : password)
        }
        return (connection, nil)
    }
}

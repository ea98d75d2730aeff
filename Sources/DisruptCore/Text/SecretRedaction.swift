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
}

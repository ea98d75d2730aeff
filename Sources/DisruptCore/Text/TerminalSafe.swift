/// The one output sanitiser: makes the control characters in text that came from data
/// visible, so a name, note or reference can never drive the terminal it is printed on
/// (retitle it, clear the screen, move the cursor, hide lines).
///
/// - C0 controls U+0000–U+001F become their Control Pictures (U+2400–U+241F), e.g. ESC as
///   `␛` and BEL as `␇`; tab and line feed are kept by `text` (they are the layout of a
///   multi-line output) and made visible by `line` (one field on one line).
/// - DEL becomes `␡` (U+2421).
/// - C1 controls U+0080–U+009F become `\u{9B}`-style escapes (there is no picture for them).
///
/// The result contains no control character other than tab and line feed, and sanitising it
/// again changes nothing.
public enum TerminalSafe {
    /// Text for a terminal or a log: every control character except tab and line feed is
    /// made visible.
    public static func text(_ value: String) -> String {
        sanitise(value, keepLayout: true)
    }

    /// One field on one line (a table cell, a name in a sentence): tab and line feed are made
    /// visible too (`␉`, `␊`), so a value can never start a line of its own.
    public static func line(_ value: String) -> String {
        sanitise(value, keepLayout: false)
    }

    /// True when `value` has a control character other than tab and line feed.
    public static func needsEscaping(_ value: String) -> Bool {
        value.unicodeScalars.contains { isControl($0) && $0 != "\t" && $0 != "\n" }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func sanitise(_ value: String, keepLayout: Bool) -> String {
        guard value.unicodeScalars.contains(where: { isControl($0) && !(keepLayout && ($0 == "\t" || $0 == "\n")) }) else {
            return value
        }
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x09 where keepLayout, 0x0A where keepLayout:
                out.append(scalar)
            case 0x00..<0x20:
                out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F:
                out.append("\u{2421}")
            case 0x80...0x9F:
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}

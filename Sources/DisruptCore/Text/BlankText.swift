import Foundation

/// What counts as blank. Two rules, one place:
/// - `cleaned`: any text (a name, a reference, a label) is blank when nothing is left once the
///   invisible characters at its ends are taken off. Invisible: controls, every Unicode space
///   (no-break, ideographic, the typographic ones), line and paragraph separators, and the format
///   characters that print nothing (zero-width space and joiners, direction marks, word joiner,
///   soft hyphen, byte-order mark).
/// - `reason`: free text that must say why or what (a purpose, a reason, an outcome, a decision, a
///   research note) must also keep at least one letter A-Z or digit. Letter-like blanks are too
///   many to list (Hangul fillers, braille blank, variation selectors, tags, combining marks on
///   their own: helper-61 passed each off as a purpose), and the forums write in English or Welsh.
/// The database applies the second (`disrupt.clean_reason`, SQL/definitions/foundation.sql) to
/// every such text; `BlankTextTests` checks the two agree at the first and last code point of every
/// invisible range and either side of it, on letter-like blanks and on ordinary text.
public enum BlankText {
    /// The invisible characters, as inclusive ranges of code points (the SQL function's class).
    public static let invisibleRanges: [ClosedRange<UInt32>] = [
        0x01...0x20, 0x7F...0xA0, 0xAD...0xAD, 0x1680...0x1680, 0x180E...0x180E,
        0x2000...0x200F, 0x2028...0x202F, 0x205F...0x206F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]

    /// The same ranges as a character set.
    public static let invisible: CharacterSet = {
        var set = CharacterSet()
        for range in invisibleRanges {
            set.insert(charactersIn: Unicode.Scalar(range.lowerBound)!...Unicode.Scalar(range.upperBound)!)
        }
        return set
    }()

    /// `text` without invisible characters at either end; nil when nothing is left.
    public static func cleaned(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !invisible.contains($0) }),
              let last = scalars.lastIndex(where: { !invisible.contains($0) }) else { return nil }
        return String(scalars[first...last])
    }

    /// A reason, purpose, outcome, decision or note as stored: `cleaned`, and nil unless it keeps
    /// a letter A-Z or a digit.
    public static func reason(_ text: String) -> String? {
        guard text.unicodeScalars.contains(where: { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }) else {
            return nil
        }
        return cleaned(text)
    }

    /// True when `text` is nil or has nothing but invisible characters.
    public static func isBlank(_ text: String?) -> Bool { text.flatMap(cleaned) == nil }
}

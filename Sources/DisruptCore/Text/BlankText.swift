import Foundation

/// What counts as blank in a reason, a purpose, an outcome or a note: text with nothing left once
/// the invisible characters at its ends are taken off. Invisible: controls, every Unicode space
/// (no-break, ideographic, the typographic ones), line and paragraph separators, and the format
/// characters that print nothing (zero-width space and joiners, direction marks, word joiner,
/// soft hyphen, byte-order mark). The database applies the same rule (`disrupt.clean_text`,
/// SQL/definitions/foundation.sql); `BlankTextTests` checks the two agree code point by code point.
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

    /// True when `text` is nil or has nothing but invisible characters.
    public static func isBlank(_ text: String?) -> Bool { text.flatMap(cleaned) == nil }
}

/// Joint work with the victim is refused: mediation, couples or joint counselling, family
/// therapy and restorative justice put the victim in the room with the perpetrator, which is
/// not safe where there is domestic abuse ("perpetrators are never referred to joint
/// counselling or mediation"). Applied to catalogue tactics and to custom action labels.
public enum JointWorkRule {
    /// Why such work is refused (the end of every refusal message).
    public static let why = "mediation, couples or joint counselling, family therapy, restorative justice and other "
        + "joint work with the victim are not safe where there is domestic abuse and are refused"

    /// Word prefixes and the name each set is refused under. A text matches when each prefix
    /// starts some word of it, in any order ("mediat" matches "mediation", not "immediate";
    /// "counselling for the couple" is couples counselling).
    static let patterns: [(words: [String], name: String)] = [
        (["mediat"], "mediation"),
        (["couples"], "couples counselling"),
        (["couple", "counsel"], "couples counselling"),
        (["couple", "therap"], "couples counselling"),
        (["relationship", "counsel"], "couples counselling"),
        (["marriage", "counsel"], "couples counselling"),
        (["marital", "counsel"], "couples counselling"),
        (["joint", "counsel"], "joint counselling"),
        (["joint", "therap"], "joint counselling"),
        (["conjoint"], "joint counselling"),
        (["family", "therap"], "family therapy"),
        (["restorative"], "restorative justice"),
        (["rj"], "restorative justice"),
    ]

    /// Words that, with a word starting "joint", make joint work with the victim.
    static let victimWords = ["victim", "survivor", "partner", "wife", "husband", "girlfriend", "boyfriend", "spouse"]

    /// The text as the rule reads it (the database's `joint_work_fold`): compatibility-decomposed
    /// (full-width letters become ASCII, accents come apart), lower-cased, with combining marks,
    /// invisible format characters (zero-width spaces and joiners, soft hyphens, bidirectional
    /// marks) and apostrophes removed.
    public static func fold(_ text: String) -> String {
        let scalars = text.decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars.filter { scalar in
            !(0x0300...0x036F).contains(scalar.value) && !invisible.contains { $0.contains(scalar.value) }
                && scalar != "'" && scalar != "\u{2019}"
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The invisible characters `fold` removes (the same list as the database's).
    static let invisible: [ClosedRange<UInt32>] = [
        0x00AD...0x00AD, 0x034F...0x034F, 0x061C...0x061C, 0x115F...0x1160, 0x17B4...0x17B5, 0x180B...0x180E,
        0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0xFEFF...0xFEFF,
    ]

    /// Whether a custom label folds to plain printable ASCII with something in it, so that
    /// look-alike letters of other scripts cannot hide a refused phrase.
    public static func isPlain(_ text: String) -> Bool {
        let folded = fold(text)
        return !folded.trimmingCharacters(in: .whitespaces).isEmpty
            && folded.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
    }

    /// The name of the refused kind of work the text describes, if any (the folded text split
    /// into words at anything but an ASCII letter or digit, so `family_therapy` matches).
    public static func forbiddenPhrase(in text: String) -> String? {
        let words = fold(text)
            .split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
            .map(String.init)
        for pattern in patterns where pattern.words.allSatisfy({ prefix in words.contains { $0.hasPrefix(prefix) } }) {
            return pattern.name
        }
        if words.contains(where: { $0.hasPrefix("joint") }),
           words.contains(where: { word in victimWords.contains { word.hasPrefix($0) } }) {
            return "joint work with the victim"
        }
        return nil
    }
}

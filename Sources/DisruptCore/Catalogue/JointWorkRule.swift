/// Joint work with the victim is refused: mediation, couples or joint counselling, family
/// therapy and restorative justice put the victim in the room with the perpetrator, which is
/// not safe where there is domestic abuse ("perpetrators are never referred to joint
/// counselling or mediation"). Applied to catalogue tactics and to custom action labels.
public enum JointWorkRule {
    /// Why such work is refused (the end of every refusal message).
    public static let why = "mediation, couples or joint counselling, family therapy, restorative justice and other "
        + "joint work with the victim are not safe where there is domestic abuse and are refused"

    /// Word-prefix sequences and the name each is refused under. A text matches when some run
    /// of its words starts with the pattern's prefixes in order ("mediat" matches "mediation",
    /// not "immediate").
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
    ]

    /// Words that, with a word starting "joint", make joint work with the victim.
    static let victimWords = ["victim", "survivor", "partner"]

    /// The name of the refused kind of work the text describes, if any (case-insensitive;
    /// anything but letters and digits separates words, so `family_therapy` matches).
    public static func forbiddenPhrase(in text: String) -> String? {
        let words = text.lowercased()
            .split { !($0.isLetter || $0.isNumber) }
            .map(String.init)
        for pattern in patterns where words.count >= pattern.words.count {
            for start in 0...(words.count - pattern.words.count) {
                if zip(words[start...], pattern.words).allSatisfy({ $0.hasPrefix($1) }) { return pattern.name }
            }
        }
        if words.contains(where: { $0.hasPrefix("joint") }),
           words.contains(where: { word in victimWords.contains { word.hasPrefix($0) } }) {
            return "joint work with the victim"
        }
        return nil
    }
}

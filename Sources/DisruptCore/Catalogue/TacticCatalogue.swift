import Foundation

/// An action a forum can agree against a perpetrator, from `Config/tactics.json`.
public struct Tactic: Codable, Sendable, Hashable {
    public let code: String
    public let label: String
    public let heading: ActionHeading
    /// The agency that usually owns the action.
    public let agency: Agency
    /// True if starting the action could change the victim's or children's safety, so the Idva
    /// must confirm it is safe before it starts (and is kept informed).
    public let affectsVictimSafety: Bool
    /// Longer guidance text.
    public let description: String?

    public init(
        code: String, label: String, heading: ActionHeading, agency: Agency, affectsVictimSafety: Bool,
        description: String? = nil
    ) {
        self.code = code
        self.label = label
        self.heading = heading
        self.agency = agency
        self.affectsVictimSafety = affectsVictimSafety
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case code, label, heading, agency, description
        case affectsVictimSafety = "affects_victim_safety"
    }
}

/// The tactics catalogue. Loading refuses couples counselling, mediation and joint counselling,
/// which are unsafe where there is domestic abuse.
public struct TacticCatalogue: Sendable {
    /// Phrases that identify a forbidden tactic in a code or label (case-insensitive; `_` and `-` read as spaces).
    public static let forbiddenPhrases = [
        "mediation", "mediate", "couples", "couple counselling", "couple counseling",
        "joint counselling", "joint counseling", "relationship counselling", "relationship counseling",
        "conjoint",
    ]

    /// All tactics in file order.
    public let tactics: [Tactic]
    private let byCode: [String: Tactic]

    /// Builds a catalogue; throws if a tactic is forbidden or codes repeat.
    public init(tactics: [Tactic], file: String = "tactics.json") throws {
        for (index, tactic) in tactics.enumerated() {
            if let phrase = Self.forbiddenPhrase(in: tactic) {
                throw ConfigurationError(
                    file: file, key: "tactics[\(index)]",
                    message: "tactic '\(tactic.code)' (\(tactic.label)) matches '\(phrase)': couples counselling, "
                        + "mediation and joint counselling are not safe where there is domestic abuse and are refused")
            }
        }
        try CatalogueValidation.checkCodes(tactics.map(\.code), file: file, list: "tactics")
        self.tactics = tactics
        self.byCode = Dictionary(tactics.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The tactic with this code, if catalogued.
    public subscript(code: String) -> Tactic? { byCode[code] }

    /// Tactics under one heading, in file order.
    public func tactics(under heading: ActionHeading) -> [Tactic] {
        tactics.filter { $0.heading == heading }
    }

    /// The forbidden phrase a tactic's code or label contains, if any.
    public static func forbiddenPhrase(in tactic: Tactic) -> String? {
        forbiddenPhrase(in: tactic.code) ?? forbiddenPhrase(in: tactic.label)
    }

    /// The forbidden phrase the text contains, if any.
    public static func forbiddenPhrase(in text: String) -> String? {
        let normal = text.lowercased()
            .replacingOccurrences(of: "_", with: " ")
            .replacingOccurrences(of: "-", with: " ")
            .split(whereSeparator: { $0 == " " })
            .joined(separator: " ")
        return forbiddenPhrases.first { normal.contains($0) }
    }

    private struct File: Decodable {
        let tactics: [Tactic]
    }

    /// Decodes `{"tactics": [{"code", "label", "heading", "agency", "affects_victim_safety", "description"?}]}`.
    public static func decode(_ data: Data, file: String = "tactics.json") throws -> TacticCatalogue {
        let decoded = try ConfigDecoder.decode(File.self, from: data, file: file)
        return try TacticCatalogue(tactics: decoded.tactics, file: file)
    }
}

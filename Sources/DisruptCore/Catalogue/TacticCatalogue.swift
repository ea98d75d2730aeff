import Foundation

/// An action a forum can agree against a perpetrator, from `Config/tactics.json`. A tactic
/// belongs to exactly one heading.
public struct Tactic: Codable, Sendable, Hashable {
    public let code: String
    public let label: String
    public let heading: ActionHeading
    /// The agency that usually owns the action.
    public let agency: Agency
    /// Why an administrator exempted this tactic from the Idva safety check; nil (as for every
    /// shipped tactic) means the Idva must agree it is safe for the victim and children first.
    public let safetyCheckExemptReason: String?
    /// Longer guidance text.
    public let description: String?

    public init(
        code: String, label: String, heading: ActionHeading, agency: Agency, safetyCheckExemptReason: String? = nil,
        description: String? = nil
    ) {
        self.code = code
        self.label = label
        self.heading = heading
        self.agency = agency
        self.safetyCheckExemptReason = safetyCheckExemptReason
        self.description = description
    }

    /// True unless an administrator exempted the tactic with a recorded reason.
    public var needsSafetyCheck: Bool { safetyCheckExemptReason == nil }

    enum CodingKeys: String, CodingKey {
        case code, label, heading, agency, description
        case safetyCheckExemptReason = "safety_check_exempt_reason"
        case needsSafetyCheck = "needs_safety_check"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        label = try c.decode(String.self, forKey: .label)
        heading = try c.decode(ActionHeading.self, forKey: .heading)
        agency = try c.decode(Agency.self, forKey: .agency)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        safetyCheckExemptReason = try c.decodeIfPresent(String.self, forKey: .safetyCheckExemptReason)
        if let reason = safetyCheckExemptReason, BlankText.reason(reason) == nil {
            throw c.invalid(.safetyCheckExemptReason, "an exemption from the Idva safety check needs a reason")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(label, forKey: .label)
        try c.encode(heading, forKey: .heading)
        try c.encode(agency, forKey: .agency)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(safetyCheckExemptReason, forKey: .safetyCheckExemptReason)
        try c.encode(needsSafetyCheck, forKey: .needsSafetyCheck)
    }
}

/// The tactics catalogue. Loading refuses joint work with the victim (mediation, couples or
/// joint counselling, family therapy, restorative justice), which is unsafe where there is
/// domestic abuse (see `JointWorkRule`).
public struct TacticCatalogue: Sendable {
    /// All tactics in file order.
    public let tactics: [Tactic]
    private let byCode: [String: Tactic]

    /// Builds a catalogue; throws if a tactic is forbidden or codes repeat.
    public init(tactics: [Tactic], file: String = "tactics.json") throws {
        for (index, tactic) in tactics.enumerated() {
            if let phrase = JointWorkRule.forbiddenPhrase(in: tactic.code) ?? JointWorkRule.forbiddenPhrase(in: tactic.label) {
                throw ConfigurationError(
                    file: file, key: "tactics[\(index)]",
                    message: "tactic '\(tactic.code)' (\(tactic.label)) matches '\(phrase)': " + JointWorkRule.why)
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

    private struct File: Decodable {
        let tactics: [Tactic]
    }

    /// Decodes `{"tactics": [{"code", "label", "heading", "agency", "safety_check_exempt_reason"?, "description"?}]}`.
    public static func decode(_ data: Data, file: String = "tactics.json") throws -> TacticCatalogue {
        let decoded = try ConfigDecoder.decode(File.self, from: data, file: file)
        return try TacticCatalogue(tactics: decoded.tactics, file: file)
    }
}

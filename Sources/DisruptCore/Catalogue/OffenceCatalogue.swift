import Foundation

/// An offence code from `Config/offences.json`: default gravity points and tags the rules match on.
public struct Offence: Codable, Sendable, Hashable {
    public let code: String
    public let label: String
    /// Default gravity in points (scale documented in the JSON file), used when an incident has none.
    public let gravity: Int
    /// Tags such as `weapon`, `sexual`, `strangulation`, `threats_to_kill`, `arson`, `stalking`, `threats`.
    public let tags: [String]

    public init(code: String, label: String, gravity: Int, tags: [String] = []) {
        self.code = code
        self.label = label
        self.gravity = gravity
        self.tags = tags
    }

    enum CodingKeys: String, CodingKey { case code, label, gravity, tags }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        label = try c.decode(String.self, forKey: .label)
        gravity = try c.decode(Int.self, forKey: .gravity)
        guard gravity >= 0 else { throw c.invalid(.gravity, "gravity must be 0 or more") }
        tags = try c.decodeIfPresent([String].self, forKey: .tags) ?? []
    }
}

/// The offence codes an area uses, with gravity resolution.
public struct OffenceCatalogue: Sendable {
    /// The unspecified domestic-abuse incident: the default offence when none is recorded.
    public static let defaultCode = "da_incident"

    /// Codes the schema and rules rely on; loading fails if one is missing.
    public static let requiredCodes = [
        "da_incident", "common_assault", "abh", "gbh", "gbh_intent", "non_fatal_strangulation",
        "threats_to_kill", "stalking", "harassment", "coercive_control", "criminal_damage", "arson",
        "rape", "sexual_assault", "assault_with_weapon", "weapon_possession", "breach_of_order",
        "malicious_communications", "kidnap", "murder_attempt",
    ]

    /// All offences in file order.
    public let offences: [Offence]
    /// Describes the gravity scale (copied from the file's `scale` key).
    public let scale: String?
    private let byCode: [String: Offence]

    public init(offences: [Offence], scale: String? = nil) {
        self.offences = offences
        self.scale = scale
        self.byCode = Dictionary(offences.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The offence with this code, if catalogued.
    public subscript(code: String) -> Offence? { byCode[code] }

    /// Gravity of an incident: the explicit value if recorded, else the offence's default,
    /// else the `da_incident` default (also used for an unknown offence code).
    public func gravity(explicit: Int?, offence: String?) -> Int {
        if let explicit { return explicit }
        if let offence, let known = byCode[offence] { return known.gravity }
        return byCode[Self.defaultCode]?.gravity ?? 1
    }

    /// Codes of offences carrying any of the tags.
    public func codes(taggedWithAnyOf tags: [String]) -> Set<String> {
        guard !tags.isEmpty else { return [] }
        return Set(offences.filter { $0.tags.contains(where: tags.contains) }.map(\.code))
    }

    /// Every tag used by some offence.
    public var allTags: Set<String> { Set(offences.flatMap(\.tags)) }

    private struct File: Decodable {
        let scale: String?
        let offences: [Offence]
    }

    /// Decodes `{"scale": "...", "offences": [{"code", "label", "gravity", "tags"?}]}`.
    public static func decode(_ data: Data, file: String = "offences.json") throws -> OffenceCatalogue {
        let decoded = try ConfigDecoder.decode(File.self, from: data, file: file)
        let codes = decoded.offences.map(\.code)
        try CatalogueValidation.checkCodes(codes, file: file, list: "offences")
        try CatalogueValidation.checkRequired(requiredCodes, in: codes, file: file, list: "offences")
        return OffenceCatalogue(offences: decoded.offences, scale: decoded.scale)
    }
}

import Foundation

/// A kind of warning marker (e.g. `weapons`, `stalking_harassment`) from `Config/markers.json`.
public struct MarkerKind: Codable, Sendable, Hashable {
    public let code: String
    public let label: String
    /// What the marker means and when to record it.
    public let description: String?
    /// Sensitivity suggested when a marker of this kind is recorded.
    public let defaultSensitivity: Sensitivity

    public init(code: String, label: String, description: String? = nil, defaultSensitivity: Sensitivity = .shared) {
        self.code = code
        self.label = label
        self.description = description
        self.defaultSensitivity = defaultSensitivity
    }

    enum CodingKeys: String, CodingKey {
        case code, label, description
        case defaultSensitivity = "default_sensitivity"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        label = try c.decode(String.self, forKey: .label)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        defaultSensitivity = try c.decodeIfPresent(Sensitivity.self, forKey: .defaultSensitivity) ?? .shared
    }
}

/// The marker kinds an area uses. The product's rules need the built-in codes; an area may add more.
public struct MarkerCatalogue: Sendable {
    /// The codes the trigger rules and schema rely on; loading fails if one is missing.
    public static let requiredCodes = [
        "weapons", "firearms_access", "stalking_harassment", "threats_to_kill", "threats",
        "sexual_violence", "arson", "extreme_coercive_control", "strangulation",
        "risk_to_professionals", "mental_ill_health", "substance_misuse", "self_harm_suicide",
        "homeless", "financial_strain", "animal_abuse", "new_relationship", "access_vehicles",
        "access_premises", "access_it_skills", "employment_skills", "serial_perpetrator", "pdp",
    ]

    /// All kinds in file order.
    public let kinds: [MarkerKind]
    private let byCode: [String: MarkerKind]

    public init(kinds: [MarkerKind]) {
        self.kinds = kinds
        self.byCode = Dictionary(kinds.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The kind with this code, if catalogued.
    public subscript(code: String) -> MarkerKind? { byCode[code] }

    /// True if the code is catalogued.
    public func contains(_ code: String) -> Bool { byCode[code] != nil }

    private struct File: Decodable {
        let markers: [MarkerKind]
    }

    /// Decodes `{"markers": [{"code", "label", "description"?, "default_sensitivity"?}]}`.
    public static func decode(_ data: Data, file: String = "markers.json") throws -> MarkerCatalogue {
        let decoded = try ConfigDecoder.decode(File.self, from: data, file: file)
        let codes = decoded.markers.map(\.code)
        try CatalogueValidation.checkCodes(codes, file: file, list: "markers")
        try CatalogueValidation.checkRequired(requiredCodes, in: codes, file: file, list: "markers")
        return MarkerCatalogue(kinds: decoded.markers)
    }
}

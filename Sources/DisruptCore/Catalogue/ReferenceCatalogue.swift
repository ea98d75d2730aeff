import Foundation

/// A type of order or condition (bail, DVPO, stalking protection order, licence...) from `Config/catalogue.json`.
public struct OrderType: Codable, Sendable, Hashable {
    public let code: String
    public let label: String
    /// True for pre-charge conditions (bail, released under investigation) where offending counts as a breach.
    public let preCharge: Bool

    public init(code: String, label: String, preCharge: Bool = false) {
        self.code = code
        self.label = label
        self.preCharge = preCharge
    }

    enum CodingKeys: String, CodingKey {
        case code, label
        case preCharge = "pre_charge"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        label = try c.decode(String.self, forKey: .label)
        preCharge = try c.decodeIfPresent(Bool.self, forKey: .preCharge) ?? false
    }
}

/// A labelled member of one of the fixed vocabularies (agencies, forums, headings).
public struct Labelled<Code: RawRepresentable & Codable & Sendable & Hashable>: Codable, Sendable, Hashable
where Code.RawValue == String {
    public let code: Code
    public let label: String
}

/// `Config/catalogue.json`: order types (extensible) and local labels for agencies, forums and headings.
public struct ReferenceCatalogue: Sendable {
    /// Order type codes the schema relies on; loading fails if one is missing.
    public static let requiredOrderTypes = [
        "bail", "rui", "dvpn", "dvpo", "dapn", "dapo", "non_molestation", "restraining",
        "interim_spo", "spo", "occupation", "licence", "community_order",
    ]

    public let orderTypes: [OrderType]
    public let agencies: [Labelled<Agency>]
    public let forums: [Labelled<Forum>]
    public let headings: [Labelled<ActionHeading>]
    private let orderByCode: [String: OrderType]

    public init(
        orderTypes: [OrderType], agencies: [Labelled<Agency>] = [], forums: [Labelled<Forum>] = [],
        headings: [Labelled<ActionHeading>] = []
    ) {
        self.orderTypes = orderTypes
        self.agencies = agencies
        self.forums = forums
        self.headings = headings
        self.orderByCode = Dictionary(orderTypes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The order type with this code, if catalogued.
    public func orderType(_ code: String) -> OrderType? { orderByCode[code] }

    /// Local label for an agency (falls back to the built-in English label).
    public func label(for agency: Agency) -> String {
        agencies.first { $0.code == agency }?.label ?? agency.label
    }

    /// Local label for a forum (falls back to the built-in English label).
    public func label(for forum: Forum) -> String {
        forums.first { $0.code == forum }?.label ?? forum.label
    }

    /// Local label for a heading (falls back to the built-in English label).
    public func label(for heading: ActionHeading) -> String {
        headings.first { $0.code == heading }?.label ?? heading.label
    }

    private struct File: Decodable {
        let orderTypes: [OrderType]
        let agencies: [Labelled<Agency>]?
        let forums: [Labelled<Forum>]?
        let headings: [Labelled<ActionHeading>]?

        enum CodingKeys: String, CodingKey {
            case orderTypes = "order_types"
            case agencies, forums, headings
        }
    }

    /// Decodes `{"order_types": [{"code", "label", "pre_charge"?}], "agencies"?: [{"code", "label"}], "forums"?: [...], "headings"?: [...]}`.
    public static func decode(_ data: Data, file: String = "catalogue.json") throws -> ReferenceCatalogue {
        let decoded = try ConfigDecoder.decode(File.self, from: data, file: file)
        let codes = decoded.orderTypes.map(\.code)
        try CatalogueValidation.checkCodes(codes, file: file, list: "order_types")
        try CatalogueValidation.checkRequired(requiredOrderTypes, in: codes, file: file, list: "order_types")
        return ReferenceCatalogue(
            orderTypes: decoded.orderTypes, agencies: decoded.agencies ?? [], forums: decoded.forums ?? [],
            headings: decoded.headings ?? [])
    }
}

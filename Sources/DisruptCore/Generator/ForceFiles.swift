import Foundation

/// The ten import files of a force, in import order, with their exact header rows.
public enum ForceFile: String, CaseIterable, Sendable {
    case people, aliases, parties, relationships, incidents, markers, orders, breaches, links, referrals

    /// File name inside the import directory, e.g. `people.csv`.
    public var fileName: String { rawValue + ".csv" }

    /// Column names in file order.
    public var columns: [String] {
        switch self {
        case .people: ["person_ref", "pnc_id", "given_name", "family_name", "date_of_birth", "gender"]
        case .aliases: ["person_ref", "alias_name", "date_of_birth"]
        case .parties: ["party_ref", "given_name", "family_name", "date_of_birth", "kind"]
        case .relationships: ["person_ref", "party_ref", "relationship", "from", "to", "has_contact"]
        case .incidents: ["source_ref", "person_ref", "party_ref", "occurred_on", "offence", "gravity", "agency", "separate_event",
                          "sensitivity", "address"]
        case .markers: ["source_ref", "person_ref", "marker", "recorded_on", "expires_on", "agency", "sensitivity", "note"]
        case .orders: ["source_ref", "person_ref", "order_type", "protected_party_ref", "starts_on", "ends_on", "conditions",
                       "sensitivity", "protected_address"]
        case .breaches: ["source_ref", "person_ref", "order_ref", "occurred_on", "reported_on", "agency", "action_taken", "note"]
        case .links: ["source_ref", "person_ref", "forum", "reference", "status", "lead_agency", "starts_on", "ends_on",
                      "mappa_category", "mappa_level", "iom_cohort", "licence_ends_on", "next_review_on"]
        case .referrals: ["source_ref", "person_ref", "party_ref", "referred_on", "criterion", "dash_score", "agency"]
        }
    }
}

/// Row counts written per file by `ForceGenerator`.
public struct GeneratedCounts: Sendable, Equatable {
    public var people = 0
    public var aliases = 0
    public var parties = 0
    public var relationships = 0
    public var incidents = 0
    public var markers = 0
    public var orders = 0
    public var breaches = 0
    public var links = 0
    public var referrals = 0

    public init() {}

    /// Rows written to `file` (header excluded).
    public subscript(file: ForceFile) -> Int {
        switch file {
        case .people: people
        case .aliases: aliases
        case .parties: parties
        case .relationships: relationships
        case .incidents: incidents
        case .markers: markers
        case .orders: orders
        case .breaches: breaches
        case .links: links
        case .referrals: referrals
        }
    }

    /// All data rows across the ten files.
    public var total: Int { ForceFile.allCases.reduce(0) { $0 + self[$1] } }
}

/// Open CSV writers for the ten files, one per `ForceFile`.
final class ForceFileWriters {
    private var writers: [CSVWriter] = []

    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in ForceFile.allCases {
            let writer = try CSVWriter(path: directory.appendingPathComponent(file.fileName).path)
            try writer.write(file.columns)
            writers.append(writer)
        }
    }

    func write(_ file: ForceFile, _ row: [String?]) throws {
        try writers[ForceFile.allCases.firstIndex(of: file)!].write(row)
    }

    func close() throws {
        for writer in writers { try writer.close() }
    }
}

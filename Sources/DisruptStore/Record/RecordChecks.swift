import DisruptCore
import Foundation
import Postgres

/// The checks every entry command makes before it writes, each failing with a plain message
/// and the documented exit code: unknown codes (1, naming the valid ones), unknown parties,
/// orders or links (3), an end before its start (1).
struct RecordChecks {
    let db: PostgresConnection

    /// The seeded lookup tables of the baseline migration.
    enum Lookup: String {
        case agency, markerKind = "marker_kind", offence, orderType = "order_type"

        var noun: String {
            switch self {
            case .agency: "agency"
            case .markerKind: "marker kind"
            case .offence: "offence"
            case .orderType: "order type"
            }
        }
    }

    /// `code`, lower-cased, when it is in the lookup table; else an error listing the valid codes.
    func lookup(_ code: String, in table: Lookup) throws -> String {
        let wanted = code.lowercased()
        let rows = try db.query("SELECT code FROM disrupt.\(identifier: table.rawValue) ORDER BY code")
        let codes: [String] = try rows.map { try $0["code"] }
        guard codes.contains(wanted) else {
            throw StoreError(.failure, "unknown \(table.noun) '\(code)'", hint: "Valid codes: \(codes.joined(separator: ", "))")
        }
        return wanted
    }

    /// `value`, lower-cased, when it is one of `allowed` (a DisruptCore enumeration).
    static func oneOf(_ value: String, _ allowed: [String], _ noun: String) throws -> String {
        let wanted = value.lowercased()
        guard allowed.contains(wanted) else {
            throw StoreError(.failure, "unknown \(noun) '\(value)'", hint: "Valid codes: \(allowed.joined(separator: ", "))")
        }
        return wanted
    }

    /// Refuses an end before its start, naming both options.
    static func ordered(_ start: (name: String, day: Day?), _ end: (name: String, day: Day?)) throws {
        if let s = start.day, let e = end.day, e < s {
            throw StoreError(.failure, "\(end.name) \(e.iso) is before \(start.name) \(s.iso)", hint: "An end date must be on or after its start date.")
        }
    }

    /// Refuses a number outside a range.
    static func within(_ value: Int?, _ range: ClosedRange<Int>, _ name: String) throws {
        if let value, !range.contains(value) {
            throw StoreError(.failure, "\(name) \(value) must be between \(range.lowerBound) and \(range.upperBound)")
        }
    }

    /// The id of the party with this reference (exit 3 when there is none): of the rows the caller
    /// sees with it, the one `disrupt.party_meant` says it means.
    func party(_ ref: String) throws -> Int64 {
        let rows = try db.query("SELECT disrupt.party_meant(\(ref)) AS id")
        guard let row = rows.first, try row.decode("id", as: Int64?.self) != nil else {
            throw StoreError(.notFound, "no party with reference '\(ref)'", hint: "Add one with: disrupt party add --ref \(ref) --family-name NAME --kind victim")
        }
        return try row["id"]
    }

    /// The agency to write under: the one given (checked), else the caller's, else 'police'
    /// for an administrator without a staff row.
    func agency(_ given: String?) throws -> String {
        if let given { return try lookup(given, in: .agency) }
        let rows = try db.query("SELECT COALESCE(disrupt.caller_agency(), CASE WHEN disrupt.is_admin() THEN 'police' END) AS agency")
        guard let agency = try rows.first?.decode("agency", as: String?.self) else {
            throw StoreError(.permissionDenied, "you are not active staff of any agency", hint: "An administrator adds you with disrupt staff add.")
        }
        return agency
    }

    /// A new reference of this kind (`next_ref`, SQL/definitions/record.sql), or the given one.
    func reference(_ given: String?, kind: String) throws -> String {
        if let given {
            guard !given.trimmingCharacters(in: .whitespaces).isEmpty else { throw StoreError(.usage, "a reference cannot be blank") }
            // a record the caller sees already holds it (another agency's hidden one never counts)
            if try db.query("SELECT disrupt.ref_in_use(\(kind), \(given)) AS used")[0].decode("used", as: Bool.self) {
                throw StoreError(.conflict, "\(kind) \(given) already exists", hint: Self.anotherReference)
            }
            return given
        }
        return try db.query("SELECT disrupt.next_ref(\(kind)) AS ref")[0].decode("ref")
    }

    /// Runs an INSERT, turning a duplicate key into "already exists" (exit 5).
    @discardableResult
    static func unique<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.sqlState == "23505" {
            throw StoreError(.conflict, "\(what) already exists", hint: anotherReference)
        }
    }

    /// What to do about a reference that is taken.
    static let anotherReference = "Choose another reference, or leave --ref out to get a new one."
}

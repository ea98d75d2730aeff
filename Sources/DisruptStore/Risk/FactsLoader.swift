import DisruptCore
import Postgres

/// Reads the rule inputs (`PersonFacts`) from the record tables as the connection's login
/// sees them: row-level security applies, so a caller's facts leave out the restricted
/// records of other agencies. Only live people (not merged into another) are loaded.
///
/// The batch path of `disrupt recompute`: one statement per call (a `UNION ALL` with a kind
/// column, read in binary format) for a range of person ids, so memory is bounded by the
/// range, never by the whole force. The records carry their parties' ids; the parties'
/// references, kinds and dates of birth come from a `PartyDirectory`, either the caller's
/// (read once for a whole run) or one read for the call's parties alone. One person's facts
/// come from `PersonDossier.facts(offences:)`; this mapping must agree with it (same
/// references: `source_ref`, `relationship-<id>`, a victim's `party_ref` or `party-<id>` when
/// the caller cannot see the party), which a test checks.
public struct FactsLoader: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    /// Live people with ids in `lo...hi` (and, if given, in `ids`), ascending by id.
    /// `sharedOnly` reads only the shared records and shared parties (what every staff member
    /// may read), whatever the login could see: the stored scores' view (`recompute`).
    /// `parties`, when given, must have been read with the same `sharedOnly` by the same login
    /// (`recompute` reads it once for its whole run); without it, the records' parties are read
    /// by id with the records.
    public func load(
        lo: Int64, hi: Int64, ids: [Int64]?, sharedOnly: Bool = false, parties: PartyDirectory? = nil,
        on db: PostgresConnection
    ) throws -> [(id: Int64, facts: PersonFacts)] {
        let query = PostgresQuery(
            unsafeSQL: Self.sql,
            binds: [PostgresBind(lo), PostgresBind(hi), PostgresBind(ids.map { $0.map(String.init) }), PostgresBind(sharedOnly)])
        let rows = try db.queryBinary(query)
        let c = try Columns(rows)
        // parties the given directory lacks (all of them without one) are read now, in this
        // statement's transaction: a party added since the directory was read is still named
        let found = try PartyDirectory(ids: Self.partyIDs(rows, c, notIn: parties), sharedOnly: sharedOnly, on: db)
        let lookup = { (id: Int64) in parties?[id] ?? found[id] }
        // the person rows come first (section 'p'), then each section's records: a person's
        // facts are found by id through `slot`, and filled in place in `people`
        var people: [(id: Int64, facts: PersonFacts)] = []
        var slot: [Int64: Int] = [:]
        for row in 0..<rows.count {
            let kind = try rows.firstByte(row, c.k)
            let id = try Self.required(rows.int64(row, c.personID), rows, c.personID)
            if kind == UInt8(ascii: "p") {
                slot[id] = people.count
                people.append((id, PersonFacts(personRef: try Self.required(rows.string(row, c.ref), rows, c.ref))))
                continue
            }
            guard let index = slot[id] else { continue }
            try add(kind, row, rows, c, lookup, to: &people[index].facts)
        }
        people.sort { $0.id < $1.id }
        return people
    }

    /// The distinct party ids the records name that `directory` does not hold.
    private static func partyIDs(_ rows: PostgresBinaryRows, _ c: Columns, notIn directory: PartyDirectory?) throws -> [Int64] {
        var ids = Set<Int64>()
        for row in 0..<rows.count {
            if let id = try rows.int64(row, c.party), directory?[id] == nil { ids.insert(id) }
        }
        return Array(ids)
    }

    /// The positions of `sql`'s columns in a result, looked up once per batch.
    private struct Columns {
        let k, personID, ref, party, t1, t2, t3, t4, d1, d2, d3, d4, n1, n2, b1: Int

        init(_ rows: PostgresBinaryRows) throws {
            k = try rows.position(of: "k")
            personID = try rows.position(of: "person_id")
            ref = try rows.position(of: "ref")
            party = try rows.position(of: "party_id")
            t1 = try rows.position(of: "t1")
            t2 = try rows.position(of: "t2")
            t3 = try rows.position(of: "t3")
            t4 = try rows.position(of: "t4")
            d1 = try rows.position(of: "d1")
            d2 = try rows.position(of: "d2")
            d3 = try rows.position(of: "d3")
            d4 = try rows.position(of: "d4")
            n1 = try rows.position(of: "n1")
            n2 = try rows.position(of: "n2")
            b1 = try rows.position(of: "b1")
        }
    }

    /// One record of section `kind` (the columns are named in `sql`'s comment). Records that
    /// name a party the directory holds add it to the person's parties, once.
    private func add(
        _ kind: UInt8?, _ row: Int, _ rows: PostgresBinaryRows, _ c: Columns, _ parties: (Int64) -> PartyFact?,
        to facts: inout PersonFacts
    ) throws {
        let ref = try Self.required(rows.string(row, c.ref), rows, c.ref)
        func text(_ column: Int) throws -> String? { try rows.string(row, column) }
        func day(_ column: Int) throws -> Day? { try Self.day(rows, row, column) }
        func int(_ column: Int) throws -> Int? { try rows.int32(row, column).map(Int.init) }
        /// The record's party: its reference, and the party itself when the caller can see it.
        func party() throws -> String? {
            guard let id = try rows.int64(row, c.party) else { return nil }
            guard let party = parties(id) else { return "party-\(id)" }
            return party.ref
        }
        func named() throws -> String? {
            guard let id = try rows.int64(row, c.party) else { return nil }
            guard let party = parties(id) else { return "party-\(id)" }
            if !facts.parties.contains(where: { $0.ref == party.ref }) { facts.parties.append(party) }
            return party.ref
        }
        switch kind {
        case UInt8(ascii: "m"):
            facts.markers.append(MarkerFact(
                ref: ref, sourceRef: ref, kind: try Self.required(text(c.t1), rows, c.t1),
                recordedOn: try Self.required(day(c.d1), rows, c.d1), expiresOn: try day(c.d2),
                agency: try Self.code(rows, row, c.t2, as: Agency.self) ?? .other,
                sensitivity: try Self.code(rows, row, c.t3, as: Sensitivity.self) ?? .shared))
        case UInt8(ascii: "i"):
            let offence = try text(c.t1)
            facts.incidents.append(IncidentFact(
                ref: ref, victimRef: try named(), occurredOn: try Self.required(day(c.d1), rows, c.d1), offence: offence,
                gravity: model.gravity(explicit: try int(c.n1), offence: offence),
                agency: try Self.code(rows, row, c.t2, as: Agency.self) ?? .other, separateEvent: try rows.bool(row, c.b1) ?? false))
        case UInt8(ascii: "b"):
            facts.breaches.append(BreachFact(
                ref: ref, occurredOn: try Self.required(day(c.d1), rows, c.d1), orderType: try text(c.t1),
                actionTaken: try Self.code(rows, row, c.t2, as: BreachAction.self) ?? BreachAction.none, protectedPartyRef: try party()))
        case UInt8(ascii: "o"):
            facts.orders.append(OrderFact(
                ref: ref, type: try Self.required(text(c.t1), rows, c.t1), startsOn: try Self.required(day(c.d1), rows, c.d1),
                endsOn: try day(c.d2), protectedPartyRef: try named()))
        case UInt8(ascii: "r"):
            facts.relationships.append(RelationshipFact(
                ref: ref, partyRef: try Self.required(named(), rows, c.party),
                relationship: try Self.required(Self.code(rows, row, c.t1, as: RelationshipKind.self), rows, c.t1),
                from: try day(c.d1), to: try day(c.d2), hasContact: try Self.required(rows.bool(row, c.b1), rows, c.b1)))
        case UInt8(ascii: "f"):
            facts.maracReferrals.append(MaracReferralFact(
                ref: ref, partyRef: try named(), referredOn: try Self.required(day(c.d1), rows, c.d1),
                criterion: try Self.required(Self.code(rows, row, c.t1, as: ReferralCriterion.self), rows, c.t1)))
        case UInt8(ascii: "l"):
            facts.forumLinks.append(ForumLinkFact(
                ref: ref, forum: try Self.required(Self.code(rows, row, c.t1, as: Forum.self), rows, c.t1),
                status: try Self.required(Self.code(rows, row, c.t2, as: LinkStatus.self), rows, c.t2),
                leadAgency: try Self.code(rows, row, c.t3, as: Agency.self), mappaCategory: try int(c.n1), mappaLevel: try int(c.n2),
                iomCohort: try Self.code(rows, row, c.t4, as: IOMCohort.self), reviewOn: try day(c.d1),
                licenceExpiresOn: try day(c.d2), startsOn: try day(c.d3), endsOn: try day(c.d4)))
        default:
            throw StoreError(.failure, "unexpected section \(kind.map { String(UnicodeScalar($0)) } ?? "NULL") in record \(ref) while loading risk facts")
        }
    }

    /// A value the section always has; NULL is a decoding error naming the column.
    private static func required<T>(_ value: T?, _ rows: PostgresBinaryRows, _ column: Int) throws -> T {
        guard let value else {
            throw PostgresDecodingError(column: rows.name(of: column), type: "\(T.self)", reason: "the value is NULL")
        }
        return value
    }

    /// A code column read into its enumeration (nil for NULL); a value outside it is a decoding error.
    private static func code<T: RawRepresentable<String>>(_ rows: PostgresBinaryRows, _ row: Int, _ column: Int, as type: T.Type) throws -> T? {
        guard let text = try rows.string(row, column) else { return nil }
        guard let value = T(rawValue: text) else {
            throw PostgresDecodingError(column: rows.name(of: column), type: "\(T.self)", reason: "the value is not a valid \(T.self)")
        }
        return value
    }

    /// The first and last days a `Day` holds (years 1 through 9999).
    private static let days = Day(year: 1, month: 1, day: 1)!.daysSince1970...Day(year: 9999, month: 12, day: 31)!.daysSince1970

    /// A `date` column; a date outside years 1 through 9999 (BC) is a decoding error.
    static func day(_ rows: PostgresBinaryRows, _ row: Int, _ column: Int) throws -> Day? {
        guard let days = try rows.daysSince1970(row, column) else { return nil }
        guard Self.days.contains(Int32(truncatingIfNeeded: days)), Int(Int32(truncatingIfNeeded: days)) == days else {
            throw PostgresDecodingError(column: rows.name(of: column), type: "Day", reason: "the date is outside years 1 to 9999")
        }
        return Day(daysSince1970: days)
    }

    /// The records of `disrupt.risk_facts` (SQL/definitions/reading.sql, which names the columns):
    /// $1/$2 bound the person ids, $3 (bigint[] or NULL) narrows them to a list, $4 true reads
    /// shared rows only. Parties are not joined there (see `PartyDirectory`).
    static let sql = "SELECT * FROM disrupt.risk_facts($1::bigint, $2::bigint, $3::bigint[], $4::bool)"
}

/// The parties records name, by id, as the login that read them may see them (row-level
/// security, and with `sharedOnly` the shared parties alone): a party missing here is one the
/// caller cannot see, named `party-<id>` in the facts.
///
/// `disrupt recompute` reads every party once for its whole run, one scan instead of a join per
/// batch; other callers read only the parties of the records they load.
public struct PartyDirectory: Sendable {
    private let parties: [Int64: PartyFact]

    /// Every party the connection's login may read (shared ones only with `sharedOnly`).
    public init(sharedOnly: Bool, on db: PostgresConnection) throws {
        try self.init(ids: nil, sharedOnly: sharedOnly, on: db)
    }

    /// The parties with these ids (all of them when nil) that the login may read.
    init(ids: [Int64]?, sharedOnly: Bool, on db: PostgresConnection) throws {
        if let ids, ids.isEmpty {
            parties = [:]
            return
        }
        let rows = try db.queryBinary("""
            SELECT * FROM disrupt.risk_parties(\(ids.map { $0.map(String.init) })::bigint[], \(sharedOnly)::bool)
            """)
        let id = try rows.position(of: "id"), ref = try rows.position(of: "party_ref")
        let kind = try rows.position(of: "kind"), born = try rows.position(of: "date_of_birth")
        var parties: [Int64: PartyFact] = [:]
        parties.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            guard let key = try rows.int64(row, id), let partyRef = try rows.string(row, ref) else { continue }
            parties[key] = PartyFact(
                ref: partyRef, kind: try rows.string(row, kind).flatMap(PartyKind.init(rawValue:)),
                dateOfBirth: try FactsLoader.day(rows, row, born))
        }
        self.parties = parties
    }

    subscript(id: Int64) -> PartyFact? { parties[id] }
}

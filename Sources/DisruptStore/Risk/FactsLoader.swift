import DisruptCore
import Postgres

/// Reads the rule inputs (`PersonFacts`) from the record tables as the connection's login
/// sees them: row-level security applies, so a caller's facts leave out the restricted
/// records of other agencies. Only live people (not merged into another) are loaded.
///
/// The batch path of `disrupt recompute`: one statement per call (a `UNION ALL` with a kind
/// column) for a range of person ids, so memory is bounded by the range, never by the whole
/// force. One person's facts come from `PersonDossier.facts(offences:)`; this mapping must
/// agree with it (same references: `source_ref`, `relationship-<id>`, a victim's `party_ref`
/// or `party-<id>` when the caller cannot see the party), which a test checks.
public struct FactsLoader: Sendable {
    public let model: RiskModel

    public init(model: RiskModel) {
        self.model = model
    }

    /// Live people with ids in `lo...hi` (and, if given, in `ids`), ascending by id.
    /// `sharedOnly` reads only the shared records and shared parties (what every staff member
    /// may read), whatever the login could see: the stored scores' view (`recompute`).
    public func load(lo: Int64, hi: Int64, ids: [Int64]?, sharedOnly: Bool = false, on db: PostgresConnection) throws -> [(id: Int64, facts: PersonFacts)] {
        let query = PostgresQuery(
            unsafeSQL: Self.sql,
            binds: [PostgresBind(lo), PostgresBind(hi), PostgresBind(ids.map { $0.map(String.init) }), PostgresBind(sharedOnly)])
        let rows = try db.query(query)
        let c = try Columns(rows)
        // the person rows come first (section 'p'), then each section's records: a person's
        // facts are found by id through `slot`, and filled in place in `people`
        var people: [(id: Int64, facts: PersonFacts)] = []
        var slot: [Int64: Int] = [:]
        for row in rows {
            let kind: String = try row.decode(c.k)
            let id: Int64 = try row.decode(c.personID)
            if kind == "p" {
                slot[id] = people.count
                people.append((id, PersonFacts(personRef: try row.decode(c.ref))))
                continue
            }
            guard let index = slot[id] else { continue }
            try add(kind, row, c, to: &people[index].facts)
        }
        people.sort { $0.id < $1.id }
        return people
    }

    /// The positions of `sql`'s columns in a result, looked up once per batch.
    private struct Columns {
        let k, personID, ref, t1, t2, t3, t4, d1, d2, d3, d4, n1, n2, b1: Int

        init(_ rows: PostgresRows) throws {
            k = try rows.position(of: "k")
            personID = try rows.position(of: "person_id")
            ref = try rows.position(of: "ref")
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

    /// One record of section `kind` (the columns are named in `sql`'s comment).
    private func add(_ kind: String, _ row: PostgresRow, _ c: Columns, to facts: inout PersonFacts) throws {
        let ref: String = try row.decode(c.ref)
        switch kind {
        case "m":
            facts.markers.append(MarkerFact(
                ref: ref, sourceRef: ref, kind: try row.decode(c.t1), recordedOn: try row.decode(c.d1), expiresOn: try row.decode(c.d2),
                agency: try row.decode(c.t2, as: Agency?.self) ?? .other, sensitivity: try row.decode(c.t3, as: Sensitivity?.self) ?? .shared))
        case "i":
            let offence: String? = try row.decode(c.t2)
            facts.incidents.append(IncidentFact(
                ref: ref, victimRef: try row.decode(c.t1), occurredOn: try row.decode(c.d1), offence: offence,
                gravity: model.gravity(explicit: try row.decode(c.n1), offence: offence),
                agency: try row.decode(c.t3, as: Agency?.self) ?? .other, separateEvent: try row.decode(c.b1, as: Bool?.self) ?? false))
        case "b":
            facts.breaches.append(BreachFact(
                ref: ref, occurredOn: try row.decode(c.d1), orderType: try row.decode(c.t1),
                actionTaken: try row.decode(c.t2, as: BreachAction?.self) ?? BreachAction.none, protectedPartyRef: try row.decode(c.t3)))
        case "o":
            facts.orders.append(OrderFact(
                ref: ref, type: try row.decode(c.t1), startsOn: try row.decode(c.d1), endsOn: try row.decode(c.d2),
                protectedPartyRef: try row.decode(c.t2)))
        case "a":
            let partyKind: String? = try row.decode(c.t1)
            facts.parties.append(PartyFact(ref: ref, kind: partyKind.flatMap(PartyKind.init(rawValue:)), dateOfBirth: try row.decode(c.d1)))
        case "r":
            facts.relationships.append(RelationshipFact(
                ref: ref, partyRef: try row.decode(c.t1), relationship: try row.decode(c.t2), from: try row.decode(c.d1),
                to: try row.decode(c.d2), hasContact: try row.decode(c.b1)))
        case "f":
            facts.maracReferrals.append(MaracReferralFact(
                ref: ref, partyRef: try row.decode(c.t1), referredOn: try row.decode(c.d1), criterion: try row.decode(c.t2)))
        case "l":
            facts.forumLinks.append(ForumLinkFact(
                ref: ref, forum: try row.decode(c.t1), status: try row.decode(c.t2), leadAgency: try row.decode(c.t3),
                mappaCategory: try row.decode(c.n1), mappaLevel: try row.decode(c.n2), iomCohort: try row.decode(c.t4),
                reviewOn: try row.decode(c.d1), licenceExpiresOn: try row.decode(c.d2), startsOn: try row.decode(c.d3),
                endsOn: try row.decode(c.d4)))
        default:
            throw StoreError(.failure, "unexpected section \(kind) in record \(ref) while loading risk facts")
        }
    }

    /// Columns: k (the section: p person, m marker, i incident, b breach, o order, r relationship,
    /// f referral, l forum link, a party), person_id, ref, then per section t1...t4 (text),
    /// d1...d4 (date), n1, n2 (int) and b1 (bool: a relationship's contact, an incident's separate event). Parties ('a') are those named by the
    /// person's incidents, relationships, orders or referrals, as in the dossier.
    /// $1/$2 bound the person ids; $3 (bigint[] or NULL) narrows them to a list; $4 true reads
    /// shared rows only (records, the orders behind breaches, and parties).
    static let sql = """
        SELECT 'p' AS k, p.id AS person_id, p.person_ref AS ref, NULL::text AS t1, NULL::text AS t2, NULL::text AS t3,
               NULL::text AS t4, NULL::date AS d1, NULL::date AS d2, NULL::int AS n1, NULL::int AS n2, NULL::bool AS b1,
               NULL::date AS d3, NULL::date AS d4
        FROM disrupt.person p
        WHERE p.id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR p.id = ANY ($3::bigint[])) AND p.merged_into IS NULL
        UNION ALL
        SELECT 'm', m.person_id, m.source_ref, m.kind, m.agency, m.sensitivity, NULL, m.recorded_on, m.expires_on,
               NULL, NULL, NULL, NULL, NULL
        FROM disrupt.marker m
        WHERE m.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR m.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR m.sensitivity = 'shared')
        UNION ALL
        SELECT 'i', i.person_id, i.source_ref, COALESCE(pa.party_ref, 'party-' || i.party_id), i.offence, i.agency, NULL,
               i.occurred_on, NULL, i.gravity, NULL, i.separate_event, NULL, NULL
        FROM disrupt.incident i LEFT JOIN disrupt.party pa ON pa.id = i.party_id AND (NOT $4::bool OR pa.sensitivity = 'shared')
        WHERE i.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR i.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR i.sensitivity = 'shared')
        UNION ALL
        SELECT 'b', b.person_id, b.source_ref, o.order_type, COALESCE(b.action_taken, 'none'),
               COALESCE(pp.party_ref, 'party-' || o.protected_party_id), NULL, b.occurred_on, NULL, NULL, NULL, NULL, NULL, NULL
        FROM disrupt.breach b LEFT JOIN disrupt.court_order o ON o.id = b.order_id AND (NOT $4::bool OR o.sensitivity = 'shared')
             LEFT JOIN disrupt.party pp ON pp.id = o.protected_party_id AND (NOT $4::bool OR pp.sensitivity = 'shared')
        WHERE b.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR b.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR b.sensitivity = 'shared')
        UNION ALL
        SELECT 'o', o.person_id, o.source_ref, o.order_type, COALESCE(pp.party_ref, 'party-' || o.protected_party_id), NULL,
               NULL, o.starts_on, o.ends_on, NULL, NULL, NULL, NULL, NULL
        FROM disrupt.court_order o LEFT JOIN disrupt.party pp ON pp.id = o.protected_party_id AND (NOT $4::bool OR pp.sensitivity = 'shared')
        WHERE o.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR o.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR o.sensitivity = 'shared')
        UNION ALL
        SELECT 'r', r.person_id, 'relationship-' || r.id, COALESCE(pa.party_ref, 'party-' || r.party_id), r.relationship,
               NULL, NULL, r.from_on, r.to_on, NULL, NULL, COALESCE(r.has_contact, false), NULL, NULL
        FROM disrupt.relationship r LEFT JOIN disrupt.party pa ON pa.id = r.party_id AND (NOT $4::bool OR pa.sensitivity = 'shared')
        WHERE r.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR r.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR r.sensitivity = 'shared')
        UNION ALL
        SELECT 'f', f.person_id, f.source_ref, COALESCE(pa.party_ref, 'party-' || f.party_id), f.criterion, NULL, NULL,
               f.referred_on, NULL, NULL, NULL, NULL, NULL, NULL
        FROM disrupt.referral f LEFT JOIN disrupt.party pa ON pa.id = f.party_id AND (NOT $4::bool OR pa.sensitivity = 'shared')
        WHERE f.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR f.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR f.sensitivity = 'shared')
        UNION ALL
        SELECT 'l', l.person_id, l.source_ref, l.forum, l.status, l.lead_agency, l.iom_cohort, l.next_review_on,
               l.licence_ends_on, l.mappa_category, l.mappa_level, NULL, l.starts_on, l.ends_on
        FROM disrupt.forum_link l
        WHERE l.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR l.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR l.sensitivity = 'shared')
        UNION ALL
        SELECT 'a', x.person_id, pa.party_ref, pa.kind, NULL, NULL, NULL, pa.date_of_birth, NULL, NULL, NULL, NULL, NULL, NULL
        FROM (SELECT i.person_id, i.party_id FROM disrupt.incident i
              WHERE i.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR i.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR i.sensitivity = 'shared')
              UNION SELECT r.person_id, r.party_id FROM disrupt.relationship r
              WHERE r.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR r.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR r.sensitivity = 'shared')
              UNION SELECT o.person_id, o.protected_party_id FROM disrupt.court_order o
              WHERE o.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR o.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR o.sensitivity = 'shared')
              UNION SELECT f.person_id, f.party_id FROM disrupt.referral f
              WHERE f.person_id BETWEEN $1::bigint AND $2::bigint AND ($3::bigint[] IS NULL OR f.person_id = ANY ($3::bigint[])) AND (NOT $4::bool OR f.sensitivity = 'shared')) x
        JOIN disrupt.party pa ON pa.id = x.party_id AND (NOT $4::bool OR pa.sensitivity = 'shared')
        """
}

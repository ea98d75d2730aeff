import DisruptCore
import Foundation
import Postgres

/// The whole record of one person, as `disrupt person show` prints it: identity, aliases,
/// relationships (with their parties), incidents, markers, orders, breaches, forum links and
/// referrals. Read in one query (each section a jsonb array aggregated by the server), under
/// the caller's row-level security, and logged as a consultation.
public struct PersonRecord: Sendable {
    /// The record as JSON: `{"person": {...}, "aliases": [...], ...}`, snake_case keys, ISO
    /// dates, every key present (null when empty).
    public let json: Data
    /// The same, decoded for the text view.
    public let sections: Sections

    /// Reads the record of `person` (resolved by `PersonResolver`) and logs the consultation
    /// with `purpose`, in one transaction.
    public static func read(_ text: String, purpose: String, on db: PostgresConnection) throws -> PersonRecord {
        try db.transaction {
            let person = try PersonResolver().resolve(text, on: db)
            let rows = try db.query(query(person.id))
            guard let document = try rows.first?.decode("record", as: String?.self) else {
                throw StoreError(.notFound, "no person matches '\(text)'")
            }
            _ = try db.query("""
                SELECT disrupt.audit_consult(\(person.id), \(purpose), 'person', jsonb_build_object('command', 'person show'))
                """)
            let data = Data(document.utf8)
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return PersonRecord(json: data, sections: try decoder.decode(Sections.self, from: data))
        }
    }

    private static func query(_ id: Int64) -> PostgresQuery {
        """
        SELECT jsonb_build_object(
          'person', (SELECT jsonb_build_object('person_ref', p.person_ref, 'pnc_id', p.pnc_id, 'given_name', p.given_name,
                        'family_name', p.family_name, 'date_of_birth', p.date_of_birth, 'gender', p.gender,
                        'agency', p.agency, 'sensitivity', p.sensitivity,
                        'merged_refs', (SELECT COALESCE(jsonb_agg(m.person_ref ORDER BY m.person_ref), '[]')
                                        FROM disrupt.person m WHERE m.merged_into = p.id))
                     FROM disrupt.person p WHERE p.id = \(id)),
          'aliases', (SELECT COALESCE(jsonb_agg(jsonb_build_object('alias_name', a.alias_name, 'date_of_birth', a.date_of_birth,
                        'agency', a.agency) ORDER BY a.alias_name, a.date_of_birth), '[]')
                      FROM disrupt.alias a WHERE a.person_id = \(id)),
          'relationships', (SELECT COALESCE(jsonb_agg(jsonb_build_object('party_ref', pa.party_ref, 'given_name', pa.given_name,
                        'family_name', pa.family_name, 'date_of_birth', pa.date_of_birth, 'party_kind', pa.kind,
                        'relationship', r.relationship, 'from_on', r.from_on, 'to_on', r.to_on, 'has_contact', r.has_contact,
                        'agency', r.agency) ORDER BY r.from_on NULLS LAST, pa.party_ref), '[]')
                      FROM disrupt.relationship r JOIN disrupt.party pa ON pa.id = r.party_id WHERE r.person_id = \(id)),
          'incidents', (SELECT COALESCE(jsonb_agg(jsonb_build_object('source_ref', i.source_ref, 'occurred_on', i.occurred_on,
                        'offence', i.offence, 'gravity', COALESCE(i.gravity, o.gravity), 'victim_ref', pa.party_ref,
                        'note', i.note, 'agency', i.agency) ORDER BY i.occurred_on, i.source_ref), '[]')
                      FROM disrupt.incident i LEFT JOIN disrupt.offence o ON o.code = i.offence
                      LEFT JOIN disrupt.party pa ON pa.id = i.party_id WHERE i.person_id = \(id)),
          'markers', (SELECT COALESCE(jsonb_agg(jsonb_build_object('source_ref', m.source_ref, 'kind', m.kind,
                        'recorded_on', m.recorded_on, 'expires_on', m.expires_on, 'note', m.note, 'agency', m.agency,
                        'sensitivity', m.sensitivity) ORDER BY m.recorded_on, m.source_ref), '[]')
                      FROM disrupt.marker m WHERE m.person_id = \(id)),
          'orders', (SELECT COALESCE(jsonb_agg(jsonb_build_object('source_ref', c.source_ref, 'order_type', c.order_type,
                        'starts_on', c.starts_on, 'ends_on', c.ends_on, 'protected_party_ref', pa.party_ref,
                        'conditions', c.conditions, 'agency', c.agency) ORDER BY c.starts_on, c.source_ref), '[]')
                      FROM disrupt.court_order c LEFT JOIN disrupt.party pa ON pa.id = c.protected_party_id
                      WHERE c.person_id = \(id)),
          'breaches', (SELECT COALESCE(jsonb_agg(jsonb_build_object('source_ref', b.source_ref, 'order_ref', c.source_ref,
                        'occurred_on', b.occurred_on, 'reported_on', b.reported_on, 'action_taken', b.action_taken,
                        'note', b.note, 'agency', b.agency) ORDER BY b.occurred_on, b.source_ref), '[]')
                      FROM disrupt.breach b LEFT JOIN disrupt.court_order c ON c.id = b.order_id WHERE b.person_id = \(id)),
          'links', (SELECT COALESCE(jsonb_agg(jsonb_build_object('source_ref', l.source_ref, 'forum', l.forum,
                        'reference', l.reference, 'status', l.status, 'lead_agency', l.lead_agency, 'starts_on', l.starts_on,
                        'ends_on', l.ends_on, 'mappa_category', l.mappa_category, 'mappa_level', l.mappa_level,
                        'iom_cohort', l.iom_cohort, 'licence_ends_on', l.licence_ends_on, 'next_review_on', l.next_review_on,
                        'contact', l.contact, 'agency', l.agency) ORDER BY l.starts_on, l.source_ref), '[]')
                      FROM disrupt.forum_link l WHERE l.person_id = \(id)),
          'referrals', (SELECT COALESCE(jsonb_agg(jsonb_build_object('source_ref', f.source_ref, 'referred_on', f.referred_on,
                        'criterion', f.criterion, 'dash_score', f.dash_score, 'victim_ref', pa.party_ref,
                        'agency', f.agency) ORDER BY f.referred_on, f.source_ref), '[]')
                      FROM disrupt.referral f LEFT JOIN disrupt.party pa ON pa.id = f.party_id WHERE f.person_id = \(id))
        )::text AS record
        """
    }

    /// The decoded sections (field names are the JSON keys in camelCase).
    public struct Sections: Decodable, Sendable {
        public var person: Identity
        public var aliases: [Alias]
        public var relationships: [Relationship]
        public var incidents: [Incident]
        public var markers: [Marker]
        public var orders: [Order]
        public var breaches: [Breach]
        public var links: [Link]
        public var referrals: [Referral]
    }

    /// Who the person is.
    public struct Identity: Decodable, Sendable {
        public var personRef: String
        public var pncId: String?
        public var givenName: String?
        public var familyName: String
        public var dateOfBirth: Day?
        public var gender: String?
        public var agency: String
        public var sensitivity: String
        public var mergedRefs: [String]
    }

    /// Another name the person is known by.
    public struct Alias: Decodable, Sendable {
        public var aliasName: String
        public var dateOfBirth: Day?
        public var agency: String
    }

    /// A relationship and its party.
    public struct Relationship: Decodable, Sendable {
        public var partyRef: String
        public var givenName: String?
        public var familyName: String?
        public var partyKind: String
        public var relationship: String
        public var fromOn: Day?
        public var toOn: Day?
        public var hasContact: Bool?
        public var agency: String
    }

    /// An incident (gravity: its own, else the offence's).
    public struct Incident: Decodable, Sendable {
        public var sourceRef: String
        public var occurredOn: Day
        public var offence: String?
        public var gravity: Int?
        public var victimRef: String?
        public var note: String?
        public var agency: String
    }

    /// A marker.
    public struct Marker: Decodable, Sendable {
        public var sourceRef: String
        public var kind: String
        public var recordedOn: Day
        public var expiresOn: Day?
        public var note: String?
        public var agency: String
        public var sensitivity: String
    }

    /// A court order.
    public struct Order: Decodable, Sendable {
        public var sourceRef: String
        public var orderType: String
        public var startsOn: Day
        public var endsOn: Day?
        public var protectedPartyRef: String?
        public var conditions: String?
        public var agency: String
    }

    /// A breach.
    public struct Breach: Decodable, Sendable {
        public var sourceRef: String
        public var orderRef: String?
        public var occurredOn: Day
        public var reportedOn: Day?
        public var actionTaken: String?
        public var note: String?
        public var agency: String
    }

    /// A forum link.
    public struct Link: Decodable, Sendable {
        public var sourceRef: String
        public var forum: String
        public var reference: String?
        public var status: String
        public var leadAgency: String?
        public var startsOn: Day
        public var endsOn: Day?
        public var mappaCategory: Int?
        public var mappaLevel: Int?
        public var iomCohort: String?
        public var licenceEndsOn: Day?
        public var nextReviewOn: Day?
        public var contact: String?
        public var agency: String
    }

    /// A Marac referral.
    public struct Referral: Decodable, Sendable {
        public var sourceRef: String
        public var referredOn: Day
        public var criterion: String
        public var dashScore: Int?
        public var victimRef: String?
        public var agency: String
    }
}

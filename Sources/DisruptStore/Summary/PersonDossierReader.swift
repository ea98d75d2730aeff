import DisruptCore
import Foundation
import Postgres

/// Reads a person's dossier in ONE statement: every section is a jsonb sub-select by
/// `person_id` (each served by that table's `(person_id, ...)` index), row-level security
/// leaves out what the caller may not see, and `disrupt.withheld_counts` says how much that
/// is. The caller has opened (and committed) the consultation first (`Consultation`,
/// `consulting`): that is what writes the one audit row with the purpose; without it the
/// database shows nothing.
public struct PersonDossierReader: Sendable {
    public init() {}

    /// The consultation of one person's record: `scope` is the audit row's object_table
    /// (`summary`, `person`, `triggers`), `subject` the person as the caller named him.
    public static func consultation(scope: String, purpose: String, subject: String, format: String, asOf: Day) -> Consultation {
        Consultation(purpose: purpose, scope: scope, subject: subject, detail: ["format": format, "as_of": asOf.iso])
    }

    /// The dossier of a live person the caller can see, inside an open consultation.
    /// Records holding a date that cannot be used are left out and counted.
    public func read(personID: Int64, on db: PostgresConnection) throws -> Isolated<PersonDossier> {
        let rows = try db.query("""
            SELECT \(unsafeSQL: Self.dossierSQL)::text AS dossier FROM disrupt.person p WHERE p.id = \(personID)
            """)
        guard let row = rows.first else {
            throw StoreError(.notFound, "person \(personID) is not visible to you", hint: "Check the reference with: disrupt person find")
        }
        let pruned = RowIsolation.pruneDates(try row["dossier"])
        var leftOut = LeftOut()
        leftOut.add(pruned.leftOut, "summary record")
        return Isolated(try Self.decode(pruned.text), leftOut: leftOut)
    }

    /// Decodes the dossier jsonb (snake_case keys, dates as YYYY-MM-DD, timestamps as epoch seconds).
    public static func decode(_ text: String) throws -> PersonDossier {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(PersonDossier.self, from: Data(text.utf8))
        } catch {
            throw StoreError(.failure, "the person's record could not be read: \(Self.describe(error))")
        }
    }

    /// Names the field that failed without quoting any value.
    private static func describe(_ error: Error) -> String {
        let context: DecodingError.Context
        switch error as? DecodingError {
        case .keyNotFound(let key, let c): return "missing field " + (c.codingPath + [key]).map(\.stringValue).joined(separator: ".")
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): context = c
        default: return "unreadable data"
        }
        return "bad field " + context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    /// One jsonb object with every section; `p` is the person row.
    static let dossierSQL = """
        jsonb_build_object(
          'person', jsonb_build_object('id', p.id, 'ref', p.person_ref, 'pnc_id', p.pnc_id, 'given_name', p.given_name,
                                       'family_name', p.family_name, 'date_of_birth', p.date_of_birth,
                                       'gender', p.gender, 'agency', p.agency, 'sensitivity', p.sensitivity,
                                       'merged_refs', (SELECT coalesce(jsonb_agg(mp.person_ref ORDER BY mp.person_ref), '[]')
                                                       FROM disrupt.person mp WHERE mp.merged_into = p.id)),
          'aliases', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', a.alias_name, 'date_of_birth', a.date_of_birth,
                                                                   'agency', a.agency) ORDER BY a.alias_name), '[]')
                      FROM disrupt.alias a WHERE a.person_id = p.id),
          'parties', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'ref', x.party_ref, 'kind', x.kind,
                                                                   'given_name', x.given_name, 'family_name', x.family_name,
                                                                   'date_of_birth', x.date_of_birth) ORDER BY x.created_at, x.id), '[]')
                      FROM disrupt.party x
                      WHERE x.id IN (SELECT i.party_id FROM disrupt.incident i WHERE i.person_id = p.id
                                     UNION SELECT r.party_id FROM disrupt.relationship r WHERE r.person_id = p.id
                                     UNION SELECT o.protected_party_id FROM disrupt.court_order o WHERE o.person_id = p.id
                                     UNION SELECT f.party_id FROM disrupt.referral f WHERE f.person_id = p.id)),
          'markers', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'source_ref', m.source_ref, 'kind', m.kind, 'recorded_on', m.recorded_on,
                                                                   'expires_on', m.expires_on, 'note', m.note, 'agency', m.agency,
                                                                   'sensitivity', m.sensitivity) ORDER BY m.recorded_on, m.created_at, m.source_ref, m.id), '[]')
                      FROM disrupt.marker m WHERE m.person_id = p.id),
          'incidents', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'source_ref', i.source_ref, 'party_id', i.party_id,
                                                                     'occurred_on', i.occurred_on, 'offence', i.offence,
                                                                     'gravity', i.gravity, 'note', i.note, 'agency', i.agency,
                                                                     'separate_event', i.separate_event)
                                                  ORDER BY i.occurred_on, i.created_at, i.source_ref, i.id), '[]')
                        FROM disrupt.incident i WHERE i.person_id = p.id),
          'orders', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'source_ref', o.source_ref, 'order_type', o.order_type,
                                                                  'protected_party_id', o.protected_party_id,
                                                                  'starts_on', o.starts_on, 'ends_on', o.ends_on,
                                                                  'conditions', o.conditions, 'agency', o.agency)
                                               ORDER BY o.starts_on, o.created_at, o.source_ref, o.id), '[]')
                     FROM disrupt.court_order o WHERE o.person_id = p.id),
          'breaches', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', b.id, 'source_ref', b.source_ref, 'order_id', b.order_id,
                                                                    'order_ref', o.source_ref, 'order_type', o.order_type,
                                                                    'occurred_on', b.occurred_on, 'reported_on', b.reported_on,
                                                                    'action_taken', b.action_taken, 'note', b.note,
                                                                    'agency', b.agency) ORDER BY b.occurred_on, b.created_at, b.source_ref, b.id), '[]')
                       FROM disrupt.breach b LEFT JOIN disrupt.court_order o ON o.id = b.order_id
                       WHERE b.person_id = p.id),
          'relationships', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'party_id', r.party_id,
                                                                         'relationship', r.relationship, 'from_on', r.from_on,
                                                                         'to_on', r.to_on, 'has_contact', r.has_contact,
                                                                         'agency', r.agency) ORDER BY r.created_at, r.id), '[]')
                            FROM disrupt.relationship r WHERE r.person_id = p.id),
          'forum_links', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'source_ref', f.source_ref, 'forum', f.forum, 'reference', f.reference,
                                                                       'status', f.status, 'lead_agency', f.lead_agency,
                                                                       'starts_on', f.starts_on, 'ends_on', f.ends_on,
                                                                       'mappa_category', f.mappa_category, 'mappa_level', f.mappa_level,
                                                                       'iom_cohort', f.iom_cohort, 'licence_ends_on', f.licence_ends_on,
                                                                       'next_review_on', f.next_review_on, 'contact', f.contact,
                                                                       'agency', f.agency) ORDER BY f.starts_on, f.created_at, f.source_ref, f.id), '[]')
                          FROM disrupt.forum_link f WHERE f.person_id = p.id),
          'referrals', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'source_ref', f.source_ref, 'party_id', f.party_id,
                                                                     'referred_on', f.referred_on, 'criterion', f.criterion,
                                                                     'dash_score', f.dash_score, 'agency', f.agency) ORDER BY f.referred_on, f.created_at, f.source_ref, f.id), '[]')
                        FROM disrupt.referral f WHERE f.person_id = p.id),
          'plan', (SELECT jsonb_build_object(
                            'id', pl.id, 'spoc_login', pl.spoc_login, 'spoc_name', s.full_name, 'agency', pl.agency,
                            'review_on', pl.review_on, 'opened_at', extract(epoch FROM pl.opened_at),
                            'actions', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                                'id', ac.id, 'heading', ac.heading, 'tactic', coalesce(ac.tactic, ac.label), 'agency', ac.agency,
                                                'owner_login', ac.owner_login, 'owner_name', ow.full_name,
                                                'due_on', ac.due_on, 'status', ac.status) ORDER BY ac.due_on, ac.created_at, ac.id), '[]')
                                        FROM disrupt.action ac LEFT JOIN disrupt.staff ow ON ow.login = ac.owner_login
                                        WHERE ac.plan_id = pl.id))
                   FROM disrupt.plan pl LEFT JOIN disrupt.staff s ON s.login = pl.spoc_login
                   WHERE pl.person_id = p.id AND pl.status = 'open'),
          'matac_cohort', (SELECT coalesce(jsonb_agg(jsonb_build_object('entered_on', mc.entered_on, 'exited_on', mc.exited_on)
                                                     ORDER BY mc.entered_on, mc.exited_on NULLS LAST, mc.id), '[]')
                           FROM disrupt.matac_cohort mc WHERE mc.person_id = p.id),
          'withheld', (SELECT coalesce(jsonb_agg(jsonb_build_object('agency', w.agency, 'record_table', w.record_table,
                                                                    'count', w.n) ORDER BY w.agency, w.record_table), '[]')
                       FROM disrupt.withheld_counts(p.id) w)
        )
        """
}

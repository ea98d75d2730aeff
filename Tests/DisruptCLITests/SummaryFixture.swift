import Postgres

/// One perpetrator with everything the summary shows, inserted as the superuser.
enum SummaryFixture {
    static func insert(on db: PostgresConnection, spoc: String, probation: String, givenName: String) throws {
        try db.transaction {
            _ = try db.query("SELECT disrupt.staff_add(\(spoc), 'Sgt Spoc', 'police', 'spoc')")
            _ = try db.query("SELECT disrupt.staff_add(\(probation), 'PO Prob', 'probation', 'rep')")
            let person: Int64 = try db.query("""
                INSERT INTO disrupt.person (person_ref, pnc_id, given_name, family_name, date_of_birth, gender, agency)
                VALUES ('P-SUM-1', '99/1234A', \(givenName), '"O''Brien"', '1985-04-02', 'male', 'police') RETURNING id
                """)[0].decode("id")
            try db.executeScript(unsafeSQL: """
                INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES
                    ('P-TWIN-1', 'Sam', 'Twin', 'police'), ('P-TWIN-2', 'Sam', 'Twin', 'police');
                INSERT INTO disrupt.party (party_ref, given_name, family_name, kind, agency) VALUES
                    ('V-1', 'Amy', 'Victim', 'victim', 'police'), ('V-2', 'Beth', 'Victim', 'victim', 'police'),
                    ('C-1', 'Cara', 'Child', 'child', 'childrens_social_care'), ('N-1', 'Nina', 'Partner', 'new_partner', 'police');
                """)
            let p = person
            _ = try db.execute("""
                INSERT INTO disrupt.alias (person_id, alias_name, agency) VALUES (\(p), 'Deano Walsh', 'police'), (\(p), 'D. Walsh', 'police')
                """)
            _ = try db.execute("""
                INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, has_contact, agency)
                SELECT \(p), x.id, r.kind, r.from_on::date, r.contact, 'police'
                FROM (VALUES ('V-1', 'ex_partner', NULL, false), ('V-2', 'ex_partner', NULL, false),
                             ('C-1', 'child', '2015-03-01', true), ('N-1', 'partner', '2026-08-01', NULL))
                     AS r(ref, kind, from_on, contact)
                JOIN disrupt.party x ON x.party_ref = r.ref
                """)
            _ = try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, note, agency, sensitivity) VALUES
                    ('M-1', \(p), 'risk_to_professionals', '2026-01-10', 'Threatened a housing officer', 'police', 'shared'),
                    ('M-2', \(p), 'weapons', '2025-06-01', NULL, 'police', 'shared'),
                    ('M-3', \(p), 'mental_ill_health', '2026-02-01', 'Under the crisis team', 'health', 'restricted'),
                    ('M-4', \(p), 'pdp', '2025-01-01', NULL, 'police', 'shared')
                """)
            _ = try db.execute("""
                INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, agency)
                SELECT i.ref, \(p), x.id, i.on_::date, i.offence, 'police'
                FROM (VALUES ('I-1', 'V-1', '2026-10-01', 'abh'), ('I-2', 'V-2', '2026-09-15', 'common_assault'),
                             ('I-3', 'V-1', '2026-03-01', 'assault_with_weapon'), ('I-4', 'V-1', '2023-01-01', 'common_assault'))
                     AS i(ref, victim, on_, offence)
                JOIN disrupt.party x ON x.party_ref = i.victim
                """)
            let order: Int64 = try db.query("""
                INSERT INTO disrupt.court_order (source_ref, person_id, order_type, protected_party_id, starts_on, ends_on, conditions, agency)
                SELECT 'O-1', \(p), 'restraining', x.id, '2026-05-01', '2027-05-01', 'No contact with Amy', 'police'
                FROM disrupt.party x WHERE x.party_ref = 'V-1' RETURNING id
                """)[0].decode("id")
            _ = try db.execute("""
                INSERT INTO disrupt.court_order (source_ref, person_id, order_type, starts_on, ends_on, agency)
                VALUES ('O-2', \(p), 'dvpo', '2025-01-01', '2025-02-01', 'police')
                """)
            _ = try db.execute("""
                INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, action_taken, agency) VALUES
                    ('B-1', \(p), \(order), '2026-10-10', 'arrest', 'police'),
                    ('B-2', \(p), NULL, '2026-07-01', 'none', 'police'),
                    ('B-3', \(p), NULL, '2023-06-01', 'warning', 'police')
                """)
            _ = try db.execute("""
                INSERT INTO disrupt.forum_link (source_ref, person_id, forum, reference, status, lead_agency, starts_on,
                                                mappa_category, mappa_level, iom_cohort, next_review_on, contact, agency) VALUES
                    ('F-1', \(p), 'mappa', 'MAPPA-77', 'active', 'probation', '2026-01-01', 2, 2, NULL, '2026-12-01', 'PO Smith 0123', 'probation'),
                    ('F-2', \(p), 'iom', NULL, 'active', 'police', '2026-02-01', NULL, NULL, 'fixed', NULL, NULL, 'police')
                """)
            let plan: Int64 = try db.query("SELECT disrupt.plan_open('P-SUM-1', \(spoc), '2026-12-10') AS id")[0].decode("id")
            _ = try db.query("SELECT disrupt.action_add(\(plan), 'disrupt', 'anpr_flagging', 'police', \(spoc), '2026-11-01', NULL)")
            _ = try db.query("SELECT disrupt.action_add(\(plan), 'divert', 'perpetrator_programme', 'police', NULL, '2026-12-20', NULL)")
        }
    }
}

import Postgres

/// A small, hand-checked record for the risk tests (run as superuser).
///
/// Person `RK-1` as of 2026-11-01: incidents against two victims (RV-1, RV-2) including a
/// strangulation, three incidents in the 12 months (the oldest, RI-3 on 2025-11-02, leaves
/// the window on 2026-11-02), two breaches in 24 months, an active weapons marker, an
/// EXPIRED threats marker, a restricted health marker (mental ill health), a Marac referral
/// for RV-1 followed by a new incident against RV-1 (repeat), and a child with contact.
/// People `RK-2`..`RK-4` exist for ranking ties; `RK-4` has only a probation record.
public enum RiskFixture {
    public static let sql = """
        INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES
            ('RK-1', 'Rowan', 'Kestrel', 'police'), ('RK-2', 'Sam', 'Tern', 'police'),
            ('RK-3', 'Alex', 'Tern', 'police'), ('RK-4', 'Jo', 'Wren', 'probation');
        INSERT INTO disrupt.party (party_ref, given_name, family_name, kind, agency) VALUES
            ('RV-1', 'Vic', 'One', 'victim', 'police'), ('RV-2', 'Vic', 'Two', 'victim', 'police'),
            ('RC-1', 'Kid', 'One', 'child', 'police'), ('RV-3', 'Vic', 'Three', 'victim', 'police');
        INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, agency)
        SELECT s.ref, p.id, pa.id, s.d::date, s.offence, 'police'
        FROM (VALUES ('RI-1', 'RK-1', 'RV-1', '2026-09-02', 'common_assault'),
                     ('RI-2', 'RK-1', 'RV-2', '2026-10-15', 'non_fatal_strangulation'),
                     ('RI-3', 'RK-1', 'RV-1', '2025-11-02', 'da_incident'),
                     ('RI-4', 'RK-2', 'RV-3', '2026-10-01', 'common_assault'),
                     ('RI-5', 'RK-3', 'RV-3', '2026-10-01', 'common_assault')) AS s (ref, person, party, d, offence)
        JOIN disrupt.person p ON p.person_ref = s.person JOIN disrupt.party pa ON pa.party_ref = s.party;
        INSERT INTO disrupt.court_order (source_ref, person_id, order_type, starts_on, agency)
        SELECT 'RO-1', id, 'restraining', '2026-01-01', 'police' FROM disrupt.person WHERE person_ref = 'RK-1';
        INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, action_taken, agency)
        SELECT s.ref, p.id, o.id, s.d::date, s.action, 'police'
        FROM (VALUES ('RB-7', '2026-09-02', 'arrest'), ('RB-8', '2025-03-01', 'none')) AS s (ref, d, action)
        CROSS JOIN disrupt.person p LEFT JOIN disrupt.court_order o ON o.source_ref = 'RO-1' AND s.ref = 'RB-7'
        WHERE p.person_ref = 'RK-1';
        INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, expires_on, agency, sensitivity)
        SELECT s.ref, p.id, s.kind, s.d::date, s.e::date, s.agency, s.sens
        FROM (VALUES ('RM-1', 'weapons', '2026-01-10', NULL, 'police', 'shared'),
                     ('RM-2', 'threats', '2026-01-01', '2026-06-30', 'police', 'shared'),
                     ('RM-3', 'mental_ill_health', '2026-02-01', NULL, 'health', 'restricted')) AS s (ref, kind, d, e, agency, sens)
        CROSS JOIN disrupt.person p WHERE p.person_ref = 'RK-1';
        INSERT INTO disrupt.referral (source_ref, person_id, party_id, referred_on, criterion, agency)
        SELECT 'RR-1', p.id, pa.id, '2026-03-01', 'visible_high_risk', 'police'
        FROM disrupt.person p, disrupt.party pa WHERE p.person_ref = 'RK-1' AND pa.party_ref = 'RV-1';
        INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, has_contact, agency)
        SELECT p.id, pa.id, 'child', '2020-05-01', true, 'police'
        FROM disrupt.person p, disrupt.party pa WHERE p.person_ref = 'RK-1' AND pa.party_ref = 'RC-1';
        INSERT INTO disrupt.forum_link (source_ref, person_id, forum, status, starts_on, agency)
        SELECT 'RL-1', id, 'iom', 'active', '2026-01-01', 'probation' FROM disrupt.person WHERE person_ref = 'RK-4';
        """

    /// Inserts the fixture.
    public static func insert(_ connection: PostgresConnection) throws {
        try connection.executeScript(unsafeSQL: sql)
    }
}

-- 0011_agency_keys.sql: natural keys that a hidden row cannot reveal (issue 12).
--
-- A key held only by a row the writer cannot see (another agency's restricted row, or a
-- row on a person they cannot see) made the write fail with 23505, which told the writer
-- that the hidden row exists. Migration 0007 settled this for PNC ids; every natural key of
-- a table with agency and sensitivity now follows the same rule: unique among shared rows
-- (whom everyone sees) and within each agency (whose own rows its staff always see), so a
-- write can collide only with a row the writer can see. Another agency's restricted row may
-- hold the same key (polyinstantiation). A caller therefore sees at most two rows with one
-- key, their own agency's and a shared one; disrupt.ref_rank (definitions/record.sql) is the
-- one rule that picks which of them a reference means.
--
--   person.person_ref, party.party_ref, the records' source_ref: UNIQUE (key, agency) and a
--     unique index on key WHERE sensitivity = 'shared'. The constraint's index, key first,
--     also serves every look-up by key.
--   alias (person, name, date of birth) and relationship (person, party, kind): the same,
--     keeping the constraint names the import and merge_person name.
--   forum_case: one open case per forum and victim (Marac) or person (MATAC, MAPPA) among
--     shared cases and within each agency, so another agency's restricted open case never
--     stops a caller opening or listing the case of a person or victim they can see.
--     case_ref is drawn by next_ref and never chosen by staff: it stays unique.

DO $do$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('person', 'person_ref'), ('party', 'party_ref'), ('incident', 'source_ref'), ('marker', 'source_ref'),
        ('court_order', 'source_ref'), ('breach', 'source_ref'), ('forum_link', 'source_ref'), ('referral', 'source_ref')
    ) AS x(tbl, col)
    LOOP
        EXECUTE format('ALTER TABLE disrupt.%I DROP CONSTRAINT %I', t.tbl, t.tbl || '_' || t.col || '_key');
        EXECUTE format('ALTER TABLE disrupt.%I ADD CONSTRAINT %I UNIQUE (%I, agency)', t.tbl, t.tbl || '_' || t.col || '_agency_key', t.col);
        EXECUTE format('CREATE UNIQUE INDEX %I ON disrupt.%I (%I) WHERE sensitivity = ''shared''', t.tbl || '_' || t.col || '_shared_key', t.tbl, t.col);
    END LOOP;
END
$do$;

ALTER TABLE disrupt.alias DROP CONSTRAINT alias_person_name_dob_key;
ALTER TABLE disrupt.alias ADD CONSTRAINT alias_person_name_dob_key UNIQUE NULLS NOT DISTINCT (person_id, alias_name, date_of_birth, agency);
CREATE UNIQUE INDEX alias_person_name_dob_shared_key ON disrupt.alias (person_id, alias_name, date_of_birth) NULLS NOT DISTINCT
    WHERE sensitivity = 'shared';

ALTER TABLE disrupt.relationship DROP CONSTRAINT relationship_person_party_kind_key;
ALTER TABLE disrupt.relationship ADD CONSTRAINT relationship_person_party_kind_key UNIQUE (person_id, party_id, relationship, agency);
CREATE UNIQUE INDEX relationship_person_party_kind_shared_key ON disrupt.relationship (person_id, party_id, relationship)
    WHERE sensitivity = 'shared';

DROP INDEX disrupt.forum_case_one_open_victim;
DROP INDEX disrupt.forum_case_one_open_person;
CREATE UNIQUE INDEX forum_case_one_open_victim ON disrupt.forum_case (forum, victim_party_id, agency)
    WHERE closed_on IS NULL AND victim_party_id IS NOT NULL;
CREATE UNIQUE INDEX forum_case_one_open_victim_shared ON disrupt.forum_case (forum, victim_party_id)
    WHERE closed_on IS NULL AND victim_party_id IS NOT NULL AND sensitivity = 'shared';
CREATE UNIQUE INDEX forum_case_one_open_person ON disrupt.forum_case (forum, person_id, agency)
    WHERE closed_on IS NULL AND person_id IS NOT NULL;
CREATE UNIQUE INDEX forum_case_one_open_person_shared ON disrupt.forum_case (forum, person_id)
    WHERE closed_on IS NULL AND person_id IS NOT NULL AND sensitivity = 'shared';

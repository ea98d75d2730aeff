-- 0014_statement_reference_checks.sql: the record tables' references are checked once per
-- statement instead of once per row.
--
-- A foreign key checks each inserted row with its own lookup and row lock (a trigger call per
-- row and per reference): importing markers spent about 35% of its time there (person and
-- kind), far more than the rows' own writes.  The same guarantee, stated once per statement
-- over the transition table, is definitions/record.sql's check_references (every non-null
-- reference exists, is locked FOR KEY SHARE as a foreign key locks it, and is visible to the
-- caller; the same 23503 error, naming these constraints) and, on the referenced side,
-- refuse_referenced_change (a person, party, order or code still referenced is neither
-- deleted nor given another key) and rename_code_references (a renamed code follows into
-- the records, as ON UPDATE CASCADE did).  person.merged_into keeps its foreign key (set by
-- merge_person alone, never by an import).
ALTER TABLE disrupt.alias        DROP CONSTRAINT alias_person_id_fkey;
ALTER TABLE disrupt.relationship DROP CONSTRAINT relationship_person_id_fkey,
                                 DROP CONSTRAINT relationship_party_id_fkey;
ALTER TABLE disrupt.incident     DROP CONSTRAINT incident_person_id_fkey,
                                 DROP CONSTRAINT incident_party_id_fkey,
                                 DROP CONSTRAINT incident_offence_fkey;
ALTER TABLE disrupt.marker       DROP CONSTRAINT marker_person_id_fkey,
                                 DROP CONSTRAINT marker_kind_fkey;
ALTER TABLE disrupt.court_order  DROP CONSTRAINT court_order_person_id_fkey,
                                 DROP CONSTRAINT court_order_protected_party_id_fkey,
                                 DROP CONSTRAINT court_order_order_type_fkey;
ALTER TABLE disrupt.breach       DROP CONSTRAINT breach_person_id_fkey,
                                 DROP CONSTRAINT breach_order_id_fkey;
ALTER TABLE disrupt.forum_link   DROP CONSTRAINT forum_link_person_id_fkey,
                                 DROP CONSTRAINT forum_link_lead_agency_fkey;
ALTER TABLE disrupt.referral     DROP CONSTRAINT referral_person_id_fkey,
                                 DROP CONSTRAINT referral_party_id_fkey;

-- The record tables' indexes on agency alone: no query looks a record up by its agency (the
-- row-level policies test "shared OR own agency", which no index on agency serves, and every
-- read goes by person, key or date), and each cost a btree write per imported row.  Markers
-- never had one.
DROP INDEX disrupt.person_agency_idx, disrupt.alias_agency_idx, disrupt.party_agency_idx,
    disrupt.relationship_agency_idx, disrupt.incident_agency_idx, disrupt.court_order_agency_idx,
    disrupt.breach_agency_idx, disrupt.forum_link_agency_idx, disrupt.referral_agency_idx;

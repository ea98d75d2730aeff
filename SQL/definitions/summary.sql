-- summary.sql: what the perpetrator summary may say about records the reader cannot see.
--
-- Row-level security leaves out restricted records of other agencies. A Marac representative
-- still needs to know that something exists and who holds it, so they can ask. withheld_counts
-- reveals only how many rows of which table each agency holds back from the caller: never a
-- row's content, dates or kind.

-- ---------------------------------------------------------------------------------------------
-- withheld_counts(person_id) -> (agency, record_table, n)
--   Rows about the person that the caller cannot read: restricted and owned by another agency.
--   Nothing for an administrator (who sees everything), for a caller who has no open
--   consultation (disrupt.consulting(): active staff whose session called disrupt.consult in a
--   committed transaction), and for a person the caller may not see (not even that he exists).
--   SECURITY DEFINER (owned by disrupt_owner, which reaches every row through owner_all).
--   Every count uses the (person_id, ...) index of its table.
-- withheld_counts_for(person_id, agency, admin): the same for a given agency, for the
--   database's own functions; not granted to anyone.
-- record_counts_for(person_id, agency, admin) -> (record_table, agency, visible, n): how many rows
--   about the person each agency holds in each record table, and whether that caller may read
--   them (shared, her own agency's, or any for an administrator). The one list of the record
--   tables and the one rule of what is withheld (the rows not visible): withheld_counts_for
--   reads it, and disrupt.consult records both the counts and the withheld from one pass.
--   Plain SQL without SET or SECURITY DEFINER, so PostgreSQL inlines it into its callers (both
--   SECURITY DEFINER); not granted to anyone.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.record_counts_for(person_id bigint, caller_agency text, caller_admin boolean)
RETURNS TABLE (record_table text, agency text, visible boolean, n bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.record_table, r.agency,
           disrupt.may_see_row(r.agency, r.sensitivity, record_counts_for.caller_agency, record_counts_for.caller_admin),
           count(*)::bigint
    FROM (SELECT 'alias' AS record_table, x.agency, x.sensitivity FROM disrupt.alias x
           WHERE x.person_id = record_counts_for.person_id
          UNION ALL
          SELECT 'marker', x.agency, x.sensitivity FROM disrupt.marker x WHERE x.person_id = record_counts_for.person_id
          UNION ALL
          SELECT 'incident', x.agency, x.sensitivity FROM disrupt.incident x WHERE x.person_id = record_counts_for.person_id
          UNION ALL
          SELECT 'court_order', x.agency, x.sensitivity FROM disrupt.court_order x WHERE x.person_id = record_counts_for.person_id
          UNION ALL
          SELECT 'breach', x.agency, x.sensitivity FROM disrupt.breach x WHERE x.person_id = record_counts_for.person_id
          UNION ALL
          SELECT 'forum_link', x.agency, x.sensitivity FROM disrupt.forum_link x WHERE x.person_id = record_counts_for.person_id
          UNION ALL
          SELECT 'referral', x.agency, x.sensitivity FROM disrupt.referral x WHERE x.person_id = record_counts_for.person_id
          UNION ALL
          SELECT 'relationship', x.agency, x.sensitivity FROM disrupt.relationship x WHERE x.person_id = record_counts_for.person_id) r
    GROUP BY 1, 2, 3
$$;

CREATE FUNCTION disrupt.withheld_counts_for(person_id bigint, caller_agency text, caller_admin boolean)
RETURNS TABLE (agency text, record_table text, n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.agency, c.record_table, sum(c.n)::bigint
    FROM disrupt.record_counts_for(withheld_counts_for.person_id, withheld_counts_for.caller_agency,
                                   withheld_counts_for.caller_admin) c
    WHERE NOT c.visible
    GROUP BY c.agency, c.record_table
    ORDER BY c.agency, c.record_table
$$;
CREATE FUNCTION disrupt.withheld_counts(person_id bigint)
RETURNS TABLE (agency text, record_table text, n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT w.* FROM disrupt.withheld_counts_for(withheld_counts.person_id, disrupt.caller_agency(), coalesce(disrupt.is_admin(), false)) w
    WHERE disrupt.consulting() AND disrupt.may_see_person(withheld_counts.person_id)
$$;

COMMENT ON FUNCTION disrupt.withheld_counts(bigint) IS
    'How many restricted rows about a person each other agency holds back from the caller (counts and agencies only)';

REVOKE ALL ON FUNCTION disrupt.withheld_counts(bigint), disrupt.withheld_counts_for(bigint, text, boolean),
    disrupt.record_counts_for(bigint, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disrupt.withheld_counts(bigint) TO disrupt_staff;


-- everything above to disrupt_owner (foundation.sql; idempotent)
SELECT disrupt.hand_to_owner();

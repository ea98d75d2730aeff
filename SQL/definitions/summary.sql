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
--   database's own functions (disrupt.consult); not granted to anyone.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.withheld_counts_for(person_id bigint, caller_agency text, caller_admin boolean)
RETURNS TABLE (agency text, record_table text, n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    WITH caller AS (
        SELECT withheld_counts_for.caller_agency AS agency WHERE NOT coalesce(withheld_counts_for.caller_admin, false)
    ),
    hidden AS (
        SELECT 'alias' AS record_table, x.agency FROM disrupt.alias x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
        UNION ALL
        SELECT 'marker', x.agency FROM disrupt.marker x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
        UNION ALL
        SELECT 'incident', x.agency FROM disrupt.incident x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
        UNION ALL
        SELECT 'court_order', x.agency FROM disrupt.court_order x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
        UNION ALL
        SELECT 'breach', x.agency FROM disrupt.breach x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
        UNION ALL
        SELECT 'forum_link', x.agency FROM disrupt.forum_link x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
        UNION ALL
        SELECT 'referral', x.agency FROM disrupt.referral x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
        UNION ALL
        SELECT 'relationship', x.agency FROM disrupt.relationship x
        WHERE x.person_id = withheld_counts_for.person_id AND x.sensitivity = 'restricted'
    )
    SELECT h.agency, h.record_table, count(*)::bigint
    FROM hidden h CROSS JOIN caller c
    WHERE h.agency IS DISTINCT FROM c.agency
    GROUP BY h.agency, h.record_table
    ORDER BY h.agency, h.record_table
$$;
CREATE FUNCTION disrupt.withheld_counts(person_id bigint)
RETURNS TABLE (agency text, record_table text, n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT w.* FROM disrupt.withheld_counts_for(withheld_counts.person_id, disrupt.caller_agency(), coalesce(disrupt.is_admin(), false)) w
    WHERE disrupt.consulting()
      AND EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = withheld_counts.person_id
                  AND (p.sensitivity = 'shared' OR p.agency = disrupt.caller_agency() OR coalesce(disrupt.is_admin(), false)))
$$;

COMMENT ON FUNCTION disrupt.withheld_counts(bigint) IS
    'How many restricted rows about a person each other agency holds back from the caller (counts and agencies only)';

REVOKE ALL ON FUNCTION disrupt.withheld_counts(bigint), disrupt.withheld_counts_for(bigint, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disrupt.withheld_counts(bigint) TO disrupt_staff;


-- everything above to disrupt_owner (foundation.sql; idempotent)
SELECT disrupt.hand_to_owner();

-- import.sql: set-based bulk import (merge) of the ten CSV kinds.
--
-- Protocol (the Swift importer), inside ONE transaction:
--   CREATE TEMP TABLE stage_<kind> (line int, <CSV columns, all text>,
--                                   reject_column text, reject_reason text) ON COMMIT DROP;
--   COPY stage_<kind> (line, <CSV columns>) FROM STDIN (FORMAT csv);
--   SELECT * FROM disrupt.import_<kind>($1);      -- $1 = default_agency or NULL
--   SELECT line, reject_column, reject_reason FROM stage_<kind>
--    WHERE reject_reason IS NOT NULL ORDER BY line;
-- (If the two reject columns are missing the function adds them.)
-- relationships: the CSV's "from"/"to" are stage columns from_on/to_on.
--
-- Each function is one statement: it validates every row in one pass (joins for
-- refs and codes, a window for in-file duplicates: the later line is rejected),
-- writes the first problem of each bad row into reject_column/reject_reason, and
-- merges the valid rows: plain INSERT for new keys (no speculative insertion, so it
-- runs at COPY-like speed), UPDATE by id for changed rows (compared column by
-- column with IS NOT DISTINCT FROM); rows identical to what is stored are counted
-- as unchanged and not written (no audit noise, no dirty mark).  Aliases are
-- add-only (INSERT ... ON CONFLICT DO NOTHING).
-- Returns one row (inserted, updated, unchanged, rejected).
--
-- The functions are SECURITY INVOKER (they must read the caller's temp table), so
-- the caller's row-level security applies: a person or party the caller cannot see
-- is "not found".  Row agency: the CSV's agency column when it has one, else the
-- caller's agency; an administrator (or superuser) may pass default_agency
-- (default 'police' when they have no staff row).  Non-admins may only write rows of
-- their own agency; a key that already exists under another agency is rejected
-- unless the row is identical.  Updates keep a row's owning agency for kinds whose
-- CSV has no agency column.  A person_ref that was merged resolves to the person it
-- was merged into.

-- ---------------------------------------------------------------------------
-- helpers
-- ---------------------------------------------------------------------------

-- (agency, admin) for this import; raises when the caller may not import.
CREATE OR REPLACE FUNCTION disrupt.import_agency(default_agency text)
RETURNS TABLE (agency text, admin boolean)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    v_own   text := disrupt.caller_agency();
    v_admin boolean := disrupt.is_admin();
    v_ag    text := lower(nullif(btrim(default_agency), ''));
BEGIN
    IF v_admin THEN
        v_ag := COALESCE(v_ag, v_own, 'police');
    ELSIF v_own IS NULL THEN
        RAISE EXCEPTION 'import: % is not active staff', session_user USING ERRCODE = '42501';
    ELSIF v_ag IS NOT NULL AND v_ag <> v_own THEN
        RAISE EXCEPTION 'import: only an administrator may import for agency % (yours is %)', v_ag, v_own
            USING ERRCODE = '42501';
    ELSE
        v_ag := v_own;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM disrupt.agency a WHERE a.code = v_ag) THEN
        RAISE EXCEPTION 'import: agency % is not a known agency', quote_literal(v_ag) USING ERRCODE = '22023';
    END IF;
    agency := v_ag;
    admin := v_admin;
    RETURN NEXT;
END
$$;

-- Keys (among the given ones) that already exist under ANOTHER agency than the
-- caller's, including rows the caller cannot see (restricted).  Lets a non-admin
-- import reject such rows instead of failing on row-level security.  Returns
-- nothing for administrators.  SECURITY DEFINER; reveals only whether a key the
-- caller already knows exists.
--   kind: person (person_ref), party (party_ref), relationship ('person_id/party_id/relationship'),
--         pnc ('pnc_id' || chr(31) || 'person_ref': pnc_id held by a different person),
--         incident, marker, court_order, breach, forum_link, referral (source_ref)
CREATE OR REPLACE FUNCTION disrupt.import_hidden_keys(kind text, keys text[])
RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE v_ag text := disrupt.caller_agency();
BEGIN
    IF keys IS NULL OR disrupt.is_admin() THEN
        RETURN;
    END IF;
    IF kind = 'person' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.person t ON t.person_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'pnc' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.person t ON t.pnc_id = split_part(k, chr(31), 1)
                     WHERE t.person_ref <> split_part(k, chr(31), 2);
    ELSIF kind = 'party' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.party t ON t.party_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'relationship' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.relationship t
                       ON t.person_id::text || '/' || t.party_id::text || '/' || t.relationship = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'incident' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.incident t ON t.source_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'marker' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.marker t ON t.source_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'court_order' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.court_order t ON t.source_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'breach' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.breach t ON t.source_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'forum_link' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.forum_link t ON t.source_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSIF kind = 'referral' THEN
        RETURN QUERY SELECT k FROM unnest(keys) k JOIN disrupt.referral t ON t.source_ref = k
                     WHERE t.agency IS DISTINCT FROM v_ag;
    ELSE
        RAISE EXCEPTION 'import_hidden_keys: unknown kind %', quote_literal(kind) USING ERRCODE = '22023';
    END IF;
END
$$;

-- Adds reject_column/reject_reason to a stage table if the caller did not, and
-- clears them (a second call in the same transaction starts clean).
CREATE OR REPLACE FUNCTION disrupt.import_prepare(stage regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = stage AND attname = 'reject_column' AND NOT attisdropped) THEN
        EXECUTE format('ALTER TABLE %s ADD COLUMN reject_column text', stage);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = stage AND attname = 'reject_reason' AND NOT attisdropped) THEN
        EXECUTE format('ALTER TABLE %s ADD COLUMN reject_reason text', stage);
    END IF;
    EXECUTE format('UPDATE %s SET reject_column = NULL, reject_reason = NULL '
                   'WHERE reject_column IS NOT NULL OR reject_reason IS NOT NULL', stage);
END
$$;

-- ---------------------------------------------------------------------------
-- people: person_ref,pnc_id,given_name,family_name,date_of_birth,gender
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_people(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_people');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.person_ref), '') AS person_ref,
               nullif(btrim(st.pnc_id), '') AS pnc_id,
               nullif(btrim(st.given_name), '') AS given_name,
               nullif(btrim(st.family_name), '') AS family_name,
               nullif(btrim(st.date_of_birth), '') AS dob_t,
               lower(nullif(btrim(st.gender), '')) AS gender
        FROM pg_temp.stage_people st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('person',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.person_ref) FROM s) END) k
    ),
    hidden_pnc AS (
        SELECT k FROM disrupt.import_hidden_keys('pnc',
            CASE WHEN v_admin THEN NULL
                 ELSE (SELECT array_agg(s.pnc_id || chr(31) || s.person_ref) FROM s WHERE s.pnc_id IS NOT NULL) END) k
    ),
    v AS (
        SELECT s.*, disrupt.try_date(s.dob_t) AS date_of_birth,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               row_number() OVER wp AS dup_pnc, first_value(s.line) OVER wp AS first_pnc_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.pnc_id, ex.given_name, ex.family_name, ex.date_of_birth, ex.gender)
                 IS NOT DISTINCT FROM (s.pnc_id, s.given_name, s.family_name, disrupt.try_date(s.dob_t), s.gender) AS same,
               h.k IS NOT NULL AS locked,
               q.person_ref AS pnc_owner, hp.k IS NOT NULL AS pnc_hidden
        FROM s
        LEFT JOIN disrupt.person ex ON ex.person_ref = s.person_ref
        LEFT JOIN hidden h ON h.k = s.person_ref
        LEFT JOIN disrupt.person q ON q.pnc_id = s.pnc_id AND q.person_ref <> s.person_ref
        LEFT JOIN hidden_pnc hp ON hp.k = s.pnc_id || chr(31) || s.person_ref
        WINDOW w AS (PARTITION BY s.person_ref ORDER BY s.line),
               wp AS (PARTITION BY s.pnc_id ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN dup > 1 THEN ARRAY['person_ref', format('duplicate person_ref %s (first on line %s)', person_ref, first_line)]
            WHEN family_name IS NULL THEN ARRAY['family_name', 'family_name is required']
            WHEN char_length(family_name) > 200 THEN ARRAY['family_name', 'family_name is longer than 200 characters']
            WHEN char_length(given_name) > 200 THEN ARRAY['given_name', 'given_name is longer than 200 characters']
            WHEN dob_t IS NOT NULL AND date_of_birth IS NULL
                THEN ARRAY['date_of_birth', format('date_of_birth %L is not a valid date (YYYY-MM-DD)', dob_t)]
            WHEN gender IS NOT NULL AND gender NOT IN ('male', 'female', 'other', 'unknown')
                THEN ARRAY['gender', format('gender %L must be male, female, other or unknown', gender)]
            WHEN pnc_id IS NOT NULL AND dup_pnc > 1
                THEN ARRAY['pnc_id', format('duplicate pnc_id %s (first on line %s)', pnc_id, first_pnc_line)]
            WHEN pnc_owner IS NOT NULL
                THEN ARRAY['pnc_id', format('pnc_id %s is already recorded for person_ref %s', pnc_id, pnc_owner)]
            WHEN pnc_hidden
                THEN ARRAY['pnc_id', format('pnc_id %s is already recorded for another person', pnc_id)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['person_ref', format('person_ref %s already exists and belongs to another agency', person_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['person_ref', format('person_ref %s belongs to agency %s; only %s can change it', person_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_people st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.person (person_ref, pnc_id, given_name, family_name, date_of_birth, gender, agency)
        SELECT c.person_ref, c.pnc_id, c.given_name, c.family_name, c.date_of_birth, c.gender, v_agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.person t SET
            pnc_id = c.pnc_id,
            given_name = c.given_name,
            family_name = c.family_name,
            date_of_birth = c.date_of_birth,
            gender = c.gender
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- aliases: person_ref,alias_name,date_of_birth   (adds only; existing = unchanged)
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_aliases(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_aliases');
    RETURN QUERY
    WITH s AS (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.person_ref), '') AS person_ref,
               nullif(btrim(st.alias_name), '') AS alias_name,
               nullif(btrim(st.date_of_birth), '') AS dob_t
        FROM pg_temp.stage_aliases st
    ),
    v AS (
        SELECT s.*, COALESCE(p.merged_into, p.id) AS person_id, disrupt.try_date(s.dob_t) AS date_of_birth,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line
        FROM s
        LEFT JOIN disrupt.person p ON p.person_ref = s.person_ref
        WINDOW w AS (PARTITION BY COALESCE(p.merged_into, p.id), s.alias_name, disrupt.try_date(s.dob_t) ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN alias_name IS NULL THEN ARRAY['alias_name', 'alias_name is required']
            WHEN char_length(alias_name) > 200 THEN ARRAY['alias_name', 'alias_name is longer than 200 characters']
            WHEN dob_t IS NOT NULL AND date_of_birth IS NULL
                THEN ARRAY['date_of_birth', format('date_of_birth %L is not a valid date (YYYY-MM-DD)', dob_t)]
            WHEN dup > 1 THEN ARRAY['alias_name', format('duplicate alias %s for person_ref %s (first on line %s)', alias_name, person_ref, first_line)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_aliases st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    up AS (
        INSERT INTO disrupt.alias AS t (person_id, alias_name, date_of_birth, agency)
        SELECT c.person_id, c.alias_name, c.date_of_birth, v_agency FROM c WHERE c.err IS NULL
        ON CONFLICT ON CONSTRAINT alias_person_name_dob_key DO NOTHING
        RETURNING true AS ins
    )
    SELECT (SELECT count(*) FROM up),
           0::bigint,
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM up),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- parties: party_ref,given_name,family_name,date_of_birth,kind
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_parties(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_parties');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.party_ref), '') AS party_ref,
               nullif(btrim(st.given_name), '') AS given_name,
               nullif(btrim(st.family_name), '') AS family_name,
               nullif(btrim(st.date_of_birth), '') AS dob_t,
               lower(nullif(btrim(st.kind), '')) AS kind
        FROM pg_temp.stage_parties st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('party',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.party_ref) FROM s) END) k
    ),
    v AS (
        SELECT s.*, disrupt.try_date(s.dob_t) AS date_of_birth,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.given_name, ex.family_name, ex.date_of_birth, ex.kind)
                 IS NOT DISTINCT FROM (s.given_name, s.family_name, disrupt.try_date(s.dob_t), s.kind) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.party ex ON ex.party_ref = s.party_ref
        LEFT JOIN hidden h ON h.k = s.party_ref
        WINDOW w AS (PARTITION BY s.party_ref ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN party_ref IS NULL THEN ARRAY['party_ref', 'party_ref is required']
            WHEN dup > 1 THEN ARRAY['party_ref', format('duplicate party_ref %s (first on line %s)', party_ref, first_line)]
            WHEN family_name IS NULL AND given_name IS NULL THEN ARRAY['family_name', 'family_name or given_name is required']
            WHEN char_length(family_name) > 200 THEN ARRAY['family_name', 'family_name is longer than 200 characters']
            WHEN char_length(given_name) > 200 THEN ARRAY['given_name', 'given_name is longer than 200 characters']
            WHEN dob_t IS NOT NULL AND date_of_birth IS NULL
                THEN ARRAY['date_of_birth', format('date_of_birth %L is not a valid date (YYYY-MM-DD)', dob_t)]
            WHEN kind IS NULL THEN ARRAY['kind', 'kind is required']
            WHEN kind NOT IN ('victim', 'child', 'new_partner', 'family', 'other')
                THEN ARRAY['kind', format('kind %L must be victim, child, new_partner, family or other', kind)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['party_ref', format('party_ref %s already exists and belongs to another agency', party_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['party_ref', format('party_ref %s belongs to agency %s; only %s can change it', party_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_parties st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.party (party_ref, given_name, family_name, date_of_birth, kind, agency)
        SELECT c.party_ref, c.given_name, c.family_name, c.date_of_birth, c.kind, v_agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.party t SET
            given_name = c.given_name,
            family_name = c.family_name,
            date_of_birth = c.date_of_birth,
            kind = c.kind
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- relationships: person_ref,party_ref,relationship,from_on,to_on,has_contact
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_relationships(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_relationships');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.person_ref), '') AS person_ref,
               nullif(btrim(st.party_ref), '') AS party_ref,
               lower(nullif(btrim(st.relationship), '')) AS relationship,
               nullif(btrim(st.from_on), '') AS from_t,
               nullif(btrim(st.to_on), '') AS to_t,
               nullif(btrim(st.has_contact), '') AS contact_t,
               COALESCE(p.merged_into, p.id) AS person_id,
               pa.id AS party_id
        FROM pg_temp.stage_relationships st
        LEFT JOIN disrupt.person p ON p.person_ref = nullif(btrim(st.person_ref), '')
        LEFT JOIN disrupt.party pa ON pa.party_ref = nullif(btrim(st.party_ref), '')
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('relationship',
            CASE WHEN v_admin THEN NULL
                 ELSE (SELECT array_agg(s.person_id::text || '/' || s.party_id::text || '/' || s.relationship) FROM s
                       WHERE s.person_id IS NOT NULL AND s.party_id IS NOT NULL AND s.relationship IS NOT NULL) END) k
    ),
    v AS (
        SELECT s.*, disrupt.try_date(s.from_t) AS from_on, disrupt.try_date(s.to_t) AS to_on,
               disrupt.try_bool(s.contact_t) AS has_contact,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.from_on, ex.to_on, ex.has_contact)
                 IS NOT DISTINCT FROM (disrupt.try_date(s.from_t), disrupt.try_date(s.to_t), disrupt.try_bool(s.contact_t)) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.relationship ex
               ON ex.person_id = s.person_id AND ex.party_id = s.party_id AND ex.relationship = s.relationship
        LEFT JOIN hidden h ON h.k = s.person_id::text || '/' || s.party_id::text || '/' || s.relationship
        WINDOW w AS (PARTITION BY s.person_id, s.party_id, s.relationship ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN party_ref IS NULL THEN ARRAY['party_ref', 'party_ref is required']
            WHEN party_id IS NULL THEN ARRAY['party_ref', format('party_ref %s not found', party_ref)]
            WHEN relationship IS NULL THEN ARRAY['relationship', 'relationship is required']
            WHEN relationship NOT IN ('partner', 'ex_partner', 'child', 'step_child', 'family', 'other')
                THEN ARRAY['relationship', format('relationship %L must be partner, ex_partner, child, step_child, family or other', relationship)]
            WHEN from_t IS NOT NULL AND from_on IS NULL
                THEN ARRAY['from', format('from %L is not a valid date (YYYY-MM-DD)', from_t)]
            WHEN to_t IS NOT NULL AND to_on IS NULL
                THEN ARRAY['to', format('to %L is not a valid date (YYYY-MM-DD)', to_t)]
            WHEN to_on < from_on THEN ARRAY['to', format('to %s is before from %s', to_on, from_on)]
            WHEN contact_t IS NOT NULL AND has_contact IS NULL
                THEN ARRAY['has_contact', format('has_contact %L must be true or false', contact_t)]
            WHEN dup > 1 THEN ARRAY['relationship', format('duplicate relationship %s between %s and %s (first on line %s)',
                                                          relationship, person_ref, party_ref, first_line)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['relationship', 'this relationship already exists and belongs to another agency']
            WHEN locked AND NOT same
                THEN ARRAY['relationship', format('this relationship belongs to agency %s; only %s can change it', ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_relationships st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, to_on, has_contact, agency)
        SELECT c.person_id, c.party_id, c.relationship, c.from_on, c.to_on, c.has_contact, v_agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.relationship t SET
            from_on = c.from_on,
            to_on = c.to_on,
            has_contact = c.has_contact
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- incidents: source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_incidents(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_incidents');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.source_ref), '') AS source_ref,
               nullif(btrim(st.person_ref), '') AS person_ref,
               nullif(btrim(st.party_ref), '') AS party_ref,
               nullif(btrim(st.occurred_on), '') AS occurred_t,
               COALESCE(lower(nullif(btrim(st.offence), '')), 'da_incident') AS offence_t,
               nullif(btrim(st.gravity), '') AS gravity_t,
               COALESCE(lower(nullif(btrim(st.agency), '')), v_agency) AS agency_t
        FROM pg_temp.stage_incidents st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('incident',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.source_ref) FROM s) END) k
    ),
    v AS (
        SELECT s.*, COALESCE(p.merged_into, p.id) AS person_id, pa.id AS party_id,
               o.code AS offence, ag.code AS agency,
               disrupt.try_date(s.occurred_t) AS occurred_on, disrupt.try_int(s.gravity_t) AS gravity,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.person_id, ex.party_id, ex.occurred_on, ex.offence, ex.gravity, ex.agency)
                 IS NOT DISTINCT FROM (COALESCE(p.merged_into, p.id), pa.id, disrupt.try_date(s.occurred_t), o.code,
                                       disrupt.try_int(s.gravity_t), ag.code) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.person p ON p.person_ref = s.person_ref
        LEFT JOIN disrupt.party pa ON pa.party_ref = s.party_ref
        LEFT JOIN disrupt.offence o ON o.code = s.offence_t
        LEFT JOIN disrupt.agency ag ON ag.code = s.agency_t
        LEFT JOIN disrupt.incident ex ON ex.source_ref = s.source_ref
        LEFT JOIN hidden h ON h.k = s.source_ref
        WINDOW w AS (PARTITION BY s.source_ref ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN source_ref IS NULL THEN ARRAY['source_ref', 'source_ref is required']
            WHEN dup > 1 THEN ARRAY['source_ref', format('duplicate source_ref %s (first on line %s)', source_ref, first_line)]
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN party_ref IS NOT NULL AND party_id IS NULL THEN ARRAY['party_ref', format('party_ref %s not found', party_ref)]
            WHEN occurred_t IS NULL THEN ARRAY['occurred_on', 'occurred_on is required']
            WHEN occurred_on IS NULL
                THEN ARRAY['occurred_on', format('occurred_on %L is not a valid date (YYYY-MM-DD)', occurred_t)]
            WHEN offence IS NULL THEN ARRAY['offence', format('offence %L is not a known offence', offence_t)]
            WHEN gravity_t IS NOT NULL AND gravity IS NULL
                THEN ARRAY['gravity', format('gravity %L is not a whole number', gravity_t)]
            WHEN gravity < 0 THEN ARRAY['gravity', format('gravity %s must not be negative', gravity)]
            WHEN agency IS NULL THEN ARRAY['agency', format('agency %L is not a known agency', agency_t)]
            WHEN NOT v_admin AND agency <> v_agency
                THEN ARRAY['agency', format('agency %s is not your agency (%s)', agency, v_agency)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['source_ref', format('source_ref %s already exists and belongs to another agency', source_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['source_ref', format('source_ref %s belongs to agency %s; only %s can change it', source_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_incidents st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, offence, gravity, agency)
        SELECT c.source_ref, c.person_id, c.party_id, c.occurred_on, c.offence, c.gravity, c.agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.incident t SET
            person_id = c.person_id,
            party_id = c.party_id,
            occurred_on = c.occurred_on,
            offence = c.offence,
            gravity = c.gravity,
            agency = c.agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- markers: source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_markers(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_markers');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.source_ref), '') AS source_ref,
               nullif(btrim(st.person_ref), '') AS person_ref,
               lower(nullif(btrim(st.marker), '')) AS kind_t,
               nullif(btrim(st.recorded_on), '') AS recorded_t,
               nullif(btrim(st.expires_on), '') AS expires_t,
               COALESCE(lower(nullif(btrim(st.agency), '')), v_agency) AS agency_t,
               COALESCE(lower(nullif(btrim(st.sensitivity), '')), 'shared') AS sensitivity,
               nullif(btrim(st.note), '') AS note
        FROM pg_temp.stage_markers st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('marker',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.source_ref) FROM s) END) k
    ),
    v AS (
        SELECT s.*, COALESCE(p.merged_into, p.id) AS person_id, mk.code AS kind, ag.code AS agency,
               disrupt.try_date(s.recorded_t) AS recorded_on, disrupt.try_date(s.expires_t) AS expires_on,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.person_id, ex.kind, ex.recorded_on, ex.expires_on, ex.agency, ex.sensitivity, ex.note)
                 IS NOT DISTINCT FROM (COALESCE(p.merged_into, p.id), mk.code, disrupt.try_date(s.recorded_t),
                                       disrupt.try_date(s.expires_t), ag.code, s.sensitivity, s.note) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.person p ON p.person_ref = s.person_ref
        LEFT JOIN disrupt.marker_kind mk ON mk.code = s.kind_t
        LEFT JOIN disrupt.agency ag ON ag.code = s.agency_t
        LEFT JOIN disrupt.marker ex ON ex.source_ref = s.source_ref
        LEFT JOIN hidden h ON h.k = s.source_ref
        WINDOW w AS (PARTITION BY s.source_ref ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN source_ref IS NULL THEN ARRAY['source_ref', 'source_ref is required']
            WHEN dup > 1 THEN ARRAY['source_ref', format('duplicate source_ref %s (first on line %s)', source_ref, first_line)]
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN kind_t IS NULL THEN ARRAY['marker', 'marker is required']
            WHEN kind IS NULL THEN ARRAY['marker', format('marker %L is not a known marker kind', kind_t)]
            WHEN recorded_t IS NULL THEN ARRAY['recorded_on', 'recorded_on is required']
            WHEN recorded_on IS NULL
                THEN ARRAY['recorded_on', format('recorded_on %L is not a valid date (YYYY-MM-DD)', recorded_t)]
            WHEN expires_t IS NOT NULL AND expires_on IS NULL
                THEN ARRAY['expires_on', format('expires_on %L is not a valid date (YYYY-MM-DD)', expires_t)]
            WHEN expires_on < recorded_on
                THEN ARRAY['expires_on', format('expires_on %s is before recorded_on %s', expires_on, recorded_on)]
            WHEN agency IS NULL THEN ARRAY['agency', format('agency %L is not a known agency', agency_t)]
            WHEN NOT v_admin AND agency <> v_agency
                THEN ARRAY['agency', format('agency %s is not your agency (%s)', agency, v_agency)]
            WHEN sensitivity NOT IN ('shared', 'restricted')
                THEN ARRAY['sensitivity', format('sensitivity %L must be shared or restricted', sensitivity)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['source_ref', format('source_ref %s already exists and belongs to another agency', source_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['source_ref', format('source_ref %s belongs to agency %s; only %s can change it', source_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_markers st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, expires_on, agency, sensitivity, note)
        SELECT c.source_ref, c.person_id, c.kind, c.recorded_on, c.expires_on, c.agency, c.sensitivity, c.note
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.marker t SET
            person_id = c.person_id,
            kind = c.kind,
            recorded_on = c.recorded_on,
            expires_on = c.expires_on,
            agency = c.agency,
            sensitivity = c.sensitivity,
            note = c.note
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- orders: source_ref,person_ref,order_type,protected_party_ref,starts_on,ends_on,conditions
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_orders(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_orders');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.source_ref), '') AS source_ref,
               nullif(btrim(st.person_ref), '') AS person_ref,
               lower(nullif(btrim(st.order_type), '')) AS type_t,
               nullif(btrim(st.protected_party_ref), '') AS party_ref,
               nullif(btrim(st.starts_on), '') AS starts_t,
               nullif(btrim(st.ends_on), '') AS ends_t,
               nullif(btrim(st.conditions), '') AS conditions
        FROM pg_temp.stage_orders st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('court_order',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.source_ref) FROM s) END) k
    ),
    v AS (
        SELECT s.*, COALESCE(p.merged_into, p.id) AS person_id, pa.id AS party_id, ot.code AS order_type,
               disrupt.try_date(s.starts_t) AS starts_on, disrupt.try_date(s.ends_t) AS ends_on,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.person_id, ex.order_type, ex.protected_party_id, ex.starts_on, ex.ends_on, ex.conditions)
                 IS NOT DISTINCT FROM (COALESCE(p.merged_into, p.id), ot.code, pa.id, disrupt.try_date(s.starts_t),
                                       disrupt.try_date(s.ends_t), s.conditions) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.person p ON p.person_ref = s.person_ref
        LEFT JOIN disrupt.party pa ON pa.party_ref = s.party_ref
        LEFT JOIN disrupt.order_type ot ON ot.code = s.type_t
        LEFT JOIN disrupt.court_order ex ON ex.source_ref = s.source_ref
        LEFT JOIN hidden h ON h.k = s.source_ref
        WINDOW w AS (PARTITION BY s.source_ref ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN source_ref IS NULL THEN ARRAY['source_ref', 'source_ref is required']
            WHEN dup > 1 THEN ARRAY['source_ref', format('duplicate source_ref %s (first on line %s)', source_ref, first_line)]
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN type_t IS NULL THEN ARRAY['order_type', 'order_type is required']
            WHEN order_type IS NULL THEN ARRAY['order_type', format('order_type %L is not a known order type', type_t)]
            WHEN party_ref IS NOT NULL AND party_id IS NULL
                THEN ARRAY['protected_party_ref', format('protected_party_ref %s not found', party_ref)]
            WHEN starts_t IS NULL THEN ARRAY['starts_on', 'starts_on is required']
            WHEN starts_on IS NULL
                THEN ARRAY['starts_on', format('starts_on %L is not a valid date (YYYY-MM-DD)', starts_t)]
            WHEN ends_t IS NOT NULL AND ends_on IS NULL
                THEN ARRAY['ends_on', format('ends_on %L is not a valid date (YYYY-MM-DD)', ends_t)]
            WHEN ends_on < starts_on THEN ARRAY['ends_on', format('ends_on %s is before starts_on %s', ends_on, starts_on)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['source_ref', format('source_ref %s already exists and belongs to another agency', source_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['source_ref', format('source_ref %s belongs to agency %s; only %s can change it', source_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_orders st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.court_order (source_ref, person_id, order_type, protected_party_id, starts_on, ends_on, conditions, agency)
        SELECT c.source_ref, c.person_id, c.order_type, c.party_id, c.starts_on, c.ends_on, c.conditions, v_agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.court_order t SET
            person_id = c.person_id,
            order_type = c.order_type,
            protected_party_id = c.party_id,
            starts_on = c.starts_on,
            ends_on = c.ends_on,
            conditions = c.conditions
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- breaches: source_ref,person_ref,order_ref,occurred_on,reported_on,agency,action_taken,note
--   order_ref = the court order's source_ref; empty = offending while on bail/RUI.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_breaches(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_breaches');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.source_ref), '') AS source_ref,
               nullif(btrim(st.person_ref), '') AS person_ref,
               nullif(btrim(st.order_ref), '') AS order_ref,
               nullif(btrim(st.occurred_on), '') AS occurred_t,
               nullif(btrim(st.reported_on), '') AS reported_t,
               COALESCE(lower(nullif(btrim(st.agency), '')), v_agency) AS agency_t,
               lower(nullif(btrim(st.action_taken), '')) AS action_taken,
               nullif(btrim(st.note), '') AS note
        FROM pg_temp.stage_breaches st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('breach',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.source_ref) FROM s) END) k
    ),
    v AS (
        SELECT s.*, COALESCE(p.merged_into, p.id) AS person_id, ag.code AS agency,
               o.id AS order_id, o.person_id AS order_person_id, op.person_ref AS order_person_ref,
               disrupt.try_date(s.occurred_t) AS occurred_on, disrupt.try_date(s.reported_t) AS reported_on,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.person_id, ex.order_id, ex.occurred_on, ex.reported_on, ex.agency, ex.action_taken, ex.note)
                 IS NOT DISTINCT FROM (COALESCE(p.merged_into, p.id), o.id, disrupt.try_date(s.occurred_t),
                                       disrupt.try_date(s.reported_t), ag.code, s.action_taken, s.note) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.person p ON p.person_ref = s.person_ref
        LEFT JOIN disrupt.agency ag ON ag.code = s.agency_t
        LEFT JOIN disrupt.court_order o ON o.source_ref = s.order_ref
        LEFT JOIN disrupt.person op ON op.id = o.person_id
        LEFT JOIN disrupt.breach ex ON ex.source_ref = s.source_ref
        LEFT JOIN hidden h ON h.k = s.source_ref
        WINDOW w AS (PARTITION BY s.source_ref ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN source_ref IS NULL THEN ARRAY['source_ref', 'source_ref is required']
            WHEN dup > 1 THEN ARRAY['source_ref', format('duplicate source_ref %s (first on line %s)', source_ref, first_line)]
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN order_ref IS NOT NULL AND order_id IS NULL THEN ARRAY['order_ref', format('order_ref %s not found', order_ref)]
            WHEN order_ref IS NOT NULL AND order_person_id <> person_id
                THEN ARRAY['order_ref', format('order_ref %s belongs to person_ref %s, not %s', order_ref,
                                               COALESCE(order_person_ref, '?'), person_ref)]
            WHEN occurred_t IS NULL THEN ARRAY['occurred_on', 'occurred_on is required']
            WHEN occurred_on IS NULL
                THEN ARRAY['occurred_on', format('occurred_on %L is not a valid date (YYYY-MM-DD)', occurred_t)]
            WHEN reported_t IS NOT NULL AND reported_on IS NULL
                THEN ARRAY['reported_on', format('reported_on %L is not a valid date (YYYY-MM-DD)', reported_t)]
            WHEN reported_on < occurred_on
                THEN ARRAY['reported_on', format('reported_on %s is before occurred_on %s', reported_on, occurred_on)]
            WHEN agency IS NULL THEN ARRAY['agency', format('agency %L is not a known agency', agency_t)]
            WHEN NOT v_admin AND agency <> v_agency
                THEN ARRAY['agency', format('agency %s is not your agency (%s)', agency, v_agency)]
            WHEN action_taken NOT IN ('arrest', 'charge', 'caution', 'warning', 'recall', 'none')
                THEN ARRAY['action_taken', format('action_taken %L must be arrest, charge, caution, warning, recall or none', action_taken)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['source_ref', format('source_ref %s already exists and belongs to another agency', source_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['source_ref', format('source_ref %s belongs to agency %s; only %s can change it', source_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_breaches st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, reported_on, agency, action_taken, note)
        SELECT c.source_ref, c.person_id, c.order_id, c.occurred_on, c.reported_on, c.agency, c.action_taken, c.note
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.breach t SET
            person_id = c.person_id,
            order_id = c.order_id,
            occurred_on = c.occurred_on,
            reported_on = c.reported_on,
            agency = c.agency,
            action_taken = c.action_taken,
            note = c.note
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- links: source_ref,person_ref,forum,reference,status,lead_agency,starts_on,ends_on,
--        mappa_category,mappa_level,iom_cohort,licence_ends_on,next_review_on
--   empty status = active.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_links(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_links');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.source_ref), '') AS source_ref,
               nullif(btrim(st.person_ref), '') AS person_ref,
               lower(nullif(btrim(st.forum), '')) AS forum,
               nullif(btrim(st.reference), '') AS reference,
               COALESCE(lower(nullif(btrim(st.status), '')), 'active') AS status,
               lower(nullif(btrim(st.lead_agency), '')) AS lead_t,
               nullif(btrim(st.starts_on), '') AS starts_t,
               nullif(btrim(st.ends_on), '') AS ends_t,
               nullif(btrim(st.mappa_category), '') AS cat_t,
               nullif(btrim(st.mappa_level), '') AS level_t,
               lower(nullif(btrim(st.iom_cohort), '')) AS iom_cohort,
               nullif(btrim(st.licence_ends_on), '') AS licence_t,
               nullif(btrim(st.next_review_on), '') AS review_t
        FROM pg_temp.stage_links st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('forum_link',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.source_ref) FROM s) END) k
    ),
    v AS (
        SELECT s.*, COALESCE(p.merged_into, p.id) AS person_id, la.code AS lead_agency,
               disrupt.try_date(s.starts_t) AS starts_on, disrupt.try_date(s.ends_t) AS ends_on,
               disrupt.try_int(s.cat_t) AS mappa_category, disrupt.try_int(s.level_t) AS mappa_level,
               disrupt.try_date(s.licence_t) AS licence_ends_on, disrupt.try_date(s.review_t) AS next_review_on,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.person_id, ex.forum, ex.reference, ex.status, ex.lead_agency, ex.starts_on, ex.ends_on,
                ex.mappa_category::int, ex.mappa_level::int, ex.iom_cohort, ex.licence_ends_on, ex.next_review_on)
                 IS NOT DISTINCT FROM (COALESCE(p.merged_into, p.id), s.forum, s.reference, s.status, la.code,
                                       disrupt.try_date(s.starts_t), disrupt.try_date(s.ends_t),
                                       disrupt.try_int(s.cat_t), disrupt.try_int(s.level_t), s.iom_cohort,
                                       disrupt.try_date(s.licence_t), disrupt.try_date(s.review_t)) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.person p ON p.person_ref = s.person_ref
        LEFT JOIN disrupt.agency la ON la.code = s.lead_t
        LEFT JOIN disrupt.forum_link ex ON ex.source_ref = s.source_ref
        LEFT JOIN hidden h ON h.k = s.source_ref
        WINDOW w AS (PARTITION BY s.source_ref ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN source_ref IS NULL THEN ARRAY['source_ref', 'source_ref is required']
            WHEN dup > 1 THEN ARRAY['source_ref', format('duplicate source_ref %s (first on line %s)', source_ref, first_line)]
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN forum IS NULL THEN ARRAY['forum', 'forum is required']
            WHEN forum NOT IN ('marac', 'mappa', 'matac', 'iom', 'dapp', 'drive')
                THEN ARRAY['forum', format('forum %L must be marac, mappa, matac, iom, dapp or drive', forum)]
            WHEN status NOT IN ('referred', 'active', 'closed')
                THEN ARRAY['status', format('status %L must be referred, active or closed', status)]
            WHEN lead_t IS NOT NULL AND lead_agency IS NULL
                THEN ARRAY['lead_agency', format('lead_agency %L is not a known agency', lead_t)]
            WHEN starts_t IS NULL THEN ARRAY['starts_on', 'starts_on is required']
            WHEN starts_on IS NULL
                THEN ARRAY['starts_on', format('starts_on %L is not a valid date (YYYY-MM-DD)', starts_t)]
            WHEN ends_t IS NOT NULL AND ends_on IS NULL
                THEN ARRAY['ends_on', format('ends_on %L is not a valid date (YYYY-MM-DD)', ends_t)]
            WHEN ends_on < starts_on THEN ARRAY['ends_on', format('ends_on %s is before starts_on %s', ends_on, starts_on)]
            WHEN cat_t IS NOT NULL AND mappa_category IS NULL
                THEN ARRAY['mappa_category', format('mappa_category %L is not a whole number', cat_t)]
            WHEN mappa_category NOT BETWEEN 1 AND 3
                THEN ARRAY['mappa_category', format('mappa_category %s must be 1, 2 or 3', mappa_category)]
            WHEN mappa_category IS NOT NULL AND forum <> 'mappa'
                THEN ARRAY['mappa_category', 'mappa_category is only for forum mappa']
            WHEN level_t IS NOT NULL AND mappa_level IS NULL
                THEN ARRAY['mappa_level', format('mappa_level %L is not a whole number', level_t)]
            WHEN mappa_level NOT BETWEEN 1 AND 3
                THEN ARRAY['mappa_level', format('mappa_level %s must be 1, 2 or 3', mappa_level)]
            WHEN mappa_level IS NOT NULL AND forum <> 'mappa'
                THEN ARRAY['mappa_level', 'mappa_level is only for forum mappa']
            WHEN iom_cohort NOT IN ('fixed', 'flex', 'free')
                THEN ARRAY['iom_cohort', format('iom_cohort %L must be fixed, flex or free', iom_cohort)]
            WHEN iom_cohort IS NOT NULL AND forum <> 'iom'
                THEN ARRAY['iom_cohort', 'iom_cohort is only for forum iom']
            WHEN licence_t IS NOT NULL AND licence_ends_on IS NULL
                THEN ARRAY['licence_ends_on', format('licence_ends_on %L is not a valid date (YYYY-MM-DD)', licence_t)]
            WHEN review_t IS NOT NULL AND next_review_on IS NULL
                THEN ARRAY['next_review_on', format('next_review_on %L is not a valid date (YYYY-MM-DD)', review_t)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['source_ref', format('source_ref %s already exists and belongs to another agency', source_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['source_ref', format('source_ref %s belongs to agency %s; only %s can change it', source_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_links st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.forum_link (source_ref, person_id, forum, reference, status, lead_agency, starts_on, ends_on, mappa_category, mappa_level, iom_cohort, licence_ends_on, next_review_on, agency)
        SELECT c.source_ref, c.person_id, c.forum, c.reference, c.status, c.lead_agency, c.starts_on, c.ends_on, c.mappa_category, c.mappa_level, c.iom_cohort, c.licence_ends_on, c.next_review_on, v_agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.forum_link t SET
            person_id = c.person_id,
            forum = c.forum,
            reference = c.reference,
            status = c.status,
            lead_agency = c.lead_agency,
            starts_on = c.starts_on,
            ends_on = c.ends_on,
            mappa_category = c.mappa_category,
            mappa_level = c.mappa_level,
            iom_cohort = c.iom_cohort,
            licence_ends_on = c.licence_ends_on,
            next_review_on = c.next_review_on
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

-- ---------------------------------------------------------------------------
-- referrals: source_ref,person_ref,party_ref,referred_on,criterion,dash_score,agency
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_referrals(default_agency text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
#variable_conflict use_column
DECLARE v_agency text; v_admin boolean;
BEGIN
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_prepare('pg_temp.stage_referrals');
    RETURN QUERY
    WITH s AS MATERIALIZED (
        SELECT st.ctid AS tid, st.line,
               nullif(btrim(st.source_ref), '') AS source_ref,
               nullif(btrim(st.person_ref), '') AS person_ref,
               nullif(btrim(st.party_ref), '') AS party_ref,
               nullif(btrim(st.referred_on), '') AS referred_t,
               lower(nullif(btrim(st.criterion), '')) AS criterion,
               nullif(btrim(st.dash_score), '') AS dash_t,
               COALESCE(lower(nullif(btrim(st.agency), '')), v_agency) AS agency_t
        FROM pg_temp.stage_referrals st
    ),
    hidden AS (
        SELECT k FROM disrupt.import_hidden_keys('referral',
            CASE WHEN v_admin THEN NULL ELSE (SELECT array_agg(s.source_ref) FROM s) END) k
    ),
    v AS (
        SELECT s.*, COALESCE(p.merged_into, p.id) AS person_id, pa.id AS party_id, ag.code AS agency,
               disrupt.try_date(s.referred_t) AS referred_on, disrupt.try_int(s.dash_t) AS dash_score,
               row_number() OVER w AS dup, first_value(s.line) OVER w AS first_line,
               ex.id AS ex_id, ex.agency AS ex_agency,
               (ex.person_id, ex.party_id, ex.referred_on, ex.criterion, ex.dash_score::int, ex.agency)
                 IS NOT DISTINCT FROM (COALESCE(p.merged_into, p.id), pa.id, disrupt.try_date(s.referred_t),
                                       s.criterion, disrupt.try_int(s.dash_t), ag.code) AS same,
               h.k IS NOT NULL AS locked
        FROM s
        LEFT JOIN disrupt.person p ON p.person_ref = s.person_ref
        LEFT JOIN disrupt.party pa ON pa.party_ref = s.party_ref
        LEFT JOIN disrupt.agency ag ON ag.code = s.agency_t
        LEFT JOIN disrupt.referral ex ON ex.source_ref = s.source_ref
        LEFT JOIN hidden h ON h.k = s.source_ref
        WINDOW w AS (PARTITION BY s.source_ref ORDER BY s.line)
    ),
    c AS MATERIALIZED (
        SELECT v.*, CASE
            WHEN source_ref IS NULL THEN ARRAY['source_ref', 'source_ref is required']
            WHEN dup > 1 THEN ARRAY['source_ref', format('duplicate source_ref %s (first on line %s)', source_ref, first_line)]
            WHEN person_ref IS NULL THEN ARRAY['person_ref', 'person_ref is required']
            WHEN person_id IS NULL THEN ARRAY['person_ref', format('person_ref %s not found', person_ref)]
            WHEN party_ref IS NOT NULL AND party_id IS NULL THEN ARRAY['party_ref', format('party_ref %s not found', party_ref)]
            WHEN referred_t IS NULL THEN ARRAY['referred_on', 'referred_on is required']
            WHEN referred_on IS NULL
                THEN ARRAY['referred_on', format('referred_on %L is not a valid date (YYYY-MM-DD)', referred_t)]
            WHEN criterion IS NULL THEN ARRAY['criterion', 'criterion is required']
            WHEN criterion NOT IN ('visible_high_risk', 'professional_judgement', 'escalation', 'repeat')
                THEN ARRAY['criterion', format('criterion %L must be visible_high_risk, professional_judgement, escalation or repeat', criterion)]
            WHEN dash_t IS NOT NULL AND dash_score IS NULL
                THEN ARRAY['dash_score', format('dash_score %L is not a whole number', dash_t)]
            WHEN dash_score NOT BETWEEN 0 AND 27
                THEN ARRAY['dash_score', format('dash_score %s must be between 0 and 27', dash_score)]
            WHEN agency IS NULL THEN ARRAY['agency', format('agency %L is not a known agency', agency_t)]
            WHEN NOT v_admin AND agency <> v_agency
                THEN ARRAY['agency', format('agency %s is not your agency (%s)', agency, v_agency)]
            WHEN locked AND ex_id IS NULL
                THEN ARRAY['source_ref', format('source_ref %s already exists and belongs to another agency', source_ref)]
            WHEN locked AND NOT same
                THEN ARRAY['source_ref', format('source_ref %s belongs to agency %s; only %s can change it', source_ref, ex_agency, ex_agency)]
        END AS err
        FROM v
    ),
    rej AS (
        UPDATE pg_temp.stage_referrals st SET reject_column = c.err[1], reject_reason = c.err[2]
        FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid
        RETURNING 1
    ),
    -- new keys: plain INSERT (no speculative insertion, so close to COPY speed);
    -- changed rows: UPDATE by id.  A key inserted meanwhile by another session makes
    -- the import fail with a unique violation (retry), never a silent overwrite.
    ins AS (
        INSERT INTO disrupt.referral (source_ref, person_id, party_id, referred_on, criterion, dash_score, agency)
        SELECT c.source_ref, c.person_id, c.party_id, c.referred_on, c.criterion, c.dash_score, c.agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NULL
        RETURNING 1
    ),
    upd AS (
        UPDATE disrupt.referral t SET
            person_id = c.person_id,
            party_id = c.party_id,
            referred_on = c.referred_on,
            criterion = c.criterion,
            dash_score = c.dash_score,
            agency = c.agency
        FROM c WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same AND t.id = c.ex_id
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins),
           (SELECT count(*) FROM upd),
           (SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT count(*) FROM upd),
           (SELECT count(*) FROM rej);
END
$$;

SELECT disrupt.hand_to_owner();

-- ---------------------------------------------------------------------------
-- Privileges: staff import; nothing else may call these.
-- ---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION
    disrupt.import_people(text), disrupt.import_aliases(text), disrupt.import_parties(text),
    disrupt.import_relationships(text), disrupt.import_incidents(text), disrupt.import_markers(text),
    disrupt.import_orders(text), disrupt.import_breaches(text), disrupt.import_links(text),
    disrupt.import_referrals(text), disrupt.import_hidden_keys(text, text[]), disrupt.import_agency(text),
    disrupt.import_prepare(regclass)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.import_people(text), disrupt.import_aliases(text), disrupt.import_parties(text),
    disrupt.import_relationships(text), disrupt.import_incidents(text), disrupt.import_markers(text),
    disrupt.import_orders(text), disrupt.import_breaches(text), disrupt.import_links(text),
    disrupt.import_referrals(text), disrupt.import_hidden_keys(text, text[]), disrupt.import_agency(text),
    disrupt.import_prepare(regclass)
    TO disrupt_staff;

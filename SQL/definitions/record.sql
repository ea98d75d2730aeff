-- record.sql: the perpetrator record's triggers, policies and functions: fixed agency
-- codes, provenance (touch), the risk recompute queue, row-level security and audit on the
-- personal-data tables, merge_person and next_ref, and the tables' privileges.

-- ---------------------------------------------------------------------------
-- Agency codes are fixed: the record tables' agency CHECK (baseline) holds the list.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.agency_codes_fixed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.code IS DISTINCT FROM OLD.code THEN
        RAISE EXCEPTION 'agency codes are fixed (records are checked against them); only labels may change'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER agency_codes_before_change BEFORE UPDATE OR DELETE ON disrupt.agency
    FOR EACH ROW EXECUTE FUNCTION disrupt.agency_codes_fixed();

-- touch triggers
DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['person', 'alias', 'party', 'relationship', 'incident', 'marker',
                             'court_order', 'breach', 'forum_link', 'referral'] LOOP
        EXECUTE format('CREATE TRIGGER touch_before_update BEFORE UPDATE ON disrupt.%I FOR EACH ROW EXECUTE FUNCTION disrupt.touch()', t);
    END LOOP;
END
$do$;

-- risk recompute queue: who needs a recompute after a change to their records
SELECT disrupt.attach_dirty(t::regclass)
FROM unnest(ARRAY['disrupt.incident', 'disrupt.marker', 'disrupt.court_order', 'disrupt.breach',
                  'disrupt.forum_link', 'disrupt.referral', 'disrupt.relationship']) AS t;

-- personal-data tables: RLS + audit
SELECT disrupt.attach_rls(t::regclass), disrupt.attach_audit(t::regclass)
FROM unnest(ARRAY['disrupt.person', 'disrupt.alias', 'disrupt.party', 'disrupt.relationship',
                  'disrupt.incident', 'disrupt.marker', 'disrupt.court_order', 'disrupt.breach',
                  'disrupt.forum_link', 'disrupt.referral']) AS t;

-- ---------------------------------------------------------------------------
-- merge_person(keep_ref, absorb_ref, reason) -> keep's id
--   Moves every row of absorb to keep.  absorb's own name and date of birth become
--   an alias of keep; alias and relationship duplicates are folded (relationship
--   periods widened, has_contact OR-ed) so nothing is lost; keep's missing
--   pnc_id / given_name / date_of_birth / gender are filled from absorb; people
--   already merged into absorb are re-pointed at keep.  absorb keeps its row with
--   merged_into = keep (lookups filter merged_into IS NULL).
--   SECURITY DEFINER: it must move other agencies' rows too.  Allowed to active
--   staff who can see both people (shared, own agency, or admin).  The reason is
--   required.  Logged as two 'combine' audit rows: the first carries the absorbed
--   record, the second the reason as its purpose (the moved rows are also logged as
--   'alter').
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.merge_person(keep_ref text, absorb_ref text, reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    k disrupt.person;
    a disrupt.person;
    v_agency text := disrupt.caller_agency();
    v_admin  boolean := disrupt.is_admin();
BEGIN
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'merge_person: a reason is required' USING ERRCODE = '22023';
    END IF;
    IF NOT disrupt.is_active_staff() THEN
        RAISE EXCEPTION 'merge_person: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    IF keep_ref IS NULL OR absorb_ref IS NULL OR keep_ref = absorb_ref THEN
        RAISE EXCEPTION 'merge_person: two different person refs are required' USING ERRCODE = '22023';
    END IF;
    -- lock both rows in a stable order (no deadlock between concurrent merges)
    PERFORM 1 FROM disrupt.person WHERE person_ref IN (keep_ref, absorb_ref) ORDER BY id FOR UPDATE;
    SELECT * INTO k FROM disrupt.person WHERE person_ref = keep_ref;
    SELECT * INTO a FROM disrupt.person WHERE person_ref = absorb_ref;
    IF k.id IS NULL OR NOT (v_admin OR k.sensitivity = 'shared' OR k.agency = v_agency) THEN
        RAISE EXCEPTION 'merge_person: person_ref % not found', keep_ref USING ERRCODE = 'P0002';
    END IF;
    IF a.id IS NULL OR NOT (v_admin OR a.sensitivity = 'shared' OR a.agency = v_agency) THEN
        RAISE EXCEPTION 'merge_person: person_ref % not found', absorb_ref USING ERRCODE = 'P0002';
    END IF;
    IF k.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'merge_person: % was itself merged into person id %', keep_ref, k.merged_into USING ERRCODE = '22023';
    END IF;
    IF a.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'merge_person: % was already merged into person id %', absorb_ref, a.merged_into USING ERRCODE = '22023';
    END IF;

    -- aliases: absorb's own name, then absorb's aliases (duplicates of keep's are dropped)
    INSERT INTO disrupt.alias (person_id, alias_name, date_of_birth, agency, sensitivity)
    VALUES (k.id, concat_ws(' ', a.given_name, a.family_name), a.date_of_birth, a.agency, a.sensitivity)
    ON CONFLICT ON CONSTRAINT alias_person_name_dob_key DO NOTHING;
    UPDATE disrupt.alias x SET person_id = k.id
    WHERE x.person_id = a.id
      AND NOT EXISTS (SELECT 1 FROM disrupt.alias y
                      WHERE y.person_id = k.id AND y.alias_name = x.alias_name
                        AND y.date_of_birth IS NOT DISTINCT FROM x.date_of_birth);
    DELETE FROM disrupt.alias WHERE person_id = a.id;

    -- relationships: fold duplicates into keep's row, move the rest
    UPDATE disrupt.relationship r
    SET from_on = LEAST(r.from_on, x.from_on),
        to_on = CASE WHEN r.to_on IS NULL OR x.to_on IS NULL THEN NULL ELSE GREATEST(r.to_on, x.to_on) END,
        has_contact = CASE WHEN r.has_contact OR x.has_contact THEN true
                           WHEN r.has_contact IS NULL OR x.has_contact IS NULL THEN NULL ELSE false END
    FROM disrupt.relationship x
    WHERE r.person_id = k.id AND x.person_id = a.id
      AND x.party_id = r.party_id AND x.relationship = r.relationship;
    DELETE FROM disrupt.relationship x
    WHERE x.person_id = a.id
      AND EXISTS (SELECT 1 FROM disrupt.relationship r
                  WHERE r.person_id = k.id AND r.party_id = x.party_id AND r.relationship = x.relationship);
    UPDATE disrupt.relationship SET person_id = k.id WHERE person_id = a.id;

    UPDATE disrupt.incident    SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.marker      SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.court_order SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.breach      SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.forum_link  SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.referral    SET person_id = k.id WHERE person_id = a.id;

    -- earlier merges into absorb now point at keep
    UPDATE disrupt.person SET merged_into = k.id WHERE merged_into = a.id;

    -- absorb is retired; its PNC moves to keep when keep has none
    UPDATE disrupt.person SET merged_into = k.id,
           pnc_id = CASE WHEN k.pnc_id IS NULL THEN NULL ELSE pnc_id END
    WHERE id = a.id;
    UPDATE disrupt.person SET
        pnc_id        = COALESCE(pnc_id, a.pnc_id),
        given_name    = COALESCE(given_name, a.given_name),
        date_of_birth = COALESCE(date_of_birth, a.date_of_birth),
        gender        = CASE WHEN gender IS NULL OR gender = 'unknown' THEN COALESCE(a.gender, gender) ELSE gender END
    WHERE id = k.id;

    INSERT INTO disrupt.person_dirty (person_id) VALUES (k.id) ON CONFLICT (person_id) DO NOTHING;
    DELETE FROM disrupt.person_dirty WHERE person_id = a.id;

    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, before, after)
    VALUES (v_agency, 'combine', 'person', k.id::text, k.id,
            jsonb_build_object('absorbed', to_jsonb(a)),
            jsonb_build_object('keep_ref', k.person_ref, 'absorb_ref', a.person_ref, 'absorb_id', a.id));
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, purpose, detail)
    VALUES (disrupt.caller_agency(), 'combine', 'person', k.id::text, k.id, btrim(reason),
            jsonb_build_object('keep_ref', keep_ref, 'absorb_ref', absorb_ref));
    RETURN k.id;
END
$$;

-- ---------------------------------------------------------------------------
-- refuse_merged_person(): a record never lands on a person merged away.
--   merge_person locks both people (FOR UPDATE) before it moves their rows, and an
--   insert's foreign-key check (FOR KEY SHARE) waits for that lock.  A record inserted
--   while the merge runs is therefore checked only after the merge has committed; this
--   AFTER INSERT statement trigger, which runs after the foreign-key checks with a fresh
--   snapshot, then sees merged_into and refuses the statement (DR409) instead of
--   leaving the record on the retired person where the survivor would never show it.
--   It fires after UPDATE as well, so a record cannot be moved onto a merged person either.
--   The message names the two people only when the caller may see both.
--   One join per statement over the transition table (shared with the other statement
--   triggers) against the few merged people: no per-row trigger on the import path.
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.refuse_merged_person() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE absorbed text; survivor text; visible boolean;
BEGIN
    SELECT m.person_ref, s.person_ref,
           (SELECT disrupt.is_active_staff())
           AND (m.sensitivity = 'shared' OR m.agency = (SELECT disrupt.caller_agency()) OR (SELECT disrupt.is_admin()))
           AND (s.sensitivity = 'shared' OR s.agency = (SELECT disrupt.caller_agency()) OR (SELECT disrupt.is_admin()))
      INTO absorbed, survivor, visible
      FROM new_rows n
      JOIN disrupt.person m ON m.id = n.person_id AND m.merged_into IS NOT NULL
      JOIN disrupt.person s ON s.id = m.merged_into
     LIMIT 1;
    IF absorbed IS NOT NULL AND visible THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('person %s was merged into %s: nothing was recorded', absorbed, survivor),
            HINT = format('Record it for %s.', survivor);
    ELSIF absorbed IS NOT NULL THEN
        -- The caller may not see one of the two people: refuse without naming either.
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = 'the person of this record was merged into another person: nothing was recorded',
            HINT = 'Look the person up again and record it for the person they were merged into.';
    END IF;
    RETURN NULL;
END
$$;

DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['alias', 'relationship', 'incident', 'marker', 'court_order', 'breach',
                             'forum_link', 'referral'] LOOP
        EXECUTE format('CREATE TRIGGER refuse_merged_person_after_insert AFTER INSERT ON disrupt.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.refuse_merged_person()', t);
        EXECUTE format('CREATE TRIGGER refuse_merged_person_after_update AFTER UPDATE ON disrupt.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.refuse_merged_person()', t);
    END LOOP;
END
$do$;

-- ---------------------------------------------------------------------------
-- next_ref(kind) -> a new, unused reference such as P-000123 or M-0000042, from one sequence
-- per kind.  When the sequence meets a reference that already exists (an import used the same
-- pattern) it jumps past the highest reference of that pattern, so it scans at most once.
-- SECURITY DEFINER: it must see restricted rows of other agencies to avoid their references;
-- it reveals nothing but a free reference.
-- ---------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION disrupt.next_ref(kind text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    prefix text; width int; tbl text; col text; seq text; v text; n bigint; top bigint; free boolean;
BEGIN
    IF NOT coalesce(disrupt.is_active_staff(), false) THEN
        RAISE EXCEPTION 'next_ref: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    SELECT x.prefix, x.width, x.tbl, x.col INTO prefix, width, tbl, col
    FROM (VALUES ('person',   'P', 6, 'person',      'person_ref'),
                 ('incident', 'I', 7, 'incident',    'source_ref'),
                 ('marker',   'M', 7, 'marker',      'source_ref'),
                 ('order',    'O', 6, 'court_order', 'source_ref'),
                 ('breach',   'B', 6, 'breach',      'source_ref'),
                 ('link',     'L', 6, 'forum_link',  'source_ref'),
                 ('referral', 'R', 6, 'referral',    'source_ref')) AS x(kind, prefix, width, tbl, col)
    WHERE x.kind = next_ref.kind;
    IF prefix IS NULL THEN
        RAISE EXCEPTION 'next_ref: unknown kind %', quote_literal(kind) USING ERRCODE = '22023';
    END IF;
    seq := 'disrupt.' || next_ref.kind || '_ref_seq';
    LOOP
        n := nextval(seq);
        v := prefix || '-' || lpad(n::text, width, '0');
        EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM disrupt.%I WHERE %I = $1)', tbl, col) INTO STRICT free USING v;
        EXIT WHEN free;
        EXECUTE format('SELECT max(substr(%I, 3)::bigint) FROM disrupt.%I WHERE %I ~ $1', col, tbl, col)
            INTO top USING '^' || prefix || '-[0-9]{1,18}$';
        IF top > n THEN PERFORM setval(seq, top); END IF;
    END LOOP;
    RETURN v;
END
$$;
COMMENT ON FUNCTION disrupt.next_ref(text) IS 'a new unused reference (P-000123, M-0000042, ...) for person, incident, marker, order, breach, link or referral';

SELECT disrupt.hand_to_owner();

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION
    disrupt.agency_codes_fixed(), disrupt.refuse_merged_person(), disrupt.merge_person(text, text, text), disrupt.next_ref(text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disrupt.merge_person(text, text, text), disrupt.next_ref(text) TO disrupt_staff;

-- lookups: read by everyone in the product; the admin keeps labels/gravities in sync
GRANT SELECT ON disrupt.agency, disrupt.marker_kind, disrupt.offence, disrupt.order_type
    TO disrupt_staff;
GRANT INSERT, UPDATE ON disrupt.agency, disrupt.marker_kind, disrupt.offence, disrupt.order_type
    TO disrupt_admin;

-- personal data: full DML, narrowed by RLS
GRANT SELECT, UPDATE, DELETE ON
    disrupt.person, disrupt.alias, disrupt.party, disrupt.relationship, disrupt.incident,
    disrupt.marker, disrupt.court_order, disrupt.breach, disrupt.forum_link, disrupt.referral
    TO disrupt_staff;
-- provenance: staff insert every column but the four the database fills in
-- (created_by, created_at, updated_by, updated_at; touch() guards them on UPDATE), so a
-- row cannot claim another author
DO $do$
DECLARE
    t text;
    columns text;
BEGIN
    FOREACH t IN ARRAY ARRAY['person', 'alias', 'party', 'relationship', 'incident', 'marker',
                             'court_order', 'breach', 'forum_link', 'referral']
    LOOP
        SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) INTO columns
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = format('disrupt.%I', t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attname NOT IN ('created_by', 'created_at', 'updated_by', 'updated_at');
        EXECUTE format('GRANT INSERT (%s) ON disrupt.%I TO disrupt_staff', columns, t);
    END LOOP;
END
$do$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA disrupt TO disrupt_staff;

-- risk recompute queue (ids only, no personal data): the recompute runs as staff
GRANT SELECT, INSERT, DELETE ON disrupt.person_dirty TO disrupt_staff;

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
-- may_see_person(id) / may_see_party(id) / may_see_referral(id): active staff and that rule for
-- one person, party or Marac referral (may_see_row, foundation.sql), for the write guards, the SECURITY DEFINER functions and
-- the policies of plan_victim, forum_case and case_referral (staff may not SELECT parties or
-- referrals, reading.sql). The caller is read once, before the row (caller_identity), so a
-- hidden id costs what a missing one does but the row's own page (it cost the caller's three
-- identity checks more: 837 buffers against 395 for a party under EXPLAIN, helper-79). One
-- primary-key lookup each; false for an id that does not exist.
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.may_see_person(person_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
    SELECT c.active AND COALESCE((SELECT disrupt.may_see_row(p.agency, p.sensitivity, c.agency, c.admin)
                                  FROM disrupt.person p WHERE p.id = may_see_person.person_id), false)
    FROM disrupt.caller_identity() c
$$;

CREATE FUNCTION disrupt.may_see_party(party_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
    SELECT c.active AND COALESCE((SELECT disrupt.may_see_row(p.agency, p.sensitivity, c.agency, c.admin)
                                  FROM disrupt.party p WHERE p.id = may_see_party.party_id), false)
    FROM disrupt.caller_identity() c
$$;

CREATE FUNCTION disrupt.may_see_referral(referral_id bigint) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
    SELECT c.active AND COALESCE((SELECT disrupt.may_see_row(r.agency, r.sensitivity, c.agency, c.admin)
                                  FROM disrupt.referral r WHERE r.id = may_see_referral.referral_id), false)
    FROM disrupt.caller_identity() c
$$;

-- ---------------------------------------------------------------------------
-- Natural keys (migration 0011): a key is unique among shared rows and within each agency,
-- so a caller sees at most two rows with one key: their own agency's and a shared one.
-- ref_rank(agency, sensitivity, pref_agency) is the one rule for which row a reference
-- means: the row of pref_agency (the caller's agency, or the agency an administrator
-- imports for), else the shared row, else (only an administrator sees these) another
-- agency's restricted row, by agency code. Every look-up by reference orders its candidates
-- by it and takes the first: at most one row per rank, so the choice is always one row.
-- keys_collide(...) is the uniqueness rule itself: two rows with one key may not both
-- exist when they are of one agency or both shared (merge_person folds such pairs).
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.ref_rank(row_agency text, row_sensitivity text, pref_agency text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN row_agency = pref_agency THEN '0' WHEN row_sensitivity = 'shared' THEN '1' ELSE '2' || row_agency END
$$;

CREATE FUNCTION disrupt.keys_collide(a_agency text, a_sensitivity text, b_agency text, b_sensitivity text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT a_agency = b_agency OR (a_sensitivity = 'shared' AND b_sensitivity = 'shared')
$$;

-- ---------------------------------------------------------------------------
-- check_references(column, table, key, constraint, ...): the record tables' foreign keys,
-- checked once per statement (migration 0014 dropped the per-row constraints, which cost an
-- RI trigger call, a lookup and a row lock for every row and reference of an import).
-- AFTER INSERT / UPDATE statement trigger, one set-based query per referenced column over
-- the transition table.  It refuses a statement when
--   * a non-null reference has no row (what the foreign key checked); the rows found are
--     locked FOR KEY SHARE, as the foreign key locked them, so none can be deleted or
--     re-keyed before this transaction ends (refuse_referenced_change, below, checks the
--     other side);
--   * for a non-administrator, the referenced person, party or order is hidden from the
--     caller (another agency's restricted row), or on UPDATE the row's previous one is: a
--     foreign key ignores row-level security, and nothing may be attached to, or moved onto,
--     or changed on a record the caller cannot see.
-- Either way the error is the foreign key's own, word for word (23503, same message,
-- detail and constraint name; the key appears in the detail only for a caller who bypasses
-- row-level security, as PostgreSQL does), so a hidden row and no row look the same.
-- Arguments: quadruples (column, referenced table, its key column, constraint name).
-- The triggers (a_check_refs_ins / a_check_refs_upd) are named to sort first: PostgreSQL fires
-- a table's statement triggers in name order, and no other trigger (alerts, audit, the
-- recompute queue, the merged-person guard) may act on a statement's rows before their
-- references are proven, as the per-row foreign keys, which fired before every statement
-- trigger, guaranteed.
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.check_references() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    i        int := 0;
    v_admin  boolean := (SELECT disrupt.is_admin());
    v_bypass boolean := (SELECT r.rolsuper OR r.rolbypassrls FROM pg_roles r WHERE r.rolname = session_user);
    v_col    text;
    v_ref    text;
    v_seen   text;
    v_rows   text;
    v_gone   text;
    v_hidden boolean;
BEGIN
    WHILE i < TG_NARGS LOOP
        v_col := TG_ARGV[i];
        v_ref := TG_ARGV[i + 1];
        -- person, party and order rows have an agency and a sensitivity; code tables do not
        v_seen := CASE WHEN v_ref IN ('person', 'party', 'court_order')
                       THEN 'disrupt.may_see_row(r.agency, r.sensitivity, $1, $2)' ELSE 'true' END;
        FOREACH v_rows IN ARRAY CASE WHEN TG_OP = 'UPDATE' AND NOT v_admin THEN ARRAY['new_rows', 'old_rows'] ELSE ARRAY['new_rows'] END LOOP
            EXECUTE format(
                'WITH k AS (SELECT DISTINCT n.%1$I AS k FROM %2$I n WHERE n.%1$I IS NOT NULL), '
                'f AS (SELECT r.%4$I AS k, %5$s AS seen FROM disrupt.%3$I r WHERE r.%4$I IN (SELECT k FROM k) FOR KEY SHARE OF r) '
                'SELECT (SELECT min(k.k::text) FROM k WHERE k.k NOT IN (SELECT f.k FROM f)), '
                'EXISTS (SELECT 1 FROM f WHERE NOT f.seen)',
                v_col, v_rows, v_ref, TG_ARGV[i + 2], v_seen)
                INTO v_gone, v_hidden USING disrupt.caller_agency(), v_admin;
            IF (v_gone IS NOT NULL AND v_rows = 'new_rows') OR v_hidden THEN
                RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
                    MESSAGE = format('insert or update on table "%s" violates foreign key constraint "%s"', TG_TABLE_NAME, TG_ARGV[i + 3]),
                    DETAIL = CASE WHEN v_bypass AND v_gone IS NOT NULL AND NOT v_hidden
                                  THEN format('Key (%s)=(%s) is not present in table "%s".', v_col, v_gone, v_ref)
                                  ELSE format('Key is not present in table "%s".', v_ref) END,
                    SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, CONSTRAINT = TG_ARGV[i + 3];
            END IF;
        END LOOP;
        i := i + 4;
    END LOOP;
    RETURN NULL;
END
$$;

-- The references check_references guards, per record table: (column, table, key, constraint).
-- refuse_referenced_change and rename_code_references read the same list (one definition).
CREATE FUNCTION disrupt.record_references()
RETURNS TABLE (tbl text, col text, ref text, ref_key text, constraint_name text)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog
AS $$
    SELECT * FROM (VALUES
        ('alias',        'person_id',          'person',      'id',   'alias_person_id_fkey'),
        ('relationship', 'person_id',          'person',      'id',   'relationship_person_id_fkey'),
        ('relationship', 'party_id',           'party',       'id',   'relationship_party_id_fkey'),
        ('incident',     'person_id',          'person',      'id',   'incident_person_id_fkey'),
        ('incident',     'party_id',           'party',       'id',   'incident_party_id_fkey'),
        ('incident',     'offence',            'offence',     'code', 'incident_offence_fkey'),
        ('marker',       'person_id',          'person',      'id',   'marker_person_id_fkey'),
        ('marker',       'kind',               'marker_kind', 'code', 'marker_kind_fkey'),
        ('court_order',  'person_id',          'person',      'id',   'court_order_person_id_fkey'),
        ('court_order',  'protected_party_id', 'party',       'id',   'court_order_protected_party_id_fkey'),
        ('court_order',  'order_type',         'order_type',  'code', 'court_order_order_type_fkey'),
        ('breach',       'person_id',          'person',      'id',   'breach_person_id_fkey'),
        ('breach',       'order_id',           'court_order', 'id',   'breach_order_id_fkey'),
        ('forum_link',   'person_id',          'person',      'id',   'forum_link_person_id_fkey'),
        ('forum_link',   'lead_agency',        'agency',      'code', 'forum_link_lead_agency_fkey'),
        ('referral',     'person_id',          'person',      'id',   'referral_person_id_fkey'),
        ('referral',     'party_id',           'party',       'id',   'referral_party_id_fkey')
    ) AS x(tbl, col, ref, ref_key, constraint_name)
$$;

-- refuse_referenced_change(): the referenced side of those references.  A key that a record
-- still refers to may not disappear (the foreign key's NO ACTION, with its error: 23503
-- "update or delete on table ... violates foreign key constraint ... on table ...").  AFTER
-- DELETE statement trigger on person, party, court_order and the code tables (one query per
-- referencing column over the deleted rows), and AFTER UPDATE OF id row trigger on person,
-- party and court_order, run only for a row whose id changes (never, in practice).  A
-- concurrent writer either locked the row first (check_references' FOR KEY SHARE: the delete
-- waits, then sees its record) or finds it gone.
CREATE FUNCTION disrupt.refuse_referenced_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    x     record;
    v_hit boolean;
BEGIN
    FOR x IN SELECT * FROM disrupt.record_references() r WHERE r.ref = TG_TABLE_NAME LOOP
        IF TG_LEVEL = 'ROW' THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM disrupt.%I c WHERE c.%I = $1)', x.tbl, x.col) INTO v_hit USING OLD.id;
        ELSE
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM old_rows o WHERE EXISTS (SELECT 1 FROM disrupt.%I c WHERE c.%I = o.%I))',
                           x.tbl, x.col, x.ref_key) INTO v_hit;
        END IF;
        IF v_hit THEN
            RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
                MESSAGE = format('update or delete on table "%s" violates foreign key constraint "%s" on table "%s"',
                                 TG_TABLE_NAME, x.constraint_name, x.tbl),
                DETAIL = format('Key is still referenced from table "%s".', x.tbl),
                SCHEMA = TG_TABLE_SCHEMA, TABLE = x.tbl, CONSTRAINT = x.constraint_name;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

-- rename_code_references(): a renamed offence, marker kind or order type is renamed in the
-- records that use it (the foreign keys' ON UPDATE CASCADE).  AFTER UPDATE OF code, per row
-- (the code tables are a few dozen rows, changed by hand by an administrator).
CREATE FUNCTION disrupt.rename_code_references() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE x record;
BEGIN
    IF NEW.code IS DISTINCT FROM OLD.code THEN
        FOR x IN SELECT * FROM disrupt.record_references() r WHERE r.ref = TG_TABLE_NAME LOOP
            EXECUTE format('UPDATE disrupt.%I SET %I = $1 WHERE %I = $2', x.tbl, x.col, x.col) USING NEW.code, OLD.code;
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

DO $do$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT r.tbl, string_agg(format('%L, %L, %L, %L', r.col, r.ref, r.ref_key, r.constraint_name), ', ') AS args
               FROM disrupt.record_references() r GROUP BY r.tbl LOOP
        EXECUTE format('CREATE TRIGGER a_check_refs_ins AFTER INSERT ON disrupt.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.check_references(%s)', t.tbl, t.args);
        EXECUTE format('CREATE TRIGGER a_check_refs_upd AFTER UPDATE ON disrupt.%I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.check_references(%s)', t.tbl, t.args);
    END LOOP;
    FOR t IN SELECT DISTINCT r.ref, r.ref_key FROM disrupt.record_references() r WHERE r.ref <> 'agency' LOOP
        EXECUTE format('CREATE TRIGGER referenced_guard_del AFTER DELETE ON disrupt.%I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.refuse_referenced_change()', t.ref);
        IF t.ref_key = 'id' THEN
            EXECUTE format('CREATE TRIGGER referenced_guard_upd AFTER UPDATE OF id ON disrupt.%I '
                           'FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION disrupt.refuse_referenced_change()', t.ref);
        ELSE
            EXECUTE format('CREATE TRIGGER code_rename_cascade AFTER UPDATE OF code ON disrupt.%I '
                           'FOR EACH ROW EXECUTE FUNCTION disrupt.rename_code_references()', t.ref);
        END IF;
    END LOOP;
END
$do$;

-- ---------------------------------------------------------------------------
-- merge_person(keep_ref, absorb_ref, reason) -> keep's id
--   Moves every row of absorb to keep.  absorb's own name and date of birth become
--   an alias of keep; alias and relationship duplicates are folded (relationship
--   periods widened, has_contact OR-ed) so nothing is lost; keep's missing
--   pnc_id / given_name / date_of_birth / gender are filled from absorb; people
--   already merged into absorb are re-pointed at keep.  absorb keeps its row with
--   merged_into = keep (lookups filter merged_into IS NULL).
--   SECURITY DEFINER: it must move other agencies' rows too.  Administrators only
--   (one agency may not merge another agency's people; an administrator sees both).
--   The reason is required.  Logged as two 'combine' audit rows: the first carries the absorbed
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
    IF disrupt.clean_reason(reason) IS NULL THEN
        RAISE EXCEPTION 'merge_person: a reason is required' USING ERRCODE = '22023';
    END IF;
    IF NOT v_admin THEN
        RAISE EXCEPTION 'merge_person: only an administrator may merge people' USING ERRCODE = '42501';
    END IF;
    IF keep_ref IS NULL OR absorb_ref IS NULL OR keep_ref = absorb_ref THEN
        RAISE EXCEPTION 'merge_person: two different person refs are required' USING ERRCODE = '22023';
    END IF;
    -- the people the two references mean (ref_rank), then both rows locked in a stable order
    -- (no deadlock between concurrent merges) and read again under the lock
    SELECT * INTO k FROM disrupt.person WHERE person_ref = keep_ref ORDER BY disrupt.ref_rank(agency, sensitivity, v_agency) LIMIT 1;
    SELECT * INTO a FROM disrupt.person WHERE person_ref = absorb_ref ORDER BY disrupt.ref_rank(agency, sensitivity, v_agency) LIMIT 1;
    PERFORM 1 FROM disrupt.person WHERE id IN (k.id, a.id) ORDER BY id FOR UPDATE;
    SELECT * INTO k FROM disrupt.person WHERE id = k.id;
    SELECT * INTO a FROM disrupt.person WHERE id = a.id;
    IF k.id IS NULL THEN
        RAISE EXCEPTION 'merge_person: person_ref % not found', keep_ref USING ERRCODE = 'P0002';
    END IF;
    IF a.id IS NULL THEN
        RAISE EXCEPTION 'merge_person: person_ref % not found', absorb_ref USING ERRCODE = 'P0002';
    END IF;
    IF k.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'merge_person: % was itself merged into person id %', keep_ref, k.merged_into USING ERRCODE = '22023';
    END IF;
    IF a.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'merge_person: % was already merged into person id %', absorb_ref, a.merged_into USING ERRCODE = '22023';
    END IF;

    -- aliases: absorb's own name, then absorb's aliases (those that would collide with one of
    -- keep's, keys_collide, are dropped: keep already holds them)
    INSERT INTO disrupt.alias (person_id, alias_name, date_of_birth, agency, sensitivity)
    VALUES (k.id, concat_ws(' ', a.given_name, a.family_name), a.date_of_birth, a.agency, a.sensitivity)
    ON CONFLICT DO NOTHING;
    UPDATE disrupt.alias x SET person_id = k.id
    WHERE x.person_id = a.id
      AND NOT EXISTS (SELECT 1 FROM disrupt.alias y
                      WHERE y.person_id = k.id AND y.alias_name = x.alias_name
                        AND y.date_of_birth IS NOT DISTINCT FROM x.date_of_birth
                        AND disrupt.keys_collide(y.agency, y.sensitivity, x.agency, x.sensitivity));
    DELETE FROM disrupt.alias WHERE person_id = a.id;

    -- earlier merges into absorb now point at keep
    UPDATE disrupt.person SET merged_into = k.id WHERE merged_into = a.id;

    -- absorb is retired (before its records move, so that the alert triggers see a merge, not
    -- news: alert_merge_move); its PNC moves to keep when keep has none
    UPDATE disrupt.person SET merged_into = k.id,
           pnc_id = CASE WHEN k.pnc_id IS NULL THEN NULL ELSE pnc_id END
    WHERE id = a.id;

    -- relationships: fold those that would collide (keys_collide) into keep's row, move the rest
    UPDATE disrupt.relationship r
    SET from_on = LEAST(r.from_on, x.from_on),
        to_on = CASE WHEN r.to_on IS NULL OR x.to_on IS NULL THEN NULL ELSE GREATEST(r.to_on, x.to_on) END,
        has_contact = CASE WHEN r.has_contact OR x.has_contact THEN true
                           WHEN r.has_contact IS NULL OR x.has_contact IS NULL THEN NULL ELSE false END
    FROM disrupt.relationship x
    WHERE r.person_id = k.id AND x.person_id = a.id
      AND x.party_id = r.party_id AND x.relationship = r.relationship
      AND disrupt.keys_collide(r.agency, r.sensitivity, x.agency, x.sensitivity);
    DELETE FROM disrupt.relationship x
    WHERE x.person_id = a.id
      AND EXISTS (SELECT 1 FROM disrupt.relationship r
                  WHERE r.person_id = k.id AND r.party_id = x.party_id AND r.relationship = x.relationship
                    AND disrupt.keys_collide(r.agency, r.sensitivity, x.agency, x.sensitivity));
    UPDATE disrupt.relationship SET person_id = k.id WHERE person_id = a.id;

    UPDATE disrupt.incident    SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.marker      SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.court_order SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.breach      SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.forum_link  SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.referral    SET person_id = k.id WHERE person_id = a.id;

    UPDATE disrupt.person SET
        pnc_id        = COALESCE(pnc_id, a.pnc_id),
        given_name    = COALESCE(given_name, a.given_name),
        date_of_birth = COALESCE(date_of_birth, a.date_of_birth),
        gender        = CASE WHEN gender IS NULL OR gender = 'unknown' THEN COALESCE(a.gender, gender) ELSE gender END
    WHERE id = k.id;

    INSERT INTO disrupt.person_dirty (person_id) VALUES (k.id);
    DELETE FROM disrupt.person_dirty WHERE person_id = a.id;

    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, before, after)
    VALUES (v_agency, 'combine', 'person', k.id::text, k.id,
            jsonb_build_object('absorbed', to_jsonb(a)),
            jsonb_build_object('keep_ref', k.person_ref, 'absorb_ref', a.person_ref, 'absorb_id', a.id));
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, purpose, detail)
    VALUES (disrupt.caller_agency(), 'combine', 'person', k.id::text, k.id, disrupt.clean_reason(reason),
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
           AND disrupt.may_see_row(m.agency, m.sensitivity, (SELECT disrupt.caller_agency()), (SELECT disrupt.is_admin()))
           AND disrupt.may_see_row(s.agency, s.sensitivity, (SELECT disrupt.caller_agency()), (SELECT disrupt.is_admin()))
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
-- next_ref(kind) -> a new, unused reference such as P-7KQ2M9XD or M-R4T8WZ2N: the kind's letter
-- and eight characters drawn at random from 31 that cannot be misread (no 0/O, 1/I/L), about
-- 8.5e11 per kind.  Random, not counted: a counter would tell every caller how many records
-- exist, hidden ones included.  Drawn again on the (rare) collision with any stored
-- reference.  SECURITY DEFINER: it must see restricted rows of other agencies to avoid
-- their references; it reveals nothing but a free reference.  Imported references (the
-- source systems' own) are kept as they are.
-- ---------------------------------------------------------------------------

-- ref_kind(kind) -> the kind's reference letter, table and key column; 22023 for an unknown kind.
CREATE FUNCTION disrupt.ref_kind(kind text, OUT prefix text, OUT tbl text, OUT col text)
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    SELECT x.prefix, x.tbl, x.col INTO prefix, tbl, col
    FROM (VALUES ('person',   'P', 'person',      'person_ref'),
                 ('incident', 'I', 'incident',    'source_ref'),
                 ('marker',   'M', 'marker',      'source_ref'),
                 ('order',    'O', 'court_order', 'source_ref'),
                 ('breach',   'B', 'breach',      'source_ref'),
                 ('link',     'L', 'forum_link',  'source_ref'),
                 ('referral', 'R', 'referral',    'source_ref'),
                 ('marac_case', 'MARAC', 'forum_case', 'case_ref'),
                 ('matac_case', 'MATAC', 'forum_case', 'case_ref'),
                 ('mappa_case', 'MAPPA', 'forum_case', 'case_ref')) AS x(kind, prefix, tbl, col)
    WHERE x.kind = ref_kind.kind;
    IF prefix IS NULL THEN
        RAISE EXCEPTION 'unknown reference kind %', quote_literal(kind) USING ERRCODE = '22023';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.next_ref(kind text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    alphabet constant text := '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
    prefix text; tbl text; col text; v text; b bytea; free boolean;
BEGIN
    IF NOT coalesce(disrupt.is_active_staff(), false) THEN
        RAISE EXCEPTION 'next_ref: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    SELECT k.prefix, k.tbl, k.col INTO prefix, tbl, col FROM disrupt.ref_kind(kind) k;
    LOOP
        b := uuid_send(gen_random_uuid());
        v := prefix || '-' || (SELECT string_agg(substr(alphabet, 1 + get_byte(b, i) % 31, 1), '' ORDER BY i)
                               FROM generate_series(0, 7) i);
        EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM disrupt.%I WHERE %I = $1)', tbl, col) INTO STRICT free USING v;
        EXIT WHEN free;
    END LOOP;
    RETURN v;
END
$$;
-- ref_in_use(kind, ref): does a row the caller sees (row-level security: run as disrupt_reader)
-- hold this reference? A reference given by hand for a new record is refused when it does
-- (the CLI's "already exists"), though the database would store a restricted row beside
-- another agency's shared one: a second visible row with one reference helps nobody.
CREATE FUNCTION disrupt.ref_in_use(kind text, ref text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    k record := disrupt.ref_kind(kind);
    v_used boolean;
BEGIN
    PERFORM disrupt.refuse_explain();
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM disrupt.%I WHERE %I = $1)', k.tbl, k.col) INTO v_used USING ref;
    RETURN v_used;
END
$$;

COMMENT ON FUNCTION disrupt.next_ref(text) IS 'a new unused random reference (P-7KQ2M9XD, M-R4T8WZ2N, ...) for person, incident, marker, order, breach, link, referral or a forum case (MARAC-, MATAC-, MAPPA-)';

-- ---------------------------------------------------------------------------
-- recompute_pending() -> how many queued people (person_dirty) the caller can see: every
-- queued person for an administrator (who runs the recompute), else only those the caller
-- may see, so the queue tells nobody how many hidden records changed.
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.recompute_pending() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT CASE WHEN NOT disrupt.is_active_staff() THEN 0
                WHEN disrupt.is_admin() THEN (SELECT count(DISTINCT person_id)::int FROM disrupt.person_dirty)
                ELSE (SELECT count(DISTINCT d.person_id)::int FROM disrupt.person_dirty d JOIN disrupt.person p ON p.id = d.person_id
                      WHERE p.sensitivity = 'shared' OR p.agency = disrupt.caller_agency())
           END
$$;

-- ---------------------------------------------------------------------------
-- The record changes the CLI makes by command (`marker end`, `link update`). Staff hold no
-- UPDATE privilege (an UPDATE grant is also a row lock: see the grants below), so these two
-- commands write through SECURITY DEFINER functions that check what the policies check: a
-- committed consultation (the
-- command reads the row it changes), an active login, and the row's agency being the caller's
-- (or the caller an administrator). A row the caller may not change, hidden or not, and one
-- that does not exist are "not found" alike (DR404). touch() and the audit record the
-- session's login, as for every write; check_references still checks the lead agency.
-- ---------------------------------------------------------------------------
-- may_change(agency): the write rule of the record policies for one row: an active login of
-- the row's agency, or an administrator. The same rule is written twice more, for speed: in the
-- staff policies (foundation.sql, attach_rls) and in import_update's UPDATE (import.sql); change
-- the three together.
CREATE FUNCTION disrupt.may_change(row_agency text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, disrupt, pg_temp
AS $$ SELECT disrupt.is_active_staff() AND (row_agency = disrupt.caller_agency() OR disrupt.is_admin()) $$;

CREATE FUNCTION disrupt.marker_end(marker_id bigint, expires date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE v_recorded date;
BEGIN
    PERFORM disrupt.require_consultation();
    SELECT m.recorded_on INTO v_recorded FROM disrupt.marker m
    WHERE m.id = marker_id AND disrupt.may_change(m.agency) FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'marker_end: marker % not found', marker_id USING ERRCODE = 'DR404';
    END IF;
    IF expires IS NULL OR expires < v_recorded THEN
        RAISE EXCEPTION 'marker_end: the end date must be on or after the date the marker was recorded' USING ERRCODE = '22023';
    END IF;
    -- an end date it already has writes nothing: a write that changes nothing would still queue
    -- a recompute (helper-56 flooded the queue so, with no audit row to show for it)
    UPDATE disrupt.marker SET expires_on = expires WHERE id = marker_id AND expires_on IS DISTINCT FROM expires;
END
$$;

-- NULL leaves a field as it is.
CREATE FUNCTION disrupt.link_update(link_id bigint, new_status text, new_next_review date, new_licence_ends date,
                                    new_contact text, new_lead_agency text, new_mappa_level smallint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE v_forum text;
BEGIN
    PERFORM disrupt.require_consultation();
    SELECT l.forum INTO v_forum FROM disrupt.forum_link l
    WHERE l.id = link_id AND disrupt.may_change(l.agency) FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'link_update: forum link % not found', link_id USING ERRCODE = 'DR404';
    END IF;
    IF new_mappa_level IS NOT NULL AND v_forum <> 'mappa' THEN
        RAISE EXCEPTION 'link_update: a MAPPA level is only for a MAPPA link (this one is %)', v_forum USING ERRCODE = '22023';
    END IF;
    UPDATE disrupt.forum_link SET
        status = COALESCE(new_status, status),
        next_review_on = COALESCE(new_next_review, next_review_on),
        licence_ends_on = COALESCE(new_licence_ends, licence_ends_on),
        contact = COALESCE(new_contact, contact),
        lead_agency = COALESCE(new_lead_agency, lead_agency),
        mappa_level = COALESCE(new_mappa_level, mappa_level)
    WHERE id = link_id
      AND (status, next_review_on, licence_ends_on, contact, lead_agency, mappa_level)
          IS DISTINCT FROM (COALESCE(new_status, status), COALESCE(new_next_review, next_review_on),
                            COALESCE(new_licence_ends, licence_ends_on), COALESCE(new_contact, contact),
                            COALESCE(new_lead_agency, lead_agency), COALESCE(new_mappa_level, mappa_level));
END
$$;

SELECT disrupt.bound_lock_waits('marker_end', 'link_update', 'merge_person');
SELECT disrupt.hand_to_owner();
-- ref_in_use reads as the caller sees (her policies), as disrupt_reader (reading.sql)
ALTER FUNCTION disrupt.ref_in_use(text, text) OWNER TO disrupt_reader;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION
    disrupt.agency_codes_fixed(), disrupt.refuse_merged_person(), disrupt.check_references(),
    disrupt.record_references(), disrupt.refuse_referenced_change(), disrupt.rename_code_references(),
    disrupt.merge_person(text, text, text), disrupt.next_ref(text),
    disrupt.may_see_person(bigint), disrupt.may_see_party(bigint), disrupt.may_see_referral(bigint),
    disrupt.recompute_pending(),
    disrupt.ref_rank(text, text, text), disrupt.keys_collide(text, text, text, text), disrupt.ref_kind(text),
    disrupt.ref_in_use(text, text), disrupt.may_change(text), disrupt.marker_end(bigint, date),
    disrupt.link_update(bigint, text, date, date, text, text, smallint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disrupt.next_ref(text), disrupt.may_see_person(bigint), disrupt.may_see_party(bigint), disrupt.may_see_referral(bigint),
    disrupt.recompute_pending(), disrupt.ref_rank(text, text, text), disrupt.ref_kind(text), disrupt.ref_in_use(text, text),
    disrupt.may_change(text), disrupt.marker_end(bigint, date),
    disrupt.link_update(bigint, text, date, date, text, text, smallint)
    TO disrupt_staff;
-- merging is for administrators (merge_person checks is_admin() itself as well)
GRANT EXECUTE ON FUNCTION disrupt.merge_person(text, text, text) TO disrupt_admin;

-- lookups: read by everyone in the product; the admin keeps labels/gravities in sync
SELECT disrupt.grant_read('{disrupt_staff}', 'disrupt.agency', 'disrupt.marker_kind', 'disrupt.offence', 'disrupt.order_type');
GRANT INSERT, UPDATE ON disrupt.agency, disrupt.marker_kind, disrupt.offence, disrupt.order_type
    TO disrupt_admin;

-- personal data: SELECT (of the user columns: grant_read) and INSERT, narrowed by RLS and by the
-- statement reference checks above (disrupt.check_references: no reference to a missing or
-- hidden row). No UPDATE: an UPDATE grant is also a row lock (FOR UPDATE; INSERT ... ON CONFLICT
-- DO UPDATE locks before any policy is looked at), so stored rows change only through
-- SECURITY DEFINER functions: the import's merge (disrupt.import_update, import.sql), marker_end,
-- link_update and merge_person. No DELETE: no command deletes a record (a record is ended,
-- superseded or merged), and a DELETE refused by a foreign key would reveal a hidden row that
-- refers to it.
-- Column privileges: staff insert every column but the id and the four the database fills in
-- (created_by, created_at, updated_by, updated_at; touch() guards them on UPDATE), so a row
-- cannot claim another author; a chosen id would probe which ids hidden rows hold (the primary
-- key's refusal says "taken"). person.merged_into is written by merge_person only.
-- The person table is still read directly (EXPLAIN of a statement on it is refused while it is
-- planned: not_explaining, foundation.sql); the record tables only through the functions of
-- reading.sql, owned by disrupt_reader (migration 0022), which alone may SELECT them: whoever may
-- SELECT a table may EXPLAIN (ANALYZE) a query of it, and its "Rows Removed by Filter" counted
-- the rows the policy hid, by any indexed value (issue 12).
SELECT disrupt.grant_read('{disrupt_staff}', 'disrupt.person');
SELECT disrupt.grant_read('{disrupt_reader}',
    'disrupt.alias', 'disrupt.party', 'disrupt.relationship', 'disrupt.incident',
    'disrupt.marker', 'disrupt.court_order', 'disrupt.breach', 'disrupt.forum_link', 'disrupt.referral');
DO $do$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['person', 'alias', 'party', 'relationship', 'incident', 'marker',
                             'court_order', 'breach', 'forum_link', 'referral']
    LOOP
        EXECUTE (SELECT format('GRANT INSERT (%s) ON disrupt.%I TO disrupt_staff',
                               string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum), t)
                 FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = format('disrupt.%I', t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.attname NOT IN ('id', 'created_by', 'created_at', 'updated_by', 'updated_at', 'merged_into'));
    END LOOP;
END
$do$;
-- no sequence privilege: the ids come from disrupt.new_id() (migration 0012), which counts
-- nothing, and a counter's last_value would count rows the caller cannot see.

-- risk recompute queue: filled only by the queue triggers (SECURITY DEFINER); read and emptied
-- only by the recompute, which administrators run. Staff see how many of the people THEY can
-- see are queued through disrupt.recompute_pending() (above).
GRANT DELETE ON disrupt.person_dirty TO disrupt_admin;
SELECT disrupt.grant_read('{disrupt_admin}', 'disrupt.person_dirty');

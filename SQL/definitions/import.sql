-- import.sql: set-based bulk import (merge) of the CSV kinds, driven by ONE declaration.
--
-- disrupt.import_declaration() declares every kind once: its table, CSV header, natural key,
-- and per field its type, whether it is required, its code list or lookup table, the
-- reference it resolves, and the cross-field rules.  Everything else is derived from it by
-- the generic pipeline below (built with format() and %I/%L quoting only, never from the
-- caller's text): the stage table, the validation and its reject reasons, the merge, and
-- what "changed" means (any non-key field differs).  Adding a kind or a column is one edit
-- of the declaration (and, for a new kind, its case in ImportKind for the command line).
--
-- Protocol (the Swift importer), inside ONE transaction:
--   SELECT column_name FROM disrupt.import_stage($kind);
--        -- creates pg_temp.stage_<kind> (line int, <CSV columns, all text>,
--        -- reject_column text, reject_reason text) ON COMMIT DROP, disrupt_stager's, which
--        -- the caller may fill and read; returns the header
--   COPY pg_temp.stage_<kind> (line, <CSV columns>) FROM STDIN (FORMAT csv);
--   SELECT disrupt.import_stage_analyze($kind);
--   SELECT * FROM disrupt.import_run($kind, $default_agency, $file);   -- NULL = the caller's
--   SELECT line, reject_column, reject_reason, <CSV columns> FROM pg_temp.stage_<kind>
--    WHERE reject_reason IS NOT NULL ORDER BY line;
-- Returns one row (inserted, updated, unchanged, rejected).
--
-- import_run is ONE statement: it validates every row in one pass (joins for refs and
-- codes, a window for in-file duplicates: the later line is rejected), writes the first
-- problem of each bad row into reject_column/reject_reason, and merges the valid rows:
-- plain INSERT for new keys (no speculative insertion, so it runs at COPY-like speed),
-- UPDATE by id for changed rows (compared field by field with IS NOT DISTINCT FROM); rows
-- identical to what is stored are counted as unchanged and not written (no audit noise, no
-- dirty mark).  A kind declared "add_only" (aliases) only adds the keys not stored (no
-- sequence value spent on a stored row).  A key inserted meanwhile by another session makes
-- the import fail with a unique violation whose message names no key (retry), never a silent
-- overwrite; a key held by a row the caller cannot see never collides (migration 0011).
--
-- The caller's row-level security applies: a person or party the caller cannot see is "not
-- found". import_run runs as disrupt_reader (SECURITY DEFINER, owned by that role, migration
-- 0022: no staff login may SELECT the record tables, reading.sql), under the caller's own
-- policies, and reads the caller's temp stage, which import_stage grants it. import_stage and
-- import_stage_analyze run as disrupt_stager (migration 0026), which makes and analyses the
-- stage (staff run no schema command); the other functions are SECURITY INVOKER but one,
-- import_update, which changes the stored rows the merge found (staff hold no UPDATE
-- privilege) and applies the agency rule itself.  Row agency: the CSV's agency column when the kind has one (a field of type
-- "agency"), else the caller's agency; an administrator (or superuser) may pass
-- default_agency (default 'police' when they have no staff row).  Non-admins may only write
-- rows of their own agency; a key that already exists under another agency is rejected
-- unless the row is identical.  Updates keep a row's owning agency for kinds without an
-- agency field.
--
-- Merges: a person_ref that was merged resolves to the person it was merged into, except
-- in "people" (a kind with "follow"), where the row of a merged person is rejected ("person
-- P-2 was merged into P-1"): updating the retired row would change nothing anyone sees, and
-- updating the survivor would overwrite its identity with the absorbed person's.  A merge
-- that commits while the statement runs (the statement read the person before the merge and
-- waited for its locks) would leave written rows on the retired person: the insert trigger
-- refuse_merged_person (record.sql) refuses such a statement with DR409, and import_run
-- itself checks, after the statement and with a fresh snapshot, that no row it wrote or
-- kept belongs to a merged person.  Either way the statement is rolled back to a savepoint
-- and run once more, which then sees the merge; a second conflict (another merge meanwhile)
-- raises DR409 and the caller's transaction writes nothing.
--
-- Dates: every date field is checked against the range its column's CHECK allows
-- (migrations/0002_finite_dates.sql, a CHECK <table>_<column>_range), so a date out of range
-- is one rejected row, not a failed import.  The bounds are declared once, per class, in
-- "date_ranges" (the same numbers as 0002, which a migration must spell out itself);
-- disrupt.import_date_fields() lists every date field with its bounds, and a test checks
-- them against the CHECKs in pg_constraint.
--
-- Declaration format (jsonb):
--   {"date_ranges": {CLASS: {"from" (earliest date), "ahead" (latest = today + this interval)}},
--    "refs":  {NAME: {"table", "by" (natural key column), "follow" (merged-into column),
--                     "person" (the row's person id column, for "same_person")}},
--    "kinds": {KIND: {"table", "header": [CSV columns in file order], "key": [fields],
--                     "add_only": {"conflict": constraint}        -- aliases
--                     "follow": NAME      -- the rows are that ref's (people): merged = rejected
--                     "duplicate": {"column", "message", "args"}, -- composite keys
--                     "label": "this relationship",               -- composite keys
--                     "fields": [FIELD, ...]}}}                   -- in the order checked
--   FIELD: "csv" (its CSV/stage column), "column" (target column, default csv),
--          "type": text (default) | code (lower-cased) | date | int | bool |
--                  ref (with "ref": NAME) | agency (the row's agency; default the caller's),
--          "required", "required_or" (another field), "default", "codes": [...],
--          "lookup" + "noun" (a code table), "min"/"max" + "range" (message tail),
--          "within" (a date's range CLASS, default "event"),
--          "max_length", "after" (a date field it may not precede), "only_for" {"field",
--          "value"}, "same_person" (a ref whose row must belong to this person field),
--          "unique" (noun: also unique across rows of other keys, e.g. a PNC id).
-- Checks run per field in the declared order: required, duplicate key (and merged away, for
-- a kind with "follow"), valid value (and a date within its range), reference found (and
-- same person), known code, code list, range, length, after, only for, unique; then a
-- composite key's duplicate, then the agency lock.

-- ---------------------------------------------------------------------------
-- The declaration
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.import_declaration() RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog
AS $decl$ SELECT $json$
{
 "date_ranges": {
  "event":    {"from": "1900-01-01", "ahead": "7 days"},
  "start":    {"from": "1900-01-01", "ahead": "366 days"},
  "schedule": {"from": "1900-01-01", "ahead": "5 years"},
  "expiry":   {"from": "1900-01-01", "ahead": "25 years"}
 },
 "refs": {
  "person": {"table": "person", "by": "person_ref", "follow": "merged_into"},
  "party":  {"table": "party", "by": "party_ref"},
  "order":  {"table": "court_order", "by": "source_ref", "person": "person_id"}
 },
 "kinds": {
  "people": {
   "table": "person",
   "header": ["person_ref", "pnc_id", "given_name", "family_name", "date_of_birth", "gender"],
   "key": ["person_ref"],
   "follow": "person",
   "fields": [
    {"csv": "person_ref", "required": true},
    {"csv": "family_name", "required": true, "max_length": 200},
    {"csv": "given_name", "max_length": 200},
    {"csv": "date_of_birth", "type": "date"},
    {"csv": "gender", "type": "code", "codes": ["male", "female", "other", "unknown"]},
    {"csv": "pnc_id", "unique": "person"}
   ]
  },
  "aliases": {
   "table": "alias",
   "header": ["person_ref", "alias_name", "date_of_birth"],
   "key": ["person_ref", "alias_name", "date_of_birth"],
   "add_only": {"conflict": "alias_person_name_dob_key"},
   "duplicate": {"column": "alias_name", "message": "duplicate alias %s for person_ref %s (first on line %s)",
                 "args": ["alias_name", "person_ref"]},
   "fields": [
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "alias_name", "required": true, "max_length": 200},
    {"csv": "date_of_birth", "type": "date"}
   ]
  },
  "parties": {
   "table": "party",
   "header": ["party_ref", "given_name", "family_name", "date_of_birth", "kind"],
   "key": ["party_ref"],
   "fields": [
    {"csv": "party_ref", "required": true},
    {"csv": "family_name", "required_or": "given_name", "max_length": 200},
    {"csv": "given_name", "max_length": 200},
    {"csv": "date_of_birth", "type": "date"},
    {"csv": "kind", "type": "code", "required": true, "codes": ["victim", "child", "new_partner", "family", "other"]}
   ]
  },
  "relationships": {
   "table": "relationship",
   "header": ["person_ref", "party_ref", "relationship", "from", "to", "has_contact"],
   "key": ["person_ref", "party_ref", "relationship"],
   "duplicate": {"column": "relationship", "message": "duplicate relationship %s between %s and %s (first on line %s)",
                 "args": ["relationship", "person_ref", "party_ref"]},
   "label": "this relationship",
   "fields": [
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "party_ref", "type": "ref", "ref": "party", "column": "party_id", "required": true},
    {"csv": "relationship", "type": "code", "required": true,
     "codes": ["partner", "ex_partner", "child", "step_child", "family", "other"]},
    {"csv": "from", "column": "from_on", "type": "date"},
    {"csv": "to", "column": "to_on", "type": "date", "after": "from"},
    {"csv": "has_contact", "type": "bool"}
   ]
  },
  "incidents": {
   "table": "incident",
   "header": ["source_ref", "person_ref", "party_ref", "occurred_on", "offence", "gravity", "agency", "separate_event",
              "sensitivity", "address"],
   "key": ["source_ref"],
   "fields": [
    {"csv": "source_ref", "required": true},
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "party_ref", "type": "ref", "ref": "party", "column": "party_id"},
    {"csv": "occurred_on", "type": "date", "required": true},
    {"csv": "offence", "type": "code", "default": "da_incident", "lookup": "offence", "noun": "offence"},
    {"csv": "gravity", "type": "int", "min": 0, "range": "must not be negative"},
    {"csv": "agency", "type": "agency"},
    {"csv": "separate_event", "type": "bool", "default": "false"},
    {"csv": "sensitivity", "type": "code", "default": "shared", "codes": ["shared", "restricted"]},
    {"csv": "address", "max_length": 500, "only_for": {"field": "sensitivity", "value": "restricted"}}
   ]
  },
  "markers": {
   "table": "marker",
   "header": ["source_ref", "person_ref", "marker", "recorded_on", "expires_on", "agency", "sensitivity", "note"],
   "key": ["source_ref"],
   "fields": [
    {"csv": "source_ref", "required": true},
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "marker", "column": "kind", "type": "code", "required": true, "lookup": "marker_kind", "noun": "marker kind"},
    {"csv": "recorded_on", "type": "date", "required": true},
    {"csv": "expires_on", "type": "date", "after": "recorded_on", "within": "expiry"},
    {"csv": "agency", "type": "agency"},
    {"csv": "sensitivity", "type": "code", "default": "shared", "codes": ["shared", "restricted"]},
    {"csv": "note"}
   ]
  },
  "orders": {
   "table": "court_order",
   "header": ["source_ref", "person_ref", "order_type", "protected_party_ref", "starts_on", "ends_on", "conditions",
              "sensitivity", "protected_address"],
   "key": ["source_ref"],
   "fields": [
    {"csv": "source_ref", "required": true},
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "order_type", "type": "code", "required": true, "lookup": "order_type", "noun": "order type"},
    {"csv": "protected_party_ref", "type": "ref", "ref": "party", "column": "protected_party_id"},
    {"csv": "starts_on", "type": "date", "required": true, "within": "start"},
    {"csv": "ends_on", "type": "date", "after": "starts_on", "within": "expiry"},
    {"csv": "conditions"},
    {"csv": "sensitivity", "type": "code", "default": "shared", "codes": ["shared", "restricted"]},
    {"csv": "protected_address", "max_length": 500, "only_for": {"field": "sensitivity", "value": "restricted"}}
   ]
  },
  "breaches": {
   "table": "breach",
   "header": ["source_ref", "person_ref", "order_ref", "occurred_on", "reported_on", "agency", "action_taken", "note"],
   "key": ["source_ref"],
   "fields": [
    {"csv": "source_ref", "required": true},
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "order_ref", "type": "ref", "ref": "order", "column": "order_id", "same_person": "person_ref"},
    {"csv": "occurred_on", "type": "date", "required": true},
    {"csv": "reported_on", "type": "date", "after": "occurred_on"},
    {"csv": "agency", "type": "agency"},
    {"csv": "action_taken", "type": "code", "codes": ["arrest", "charge", "summons", "caution", "warning", "recall", "none"]},
    {"csv": "note"}
   ]
  },
  "links": {
   "table": "forum_link",
   "header": ["source_ref", "person_ref", "forum", "reference", "status", "lead_agency", "starts_on", "ends_on",
              "mappa_category", "mappa_level", "iom_cohort", "licence_ends_on", "next_review_on"],
   "key": ["source_ref"],
   "fields": [
    {"csv": "source_ref", "required": true},
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "forum", "type": "code", "required": true, "codes": ["marac", "mappa", "matac", "iom", "dapp", "drive"]},
    {"csv": "reference"},
    {"csv": "status", "type": "code", "default": "active", "codes": ["referred", "active", "closed"]},
    {"csv": "lead_agency", "type": "code", "lookup": "agency", "noun": "agency"},
    {"csv": "starts_on", "type": "date", "required": true, "within": "start"},
    {"csv": "ends_on", "type": "date", "after": "starts_on", "within": "expiry"},
    {"csv": "mappa_category", "type": "int", "min": 1, "max": 3, "range": "must be 1, 2 or 3",
     "only_for": {"field": "forum", "value": "mappa"}},
    {"csv": "mappa_level", "type": "int", "min": 1, "max": 3, "range": "must be 1, 2 or 3",
     "only_for": {"field": "forum", "value": "mappa"}},
    {"csv": "iom_cohort", "type": "code", "codes": ["fixed", "flex", "free"],
     "only_for": {"field": "forum", "value": "iom"}},
    {"csv": "licence_ends_on", "type": "date", "within": "expiry"},
    {"csv": "next_review_on", "type": "date", "within": "schedule"}
   ]
  },
  "referrals": {
   "table": "referral",
   "header": ["source_ref", "person_ref", "party_ref", "referred_on", "criterion", "dash_score", "agency"],
   "key": ["source_ref"],
   "fields": [
    {"csv": "source_ref", "required": true},
    {"csv": "person_ref", "type": "ref", "ref": "person", "column": "person_id", "required": true},
    {"csv": "party_ref", "type": "ref", "ref": "party", "column": "party_id"},
    {"csv": "referred_on", "type": "date", "required": true},
    {"csv": "criterion", "type": "code", "required": true,
     "codes": ["visible_high_risk", "professional_judgement", "escalation", "repeat"]},
    {"csv": "dash_score", "type": "int", "min": 0, "max": 27, "range": "must be between 0 and 27"},
    {"csv": "agency", "type": "agency"}
   ]
  }
 }
}
$json$::jsonb $decl$;

-- One kind's declaration; raises for a kind that is not declared.
CREATE OR REPLACE FUNCTION disrupt.import_kind(kind text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, disrupt
AS $$
DECLARE d jsonb := disrupt.import_declaration() -> 'kinds' -> kind;
BEGIN
    IF d IS NULL THEN
        RAISE EXCEPTION 'import: unknown kind %', quote_literal(kind) USING ERRCODE = '22023';
    END IF;
    RETURN d;
END
$$;

-- Every date field of every kind with its range class and today's bounds: the earliest and
-- latest date its column's CHECK accepts (NULL for a class "date_ranges" does not declare).
-- current_date, not disrupt.today() (foundation.sql "Days"): the bound must be the very one the
-- CHECKs of migration 0002 apply, and they use current_date.
CREATE OR REPLACE FUNCTION disrupt.import_date_fields()
RETURNS TABLE (kind text, field text, table_name text, column_name text, within text,
               earliest date, latest date, ahead text)
LANGUAGE sql STABLE SET search_path = pg_catalog
AS $$
    SELECT k.key, f ->> 'csv', k.value ->> 'table', COALESCE(f ->> 'column', f ->> 'csv'), w.class,
           (r ->> 'from')::date, (current_date + (r ->> 'ahead')::interval)::date, r ->> 'ahead'
      FROM jsonb_each(disrupt.import_declaration() -> 'kinds') k
     CROSS JOIN LATERAL jsonb_array_elements(k.value -> 'fields') f
     CROSS JOIN LATERAL (SELECT COALESCE(f ->> 'within', 'event') AS class) w
     CROSS JOIN LATERAL (SELECT disrupt.import_declaration() -> 'date_ranges' -> w.class) x(r)
     WHERE f ->> 'type' = 'date'
     ORDER BY 1, 2
$$;

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
    -- it runs as the login and keeps its plan of the agency read for the session, which a later
    -- EXPLAIN of a call would run without planning again (not_explaining, foundation.sql)
    PERFORM disrupt.refuse_explain();
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

-- Keys (among the given ones) that mean a row of ANOTHER agency that the caller can see (a
-- shared row, when the caller's agency holds no row with the key: ref_rank, record.sql), which
-- the import must not overwrite: lets a non-admin import reject such rows instead of failing
-- on row-level security.  Returns nothing for administrators.  Rows the caller cannot see
-- (another agency's restricted rows) are never reported, nor can they collide: keys and PNC
-- ids are unique among shared rows and within each agency (migrations 0007, 0011).  SECURITY
-- DEFINER (it reads the whole table); table and columns come from the declaration, never from
-- the caller.
--   unique_field NULL: keys are the kind's natural key (a composite key's target columns
--     joined with '/', e.g. person_id/party_id/relationship);
--   unique_field set (a field declared "unique"): keys are value || chr(31) || natural key,
--     and a key is returned when that value is held by a visible row with another natural key.
CREATE OR REPLACE FUNCTION disrupt.import_hidden_keys(kind text, unique_field text, keys text[])
RETURNS SETOF text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    d      jsonb := disrupt.import_kind(kind);
    v_cols text[];
    v_ucol text;
BEGIN
    IF NOT disrupt.is_active_staff() THEN
        RAISE EXCEPTION 'import: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    PERFORM disrupt.require_consultation();
    IF keys IS NULL OR disrupt.is_admin() THEN
        RETURN;
    END IF;
    SELECT array_agg(COALESCE(f ->> 'column', f ->> 'csv') ORDER BY k.n) INTO v_cols
      FROM jsonb_array_elements_text(d -> 'key') WITH ORDINALITY k(name, n)
      JOIN jsonb_array_elements(d -> 'fields') f ON f ->> 'csv' = k.name;
    IF unique_field IS NULL THEN
        RETURN QUERY EXECUTE format(
            'SELECT k FROM (SELECT k, t.agency, row_number() OVER (PARTITION BY k '
            'ORDER BY disrupt.ref_rank(t.agency, t.sensitivity, $2)) AS n '
            'FROM unnest($1) k JOIN disrupt.%I t ON %s = k WHERE t.sensitivity = ''shared'' OR t.agency = $2) t '
            'WHERE n = 1 AND t.agency IS DISTINCT FROM $2',
            d ->> 'table',
            CASE WHEN cardinality(v_cols) = 1 THEN format('t.%I', v_cols[1])
                 ELSE format('concat_ws(%L, %s)', '/',
                             (SELECT string_agg(format('t.%I::text', c), ', ' ORDER BY n)
                                FROM unnest(v_cols) WITH ORDINALITY u(c, n))) END)
            USING keys, disrupt.caller_agency();
    ELSE
        SELECT COALESCE(f ->> 'column', f ->> 'csv') INTO v_ucol
          FROM jsonb_array_elements(d -> 'fields') f WHERE f ->> 'csv' = unique_field AND f ? 'unique';
        IF v_ucol IS NULL OR cardinality(v_cols) <> 1 THEN
            RAISE EXCEPTION 'import_hidden_keys: % has no unique field %', kind, quote_literal(unique_field)
                USING ERRCODE = '22023';
        END IF;
        RETURN QUERY EXECUTE format(
            'SELECT DISTINCT k FROM unnest($1) k JOIN disrupt.%I t ON t.%I = split_part(k, chr(31), 1) '
            'WHERE t.%I <> split_part(k, chr(31), 2) AND (t.sensitivity = ''shared'' OR t.agency = $2)',
            d ->> 'table', v_ucol, v_cols[1])
            USING keys, disrupt.caller_agency();
    END IF;
END
$$;

-- Clears a checked stage's reject_column/reject_reason (a second call in the same transaction
-- starts clean).
CREATE OR REPLACE FUNCTION disrupt.import_prepare(stage regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    EXECUTE format('UPDATE %s SET reject_column = NULL, reject_reason = NULL '
                   'WHERE reject_column IS NOT NULL OR reject_reason IS NOT NULL', stage);
END
$$;

-- The stage is disrupt_stager's (import_stage): the caller cannot change it, and staff run no
-- schema command where a superuser migrated (SchemaChangeGuard.swift). This check is the wall
-- behind those: a stage that was her own (made where the guard is not in place) could carry
-- what runs code of hers when import_run reads or writes it: a trigger, a rule, a
-- row-level-security policy, a check constraint, an index, a default, a column of another type. Her code would run inside
-- import_run's marked statement, where the audit logs each new row by key and file only: a
-- hand-made insert made there passed for a row of the file and lost its row image (found by a
-- psql attack: a trigger on the stage). import_run takes the stage only as import_stage makes it:
-- a plain table of this session's temporary schema with the integer line, the header's columns
-- as text and the two reject columns, and nothing attached. Types are compared by oid: a
-- domain of her own named pg_temp.text, with a check that calls her function, prints as
-- "text" (helper-53).
CREATE OR REPLACE FUNCTION disrupt.import_stage_check(stage regclass, kind text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE d jsonb := disrupt.import_kind(kind);
BEGIN
    IF stage IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '42P01', MESSAGE = format('import: there is no pg_temp.%s to import', 'stage_' || kind),
            HINT = 'Stage the file with disrupt.import_stage and COPY first, as disrupt import does.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                   WHERE c.oid = stage AND c.relkind = 'r' AND c.relnamespace = pg_catalog.pg_my_temp_schema()
                     AND c.relowner = 'disrupt_stager'::pg_catalog.regrole
                     AND NOT c.relrowsecurity AND NOT c.relhastriggers AND NOT c.relhasrules AND NOT c.relhasindex)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t WHERE t.tgrelid = stage)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite w WHERE w.ev_class = stage)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_policy p WHERE p.polrelid = stage)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = stage)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = stage)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef a WHERE a.adrelid = stage)
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = stage OR h.inhparent = stage)
       OR ARRAY(SELECT (a.attname::text, a.atttypid) FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = stage AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text
          IS DISTINCT FROM
          ARRAY(SELECT (c, CASE WHEN n = 0 THEN 'pg_catalog.int4'::pg_catalog.regtype::oid ELSE 'pg_catalog.text'::pg_catalog.regtype::oid END)
                FROM (SELECT 'line', 0::bigint
                      UNION ALL SELECT c, n FROM jsonb_array_elements_text(d -> 'header') WITH ORDINALITY h(c, n)
                      UNION ALL VALUES ('reject_column', 1000000), ('reject_reason', 1000001)) x(c, n)
                ORDER BY n)::text
    THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('import: pg_temp.%s is not as disrupt.import_stage made it (something was added to it, or it was replaced): nothing was imported', 'stage_' || kind),
            HINT = 'Stage the file with disrupt.import_stage and COPY only, as disrupt import does.';
    END IF;
END
$$;

-- Creates the kind's stage table pg_temp.stage_<kind> (line, the CSV columns as text,
-- reject_column, reject_reason; dropped at commit) and returns the CSV header, in file order.
-- Staff may run no schema command (migration 0026, SchemaChangeGuard.swift): the table is made by
-- disrupt_stager (SECURITY DEFINER, owned by that role) in the caller's session, and the caller
-- (her login) may fill and read it; import_run reads and marks it as disrupt_reader.
CREATE OR REPLACE FUNCTION disrupt.import_stage(kind text)
RETURNS TABLE (column_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE d jsonb := disrupt.import_kind(kind);
BEGIN
    EXECUTE format('CREATE TEMP TABLE %I (line integer, %s, reject_column text, reject_reason text) ON COMMIT DROP',
                   'stage_' || kind,
                   (SELECT string_agg(format('%I text', c), ', ' ORDER BY n)
                      FROM jsonb_array_elements_text(d -> 'header') WITH ORDINALITY h(c, n)));
    EXECUTE format('GRANT SELECT, INSERT ON TABLE pg_temp.%I TO %I', 'stage_' || kind, session_user);
    EXECUTE format('GRANT SELECT, UPDATE ON TABLE pg_temp.%I TO disrupt_reader', 'stage_' || kind);
    RETURN QUERY SELECT c FROM jsonb_array_elements_text(d -> 'header') WITH ORDINALITY h(c, n) ORDER BY n;
END
$$;

-- ANALYZE of the kind's stage once it is filled (only its owner, disrupt_stager, may): the
-- merge's plan needs its row count and key distribution.
CREATE OR REPLACE FUNCTION disrupt.import_stage_analyze(kind text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    PERFORM disrupt.import_kind(kind);
    EXECUTE format('ANALYZE pg_temp.%I', 'stage_' || kind);
END
$$;

-- The query import_run runs after its statement, with a fresh snapshot: the valid stage
-- rows of the kind whose stored row's column (a reference to ref_name, or "id" for the
-- ref's own rows) points at a person merged away, as ARRAY[ref name, its ref, the
-- survivor's ref].  Finds rows a statement wrote or kept on a person whose merge committed
-- while it waited for the merge's locks.  Built from the declaration only.
CREATE OR REPLACE FUNCTION disrupt.import_stale_query(kind text, ref_name text, ref_column text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    d     jsonb := disrupt.import_kind(kind);
    r     jsonb := disrupt.import_declaration() -> 'refs' -> ref_name;
    v_key text := d -> 'key' ->> 0;
    col   text;
BEGIN
    SELECT COALESCE(f ->> 'column', f ->> 'csv') INTO col FROM jsonb_array_elements(d -> 'fields') f WHERE f ->> 'csv' = v_key;
    -- from the (few) merged people to their rows, then to the stage: when no stored row
    -- belongs to a merged person (the usual case) the stage is never scanned
    RETURN format(
        'SELECT ARRAY[%L, moved.ref, fw.%I] FROM (SELECT t.%I AS k, m.%I AS ref, m.%I AS survivor '
        'FROM disrupt.%I m JOIN disrupt.%I t ON t.%I = m.id WHERE m.%I IS NOT NULL OFFSET 0) moved '
        'JOIN pg_temp.%I s ON nullif(btrim(s.%I), %L) = moved.k AND s.reject_reason IS NULL '
        'LEFT JOIN disrupt.%I fw ON fw.id = moved.survivor',
        ref_name, r ->> 'by', col, r ->> 'by', r ->> 'follow',
        r ->> 'table', d ->> 'table', ref_column, r ->> 'follow',
        'stage_' || kind, v_key, '', r ->> 'table');
END
$$;

-- ---------------------------------------------------------------------------
-- The pipeline: one set-based statement per import, built from the declaration
-- ---------------------------------------------------------------------------
-- jit = off: the statement's estimates (a function scan, CTEs) run far past the JIT
-- thresholds, and compiling its plan took longer than running it (people: 7.7 of 12.5 s
-- under load, auto_explain).  work_mem: the key window's sort of 95,000 markers went to
-- disk (15 MB) with the default 4 MB.
-- The import's merge changes stored rows through this function, not by an UPDATE of the
-- caller's: staff hold no UPDATE privilege on the record tables, because an UPDATE grant is also
-- a row lock (SELECT ... FOR UPDATE, and INSERT ... ON CONFLICT DO UPDATE ... WHERE false, which
-- PostgreSQL locks before any policy or WHERE is looked at: helper-52), and a login holding one on
-- her agency's person made every write naming him wait, another agency's hidden record and the
-- sweep's outbox included, or learnt through a lock timeout that one was being written.
-- SECURITY DEFINER, so it checks what the staff policies checked: only inside import_run's marked
-- statement (import_writing(): no code of the caller's runs there, import_stage_check), only a
-- table an import writes, and each row, before and after, only where disrupt.may_change says the
-- caller may write (so an administrator's import changes any agency's; the rule of
-- disrupt.may_change, with the caller's agency read once, not per row). `changed` is
-- [{"id": ..., column: value, ...}] with the columns in `cols`, which must be columns the
-- import declares for that table; import_run calls it once per 10,000 rows (a jsonb value
-- holds at most 256 MB). touch(), the audit (whole before and after) and the reference checks
-- run as for any write, as the session's login.
CREATE OR REPLACE FUNCTION disrupt.import_update(tbl text, cols text[], changed jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    n        bigint;
    v_agency text := disrupt.caller_agency();
    v_admin  boolean := coalesce(disrupt.is_admin(), false);
BEGIN
    IF NOT disrupt.import_writing() OR NOT coalesce(disrupt.is_active_staff(), false) THEN
        RAISE EXCEPTION 'import_update: only disrupt.import_run changes stored records' USING ERRCODE = '42501';
    END IF;
    IF tbl IS NULL OR coalesce(cardinality(cols), 0) = 0 OR NOT cols <@ ARRAY(
           SELECT coalesce(f ->> 'column', f ->> 'csv') FROM jsonb_each(disrupt.import_declaration() -> 'kinds') k,
                  jsonb_array_elements(k.value -> 'fields') f
            WHERE k.value ->> 'table' = tbl)
       OR 'id' = ANY (cols) THEN
        RAISE EXCEPTION 'import_update: % is not what an import changes', tbl USING ERRCODE = '22023';
    END IF;
    IF changed IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('UPDATE disrupt.%I t SET %s FROM jsonb_populate_recordset(NULL::disrupt.%I, $1) x '
                   'WHERE t.id = x.id AND (t.agency = $2 OR $3)%s',
                   tbl, (SELECT string_agg(format('%I = x.%I', c, c), ', ') FROM unnest(cols) c), tbl,
                   CASE WHEN 'agency' = ANY (cols) THEN ' AND (x.agency = $2 OR $3)' ELSE '' END)
        USING changed, v_agency, v_admin;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.import_run(kind text, default_agency text DEFAULT NULL, source_file text DEFAULT NULL)
RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, rejected bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp SET jit = off SET work_mem = '64MB'
AS $$
DECLARE
    d          jsonb := disrupt.import_kind(kind);
    refs       jsonb := disrupt.import_declaration() -> 'refs';
    v_tbl      text := d ->> 'table';
    v_add_only boolean := d ? 'add_only';
    v_keys     text[] := ARRAY(SELECT k FROM jsonb_array_elements_text(d -> 'key') WITH ORDINALITY x(k, n) ORDER BY n);
    v_single   boolean := cardinality(v_keys) = 1;
    v_agency   text;
    v_admin    boolean;
    vn         jsonb := '{}';     -- field -> the column of s that holds its value
    cols       jsonb := '{}';     -- field -> its target column
    f          jsonb;
    r          jsonb;
    v_name     text;
    v_type     text;
    v_t        text;              -- the field's trimmed text (t_<field>)
    v_v        text;              -- the field's value (t_<field>, or v_<field> when typed/resolved)
    v_base     text;
    v_j        text;
    v_other    text;
    v_codes    text[];
    t_cols     text[] := ARRAY['st.ctid AS tid', 'st.line'];   -- the trimmed text, computed once per row
    s_cols     text[] := ARRAY['st.*'];
    s_joins    text := '';
    -- the visible rows of table %1$I that no visible row with the same %2$s outranks: the row a
    -- key means (ref_rank, record.sql; ranks are unique per key). An anti-join, so the planner
    -- hashes the table against a large file and probes the index for a small one.
    v_best     text := '(SELECT x.* FROM disrupt.%1$I x WHERE NOT EXISTS (SELECT 1 FROM disrupt.%1$I y WHERE %2$s '
                       'AND disrupt.ref_rank(y.agency, y.sensitivity, $1) < disrupt.ref_rank(x.agency, x.sensitivity, $1)))';
    v_cols     text[] := ARRAY['row_number() OVER w AS dup', 'first_value(s.line) OVER w AS first_line'];
    v_joins    text := '';
    v_windows  text[] := '{}';
    v_hidden   text := '';
    v_checks   text[] := '{}';
    ins_cols   text[] := '{}';
    ins_vals   text[] := '{}';
    upd_cols   text[] := '{}';    -- the columns an update writes, and their values in c
    upd_vals   text[] := '{}';
    same_terms text[] := '{}';
    v_own_agency boolean := false;
    v_keyv     text[];
    v_key_text text;
    v_merge    text;
    v_earliest date;
    v_latest   date;
    v_ahead    text;
    v_follow   jsonb := refs -> (d ->> 'follow');
    v_stale    text[] := '{}';    -- queries: a written row that belongs to a merged person
    v_found    text[];
    v_sql      text;
BEGIN
    PERFORM disrupt.refuse_explain();
    SELECT a.agency, a.admin INTO v_agency, v_admin FROM disrupt.import_agency(default_agency) a;
    PERFORM disrupt.import_stage_check(to_regclass(format('pg_temp.%I', 'stage_' || kind)), kind);
    PERFORM disrupt.import_prepare(format('pg_temp.%I', 'stage_' || kind)::regclass);
    SELECT jsonb_object_agg(e ->> 'csv', COALESCE(e ->> 'column', e ->> 'csv')) INTO cols
      FROM jsonb_array_elements(d -> 'fields') e;

    FOR f IN SELECT e FROM jsonb_array_elements(d -> 'fields') WITH ORDINALITY x(e, n) ORDER BY n LOOP
        v_name := f ->> 'csv';
        v_type := COALESCE(f ->> 'type', 'text');
        v_t := 't_' || v_name;
        v_v := v_t;
        -- load: trimmed text ('' = NULL), codes lower-cased, defaults
        v_base := format('nullif(btrim(st.%I), %L)', v_name, '');
        IF v_type IN ('code', 'agency') THEN v_base := format('lower(%s)', v_base); END IF;
        IF f ? 'default' THEN v_base := format('COALESCE(%s, %L)', v_base, f ->> 'default'); END IF;
        IF v_type = 'agency' THEN
            v_base := format('COALESCE(%s, $1)', v_base);
            v_own_agency := true;
        END IF;
        t_cols := t_cols || format('%s AS %I', v_base, v_t);
        -- parsing and lookups read the trimmed text by name: an inlined try_date() would
        -- otherwise repeat nullif(btrim(...)) for every use of its argument
        v_base := format('st.%I', v_t);
        -- typed value: parsed, or resolved by a reference or a code table
        IF v_type IN ('date', 'int', 'bool') THEN
            v_v := 'v_' || v_name;
            s_cols := s_cols || format('disrupt.%I(%s) AS %I', 'try_' || v_type, v_base, v_v);
        ELSIF v_type = 'ref' THEN
            r := refs -> (f ->> 'ref');
            v_j := 'j_' || v_name;
            v_v := 'v_' || v_name;
            -- the row the reference means: the best ref_rank (record.sql) among those visible
            s_joins := s_joins || format(' LEFT JOIN %s %I ON %I.%I = %s',
                format(v_best, r ->> 'table', format('y.%I = x.%I', r ->> 'by', r ->> 'by')), v_j, v_j, r ->> 'by', v_base);
            s_cols := s_cols || format('%s AS %I', CASE WHEN r ? 'follow'
                THEN format('COALESCE(%I.%I, %I.id)', v_j, r ->> 'follow', v_j) ELSE format('%I.id', v_j) END, v_v);
            IF f ? 'same_person' THEN
                s_joins := s_joins || format(' LEFT JOIN disrupt.%I %I ON %I.id = %I.%I',
                    refs -> 'person' ->> 'table', 'jp_' || v_name, 'jp_' || v_name, v_j, r ->> 'person');
                s_cols := s_cols || format('%I.%I AS %I', v_j, r ->> 'person', 'o_' || v_name)
                                 || format('%I.%I AS %I', 'jp_' || v_name, refs -> 'person' ->> 'by', 'op_' || v_name);
            END IF;
        ELSIF f ? 'lookup' OR v_type = 'agency' THEN
            v_j := 'j_' || v_name;
            v_v := 'v_' || v_name;
            s_joins := s_joins || format(' LEFT JOIN disrupt.%I %I ON %I.code = %s', COALESCE(f ->> 'lookup', 'agency'), v_j, v_j, v_base);
            s_cols := s_cols || format('%I.code AS %I', v_j, v_v);
        END IF;
        vn := vn || jsonb_build_object(v_name, v_v);

        -- validation, in the documented order; each check yields ARRAY[column, reason]
        IF (f ->> 'required')::boolean THEN
            v_checks := v_checks || format('WHEN %I IS NULL THEN ARRAY[%L, %L]', v_t, v_name, v_name || ' is required');
        END IF;
        IF f ? 'required_or' THEN
            v_other := f ->> 'required_or';
            v_checks := v_checks || format('WHEN %I IS NULL AND %I IS NULL THEN ARRAY[%L, %L]',
                v_t, 't_' || v_other, v_name, format('%s or %s is required', v_name, v_other));
        END IF;
        IF v_single AND v_name = v_keys[1] THEN
            v_checks := v_checks || format('WHEN dup > 1 THEN ARRAY[%L, format(%L, %I, first_line)]',
                v_name, 'duplicate ' || v_name || ' %s (first on line %s)', v_t);
            IF v_follow IS NOT NULL THEN
                v_checks := v_checks || format('WHEN ex_merged THEN ARRAY[%L, format(%L, %I, COALESCE(fw_ref, %L))]',
                    v_name, (d ->> 'follow') || ' %s was merged into %s', v_t, 'another ' || (d ->> 'follow'));
            END IF;
        END IF;
        IF v_type IN ('date', 'int', 'bool') THEN
            v_checks := v_checks || format('WHEN %I IS NOT NULL AND %I IS NULL THEN ARRAY[%L, format(%L, %I)]',
                v_t, v_v, v_name, v_name || CASE v_type WHEN 'date' THEN ' %L is not a valid date (YYYY-MM-DD)'
                                                        WHEN 'int' THEN ' %L is not a whole number'
                                                        ELSE ' %L must be true or false' END, v_t);
            IF v_type = 'date' THEN
                SELECT b.earliest, b.latest, b.ahead INTO v_earliest, v_latest, v_ahead
                  FROM disrupt.import_date_fields() b WHERE b.kind = import_run.kind AND b.field = v_name;
                IF v_earliest IS NULL OR v_latest IS NULL THEN
                    RAISE EXCEPTION 'import: % field % has no declared date range', kind, v_name USING ERRCODE = '22023';
                END IF;
                v_checks := v_checks
                    || format('WHEN %I < %L::date THEN ARRAY[%L, format(%L, %I)]', v_v, to_char(v_earliest, 'YYYY-MM-DD'),
                              v_name, v_name || ' %s is before ' || to_char(v_earliest, 'YYYY-MM-DD'), v_v)
                    || format('WHEN %I > %L::date THEN ARRAY[%L, format(%L, %I)]', v_v, to_char(v_latest, 'YYYY-MM-DD'),
                              v_name, v_name || ' %s is more than ' || v_ahead || ' in the future', v_v);
            END IF;
        ELSIF v_type = 'ref' THEN
            v_checks := v_checks || format('WHEN %I IS NOT NULL AND %I IS NULL THEN ARRAY[%L, format(%L, %I)]',
                v_t, v_v, v_name, v_name || ' %s not found', v_t);
            IF f ? 'same_person' THEN
                v_other := f ->> 'same_person';
                v_checks := v_checks || format('WHEN %I IS NOT NULL AND %I <> %I THEN ARRAY[%L, format(%L, %I, COALESCE(%I, %L), %I)]',
                    v_t, 'o_' || v_name, vn ->> v_other, v_name, v_name || ' %s belongs to ' || v_other || ' %s, not %s',
                    v_t, 'op_' || v_name, '?', 't_' || v_other);
            END IF;
        ELSIF f ? 'lookup' OR v_type = 'agency' THEN
            v_checks := v_checks || format('WHEN %I IS NOT NULL AND %I IS NULL THEN ARRAY[%L, format(%L, %I)]',
                v_t, v_v, v_name, v_name || ' %L is not a known ' || COALESCE(f ->> 'noun', 'agency'), v_t);
            IF v_type = 'agency' THEN
                v_checks := v_checks || format('WHEN NOT $2 AND %I <> $1 THEN ARRAY[%L, format(%L, %I, $1)]',
                    v_v, v_name, v_name || ' %s is not your agency (%s)', v_v);
            END IF;
        END IF;
        IF f ? 'codes' THEN
            v_codes := ARRAY(SELECT c FROM jsonb_array_elements_text(f -> 'codes') WITH ORDINALITY x(c, n) ORDER BY n);
            v_checks := v_checks || format('WHEN %I NOT IN (%s) THEN ARRAY[%L, format(%L, %I)]',
                v_t, (SELECT string_agg(format('%L', c), ', ') FROM unnest(v_codes) c), v_name,
                v_name || ' %L must be ' || array_to_string(v_codes[1:cardinality(v_codes) - 1], ', ')
                       || ' or ' || v_codes[cardinality(v_codes)], v_t);
        END IF;
        IF f ? 'min' OR f ? 'max' THEN
            v_checks := v_checks || format('WHEN %s THEN ARRAY[%L, format(%L, %I)]',
                concat_ws(' OR ', CASE WHEN f ? 'min' THEN format('%I < %s', v_v, (f ->> 'min')::int) END,
                                  CASE WHEN f ? 'max' THEN format('%I > %s', v_v, (f ->> 'max')::int) END),
                v_name, v_name || ' %s ' || (f ->> 'range'), v_v);
        END IF;
        IF f ? 'max_length' THEN
            v_checks := v_checks || format('WHEN char_length(%I) > %s THEN ARRAY[%L, %L]', v_t, (f ->> 'max_length')::int,
                v_name, format('%s is longer than %s characters', v_name, (f ->> 'max_length')::int));
        END IF;
        IF f ? 'after' THEN
            v_other := f ->> 'after';
            v_checks := v_checks || format('WHEN %I < %I THEN ARRAY[%L, format(%L, %I, %I)]',
                v_v, vn ->> v_other, v_name, v_name || ' %s is before ' || v_other || ' %s', v_v, vn ->> v_other);
        END IF;
        IF f ? 'only_for' THEN
            v_other := f -> 'only_for' ->> 'field';
            v_checks := v_checks || format('WHEN %I IS NOT NULL AND %I <> %L THEN ARRAY[%L, %L]',
                v_v, vn ->> v_other, f -> 'only_for' ->> 'value', v_name,
                format('%s is only for %s %s', v_name, v_other, f -> 'only_for' ->> 'value'));
        END IF;
        IF f ? 'unique' THEN
            -- unique across keys too (a PNC id): in the file, among visible rows, among hidden ones
            v_windows := v_windows || format('%I AS (PARTITION BY s.%I ORDER BY s.line)', 'w_' || v_name, v_t);
            v_cols := v_cols || format('row_number() OVER %I AS %I', 'w_' || v_name, 'du_' || v_name)
                             || format('first_value(s.line) OVER %I AS %I', 'w_' || v_name, 'fu_' || v_name)
                             || format('%I.%I AS %I', 'u_' || v_name, cols ->> v_keys[1], 'ow_' || v_name)
                             || format('%I.k IS NOT NULL AS %I', 'h_' || v_name, 'hu_' || v_name);
            -- the best-ranked visible holder of the value under another key: the "another key" depends
            -- on the row, so the anti-join is a probe for each holder found (rare: a collision)
            v_joins := v_joins
                || format(' LEFT JOIN disrupt.%1$I %2$I ON %2$I.%3$I = s.%4$I AND %2$I.%5$I <> s.%6$I '
                          'AND NOT EXISTS (SELECT 1 FROM disrupt.%1$I y WHERE y.%3$I = %2$I.%3$I AND y.%5$I <> s.%6$I '
                          'AND disrupt.ref_rank(y.agency, y.sensitivity, $1) < disrupt.ref_rank(%2$I.agency, %2$I.sensitivity, $1))',
                          v_tbl, 'u_' || v_name, cols ->> v_name, v_t, cols ->> v_keys[1], 't_' || v_keys[1])
                || format(' LEFT JOIN %I %I ON %I.k = s.%I || chr(31) || s.%I', 'hidden_' || v_name, 'h_' || v_name,
                          'h_' || v_name, v_t, 't_' || v_keys[1]);
            v_hidden := v_hidden || format(
                ', %I AS (SELECT k FROM disrupt.import_hidden_keys(%L, %L, CASE WHEN $2 THEN NULL ELSE '
                '(SELECT array_agg(s.%I || chr(31) || s.%I) FROM s WHERE s.%I IS NOT NULL) END) k)',
                'hidden_' || v_name, kind, v_name, v_t, 't_' || v_keys[1], v_t);
            v_checks := v_checks
                || format('WHEN %I IS NOT NULL AND %I > 1 THEN ARRAY[%L, format(%L, %I, %I)]', v_t, 'du_' || v_name,
                          v_name, 'duplicate ' || v_name || ' %s (first on line %s)', v_t, 'fu_' || v_name)
                || format('WHEN %I IS NOT NULL THEN ARRAY[%L, format(%L, %I, %I)]', 'ow_' || v_name,
                          v_name, v_name || ' %s is already recorded for ' || v_keys[1] || ' %s', v_t, 'ow_' || v_name)
                || format('WHEN %I THEN ARRAY[%L, format(%L, %I)]', 'hu_' || v_name,
                          v_name, v_name || ' %s is already recorded for another ' || (f ->> 'unique'), v_t);
        END IF;

        -- after the statement: a row written for a person who was merged meanwhile
        IF v_type = 'ref' AND r ? 'follow' AND v_single AND NOT v_add_only AND NOT v_name = ANY (v_keys) THEN
            v_stale := v_stale || disrupt.import_stale_query(kind, f ->> 'ref', cols ->> v_name);
        END IF;

        -- merge: every field is written; "changed" = any non-key field differs
        ins_cols := ins_cols || format('%I', cols ->> v_name);
        ins_vals := ins_vals || format('c.%I', v_v);
        IF NOT v_name = ANY (v_keys) THEN
            upd_cols := upd_cols || (cols ->> v_name);
            upd_vals := upd_vals || format('c.%I', v_v);
            same_terms := same_terms || format('ex.%I IS NOT DISTINCT FROM s.%I', cols ->> v_name, v_v);
        END IF;
    END LOOP;
    IF NOT v_own_agency THEN
        ins_cols := ins_cols || 'agency'::text;
        ins_vals := ins_vals || '$1'::text;
    END IF;

    -- the natural key: in-file duplicates, the stored row, the agency lock
    v_keyv := ARRAY(SELECT format('s.%I', vn ->> k) FROM unnest(v_keys) WITH ORDINALITY x(k, n) ORDER BY n);
    v_windows := format('w AS (PARTITION BY %s ORDER BY s.line)', array_to_string(v_keyv, ', ')) || v_windows;
    v_key_text := CASE WHEN v_single THEN v_keyv[1]
                       ELSE format('concat_ws(%L, %s)', '/', array_to_string(v_keyv, '::text, ') || '::text') END;
    IF NOT v_single THEN
        v_checks := v_checks || format('WHEN dup > 1 THEN ARRAY[%L, format(%L, %s, first_line)]',
            d -> 'duplicate' ->> 'column', d -> 'duplicate' ->> 'message',
            (SELECT string_agg(format('%I', 't_' || a), ', ' ORDER BY n)
               FROM jsonb_array_elements_text(d -> 'duplicate' -> 'args') WITH ORDINALITY x(a, n)));
    END IF;
    IF v_add_only THEN
        -- Only keys not stored are inserted (an anti-join: ON CONFLICT alone would spend a
        -- sequence value on every stored row); ON CONFLICT DO NOTHING still absorbs a row
        -- added meanwhile by another session, or one the caller cannot see.
        v_merge := format(
            'up AS (INSERT INTO disrupt.%I (%s) SELECT %s FROM c WHERE c.err IS NULL '
            'AND NOT EXISTS (SELECT 1 FROM disrupt.%I x WHERE %s) '
            'ON CONFLICT ON CONSTRAINT %I DO NOTHING RETURNING 1) '
            'SELECT (SELECT count(*) FROM up), 0::bigint, '
            '(SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM up), (SELECT count(*) FROM rej)',
            v_tbl, array_to_string(ins_cols, ', '), array_to_string(ins_vals, ', '), v_tbl,
            (SELECT string_agg(format(CASE WHEN (e ->> 'required')::boolean THEN 'x.%I = c.%I' ELSE 'x.%I IS NOT DISTINCT FROM c.%I' END,
                                      cols ->> k, vn ->> k), ' AND ')
               FROM unnest(v_keys) k JOIN jsonb_array_elements(d -> 'fields') e ON e ->> 'csv' = k),
            d -> 'add_only' ->> 'conflict');
    ELSE
        v_hidden := format(', hidden AS (SELECT k FROM disrupt.import_hidden_keys(%L, NULL, CASE WHEN $2 THEN NULL ELSE '
                           '(SELECT array_agg(%s) FROM s%s) END) k)', kind, v_key_text,
                           CASE WHEN v_single THEN '' ELSE ' WHERE ' || array_to_string(v_keyv, ' IS NOT NULL AND ') || ' IS NOT NULL' END)
                    || v_hidden;
        v_cols := v_cols || ARRAY['ex.id AS ex_id', 'ex.agency AS ex_agency',
                                  format('(%s) AS same', array_to_string(same_terms, ' AND ')),
                                  'h.k IS NOT NULL AS locked'];
        IF v_follow IS NOT NULL THEN
            -- the kind's rows are the ref's: a stored row merged away is rejected (ex_merged)
            v_joins := v_joins || format(' LEFT JOIN disrupt.%I fw ON fw.id = ex.%I', v_follow ->> 'table', v_follow ->> 'follow');
            v_cols := v_cols || format('ex.%I IS NOT NULL AS ex_merged', v_follow ->> 'follow')
                             || format('fw.%I AS fw_ref', v_follow ->> 'by');
            v_stale := v_stale || disrupt.import_stale_query(kind, d ->> 'follow', 'id');
        END IF;
        -- the stored row the key means: the best ref_rank among those visible
        v_joins := format(' LEFT JOIN %s ex ON %s',
                          format(v_best, v_tbl, (SELECT string_agg(format('y.%I = x.%I', cols ->> k, cols ->> k), ' AND ') FROM unnest(v_keys) k)),
                          (SELECT string_agg(format('ex.%I = %s', cols ->> k, v_keyv[n]), ' AND ')
                             FROM unnest(v_keys) WITH ORDINALITY x(k, n)))
                   || format(' LEFT JOIN hidden h ON h.k = %s', v_key_text) || v_joins;
        IF v_single THEN
            v_checks := v_checks
                || format('WHEN locked AND ex_id IS NULL THEN ARRAY[%L, format(%L, %I)]', v_keys[1],
                          v_keys[1] || ' %s already exists and belongs to another agency', 't_' || v_keys[1])
                || format('WHEN locked AND NOT same THEN ARRAY[%L, format(%L, %I, ex_agency, ex_agency)]', v_keys[1],
                          v_keys[1] || ' %s belongs to agency %s; only %s can change it', 't_' || v_keys[1]);
        ELSE
            v_checks := v_checks
                || format('WHEN locked AND ex_id IS NULL THEN ARRAY[%L, %L]', d -> 'duplicate' ->> 'column',
                          (d ->> 'label') || ' already exists and belongs to another agency')
                || format('WHEN locked AND NOT same THEN ARRAY[%L, format(%L, ex_agency, ex_agency)]', d -> 'duplicate' ->> 'column',
                          (d ->> 'label') || ' belongs to agency %s; only %s can change it');
        END IF;
        v_merge := format(
            'ins AS (INSERT INTO disrupt.%I (%s) SELECT %s FROM c WHERE c.err IS NULL AND c.ex_id IS NULL RETURNING 1), '
            'upd AS (SELECT coalesce(sum(disrupt.import_update(%L, %L, q.changed)), 0)::bigint AS n FROM ('
            'SELECT jsonb_agg(jsonb_build_object(''id'', c.ex_id%s)) AS changed FROM ('
            'SELECT c.*, (row_number() OVER () - 1) / 10000 AS chunk FROM c '
            'WHERE c.err IS NULL AND c.ex_id IS NOT NULL AND NOT c.same) c GROUP BY c.chunk) q) '
            'SELECT (SELECT count(*) FROM ins), (SELECT n FROM upd), '
            '(SELECT count(*) FROM c WHERE c.err IS NULL) - (SELECT count(*) FROM ins) - (SELECT n FROM upd), '
            '(SELECT count(*) FROM rej)',
            v_tbl, array_to_string(ins_cols, ', '), array_to_string(ins_vals, ', '),
            v_tbl, upd_cols,
            (SELECT string_agg(format(', %L, %s', k, v), '' ORDER BY n)
               FROM unnest(upd_cols, upd_vals) WITH ORDINALITY u(k, v, n)));
    END IF;

    v_sql := format(
        'WITH s AS MATERIALIZED (SELECT %s FROM (SELECT %s FROM pg_temp.%I st OFFSET 0) st%s)%s, '
        'v AS (SELECT s.*, %s FROM s%s WINDOW %s), '
        'c AS MATERIALIZED (SELECT v.*, CASE %s END AS err FROM v), '
        'rej AS (UPDATE pg_temp.%I st SET reject_column = c.err[1], reject_reason = c.err[2] '
        'FROM c WHERE c.err IS NOT NULL AND st.ctid = c.tid RETURNING 1), %s',
        array_to_string(s_cols, ', '), array_to_string(t_cols, ', '), 'stage_' || kind, s_joins, v_hidden,
        array_to_string(v_cols, ', '), v_joins, array_to_string(v_windows, ', '),
        array_to_string(v_checks, ' '),
        'stage_' || kind, v_merge);

    -- Run it; a merge that committed while it ran (DR409 from the insert trigger, or a row
    -- it wrote or kept now on a merged person) rolls it back to the savepoint and runs it
    -- once more with a fresh snapshot, which follows the merge.
    -- the audit triggers log this statement's new rows by key and file (security.sql import_mark)
    PERFORM disrupt.import_mark(coalesce(source_file, ''));
    FOR v_try IN 1..2 LOOP
        BEGIN
            EXECUTE v_sql INTO inserted, updated, unchanged, rejected USING v_agency, v_admin;
            IF cardinality(v_stale) > 0 THEN
                EXECUTE format('SELECT min(x) FROM (%s) q(x)', array_to_string(v_stale, ' UNION ALL ')) INTO v_found;
                IF v_found IS NOT NULL THEN
                    RAISE EXCEPTION USING ERRCODE = 'DR409',
                        MESSAGE = format('%s %s was merged into %s while this import ran: nothing was imported',
                                         v_found[1], v_found[2], COALESCE(v_found[3], '?')),
                        HINT = 'Run the import again; it follows the merge.';
                END IF;
            END IF;
            PERFORM disrupt.import_mark(NULL);
            RETURN NEXT;
            RETURN;
        EXCEPTION WHEN SQLSTATE 'DR409' THEN
            IF v_try = 2 THEN
                RAISE;
            END IF;
        WHEN unique_violation THEN
            -- a key inserted meanwhile by another session: the database's message would
            -- quote the key
            RAISE EXCEPTION USING ERRCODE = 'unique_violation',
                MESSAGE = 'import: a key in this file is already held by another record (one added while this import ran): nothing was imported',
                HINT = 'Run the import again; if it fails again, ask an administrator to import the file.';
        END;
    END LOOP;
END
$$;

SELECT disrupt.hand_to_owner();
-- import_run reads the record tables as the caller sees them (her policies apply), but no staff
-- login may SELECT them (reading.sql): it runs as disrupt_reader (migration 0022), under the
-- same policies, reading the caller's stage, which import_stage grants it.
ALTER FUNCTION disrupt.import_run(text, text, text) OWNER TO disrupt_reader;
-- the stage is made and analysed by disrupt_stager (migration 0026), which needs nothing else
ALTER FUNCTION disrupt.import_stage(text) OWNER TO disrupt_stager;
ALTER FUNCTION disrupt.import_stage_analyze(text) OWNER TO disrupt_stager;

-- ---------------------------------------------------------------------------
-- Privileges: staff import; nothing else may call these.
-- ---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION
    disrupt.import_declaration(), disrupt.import_kind(text), disrupt.import_stage(text), disrupt.import_stage_analyze(text),
    disrupt.import_run(text, text, text), disrupt.import_hidden_keys(text, text, text[]), disrupt.import_agency(text),
    disrupt.import_prepare(regclass), disrupt.import_stage_check(regclass, text), disrupt.import_date_fields(), disrupt.import_stale_query(text, text, text),
    disrupt.import_update(text, text[], jsonb)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.import_declaration(), disrupt.import_kind(text), disrupt.import_stage(text), disrupt.import_stage_analyze(text),
    disrupt.import_run(text, text, text), disrupt.import_hidden_keys(text, text, text[]), disrupt.import_agency(text),
    disrupt.import_prepare(regclass), disrupt.import_stage_check(regclass, text), disrupt.import_date_fields(), disrupt.import_stale_query(text, text, text),
    disrupt.import_update(text, text[], jsonb)
    TO disrupt_staff;
GRANT EXECUTE ON FUNCTION disrupt.import_declaration(), disrupt.import_kind(text) TO disrupt_stager;

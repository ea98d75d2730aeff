-- foundation.sql: the building blocks every other definition file uses.
--
--   * safe parsers (never throw), used by the importers;
--   * touch(), the trigger function behind the provenance columns;
--   * identity helpers: who is calling (always session_user, never a client setting);
--   * the machinery that attaches audit, row-level-security and risk-queue triggers and
--     policies to a table (attach_audit, attach_rls, attach_dirty) and the trigger
--     functions they attach;
--   * hand_to_owner(): every definition file ends its objects with SELECT disrupt.hand_to_owner();
--     so that disrupt_owner owns them before the file's grants;
--   * the schema's privileges, and those of the functions above.
--
-- Every SECURITY DEFINER function pins its search path with pg_temp last
-- (SET search_path = ..., pg_temp), so a temporary table cannot shadow a name it uses.

-- ---------------------------------------------------------------------------
-- Safe parsers (never throw): used by the importers.
-- try_date accepts YYYY-MM-DD only (years 1000-9999) and checks the day against
-- the month (leap years included) with integer arithmetic, so make_date cannot
-- fail: no EXCEPTION block / subtransaction per row.  Its body is immutable
-- (make_date, not the STABLE text::date cast), so the planner inlines it.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.try_date(t text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN t ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
         AND substr(t, 9, 2)::int <=
             CASE substr(t, 6, 2)::int
                 WHEN 2 THEN CASE WHEN (substr(t, 1, 4)::int % 4 = 0 AND substr(t, 1, 4)::int % 100 <> 0)
                                    OR substr(t, 1, 4)::int % 400 = 0 THEN 29 ELSE 28 END
                 WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30
                 ELSE 31
             END
        THEN make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, substr(t, 9, 2)::int)
    END
$$;
COMMENT ON FUNCTION disrupt.try_date(text) IS 'YYYY-MM-DD -> date, NULL if not a real calendar date (never raises)';

CREATE OR REPLACE FUNCTION disrupt.try_int(t text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN t ~ '^[+-]?[0-9]{1,9}$' THEN t::integer END $$;
COMMENT ON FUNCTION disrupt.try_int(text) IS 'integer text -> int, NULL if not an integer (never raises)';

CREATE OR REPLACE FUNCTION disrupt.try_bool(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE lower(t)
        WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true WHEN '1' THEN true
        WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false WHEN 'n' THEN false WHEN '0' THEN false
    END
$$;
COMMENT ON FUNCTION disrupt.try_bool(text) IS 'true/false/yes/no/y/n/t/f/1/0 -> boolean, NULL otherwise (never raises)';

-- ---------------------------------------------------------------------------
-- Days: the product's clock is UTC, whatever TimeZone a session sets (the binary's sessions set
-- UTC; a psql user may set another, and current_date, a ::date cast of an instant or a date cast
-- to timestamptz would then follow it). disrupt.day_of(t), the day of an instant, is migration
-- 0013's (reminder.shown_on's default uses it); today() is the day of now(); day_start(d) is the
-- first instant of day d. Every definition takes its day boundaries from these three.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT disrupt.day_of(now()) $$;

CREATE OR REPLACE FUNCTION disrupt.day_start(d date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT d::timestamp AT TIME ZONE 'UTC' $$;

-- ---------------------------------------------------------------------------
-- touch(): BEFORE UPDATE row trigger keeping the provenance columns honest.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.touch() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.created_by := OLD.created_by;
    NEW.created_at := OLD.created_at;
    NEW.updated_by := session_user;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------
-- Identity helpers (names fixed; used by the policies and the API functions).
-- SECURITY DEFINER so they can read disrupt.staff whatever the caller's rights.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.caller_login() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$ SELECT session_user::text $$;

-- Is p_login the install administrator: a superuser, or the owner of this database? (Such a login
-- may have no staff row; it counts as an administrator.) Granted to nobody: it runs inside the
-- SECURITY DEFINER functions (is_install_admin, and reminder_may_see for a login with no staff
-- row). PL/pgSQL, so that its statement is planned once per session, not at every call.
CREATE OR REPLACE FUNCTION disrupt.install_admin_login(p_login text) RETURNS boolean
LANGUAGE plpgsql STABLE  -- no SET clause (a settings switch per call; every name is qualified)
AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                    WHERE r.rolname = p_login
                      AND (r.rolsuper OR r.oid = (SELECT d.datdba FROM pg_catalog.pg_database d
                                                   WHERE d.datname = pg_catalog.current_database())));
END $$;

-- A reason, purpose, scope, outcome or note without the invisible characters at its ends (controls,
-- every Unicode space and separator, the zero-width and direction format characters, soft hyphen,
-- byte-order mark); NULL, blank and refused, unless it then says something: at least one letter
-- A-Z or digit. Invisible and letter-like code points are too many to list (Hangul fillers, braille
-- blank, variation selectors, tags, combining marks on their own: helper-61 passed each), and the
-- forums' records are written in English or Welsh. The rule is DisruptCore's BlankText (the same
-- ranges; BlankTextTests checks they agree); plain btrim takes only spaces, so a tab or a no-break
-- space had passed for a reason from psql.
CREATE OR REPLACE FUNCTION disrupt.clean_reason(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN c ~ '[A-Za-z0-9]' THEN c END
      FROM (SELECT regexp_replace(p_text,
                '^[\u0001-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]+'
                '|[\u0001-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]+$',
                '', 'g') AS c) t
$$;

CREATE OR REPLACE FUNCTION disrupt.is_install_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$ SELECT disrupt.install_admin_login(session_user) $$;

-- refuse_explain(): refused (42501) when the session is running EXPLAIN, unless it is a
-- superuser's (issue 12). EXPLAIN (ANALYZE) shows what a statement read, hidden rows included:
-- "Rows Removed by Filter" of a table's policy, the BUFFERS a SECURITY DEFINER function read
-- (the dossier of a person she may see showed whether another agency held restricted records
-- about him), the WAL a write made (the alerts it made for others, helper-69). Every function
-- that reads personal data for a staff login calls it first (the readers of reading.sql,
-- require_consultation, the reminder and audit readers), and so does every audited table's
-- statement trigger, which every write fires: the refusal depends on the statement alone,
-- never on a row. No policy may call it per row: a policy's condition runs only when a row is
-- found, so its refusal would tell that a hidden row exists (helper-77 read a hidden reference
-- that way); policies reach it through not_explaining (below), which the planner runs once.
-- "Running EXPLAIN": the text the client sent mentions it (current_query(), a nested call's
-- included), or a statement prepared or a portal bound in this session does (a protocol-level
-- Parse of "EXPLAIN ..." run by a later "EXECUTE s" or "FETCH ALL FROM p", helper-77). Any
-- mention refuses, a literal saying "explain" included (the CLI sends data as parameters).
-- Staff cannot build a statement's text on the server: they may use neither PL/pgSQL nor SQL
-- functions of their own (StatisticsLock), and query_to_xml and its kin refuse EXPLAIN.
-- session_is_superuser(): whether the session's login is a superuser (who may EXPLAIN).
-- Operators are written OPERATOR(pg_catalog....): these run with the caller's search_path.
CREATE FUNCTION disrupt.session_is_superuser() RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) session_user), false)
$$;

-- session_explaining(): the session runs EXPLAIN (the one test of it, for its two callers).
-- PL/pgSQL, so that its query is planned once per session (an SQL function was planned again at
-- every call: 35-54 µs a call of not_explaining against 9-12).
CREATE FUNCTION disrupt.session_explaining() RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN pg_catalog.current_query() OPERATOR(pg_catalog.~*) 'explain'
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_prepared_statements s WHERE s.statement OPERATOR(pg_catalog.~*) 'explain')
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_cursors c WHERE c.statement OPERATOR(pg_catalog.~*) 'explain');
END
$$;

CREATE FUNCTION disrupt.refuse_explain() RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF disrupt.session_explaining() AND NOT disrupt.session_is_superuser() THEN
        RAISE EXCEPTION 'EXPLAIN is not available to staff: it shows what a statement read, rows hidden from you included'
            USING ERRCODE = '42501',
                  HINT = 'Run the statement without EXPLAIN; a database administrator can explain it as a superuser.';
    END IF;
END
$$;

-- not_explaining(): true, unless a staff login's own statement is being planned under EXPLAIN or
-- while her session holds a named prepared statement; then refused (42501). Every policy a login
-- meets calls it first (attach_rls, and each policy written by hand; PolicyPlanGuardTests). It is
-- IMMUTABLE so that the planner calls it while it plans the statement and folds it to true: the
-- refusal happens before a row is read, whatever the rows are, where a policy's own per-row call
-- would tell that a hidden row exists (refuse_explain above). The label is deliberate and must
-- stay (a STABLE or VOLATILE guard would run per row). EXPLAIN (ANALYZE) of any table a policy
-- guards (person, plan, action, the forum tables, matac_cohort, risk_current, ...) is therefore
-- refused before "Rows Removed by Filter" can count a hidden row. It guards statements being
-- planned, not plans already kept: a named prepared statement keeps a plan that "EXPLAIN
-- EXECUTE" runs without planning again, so none may be planned while the session holds one (the
-- CLI and psql send their statements unnamed), and a PL/pgSQL function staff may call as
-- themselves keeps its plans for the session, so each such function that reads a guarded table
-- calls refuse_explain first (import_agency; RecordReadFunctionTests). Inside a SECURITY DEFINER
-- function owned by disrupt_owner or disrupt_reader (roles no login is a member of) it answers
-- true at once: those functions refuse EXPLAIN for themselves (refuse_explain, or the audit
-- trigger of a write), but for the policy helpers and may_see_*, which read one row by id
-- (README, "Known gaps"). A view must be security_invoker: one owned by the owner would meet
-- only owner_all. Planning calls it once per policy met, and a policy's EXISTS is planned twice
-- and expands the policies beneath it: 1 call to plan a read of person, 3 of plan, 7 of action,
-- 15 of action_history (counted with track_functions), so the usual cases answer in one
-- expression each.
CREATE OR REPLACE FUNCTION disrupt.not_explaining() RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF current_user OPERATOR(pg_catalog.=) ANY (ARRAY['disrupt_owner', 'disrupt_reader']::name[]) THEN
        RETURN true;  -- a simple expression: no query is run for it
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_prepared_statements) AND NOT disrupt.session_explaining() THEN
        RETURN true;
    END IF;
    PERFORM disrupt.refuse_explain();
    IF NOT disrupt.session_is_superuser() THEN
        RAISE EXCEPTION 'named prepared statements are not available to staff on disrupt''s tables: EXPLAIN EXECUTE would show what a kept plan read, rows hidden from you included'
            USING ERRCODE = '42501',
                  HINT = 'DEALLOCATE ALL, then send the statement unnamed (as psql and PQexecParams do).';
    END IF;
    RETURN true;
END
$$;
COMMENT ON FUNCTION disrupt.not_explaining() IS
    'true, or refused (42501) under EXPLAIN or while the session holds a named prepared statement; IMMUTABLE on purpose, so the planner calls it once while planning (every policy starts with it)';

-- The caller, from one read of her staff row: an active row's agency and role; an administrator
-- when that role is admin or she is the install administrator (who may have no staff row);
-- active staff when she has an active row or is the install administrator. The one rule behind
-- caller_agency, caller_role, is_active_staff and is_admin, and what disrupt.consult reads once.
-- Granted to nobody: it runs inside those SECURITY DEFINER functions. PL/pgSQL, so that its
-- statements are planned once per session, and so are the four wrappers below (as SQL functions
-- each was planned again in every statement whose policy called it: about 50 µs a statement,
-- which a read paid only when a row reached the policy, so timing told a hidden row from none).
-- A transaction that keeps one snapshot (REPEATABLE READ or SERIALIZABLE) and took it while a
-- change of what some login may read was being made, or before, shows her old staff row after
-- the change has committed: refused then (40001, start again), so that nobody reads or writes
-- with an access she has lost (helper-96, helper-97). Each change marks itself
-- (staff_read_scope_changing, security.sql; migration 0025). At READ COMMITTED every statement
-- takes a snapshot of its own: one that began before a change may finish with what it began
-- with, as any statement does; refusing it too failed innocent statements that had waited for a
-- lock while an unrelated change committed.
CREATE OR REPLACE FUNCTION disrupt.caller_identity(OUT agency text, OUT role text, OUT admin boolean, OUT active boolean)
LANGUAGE plpgsql STABLE  -- no SET clause (a settings switch per call; every name is qualified)
AS $$
DECLARE
    v_snapshot pg_catalog.pg_snapshot;
    v_mark     bigint;
    v_status   text;
BEGIN
    IF pg_catalog.current_setting('transaction_isolation') OPERATOR(pg_catalog.<>) 'read committed' THEN
        v_snapshot := pg_catalog.pg_current_snapshot();
        FOR v_mark IN SELECT m.last_value FROM disrupt.staff_change_last m
                      UNION ALL SELECT m.last_value FROM disrupt.staff_change_committed m LOOP
            IF v_mark OPERATOR(pg_catalog.>) 0
               AND NOT pg_catalog.pg_visible_in_snapshot(v_mark::text::pg_catalog.xid8, v_snapshot) THEN
                BEGIN
                    v_status := pg_catalog.pg_xact_status(v_mark::text::pg_catalog.xid8);
                EXCEPTION WHEN invalid_parameter_value THEN
                    v_status := NULL;  -- ahead of this cluster: a mark a restored dump brought (cleared at the next change)
                END;
                IF v_status OPERATOR(pg_catalog.=) 'committed' THEN
                    RAISE EXCEPTION 'what staff may read changed after this transaction began: start it again'
                        USING ERRCODE = '40001';
                END IF;
            END IF;
        END LOOP;
    END IF;
    SELECT s.agency, s.role INTO agency, role FROM disrupt.staff s WHERE s.login = session_user AND s.active;
    admin := role IS NOT DISTINCT FROM 'admin' OR disrupt.install_admin_login(session_user);
    active := role IS NOT NULL OR admin;
END $$;

CREATE OR REPLACE FUNCTION disrupt.caller_agency() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$ BEGIN RETURN (disrupt.caller_identity()).agency; END $$;

CREATE OR REPLACE FUNCTION disrupt.caller_role() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$ BEGIN RETURN (disrupt.caller_identity()).role; END $$;

-- active staff, or the install administrator (who may have no staff row)
CREATE OR REPLACE FUNCTION disrupt.is_active_staff() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$ BEGIN RETURN (disrupt.caller_identity()).active; END $$;

CREATE OR REPLACE FUNCTION disrupt.is_admin() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$ BEGIN RETURN (disrupt.caller_identity()).admin; END $$;

-- the reminder service login (member of disrupt_service)
CREATE OR REPLACE FUNCTION disrupt.is_service() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$ SELECT pg_catalog.pg_has_role(session_user, 'disrupt_service', 'MEMBER') $$;

-- ---------------------------------------------------------------------------
-- Audit triggers (the audit_log table is in the baseline migration)
-- ---------------------------------------------------------------------------
-- object key and person concerned, from a row as jsonb
CREATE OR REPLACE FUNCTION disrupt.audit_row_key(tbl text, j jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT COALESCE(j ->> 'id', j ->> 'login', j ->> 'person_id') $$;

CREATE OR REPLACE FUNCTION disrupt.audit_row_person(tbl text, j jsonb) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (CASE WHEN tbl = 'person' THEN j ->> 'id' ELSE j ->> 'person_id' END)::bigint $$;

-- Statement-level audit triggers (transition tables, one INSERT ... SELECT each).
-- A bulk import (import_run marks its statement with the CSV's file name in the owner-only
-- import context, disrupt.import_file(), security.sql; no session setting is trusted) logs
-- each new row's key and person with after = {"import": file} instead of the whole row image: the image is the row itself and the file it came from, and writing
-- it tripled the cost of importing (476k markers: audit 11.2 s -> 4.5 s).  Updates keep
-- their full before/after in every case.
CREATE OR REPLACE FUNCTION disrupt.audit_after_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    v_agency text := disrupt.caller_agency();
    v_file   text := disrupt.import_file();
    v_key    text;
    v_person text;
BEGIN
    PERFORM disrupt.refuse_explain();  -- every write fires it: no EXPLAIN (ANALYZE, WAL) of a write
    IF v_file IS NOT NULL THEN
        -- import: read the key and person straight from the transition table's columns
        -- (no per-row jsonb image of the row); the after value is built once.
        SELECT CASE WHEN bool_or(a.attname = 'id') THEN 'n.id::text'
                    WHEN bool_or(a.attname = 'login') THEN 'n.login'
                    ELSE 'n.person_id::text' END,
               CASE WHEN TG_TABLE_NAME = 'person' THEN 'n.id'
                    WHEN bool_or(a.attname = 'person_id') THEN 'n.person_id'
                    ELSE 'NULL::bigint' END
          INTO v_key, v_person
          FROM pg_attribute a
         WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped;
        EXECUTE format('INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, after) '
                       'SELECT $1, ''collect'', $2, %s, %s, $3 FROM new_rows n', v_key, v_person)
            USING v_agency, TG_TABLE_NAME::text, jsonb_build_object('import', v_file);
        RETURN NULL;
    END IF;
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, after)
    SELECT v_agency, 'collect', TG_TABLE_NAME,
           disrupt.audit_row_key(TG_TABLE_NAME, x.j), disrupt.audit_row_person(TG_TABLE_NAME, x.j),
           CASE WHEN v_file IS NULL THEN x.j ELSE jsonb_build_object('import', v_file) END
    FROM (SELECT to_jsonb(n) AS j FROM new_rows n) x;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.audit_after_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE v_agency text := disrupt.caller_agency();
BEGIN
    PERFORM disrupt.refuse_explain();  -- every write fires it: no EXPLAIN (ANALYZE, WAL) of a write
    -- before/after hold the changed columns only (updated_at/updated_by excluded);
    -- rows where nothing changed are not logged.
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, before, after)
    SELECT v_agency, 'alter', TG_TABLE_NAME,
           disrupt.audit_row_key(TG_TABLE_NAME, n.j), disrupt.audit_row_person(TG_TABLE_NAME, n.j),
           d.before, d.after
    FROM (SELECT to_jsonb(o) AS j FROM old_rows o) o
    JOIN (SELECT to_jsonb(n) AS j FROM new_rows n) n
      ON COALESCE(o.j -> 'id', o.j -> 'login', o.j -> 'person_id') = COALESCE(n.j -> 'id', n.j -> 'login', n.j -> 'person_id')
    CROSS JOIN LATERAL (
        SELECT jsonb_object_agg(e.key, e.value) AS before,
               jsonb_object_agg(e.key, n.j -> e.key) AS after
        FROM jsonb_each(o.j) e
        WHERE e.key NOT IN ('updated_at', 'updated_by')
          AND e.value IS DISTINCT FROM n.j -> e.key
    ) d
    WHERE d.before IS NOT NULL;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.audit_after_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE v_agency text := disrupt.caller_agency();
BEGIN
    PERFORM disrupt.refuse_explain();  -- every write fires it: no EXPLAIN (ANALYZE, WAL) of a write
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, before)
    SELECT v_agency, 'erase', TG_TABLE_NAME,
           disrupt.audit_row_key(TG_TABLE_NAME, x.j), disrupt.audit_row_person(TG_TABLE_NAME, x.j), x.j
    FROM (SELECT to_jsonb(o) AS j FROM old_rows o) x;
    RETURN NULL;
END
$$;

-- attach_audit(tbl): the three audit statement triggers.  Works for any table whose
-- rows have an "id" (or "login") key; person_id is taken from a person_id column
-- (or id for disrupt.person).  For use by every definition file.
CREATE OR REPLACE FUNCTION disrupt.attach_audit(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'audit_ins') THEN EXECUTE format('DROP TRIGGER audit_ins ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'audit_upd') THEN EXECUTE format('DROP TRIGGER audit_upd ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'audit_del') THEN EXECUTE format('DROP TRIGGER audit_del ON %s', tbl); END IF;
    EXECUTE format('CREATE TRIGGER audit_ins AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.audit_after_insert()', tbl);
    EXECUTE format('CREATE TRIGGER audit_upd AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.audit_after_update()', tbl);
    EXECUTE format('CREATE TRIGGER audit_del AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.audit_after_delete()', tbl);
END
$$;


-- may_see_row(row agency, row sensitivity, caller agency, caller admin): THE agency rule for one
-- row: shared, or the caller's agency's, or any for an administrator. Plain SQL of one
-- expression, so PostgreSQL inlines it into the read policies (through may_read_row, below) and
-- the functions that apply the rule themselves (may_see_person and its kin, record_counts_for,
-- the cohort's, the merge guard's and the reference checks'): the same plan as the rule written
-- out. Granted to staff, whose policies call it; it reads nothing. (recompute_pending and the import's
-- key look-ups apply a narrower rule, without the administrator's exception.)
CREATE FUNCTION disrupt.may_see_row(row_agency text, row_sensitivity text, caller_agency text, caller_admin boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(row_sensitivity OPERATOR(pg_catalog.=) 'shared', false)
        OR coalesce(row_agency OPERATOR(pg_catalog.=) caller_agency, false)
        OR coalesce(caller_admin, false)
$$;

-- may_read_row(row agency, row sensitivity, scope): may_see_row for a read policy, given
-- disrupt.read_scope(...) (security.sql): nothing when the scope is NULL, every row when it is
-- '*' (an administrator), else shared rows and the scope's agency's. The policies pass
-- read_scope(...) itself, which the planner folds to a constant (it is IMMUTABLE on purpose),
-- so this inlines to comparisons with constants: the same cost for a row that is hidden as for
-- one that is not. (What else a policy asks per row, such as an EXISTS on the person, still
-- runs only for rows that reach it: README, "Known gaps".)
CREATE FUNCTION disrupt.may_read_row(row_agency text, row_sensitivity text, scope text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT scope IS NOT NULL
       AND disrupt.may_see_row(row_agency, row_sensitivity, scope, scope OPERATOR(pg_catalog.=) '*')
$$;

-- ---------------------------------------------------------------------------
-- Row-level security
-- attach_rls(tbl): ENABLE + FORCE, and the standard policies for a table with
-- agency and sensitivity columns.
--   read:  may_read_row with read_scope(true) (security.sql): an open consultation (active
--          staff whose session called disrupt.consult(purpose, scope) in a committed
--          transaction), then may_see_row (shared OR own agency OR admin). Every staff SELECT
--          policy on personal data asks read_scope(true) the same way; the planner answers it
--          while it plans the statement, so what a policy does per row is compare constants.
--   write: active staff AND (own agency OR admin)   (INSERT/UPDATE/DELETE; the same rule as
--          disrupt.may_change, record.sql, which the SECURITY DEFINER writers apply per row).
--          Staff hold INSERT only (record.sql): stored rows change through those writers, since
--          an UPDATE grant is also a row lock.
--   owner_all: the SECURITY DEFINER functions owned by disrupt_owner (merge, audit, dirty)
-- The write policies' helpers are wrapped in (SELECT ...) so each is an initplan, run once per
-- statement (a write's rows are the writer's own: nothing hidden reaches them).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.attach_rls(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    rd text := 'disrupt.not_explaining() AND disrupt.may_read_row(agency, sensitivity, disrupt.read_scope(true))';
    wr text := 'disrupt.not_explaining() AND (SELECT disrupt.is_active_staff()) AND (agency = (SELECT disrupt.caller_agency()) '
               'OR (SELECT disrupt.is_admin()))';
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_read') THEN EXECUTE format('DROP POLICY staff_read ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_insert') THEN EXECUTE format('DROP POLICY staff_insert ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_update') THEN EXECUTE format('DROP POLICY staff_update ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_delete') THEN EXECUTE format('DROP POLICY staff_delete ON %s', tbl); END IF;
    EXECUTE format('CREATE POLICY staff_read ON %s FOR SELECT USING (%s)', tbl, rd);
    EXECUTE format('CREATE POLICY staff_insert ON %s FOR INSERT WITH CHECK (%s)', tbl, wr);
    -- no staff role holds UPDATE or DELETE on these tables: the two policies are the second wall,
    -- should one ever be granted
    EXECUTE format('CREATE POLICY staff_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)', tbl, wr, wr);
    EXECUTE format('CREATE POLICY staff_delete ON %s FOR DELETE USING (%s)', tbl, wr);
    PERFORM disrupt.attach_owner_policy(tbl);
END
$$;

-- attach_owner_policy(tbl): the owner_all policy through which the SECURITY DEFINER
-- functions owned by disrupt_owner reach every row of a table whose RLS is forced.
CREATE OR REPLACE FUNCTION disrupt.attach_owner_policy(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'owner_all') THEN EXECUTE format('DROP POLICY owner_all ON %s', tbl); END IF;
    EXECUTE format('CREATE POLICY owner_all ON %s TO disrupt_owner USING (true) WITH CHECK (true)', tbl);
END
$$;


-- grant_read(roles, tables...): what a role reads of a table is its user columns, never its
-- system columns. A table-level SELECT also gives xmin, xmax and ctid, and xmax of a row names
-- the last transaction that locked it: the reference checks and the foreign keys lock the
-- person, party, order, code and staff rows a record names FOR KEY SHARE whenever it is
-- written, hidden records included, so a login that polled xmax of a person she may see learnt
-- that a record hidden from her was written about him, and when (helper-49). Every grant of
-- SELECT on a table of the schema goes through here. Column privileges cover the columns that
-- exist when it runs; the definitions run again after every migration, so a column added later
-- is granted then.
CREATE OR REPLACE FUNCTION disrupt.grant_read(roles text[], VARIADIC tables regclass[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    t regclass;
    r text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        FOREACH r IN ARRAY roles LOOP
            EXECUTE (SELECT format('GRANT SELECT (%s) ON %s TO %I',
                                   string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum), t, r)
                     FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = t AND a.attnum > 0 AND NOT a.attisdropped);
        END LOOP;
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- The risk recompute queue (person_dirty): set-based statement triggers.
-- SECURITY DEFINER (owned by disrupt_owner) so staff need no privilege on person_dirty
-- to write the tables that feed it.  Append-only (migration 0018): each write statement adds
-- one row per person it touched, so no two writers share a row and none waits for another
-- (helper-54: a shared row made another agency's hidden record wait for a writer who kept her
-- transaction open, and a lock timeout told her it was in flight).  The recompute deletes the
-- committed rows of the people it takes and then reads their records; a writer still in flight
-- keeps its row, so its change is recomputed next time: none slips between read and delete.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.dirty_after_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT DISTINCT n.person_id FROM new_rows n;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.dirty_after_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT n.person_id FROM new_rows n
    UNION
    SELECT o.person_id FROM old_rows o;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.dirty_after_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT DISTINCT o.person_id FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = o.person_id);
    RETURN NULL;
END
$$;

-- attach_dirty(tbl): the three statement triggers on a table with a person_id column.
CREATE OR REPLACE FUNCTION disrupt.attach_dirty(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'dirty_ins') THEN EXECUTE format('DROP TRIGGER dirty_ins ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'dirty_upd') THEN EXECUTE format('DROP TRIGGER dirty_upd ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'dirty_del') THEN EXECUTE format('DROP TRIGGER dirty_del ON %s', tbl); END IF;
    EXECUTE format('CREATE TRIGGER dirty_ins AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.dirty_after_insert()', tbl);
    EXECUTE format('CREATE TRIGGER dirty_upd AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.dirty_after_update()', tbl);
    EXECUTE format('CREATE TRIGGER dirty_del AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.dirty_after_delete()', tbl);
END
$$;

-- ---------------------------------------------------------------------------
-- bound_lock_waits(names): the functions of these names (every overload in schema disrupt) wait
-- at most 5 s for a row another session holds, then fail with 55P03 (the CLI: exit 5, "someone
-- else is changing it: try again"). For the staff-facing functions that change shared work (a
-- plan, an action, a meeting, an alert, a record): a command commits in milliseconds, but a
-- member of staff can keep a transaction open in psql, and without a bound whoever touched the
-- same row next waited as long as she liked. Each definition file calls it for its own functions.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.bound_lock_waits(VARIADIC names text[]) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    f regprocedure;
    missing text := (SELECT string_agg(n, ', ') FROM unnest(names) n
                      WHERE NOT EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = 'disrupt'::regnamespace AND p.proname = n));
BEGIN
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'bound_lock_waits: no function named %', missing;
    END IF;
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'disrupt'::regnamespace AND p.proname = ANY (names)
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET lock_timeout = %L', f, '5s');
    END LOOP;
END
$$;

-- quiet_definer_functions(): debug_print_plan and trace_sort are settings any login may change,
-- and a function runs with its caller's settings unless it sets its own. With them on (and
-- client_min_messages = log) a staff login was sent the plan of every statement a SECURITY
-- DEFINER function ran, row estimates drawn from every agency's rows included, and the size of
-- every sort it made (helper-71: from reminders_about, about 300 reminders about a person
-- hidden from her; from audit_entries, 3,000 audit rows of another login). Every SECURITY
-- DEFINER function of the schemas disrupt and disrupt_private, a trigger's included (it runs
-- in the writer's session), runs with those two and debug_print_parse and
-- debug_print_rewritten (query trees: no data seen in them, off all the same) off: under 2 us
-- a call (200,000 calls in psql, a benchmark beside it). Functions only: a SET clause would
-- stop a procedure from committing. The last definition file (report.sql) calls it, so it is
-- part of what the definitions' checksums cover; ALTER FUNCTION ... SET adds to the settings a
-- function already has.
CREATE OR REPLACE FUNCTION disrupt.quiet_definer_functions() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname IN ('disrupt', 'disrupt_private')
             WHERE p.prosecdef AND p.prokind = 'f'
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET debug_print_plan = off SET trace_sort = off '
                       'SET debug_print_parse = off SET debug_print_rewritten = off', f);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- Ownership: hand everything in schema disrupt to disrupt_owner (extension members
-- excepted).  Idempotent; each definition file calls it after creating its objects.
-- Run by the migration runner, a superuser (the files also give functions to
-- disrupt_role_admin, disrupt_reader and disrupt_stager, which only a superuser may do for roles
-- it is not in).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.hand_to_owner() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
DECLARE o record;
BEGIN
    EXECUTE 'ALTER SCHEMA disrupt OWNER TO disrupt_owner';
    FOR o IN
        SELECT c.oid::regclass AS name, c.relkind
        FROM pg_class c
        WHERE c.relnamespace = 'disrupt'::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND c.relowner <> 'disrupt_owner'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
    LOOP
        -- sequences owned by a table follow it
        EXECUTE format('ALTER %s %s OWNER TO disrupt_owner',
                       CASE o.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                      WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, o.name);
    END LOOP;
    FOR o IN
        SELECT c.oid::regclass AS name
        FROM pg_class c
        WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind = 'S'
          AND c.relowner <> 'disrupt_owner'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('e', 'i', 'a'))
    LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO disrupt_owner', o.name);
    END LOOP;
    FOR o IN
        SELECT p.oid::regprocedure AS name, p.prokind
        FROM pg_proc p
        WHERE p.pronamespace = 'disrupt'::regnamespace
          AND p.proowner <> 'disrupt_owner'::regrole
          -- the login functions of security.sql stay with the role that has CREATEROLE, the
          -- readers of reading.sql with disrupt_reader, the makers of temporary tables with
          -- disrupt_stager (migration 0026)
          AND p.proowner NOT IN (SELECT r.oid FROM pg_catalog.pg_roles r
                                 WHERE r.rolname IN ('disrupt_role_admin', 'disrupt_reader', 'disrupt_stager'))
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO disrupt_owner',
                       CASE o.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, o.name);
    END LOOP;
    FOR o IN
        SELECT t.oid::regtype AS name
        FROM pg_type t
        WHERE t.typnamespace = 'disrupt'::regnamespace AND t.typtype IN ('e', 'd', 'c')
          AND t.typrelid = 0
          AND t.typowner <> 'disrupt_owner'::regrole
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                          AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO disrupt_owner', o.name);
    END LOOP;
END
$$;

SELECT disrupt.hand_to_owner();

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
REVOKE ALL ON SCHEMA disrupt FROM PUBLIC;
GRANT USAGE ON SCHEMA disrupt TO disrupt_staff, disrupt_service;
-- disrupt_stager (migration 0026) makes the temporary tables staff commands need, in functions
-- it owns (import.sql, risk.sql); no other role of disrupt's makes one (the TEMPORARY privilege
-- on the database is its only: SchemaChangeGuard.swift, a superuser's migrate).
GRANT USAGE ON SCHEMA disrupt TO disrupt_stager;

-- functions: nothing by default (PostgreSQL grants EXECUTE to PUBLIC); then what staff may call
-- (new_id, migration 0012, is the id columns' default, which runs as the inserting login)
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA disrupt FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.fold(text), disrupt.try_date(text), disrupt.try_int(text), disrupt.try_bool(text),
    disrupt.day_of(timestamptz), disrupt.today(), disrupt.day_start(date),
    disrupt.caller_login(), disrupt.caller_agency(), disrupt.caller_role(),
    disrupt.is_active_staff(), disrupt.is_admin(), disrupt.is_install_admin(), disrupt.is_service(),
    disrupt.audit_row_key(text, jsonb), disrupt.audit_row_person(text, jsonb),
    disrupt.new_id(boolean), disrupt.may_see_row(text, text, text, boolean), disrupt.may_read_row(text, text, text)
    TO disrupt_staff;
-- the readers of reading.sql (owned by disrupt_reader) call refuse_explain themselves; every
-- policy calls not_explaining, which calls it, as the login whose statement is planned
GRANT EXECUTE ON FUNCTION disrupt.refuse_explain(), disrupt.not_explaining(), disrupt.session_explaining(),
    disrupt.session_is_superuser() TO disrupt_staff;
-- trigger functions are invoked by the trigger mechanism (no EXECUTE check on the caller)
-- extension members (unaccent, used by fold) keep their default EXECUTE for PUBLIC;
-- the schema's USAGE is what keeps outsiders away.
DO $do$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             JOIN pg_catalog.pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
             WHERE p.pronamespace = 'disrupt'::regnamespace
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO PUBLIC', f);
    END LOOP;
END
$do$;

-- unaccent is also granted explicitly to the owner and to staff, so name search,
-- merge_person and ANALYZE of the fold indexes never depend on PUBLIC.
DO $do$
DECLARE f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure
             FROM pg_catalog.pg_proc p
             JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
             JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'unaccent'
    LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO disrupt_owner, disrupt_staff', f);
    END LOOP;
END
$do$;

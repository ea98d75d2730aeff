-- 004_security.sql: roles, identity helpers, staff management, row-level security,
-- the audit log (DPA 2018 s.62) and ownership.
--
-- Identity is always session_user (the authenticated login), never a client setting.
-- Roles are cluster-wide, so every CREATE ROLE is guarded.
--
-- disrupt_owner owns the schema and every object in it (see hand_to_owner at the
-- end).  It is NOLOGIN, not a superuser, and has CREATEROLE only so that the
-- SECURITY DEFINER functions staff_add / staff_disable can create and disable
-- login roles.  It is subject to RLS (tables are FORCEd); the SECURITY DEFINER
-- functions it owns reach other agencies' rows through an explicit
-- "owner_all ... TO disrupt_owner" policy on each table, which is visible in
-- \d+ and auditable, instead of BYPASSRLS.

-- ---------------------------------------------------------------------------
-- Group roles (idempotent, NOLOGIN)
-- ---------------------------------------------------------------------------
-- Several databases of one cluster may run this at the same moment: the existence
-- check cannot see another transaction's uncommitted role, so each statement also
-- absorbs the duplicate (42710) or the unique violation on pg_authid /
-- pg_auth_members (23505) that the loser of that race gets.
DO $do$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY ARRAY[
        'CREATE ROLE disrupt_owner NOLOGIN CREATEROLE',
        'CREATE ROLE disrupt_staff NOLOGIN',
        'CREATE ROLE disrupt_admin NOLOGIN',
        'CREATE ROLE disrupt_service NOLOGIN',
        'GRANT disrupt_staff TO disrupt_admin']
    LOOP
        CONTINUE WHEN statement LIKE 'CREATE ROLE %' AND EXISTS (
            SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = split_part(statement, ' ', 3));
        CONTINUE WHEN statement LIKE 'GRANT %' AND EXISTS (
            SELECT 1 FROM pg_catalog.pg_auth_members m
            JOIN pg_catalog.pg_roles r ON r.oid = m.roleid AND r.rolname = 'disrupt_staff'
            JOIN pg_catalog.pg_roles a ON a.oid = m.member AND a.rolname = 'disrupt_admin');
        BEGIN
            EXECUTE statement;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END
$do$;

-- ---------------------------------------------------------------------------
-- Identity helpers (names fixed; used by policies and by 005+).
-- SECURITY DEFINER so they can read disrupt.staff whatever the caller's rights.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.caller_login() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$ SELECT session_user::text $$;

-- superuser, or owner of the current database: the personal-install administrator
CREATE OR REPLACE FUNCTION disrupt.is_install_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = session_user AND r.rolsuper)
        OR EXISTS (SELECT 1 FROM pg_catalog.pg_database d
                   WHERE d.datname = pg_catalog.current_database()
                     AND d.datdba = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = session_user))
$$;

CREATE OR REPLACE FUNCTION disrupt.caller_agency() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$ SELECT s.agency FROM disrupt.staff s WHERE s.login = session_user AND s.active $$;

CREATE OR REPLACE FUNCTION disrupt.caller_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$ SELECT s.role FROM disrupt.staff s WHERE s.login = session_user AND s.active $$;

-- active staff, or the install administrator (who may have no staff row)
CREATE OR REPLACE FUNCTION disrupt.is_active_staff() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
    SELECT EXISTS (SELECT 1 FROM disrupt.staff s WHERE s.login = session_user AND s.active)
        OR disrupt.is_install_admin()
$$;

CREATE OR REPLACE FUNCTION disrupt.is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
    SELECT EXISTS (SELECT 1 FROM disrupt.staff s WHERE s.login = session_user AND s.active AND s.role = 'admin')
        OR disrupt.is_install_admin()
$$;

-- the reminder service login (member of disrupt_service)
CREATE OR REPLACE FUNCTION disrupt.is_service() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$ SELECT pg_catalog.pg_has_role(session_user, 'disrupt_service', 'MEMBER') $$;

-- ---------------------------------------------------------------------------
-- Staff management (admin only)
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.staff_add(login text, full_name text, agency text, role text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    r record;
BEGIN
    IF NOT disrupt.is_admin() THEN
        RAISE EXCEPTION 'staff_add: only an administrator may add staff' USING ERRCODE = '42501';
    END IF;
    IF login IS NULL OR login !~ '^[A-Za-z0-9_.@-]{1,63}$' THEN
        RAISE EXCEPTION 'staff_add: login % must be 1-63 characters of letters, digits, _ . @ -', quote_literal(login)
            USING ERRCODE = '22023';
    END IF;
    IF login LIKE 'pg\_%' OR login IN ('disrupt_owner', 'disrupt_staff', 'disrupt_admin', 'disrupt_service', 'public') THEN
        RAISE EXCEPTION 'staff_add: % is a reserved role name', login USING ERRCODE = '22023';
    END IF;
    IF full_name IS NULL OR btrim(full_name) = '' THEN
        RAISE EXCEPTION 'staff_add: full_name is required' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM disrupt.agency a WHERE a.code = staff_add.agency) THEN
        RAISE EXCEPTION 'staff_add: agency % is not a known agency', quote_literal(agency) USING ERRCODE = '22023';
    END IF;
    IF role IS NULL OR role NOT IN ('rep', 'spoc', 'chair', 'coordinator', 'idva', 'admin') THEN
        RAISE EXCEPTION 'staff_add: role % must be rep, spoc, chair, coordinator, idva or admin', quote_literal(role)
            USING ERRCODE = '22023';
    END IF;

    SELECT rolcanlogin, rolsuper INTO r FROM pg_catalog.pg_roles WHERE rolname = login;
    IF NOT FOUND THEN
        EXECUTE format('CREATE ROLE %I LOGIN', login);
    ELSIF NOT r.rolcanlogin AND NOT r.rolsuper THEN
        -- re-enabling someone who was disabled
        EXECUTE format('ALTER ROLE %I LOGIN', login);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                   WHERE m.roleid = 'disrupt_staff'::regrole AND m.member = (SELECT pr.oid FROM pg_catalog.pg_roles pr WHERE pr.rolname = login)) THEN
        EXECUTE format('GRANT disrupt_staff TO %I', login);
    END IF;
    IF role = 'admin' THEN
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                       WHERE m.roleid = 'disrupt_admin'::regrole AND m.member = (SELECT pr.oid FROM pg_catalog.pg_roles pr WHERE pr.rolname = login)) THEN
            EXECUTE format('GRANT disrupt_admin TO %I', login);
        END IF;
    ELSIF pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
        EXECUTE format('REVOKE disrupt_admin FROM %I', login);
    END IF;

    INSERT INTO disrupt.staff AS s (login, full_name, agency, role, active, disabled_at)
    VALUES (staff_add.login, btrim(staff_add.full_name), staff_add.agency, staff_add.role, true, NULL)
    ON CONFLICT ON CONSTRAINT staff_pkey DO UPDATE
        SET full_name = excluded.full_name, agency = excluded.agency, role = excluded.role,
            active = true, disabled_at = NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.staff_disable(login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    IF NOT disrupt.is_admin() THEN
        RAISE EXCEPTION 'staff_disable: only an administrator may disable staff' USING ERRCODE = '42501';
    END IF;
    UPDATE disrupt.staff s SET active = false, disabled_at = COALESCE(s.disabled_at, now())
    WHERE s.login = staff_disable.login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'staff_disable: % is not staff', quote_literal(login) USING ERRCODE = 'P0002';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = login AND NOT rolsuper) THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', login);
        IF pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
            EXECUTE format('REVOKE disrupt_admin FROM %I', login);
        END IF;
    END IF;
    -- open sessions of that login see nothing from now on (policies test is_active_staff())
END
$$;

-- ---------------------------------------------------------------------------
-- Audit log (append-only)
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    login        text NOT NULL DEFAULT session_user,
    agency       text NULL,              -- the acting login's agency at the time
    operation    text NOT NULL CHECK (operation IN ('collect', 'alter', 'consult', 'disclose', 'combine', 'erase')),
    object_table text NOT NULL,
    object_key   text NULL,              -- the row's id (staff: login)
    person_id    bigint NULL,            -- person concerned (no FK: the log outlives erasure)
    purpose      text NULL,
    recipient    text NULL,
    before       jsonb NULL,
    after        jsonb NULL,
    detail       jsonb NULL              -- consult/disclose: what was shown
);
CREATE INDEX audit_log_person_idx ON disrupt.audit_log (person_id, at);
CREATE INDEX audit_log_login_idx ON disrupt.audit_log (login, at);
CREATE INDEX audit_log_at_idx ON disrupt.audit_log (at);

CREATE OR REPLACE FUNCTION disrupt.audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON disrupt.audit_log
    FOR EACH ROW EXECUTE FUNCTION disrupt.audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON disrupt.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.audit_log_immutable();

-- object key and person concerned, from a row as jsonb
CREATE OR REPLACE FUNCTION disrupt.audit_row_key(tbl text, j jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT COALESCE(j ->> 'id', j ->> 'login', j ->> 'person_id') $$;

CREATE OR REPLACE FUNCTION disrupt.audit_row_person(tbl text, j jsonb) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (CASE WHEN tbl = 'person' THEN j ->> 'id' ELSE j ->> 'person_id' END)::bigint $$;

-- Statement-level audit triggers (transition tables, one INSERT ... SELECT each).
-- A bulk import (the importer sets disrupt.import_file, transaction-local, to the CSV's
-- file name) logs each new row's key and person with after = {"import": file} instead of
-- the whole row image: the image is the row itself and the file it came from, and writing
-- it tripled the cost of importing (476k markers: audit 11.2 s -> 4.5 s).  Updates keep
-- their full before/after in every case.
CREATE OR REPLACE FUNCTION disrupt.audit_after_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    v_agency text := disrupt.caller_agency();
    v_file   text := nullif(current_setting('disrupt.import_file', true), '');
    v_key    text;
    v_person text;
BEGIN
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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
DECLARE v_agency text := disrupt.caller_agency();
BEGIN
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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
DECLARE v_agency text := disrupt.caller_agency();
BEGIN
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, before)
    SELECT v_agency, 'erase', TG_TABLE_NAME,
           disrupt.audit_row_key(TG_TABLE_NAME, x.j), disrupt.audit_row_person(TG_TABLE_NAME, x.j), x.j
    FROM (SELECT to_jsonb(o) AS j FROM old_rows o) x;
    RETURN NULL;
END
$$;

-- attach_audit(tbl): the three audit statement triggers.  Works for any table whose
-- rows have an "id" (or "login") key; person_id is taken from a person_id column
-- (or id for disrupt.person).  For use by 005+ migrations.
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

-- Consultation (reading a summary) and disclosure: purpose is required.
CREATE OR REPLACE FUNCTION disrupt.audit_consult(person_id bigint, purpose text, object_table text, detail jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
DECLARE v_id bigint;
BEGIN
    IF NOT disrupt.is_active_staff() THEN
        RAISE EXCEPTION 'audit_consult: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    IF purpose IS NULL OR btrim(purpose) = '' THEN
        RAISE EXCEPTION 'a purpose is required to consult personal data' USING ERRCODE = '22023';
    END IF;
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, purpose, detail)
    VALUES (disrupt.caller_agency(), 'consult', COALESCE(audit_consult.object_table, 'person'),
            audit_consult.person_id::text, audit_consult.person_id, btrim(audit_consult.purpose), audit_consult.detail)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.audit_disclose(person_id bigint, purpose text, recipient text,
                                                  object_table text, detail jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
DECLARE v_id bigint;
BEGIN
    IF NOT disrupt.is_active_staff() THEN
        RAISE EXCEPTION 'audit_disclose: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    IF purpose IS NULL OR btrim(purpose) = '' THEN
        RAISE EXCEPTION 'a purpose is required to disclose personal data' USING ERRCODE = '22023';
    END IF;
    IF recipient IS NULL OR btrim(recipient) = '' THEN
        RAISE EXCEPTION 'a recipient is required to disclose personal data' USING ERRCODE = '22023';
    END IF;
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, purpose, recipient, detail)
    VALUES (disrupt.caller_agency(), 'disclose', COALESCE(audit_disclose.object_table, 'person'),
            audit_disclose.person_id::text, audit_disclose.person_id, btrim(audit_disclose.purpose),
            btrim(audit_disclose.recipient), audit_disclose.detail)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

-- ---------------------------------------------------------------------------
-- Row-level security
-- attach_rls(tbl): ENABLE + FORCE, and the standard policies for a table with
-- agency and sensitivity columns.  For use by 005+ migrations.
--   read:  active staff AND (shared OR own agency OR admin)
--   write: active staff AND (own agency OR admin)   (INSERT/UPDATE/DELETE)
--   owner_all: the SECURITY DEFINER functions owned by disrupt_owner (merge, audit, dirty)
-- The helpers are wrapped in (SELECT ...) so each is an initplan, run once per statement.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.attach_rls(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    rd text := '(SELECT disrupt.is_active_staff()) AND (sensitivity = ''shared'' '
               'OR agency = (SELECT disrupt.caller_agency()) OR (SELECT disrupt.is_admin()))';
    wr text := '(SELECT disrupt.is_active_staff()) AND (agency = (SELECT disrupt.caller_agency()) '
               'OR (SELECT disrupt.is_admin()))';
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_read') THEN EXECUTE format('DROP POLICY staff_read ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_insert') THEN EXECUTE format('DROP POLICY staff_insert ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_update') THEN EXECUTE format('DROP POLICY staff_update ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'staff_delete') THEN EXECUTE format('DROP POLICY staff_delete ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = tbl AND polname = 'owner_all') THEN EXECUTE format('DROP POLICY owner_all ON %s', tbl); END IF;
    EXECUTE format('CREATE POLICY staff_read ON %s FOR SELECT USING (%s)', tbl, rd);
    EXECUTE format('CREATE POLICY staff_insert ON %s FOR INSERT WITH CHECK (%s)', tbl, wr);
    EXECUTE format('CREATE POLICY staff_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)', tbl, wr, wr);
    EXECUTE format('CREATE POLICY staff_delete ON %s FOR DELETE USING (%s)', tbl, wr);
    EXECUTE format('CREATE POLICY owner_all ON %s TO disrupt_owner USING (true) WITH CHECK (true)', tbl);
END
$$;

-- personal-data tables: RLS + audit
SELECT disrupt.attach_rls(t::regclass), disrupt.attach_audit(t::regclass)
FROM unnest(ARRAY['disrupt.person', 'disrupt.alias', 'disrupt.party', 'disrupt.relationship',
                  'disrupt.incident', 'disrupt.marker', 'disrupt.court_order', 'disrupt.breach',
                  'disrupt.forum_link', 'disrupt.referral']) AS t;

-- staff: readable by active staff and the service; written only by staff_add/staff_disable
ALTER TABLE disrupt.staff ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.staff FORCE ROW LEVEL SECURITY;
-- (not TO PUBLIC: the helpers read staff as disrupt_owner, which must only meet owner_all,
--  or each helper call would evaluate this policy and call the helpers again)
CREATE POLICY staff_read ON disrupt.staff FOR SELECT TO disrupt_staff, disrupt_service
    USING ((SELECT disrupt.is_active_staff()) OR (SELECT disrupt.is_service()));
CREATE POLICY owner_all ON disrupt.staff TO disrupt_owner USING (true) WITH CHECK (true);
SELECT disrupt.attach_audit('disrupt.staff');

-- audit_log: read by admins and by the login that made the row; inserted only by
-- the SECURITY DEFINER functions (owner); never updated or deleted.
ALTER TABLE disrupt.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_read ON disrupt.audit_log FOR SELECT
    USING ((SELECT disrupt.is_admin()) OR login = (SELECT disrupt.caller_login()));
CREATE POLICY owner_insert ON disrupt.audit_log FOR INSERT TO disrupt_owner WITH CHECK (true);
CREATE POLICY owner_read ON disrupt.audit_log FOR SELECT TO disrupt_owner USING (true);

-- ---------------------------------------------------------------------------
-- Ownership: hand everything in schema disrupt to disrupt_owner (extension members
-- excepted).  Idempotent; 005+ migrations call SELECT disrupt.hand_to_owner(); at
-- their end.  Run by the migration runner (superuser, or a member of disrupt_owner).
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
-- Grants
-- ---------------------------------------------------------------------------
REVOKE ALL ON SCHEMA disrupt FROM PUBLIC;
GRANT USAGE ON SCHEMA disrupt TO disrupt_staff, disrupt_service;

-- functions: nothing by default; then what each group may call
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA disrupt FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.fold(text), disrupt.try_date(text), disrupt.try_int(text), disrupt.try_bool(text),
    disrupt.caller_login(), disrupt.caller_agency(), disrupt.caller_role(),
    disrupt.is_active_staff(), disrupt.is_admin(), disrupt.is_install_admin(), disrupt.is_service(),
    disrupt.audit_row_key(text, jsonb), disrupt.audit_row_person(text, jsonb)
    TO disrupt_staff, disrupt_service;
GRANT EXECUTE ON FUNCTION
    disrupt.merge_person(text, text),
    disrupt.audit_consult(bigint, text, text, jsonb),
    disrupt.audit_disclose(bigint, text, text, text, jsonb),
    disrupt.import_declaration(), disrupt.import_kind(text), disrupt.import_stage(text),
    disrupt.import_run(text, text), disrupt.import_hidden_keys(text, text, text[]), disrupt.import_agency(text),
    disrupt.import_prepare(regclass)
    TO disrupt_staff;
-- staff_add/staff_disable check is_admin() themselves; granted to staff so that a
-- staff row with role admin works even before its disrupt_admin membership is seen.
GRANT EXECUTE ON FUNCTION disrupt.staff_add(text, text, text, text), disrupt.staff_disable(text)
    TO disrupt_admin;
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

-- lookups: read by everyone in the product; the admin keeps labels/gravities in sync
GRANT SELECT ON disrupt.agency, disrupt.marker_kind, disrupt.offence, disrupt.order_type
    TO disrupt_staff, disrupt_service;
GRANT INSERT, UPDATE ON disrupt.agency, disrupt.marker_kind, disrupt.offence, disrupt.order_type
    TO disrupt_admin;

-- personal data: full DML, narrowed by RLS
GRANT SELECT, INSERT, UPDATE, DELETE ON
    disrupt.person, disrupt.alias, disrupt.party, disrupt.relationship, disrupt.incident,
    disrupt.marker, disrupt.court_order, disrupt.breach, disrupt.forum_link, disrupt.referral
    TO disrupt_staff;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA disrupt TO disrupt_staff;

-- staff directory: read only (writes via staff_add / staff_disable)
GRANT SELECT ON disrupt.staff TO disrupt_staff, disrupt_service;

-- risk recompute queue (ids only, no personal data): the recompute runs as staff
GRANT SELECT, INSERT, DELETE ON disrupt.person_dirty TO disrupt_staff;

-- audit log: read only (RLS: admins, and one's own rows); append via functions/triggers
REVOKE ALL ON disrupt.audit_log FROM PUBLIC;
GRANT SELECT ON disrupt.audit_log TO disrupt_staff;
REVOKE UPDATE, DELETE, TRUNCATE ON disrupt.audit_log
    FROM disrupt_owner, disrupt_staff, disrupt_admin, disrupt_service;

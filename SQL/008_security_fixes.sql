-- 008_security_fixes.sql: corrections to 004's roles, grants and staff functions.
--
--   * unaccent (used by fold) is granted explicitly to the owner and to staff, so name
--     search, merge_person and ANALYZE of the fold indexes never depend on PUBLIC.
--   * staff and the service may read schema_migrations: every command checks the schema
--     version before it runs, whoever is connected.
--   * the reminder service gets nothing but its own functions (006's promise): 004 had
--     also given it the staff directory, the lookups and the helper functions.
--   * the provenance columns (created_by, created_at, updated_by, updated_at) cannot be
--     written by staff on INSERT (column privileges; touch() already guards UPDATE), so a
--     row cannot claim another author.
--   * every SECURITY DEFINER function searches pg_temp last (a temporary table cannot
--     shadow a name it uses).
--   * staff_disable records a reason; staff_add and staff_disable absorb the races of
--     two databases of one cluster creating or changing the same login at once.

-- ---------------------------------------------------------------------------
-- unaccent
-- ---------------------------------------------------------------------------
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

-- ---------------------------------------------------------------------------
-- the schema version, readable by everyone who connects
-- ---------------------------------------------------------------------------
GRANT SELECT ON disrupt.schema_migrations TO disrupt_staff, disrupt_service;

-- ---------------------------------------------------------------------------
-- the reminder service: its four functions (006) and the schema version only
-- ---------------------------------------------------------------------------
REVOKE ALL ON disrupt.staff, disrupt.agency, disrupt.marker_kind, disrupt.offence, disrupt.order_type
    FROM disrupt_service;
REVOKE EXECUTE ON FUNCTION
    disrupt.fold(text), disrupt.try_date(text), disrupt.try_int(text), disrupt.try_bool(text),
    disrupt.caller_login(), disrupt.caller_agency(), disrupt.caller_role(),
    disrupt.is_active_staff(), disrupt.is_admin(), disrupt.is_install_admin(), disrupt.is_service(),
    disrupt.audit_row_key(text, jsonb), disrupt.audit_row_person(text, jsonb)
    FROM disrupt_service;

-- ---------------------------------------------------------------------------
-- provenance: staff insert every column but the four the database fills in
-- ---------------------------------------------------------------------------
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
        EXECUTE format('REVOKE INSERT ON disrupt.%I FROM disrupt_staff', t);
        EXECUTE format('GRANT INSERT (%s) ON disrupt.%I TO disrupt_staff', columns, t);
    END LOOP;
END
$do$;

-- ---------------------------------------------------------------------------
-- staff: a reason for every disabling; race-proof role changes
-- ---------------------------------------------------------------------------
ALTER TABLE disrupt.staff ADD COLUMN disabled_reason text NULL;

-- Runs one role statement (CREATE ROLE / GRANT membership) and absorbs the duplicate that
-- another database's concurrent transaction may have created first.
CREATE FUNCTION disrupt.role_statement(statement text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    EXECUTE statement;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
REVOKE ALL ON FUNCTION disrupt.role_statement(text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION disrupt.staff_add(login text, full_name text, agency text, role text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
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
    IF length(full_name) > 200 OR full_name ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'staff_add: full_name must be at most 200 characters of plain text on one line' USING ERRCODE = '22023';
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
        PERFORM disrupt.role_statement(format('CREATE ROLE %I LOGIN', login));
    ELSIF NOT r.rolcanlogin AND NOT r.rolsuper THEN
        -- re-enabling someone who was disabled
        EXECUTE format('ALTER ROLE %I LOGIN', login);
    END IF;
    IF NOT pg_catalog.pg_has_role(login, 'disrupt_staff', 'MEMBER') THEN
        PERFORM disrupt.role_statement(format('GRANT disrupt_staff TO %I', login));
    END IF;
    IF role = 'admin' THEN
        IF NOT pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
            PERFORM disrupt.role_statement(format('GRANT disrupt_admin TO %I', login));
        END IF;
    ELSIF pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
        EXECUTE format('REVOKE disrupt_admin FROM %I', login);
    END IF;

    INSERT INTO disrupt.staff AS s (login, full_name, agency, role, active, disabled_at, disabled_reason)
    VALUES (staff_add.login, btrim(staff_add.full_name), staff_add.agency, staff_add.role, true, NULL, NULL)
    ON CONFLICT ON CONSTRAINT staff_pkey DO UPDATE
        SET full_name = excluded.full_name, agency = excluded.agency, role = excluded.role,
            active = true, disabled_at = NULL, disabled_reason = NULL;
END
$$;

DROP FUNCTION disrupt.staff_disable(text);
CREATE FUNCTION disrupt.staff_disable(login text, reason text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    IF NOT disrupt.is_admin() THEN
        RAISE EXCEPTION 'staff_disable: only an administrator may disable staff' USING ERRCODE = '42501';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'staff_disable: a reason is required' USING ERRCODE = '22023';
    END IF;
    UPDATE disrupt.staff s
    SET active = false, disabled_at = COALESCE(s.disabled_at, now()), disabled_reason = btrim(staff_disable.reason)
    WHERE s.login = staff_disable.login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'staff_disable: % is not staff', quote_literal(login) USING ERRCODE = 'DR404';
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
REVOKE ALL ON FUNCTION disrupt.staff_disable(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disrupt.staff_disable(text, text) TO disrupt_admin;

-- ---------------------------------------------------------------------------
-- SECURITY DEFINER functions: pg_temp searched last, explicitly
-- ---------------------------------------------------------------------------
DO $do$
DECLARE
    f record;
    path text;
BEGIN
    FOR f IN SELECT p.oid::regprocedure AS name, p.proconfig
             FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'disrupt'::regnamespace AND p.prosecdef
    LOOP
        SELECT substr(c, length('search_path=') + 1) INTO path
        FROM unnest(f.proconfig) AS c WHERE c LIKE 'search\_path=%';
        IF path IS NULL THEN
            RAISE EXCEPTION 'SECURITY DEFINER function % has no SET search_path', f.name;
        END IF;
        IF path !~ '(^|[ ,])pg_temp$' THEN
            EXECUTE format('ALTER FUNCTION %s SET search_path = %s', f.name,
                           regexp_replace(path, '(^|, *)pg_temp(?=,|$)', '', 'g') || ', pg_temp');
        END IF;
    END LOOP;
END
$do$;

SELECT disrupt.hand_to_owner();

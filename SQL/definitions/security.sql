-- security.sql: staff management, the audit log's guards, consultation and disclosure,
-- and the policies and privileges of the staff directory, the audit log and the schema
-- version tables.
--
-- Roles are cluster-wide (created in the baseline migration and 0007); staff are PostgreSQL
-- login roles, created and disabled only by staff_add / staff_disable (through the two login
-- functions owned by disrupt_role_admin), which absorb the races of two databases of one
-- cluster creating or changing the same login at once.

-- ---------------------------------------------------------------------------
-- Logins (the only code that runs with CREATEROLE)
--   Owned by disrupt_role_admin (NOLOGIN CREATEROLE, migration 0007) and executable only by
--   disrupt_owner, that is from inside staff_add / staff_disable after their admin check.
--   A login is disrupt's when it is a direct member of disrupt_login (the cluster-wide
--   registry: granted when these functions create it). Any other role of the cluster --
--   a superuser, a role of another application, a pre-existing role with the same name --
--   is refused with a clear message and left as it is.
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.staff_login_is_ours(login text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                   JOIN pg_catalog.pg_roles r ON r.oid = m.member AND r.rolname = login AND NOT r.rolsuper
                   JOIN pg_catalog.pg_roles g ON g.oid = m.roleid AND g.rolname = 'disrupt_login')
$$;

CREATE FUNCTION disrupt.staff_login_enable(login text, make_admin boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = login) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN IN ROLE disrupt_login, disrupt_staff', login);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database of the cluster created it at this moment: checked below
        END;
    END IF;
    IF NOT disrupt.staff_login_is_ours(login) THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('staff_add: a role named %s already exists in this PostgreSQL cluster and was not created by disrupt for staff; it is left unchanged', login),
            HINT = 'Choose another login for this member of staff.';
    END IF;
    IF NOT (SELECT r.rolcanlogin FROM pg_catalog.pg_roles r WHERE r.rolname = login) THEN
        EXECUTE format('ALTER ROLE %I LOGIN', login);  -- re-enabling someone who was disabled
    END IF;
    IF NOT pg_catalog.pg_has_role(login, 'disrupt_staff', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT disrupt_staff TO %I', login);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF make_admin AND NOT pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT disrupt_admin TO %I', login);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    ELSIF NOT make_admin AND pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
        EXECUTE format('REVOKE disrupt_admin FROM %I', login);
    END IF;
END
$$;

CREATE FUNCTION disrupt.staff_login_disable(login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = login) THEN
        RETURN;  -- the role was dropped by hand: nothing can log in as it
    END IF;
    IF NOT disrupt.staff_login_is_ours(login) THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('staff_disable: the role %s was not created by disrupt for staff; it is left unchanged', login);
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', login);
    IF pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
        EXECUTE format('REVOKE disrupt_admin FROM %I', login);
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Staff management (admin only)
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.staff_add(login text, full_name text, agency text, role text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    IF NOT disrupt.is_admin() THEN
        RAISE EXCEPTION 'staff_add: only an administrator may add staff' USING ERRCODE = '42501';
    END IF;
    IF login IS NULL OR login !~ '^[A-Za-z0-9_.@-]{1,63}$' THEN
        RAISE EXCEPTION 'staff_add: login % must be 1-63 characters of letters, digits, _ . @ -', quote_literal(login)
            USING ERRCODE = '22023';
    END IF;
    IF login LIKE 'pg\_%' OR login IN ('disrupt_owner', 'disrupt_staff', 'disrupt_admin', 'disrupt_service', 'disrupt_role_admin', 'disrupt_login', 'public') THEN
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

    -- the login itself: created (or switched back on) only if disrupt made it for staff
    PERFORM disrupt.staff_login_enable(login, role = 'admin');

    INSERT INTO disrupt.staff AS s (login, full_name, agency, role, active, disabled_at, disabled_reason)
    VALUES (staff_add.login, btrim(staff_add.full_name), staff_add.agency, staff_add.role, true, NULL, NULL)
    ON CONFLICT ON CONSTRAINT staff_pkey DO UPDATE
        SET full_name = excluded.full_name, agency = excluded.agency, role = excluded.role,
            active = true, disabled_at = NULL, disabled_reason = NULL
        -- adding someone again exactly as they are writes nothing
        WHERE (s.full_name, s.agency, s.role, s.active, s.disabled_at, s.disabled_reason)
              IS DISTINCT FROM (excluded.full_name, excluded.agency, excluded.role, true, NULL::timestamptz, NULL::text);
END
$$;

CREATE OR REPLACE FUNCTION disrupt.staff_disable(login text, reason text) RETURNS void
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
    PERFORM disrupt.staff_login_disable(login);
    -- open sessions of that login see nothing from now on (policies test is_active_staff())
END
$$;

-- ---------------------------------------------------------------------------
-- Audit log: append-only
-- ---------------------------------------------------------------------------
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

-- Consultation (reading a summary) and disclosure: purpose is required.
CREATE OR REPLACE FUNCTION disrupt.audit_consult(person_id bigint, purpose text, object_table text, detail jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
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
-- Row-level security (enabled and forced in the baseline migration)
-- ---------------------------------------------------------------------------
-- staff: readable by active staff and the service; written only by staff_add/staff_disable
-- (not TO PUBLIC: the helpers read staff as disrupt_owner, which must only meet owner_all,
--  or each helper call would evaluate this policy and call the helpers again)
CREATE POLICY staff_directory_read ON disrupt.staff FOR SELECT TO disrupt_staff, disrupt_service
    USING ((SELECT disrupt.is_active_staff()) OR (SELECT disrupt.is_service()));
SELECT disrupt.attach_owner_policy('disrupt.staff');
SELECT disrupt.attach_audit('disrupt.staff');

-- audit_log: read by admins and by the login that made the row; inserted only by
-- the SECURITY DEFINER functions (owner); never updated or deleted.
ALTER TABLE disrupt.audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_read ON disrupt.audit_log FOR SELECT
    USING ((SELECT disrupt.is_admin()) OR login = (SELECT disrupt.caller_login()));
CREATE POLICY owner_insert ON disrupt.audit_log FOR INSERT TO disrupt_owner WITH CHECK (true);
CREATE POLICY owner_read ON disrupt.audit_log FOR SELECT TO disrupt_owner USING (true);

SELECT disrupt.hand_to_owner();
-- the login functions run with CREATEROLE: owned by disrupt_role_admin, not disrupt_owner
ALTER FUNCTION disrupt.staff_login_is_ours(text) OWNER TO disrupt_role_admin;
ALTER FUNCTION disrupt.staff_login_enable(text, boolean) OWNER TO disrupt_role_admin;
ALTER FUNCTION disrupt.staff_login_disable(text) OWNER TO disrupt_role_admin;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION
    disrupt.staff_add(text, text, text, text), disrupt.staff_disable(text, text),
    disrupt.audit_log_immutable(),
    disrupt.audit_consult(bigint, text, text, jsonb),
    disrupt.audit_disclose(bigint, text, text, text, jsonb)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.audit_consult(bigint, text, text, jsonb),
    disrupt.audit_disclose(bigint, text, text, text, jsonb)
    TO disrupt_staff;
REVOKE ALL ON FUNCTION
    disrupt.staff_login_is_ours(text), disrupt.staff_login_enable(text, boolean), disrupt.staff_login_disable(text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.staff_login_is_ours(text), disrupt.staff_login_enable(text, boolean), disrupt.staff_login_disable(text)
    TO disrupt_owner;
GRANT USAGE ON SCHEMA disrupt TO disrupt_role_admin;
-- staff_add/staff_disable check is_admin() themselves
GRANT EXECUTE ON FUNCTION disrupt.staff_add(text, text, text, text), disrupt.staff_disable(text, text)
    TO disrupt_admin;

-- staff directory: read only for staff (writes via staff_add / staff_disable)
GRANT SELECT ON disrupt.staff TO disrupt_staff;

-- audit log: read only (RLS: admins, and one's own rows); append via functions/triggers
REVOKE ALL ON disrupt.audit_log FROM PUBLIC;
GRANT SELECT ON disrupt.audit_log TO disrupt_staff;
REVOKE UPDATE, DELETE, TRUNCATE ON disrupt.audit_log
    FROM disrupt_owner, disrupt_staff, disrupt_admin, disrupt_service;

-- the schema version, readable by everyone who connects: every command checks the
-- migrations and definitions before it runs, whoever is connected
GRANT SELECT ON disrupt.schema_migrations, disrupt.schema_definitions TO disrupt_staff, disrupt_service;

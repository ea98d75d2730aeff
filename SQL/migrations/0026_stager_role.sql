-- 0026_stager_role.sql: disrupt_stager, the role that makes the temporary tables a staff
-- session works with (an import's stage, a recompute's batch table).
--
-- PostgreSQL takes some commands' table locks before it checks the caller may run them: CREATE
-- RULE on a table takes ACCESS EXCLUSIVE, CREATE TEMP TABLE ... PARTITION OF it too, a temporary
-- table's REFERENCES to it SHARE ROW EXCLUSIVE, COMMENT and INHERITS SHARE UPDATE EXCLUSIVE. A
-- staff login that never reads the refusal keeps the lock (PostgreSQL sends the error before it
-- lets go, and holds off termination while it sends): on disrupt.staff or the audit log that
-- stops every login (issue 12; helper-100, -102, -103). So staff may run no schema command at all
-- (the schema guard, DisruptStore/SchemaChangeGuard.swift, an event trigger a superuser's migrate
-- makes), and the temporary tables the product needs are made for them by functions owned by
-- this role (disrupt.import_stage, disrupt.risk_batch_open), the one role besides the schema
-- owner the guard lets make them.
--
-- NOLOGIN; no role is a member of it and it is a member of none; it holds only what those
-- functions need (definitions). The guard trusts it, so a role of that name made before
-- (staff_add did not reserve the name) is made what this one is: its login and attributes taken
-- away, its members and its memberships removed (a superuser's migrate; a role that is a
-- superuser, replicates or bypasses row-level security needs one anyway), and the guard lets it
-- through only inside the functions it owns (SchemaChangeGuard.swift), never as a session's own
-- login. Several databases of one cluster may run this at once: the CREATE absorbs the loser's
-- duplicate; the repairs, needed only once, may fail in the loser with "tuple concurrently
-- updated", and a second run succeeds.
DO $do$
DECLARE
    r record;
    changes text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'disrupt_stager') THEN
        BEGIN
            EXECUTE 'CREATE ROLE disrupt_stager NOLOGIN';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    SELECT concat_ws(' ', CASE WHEN rolcanlogin THEN 'NOLOGIN' END, CASE WHEN rolcreatedb THEN 'NOCREATEDB' END,
                     CASE WHEN rolcreaterole THEN 'NOCREATEROLE' END, CASE WHEN rolsuper THEN 'NOSUPERUSER' END,
                     CASE WHEN rolreplication THEN 'NOREPLICATION' END, CASE WHEN rolbypassrls THEN 'NOBYPASSRLS' END)
      INTO changes FROM pg_catalog.pg_roles WHERE rolname = 'disrupt_stager';
    IF changes <> '' THEN
        EXECUTE 'ALTER ROLE disrupt_stager ' || changes;
    END IF;
    FOR r IN SELECT m.roleid::pg_catalog.regrole::pg_catalog.text AS role_name, m.member::pg_catalog.regrole::pg_catalog.text AS member_name
             FROM pg_catalog.pg_auth_members m
             WHERE m.roleid = 'disrupt_stager'::pg_catalog.regrole OR m.member = 'disrupt_stager'::pg_catalog.regrole LOOP
        EXECUTE pg_catalog.format('REVOKE %s FROM %s', r.role_name, r.member_name);
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
               WHERE m.roleid = 'disrupt_stager'::pg_catalog.regrole OR m.member = 'disrupt_stager'::pg_catalog.regrole) THEN
        RAISE EXCEPTION 'disrupt_stager still has members or memberships another role granted: revoke them as a superuser, then migrate again';
    END IF;
END
$do$;

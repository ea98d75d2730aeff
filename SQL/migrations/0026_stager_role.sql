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
-- NOLOGIN; no role is a member of it; it holds only what those functions need (definitions).
-- The guard trusts it, so a role of that name made before (staff_add did not reserve the name)
-- is made what this one is: its attributes taken away and its members removed.
-- Several databases of one cluster may run this at once: each statement absorbs the loser's
-- duplicate.
DO $do$
DECLARE
    member text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'disrupt_stager') THEN
        BEGIN
            EXECUTE 'CREATE ROLE disrupt_stager NOLOGIN';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'disrupt_stager'
               AND (rolcanlogin OR rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN
        EXECUTE 'ALTER ROLE disrupt_stager NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
    END IF;
    FOR member IN SELECT m.member::pg_catalog.regrole::pg_catalog.text FROM pg_catalog.pg_auth_members m
                  WHERE m.roleid = 'disrupt_stager'::pg_catalog.regrole LOOP
        EXECUTE pg_catalog.format('REVOKE disrupt_stager FROM %s', member);
    END LOOP;
END
$do$;

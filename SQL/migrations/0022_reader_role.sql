-- 0022_reader_role.sql: disrupt_reader, the role staff read the record tables through.
--
-- Whoever may SELECT a table may EXPLAIN (ANALYZE) a query of it, and PostgreSQL runs a
-- condition on an indexed column (a reference, a person id, a date) before the row-level
-- policy: "Rows Removed by Filter" counted the rows the policy hid, so a staff login learnt
-- by value which restricted records another agency held (issue 12). Staff therefore lose
-- SELECT on the record tables and read them only through functions (definitions/reading.sql)
-- owned by this role: SECURITY DEFINER, so EXPLAIN of a call shows a Function Scan and no plan
-- of what it read, and not the owner, so the same policies apply inside them as to the caller
-- (they name the caller by session_user): one statement of who sees what, the policies.
--
-- NOLOGIN; no role is a member of it. It holds what staff hold (a member of disrupt_staff)
-- and SELECT on the record tables (definitions). The definitions give it its functions, as they
-- give disrupt_role_admin the login functions (migration 0007): a superuser applies them.
-- Several databases of one cluster may run this at once: each statement absorbs the loser's
-- duplicate.
DO $do$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY ARRAY['CREATE ROLE disrupt_reader NOLOGIN',
                                     'GRANT disrupt_staff TO disrupt_reader'] LOOP
        CONTINUE WHEN statement LIKE 'CREATE ROLE %'
                  AND EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'disrupt_reader');
        CONTINUE WHEN statement LIKE 'GRANT %' AND pg_catalog.pg_has_role(split_part(statement, ' ', 4), split_part(statement, ' ', 2), 'MEMBER');
        BEGIN
            EXECUTE statement;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END
$do$;

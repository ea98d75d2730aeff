-- 0017_staff_connection_limit.sql: every staff login has a connection limit.
--
-- A login without one could open connections until the server's max_connections was reached,
-- after which nobody else could connect, the reminder service included (unless it ran as a
-- superuser). staff_add now sets CONNECTION LIMIT on the logins it creates or updates (10
-- unless `disrupt staff add --connection-limit N` says otherwise; definitions/security.sql).
-- The logins disrupt made for staff before this migration (the direct members of the
-- cluster-wide registry disrupt_login) get the same default; a limit someone already set on one
-- by hand is kept. Roles are cluster-wide, so this reaches the staff of every disrupt database of
-- the cluster, all of whom staff_add would give the same default.
DO $do$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT m.rolname FROM pg_catalog.pg_roles m
             JOIN pg_catalog.pg_auth_members a ON a.member = m.oid
             JOIN pg_catalog.pg_roles g ON g.oid = a.roleid AND g.rolname = 'disrupt_login'
             WHERE NOT m.rolsuper AND m.rolconnlimit = -1
    LOOP
        EXECUTE format('ALTER ROLE %I CONNECTION LIMIT 10', r.rolname);
    END LOOP;
END
$do$;

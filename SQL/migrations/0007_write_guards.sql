-- 0007_write_guards.sql: structure behind the write-side guards of issue 12.
--
-- 1. person_dirty.marked_at is the database's clock: finite (the recompute reads it as the
--    time the inputs last changed). Only the queue triggers write it (staff have no privilege
--    on the queue any more, definitions/record.sql).
-- 2. PNC ids: a staff member must not be able to learn, by colliding with it, that a person
--    they cannot see holds a PNC id. Unique among shared people (whom everyone sees) and
--    within each agency (whose own people its staff always see): a write can only collide
--    with a person the writer can see. A restricted person of another agency may hold the same
--    PNC id; an administrator (who sees both) merges them.
-- 3. disrupt_login: the registry of the PostgreSQL logins disrupt created for staff, kept as a
--    NOLOGIN role that each such login is a direct member of (roles are cluster-wide, so a
--    table of one database could not tell the databases of one cluster apart). staff_add /
--    staff_disable act only on its members (or on a login they create), never on any other
--    role of the cluster. Existing staff logins of this database are registered (staff_add
--    made or adopted them).
-- 4. Roles: disrupt_owner (which owns every function of the schema) loses CREATEROLE. Creating
--    a login and switching LOGIN on or off are done only by two SECURITY DEFINER functions
--    owned by disrupt_role_admin (NOLOGIN CREATEROLE), which nothing else runs as
--    (definitions/security.sql).

-- 5. next_ref draws random references now (a counter revealed how many records exist):
--    its sequences go.
DROP SEQUENCE disrupt.person_ref_seq, disrupt.incident_ref_seq, disrupt.marker_ref_seq, disrupt.order_ref_seq,
    disrupt.breach_ref_seq, disrupt.link_ref_seq, disrupt.referral_ref_seq;

UPDATE disrupt.person_dirty SET marked_at = now() WHERE NOT isfinite(marked_at);
ALTER TABLE disrupt.person_dirty ADD CONSTRAINT person_dirty_marked_at_finite CHECK (isfinite(marked_at));

ALTER TABLE disrupt.person DROP CONSTRAINT person_pnc_id_key;
CREATE UNIQUE INDEX person_pnc_shared_key ON disrupt.person (pnc_id) WHERE sensitivity = 'shared';
CREATE UNIQUE INDEX person_pnc_agency_key ON disrupt.person (agency, pnc_id);
CREATE INDEX person_pnc_idx ON disrupt.person (pnc_id) WHERE pnc_id IS NOT NULL;

-- Several databases of one cluster may run this at once: each statement absorbs the
-- loser's duplicate; the ALTER ROLE absorbs "tuple concurrently updated" (XX000) from a
-- concurrent identical ALTER of another database's migration.
DO $do$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY ARRAY['CREATE ROLE disrupt_role_admin NOLOGIN CREATEROLE',
                                     'CREATE ROLE disrupt_login NOLOGIN'] LOOP
        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = split_part(statement, ' ', 3));
        BEGIN
            EXECUTE statement;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
    FOR statement IN
        SELECT format('GRANT disrupt_login TO %I', r.rolname)
        FROM disrupt.staff s JOIN pg_catalog.pg_roles r ON r.rolname = s.login AND NOT r.rolsuper
        WHERE NOT pg_catalog.pg_has_role(r.oid, 'disrupt_login', 'MEMBER')
    LOOP
        BEGIN
            EXECUTE statement;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
    IF (SELECT rolcreaterole FROM pg_catalog.pg_roles WHERE rolname = 'disrupt_owner') THEN
        BEGIN
            ALTER ROLE disrupt_owner NOCREATEROLE;
        EXCEPTION WHEN internal_error THEN
            NULL;
        END;
    END IF;
END
$do$;

extension Definition {
    /// Drops every definition-owned object in schema `disrupt` and takes back every grant, so
    /// that running the definition files afterwards leaves exactly what they say: an object
    /// removed from a file, or given a new signature, disappears. Runs in the migrator's
    /// transaction, just before the files.
    ///
    /// Kept: tables, sequences and the rest of the stored structure; extension members
    /// (unaccent); and functions that stored structure depends on (index expressions,
    /// defaults, checks: `disrupt.fold`), which the migrations own. Row-level security stays
    /// enabled and forced on the tables (baseline), so no table is open in between.
    /// The owner's own privileges on tables are restored (a file may revoke some again).
    static let resetSQL = """
        DO $reset$
        DECLARE
            o record;
            routines text;
        BEGIN
            FOR o IN SELECT p.polname, p.polrelid::regclass AS tbl FROM pg_catalog.pg_policy p
                     JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
                     WHERE c.relnamespace = 'disrupt'::regnamespace
            LOOP
                EXECUTE format('DROP POLICY %I ON %s', o.polname, o.tbl);
            END LOOP;
            FOR o IN SELECT t.tgname, t.tgrelid::regclass AS tbl FROM pg_catalog.pg_trigger t
                     JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
                     WHERE c.relnamespace = 'disrupt'::regnamespace AND NOT t.tgisinternal
            LOOP
                EXECUTE format('DROP TRIGGER %I ON %s', o.tgname, o.tbl);
            END LOOP;
            FOR o IN SELECT c.oid::regclass AS name FROM pg_catalog.pg_class c
                     WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind = 'v'
                       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass
                                       AND d.objid = c.oid AND d.deptype = 'e')
            LOOP
                EXECUTE format('DROP VIEW IF EXISTS %s CASCADE', o.name);
            END LOOP;
            SELECT string_agg(p.oid::regprocedure::text, ', ') INTO routines
            FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = 'disrupt'::regnamespace AND p.prokind IN ('f', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass
                              AND d.objid = p.oid AND d.deptype = 'e')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.refclassid = 'pg_catalog.pg_proc'::regclass
                              AND d.refobjid = p.oid
                              AND d.classid IN ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_attrdef'::regclass,
                                                'pg_catalog.pg_constraint'::regclass, 'pg_catalog.pg_type'::regclass));
            IF routines IS NOT NULL THEN
                EXECUTE 'DROP ROUTINE ' || routines;
            END IF;
            -- the roles come with the baseline: a database without them has no grants to take back
            IF (SELECT count(*) FROM pg_catalog.pg_roles
                WHERE rolname IN ('disrupt_owner', 'disrupt_staff', 'disrupt_admin', 'disrupt_service', 'disrupt_reader')) < 5 THEN
                RETURN;
            END IF;
            REVOKE ALL ON SCHEMA disrupt FROM PUBLIC, disrupt_staff, disrupt_admin, disrupt_service;
            REVOKE ALL ON ALL TABLES IN SCHEMA disrupt FROM PUBLIC, disrupt_staff, disrupt_admin, disrupt_service;
            REVOKE ALL ON ALL SEQUENCES IN SCHEMA disrupt FROM PUBLIC, disrupt_staff, disrupt_admin, disrupt_service;
            REVOKE ALL ON ALL FUNCTIONS IN SCHEMA disrupt FROM PUBLIC, disrupt_staff, disrupt_admin, disrupt_service;
            -- the role staff read the record tables through (migration 0022)
            REVOKE ALL ON ALL TABLES IN SCHEMA disrupt FROM disrupt_reader;
            REVOKE ALL ON ALL FUNCTIONS IN SCHEMA disrupt FROM disrupt_reader;
            -- the role that makes staff sessions' temporary tables (migration 0026)
            IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'disrupt_stager') THEN
                REVOKE ALL ON SCHEMA disrupt FROM disrupt_stager;
                REVOKE ALL ON ALL FUNCTIONS IN SCHEMA disrupt FROM disrupt_stager;
            END IF;
            FOR o IN SELECT p.oid::regprocedure AS name FROM pg_catalog.pg_proc p
                     WHERE p.pronamespace = 'disrupt'::regnamespace AND p.proowner <> 'disrupt_owner'::regrole
            LOOP
                EXECUTE format('REVOKE ALL ON FUNCTION %s FROM disrupt_owner', o.name);
            END LOOP;
            FOR o IN SELECT c.oid::regclass AS name FROM pg_catalog.pg_class c
                     WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind IN ('r', 'p')
                       AND c.relowner = 'disrupt_owner'::regrole
            LOOP
                EXECUTE format('GRANT ALL ON TABLE %s TO disrupt_owner', o.name);
            END LOOP;
        END
        $reset$;
        """
}

-- 0024_staff_sessions_end.sql: a change of what a staff login may read ends her open sessions.
--
-- The read policies decide what a statement may see while it is planned (read_scope,
-- definitions/security.sql), and a client may keep a plan. A change of a staff row has every
-- session plan again at its next statement, but a transaction she already has open keeps the
-- plans it made while it holds their locks: at READ COMMITTED, rows written after she was
-- disabled or moved to another agency were read with her old scope (helper-90, helper-91). So a
-- change of a staff login's agency, role or active flag ends her sessions in that database
-- when it commits (the trigger staff_read_scope_changed), through one function owned by
-- disrupt_role_admin, which acts only on disrupt's own staff logins (the members of
-- disrupt_login). Ending another role's session takes pg_signal_backend. Roles are cluster-wide; several databases of one cluster may run
-- this at once: the GRANT absorbs the loser's duplicate.
DO $do$
BEGIN
    IF NOT pg_catalog.pg_has_role('disrupt_role_admin', 'pg_signal_backend', 'MEMBER') THEN
        BEGIN
            GRANT pg_signal_backend TO disrupt_role_admin;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$do$;

-- security.sql: staff management, the audit log's guards and its one reader (audit_entries),
-- the consultation gate (who may read personal data, and the one writer of consult rows), the
-- import context (how imports are audited), and the policies and privileges of the staff
-- directory, the lookup tables, the audit log and the schema version tables.
--
-- Roles are cluster-wide (created in the baseline migration and 0007); staff are PostgreSQL
-- login roles, created and disabled only by staff_add / staff_disable (through the login
-- functions owned by disrupt_role_admin), which absorb the races of two databases of one
-- cluster creating or changing the same login at once.

-- ---------------------------------------------------------------------------
-- Logins (the only code that runs with CREATEROLE, or may end another login's session)
--   Owned by disrupt_role_admin (NOLOGIN CREATEROLE, migration 0007; pg_signal_backend,
--   migration 0024) and executable only by disrupt_owner, that is from inside staff_add /
--   staff_disable after their admin check and from the triggers staff_read_scope_changing and
--   staff_read_scope_changed (staff_login_alter: by the two login functions that call it only).
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

-- staff_login_alter(login, change, every_session): ALTER ROLE login change (LOGIN, NOLOGIN,
-- CONNECTION LIMIT n; the callers' own words, never a caller's text); true when done. A staff login may alter her own
-- role (her password), in any database of the cluster, and keep that transaction open: the
-- ALTER ROLE then waited for as long as she liked, holding up every other staff change, and
-- failed when she committed (helper-92, helper-96); committing while it waited failed it too
-- ("tuple concurrently updated", helper-100). It waits a second; then every session of hers, in
-- any database, that is altering a role (it holds pg_authid's row-exclusive lock) is told to end
-- (her transaction goes with it), and the ALTER ROLE queues on her role at once, ahead of any
-- session she opens again (waiting for them to go first let a script that reconnected and
-- altered her role again win every time, helper-99), for 5 seconds at most, three times in all.
-- With every_session (a disable, which ends them anyway when it commits), every session of hers
-- in any database is told to end: one that altered her role and committed between two tries
-- held no lock to be found by, and won every try (helper-100).
-- A session told to end that does not (one that is sending a client who never reads it an error,
-- helper-100) keeps her role: false. When no session of hers is altering a role, someone else
-- holds it: nothing of hers is ended, her other work included (helper-101), and the change fails
-- at once (55P03). A change that waits for nobody ends no session here (helper-97).
CREATE FUNCTION disrupt.staff_login_alter(login text, change text, every_session boolean) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '1s'
AS $$
DECLARE
    v_pid       integer;
    v_signalled integer;
    v_state     text;
BEGIN
    FOR v_attempt IN 1..3 LOOP
        BEGIN
            EXECUTE format('ALTER ROLE %I %s', login, change);
            RETURN true;
        EXCEPTION WHEN lock_not_available OR internal_error THEN
            -- XX000 from this ALTER ROLE is "tuple concurrently updated" (whatever the language
            -- of the server's messages): her own change of her role committed while it waited
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE;
        END;
        EXIT WHEN v_attempt = 3;
        PERFORM pg_catalog.pg_stat_clear_snapshot();
        v_signalled := 0;
        FOR v_pid IN SELECT a.pid FROM pg_catalog.pg_stat_activity a
                      WHERE a.usename = login AND a.pid <> pg_catalog.pg_backend_pid()
                        AND (every_session
                             OR EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                                         WHERE l.pid = a.pid AND l.granted AND l.mode = 'RowExclusiveLock' AND l.locktype = 'relation'
                                           AND l.relation = 'pg_catalog.pg_authid'::pg_catalog.regclass))
        LOOP
            IF pg_catalog.pg_terminate_backend(v_pid) THEN
                v_signalled := v_signalled + 1;
            END IF;
        END LOOP;
        IF v_signalled = 0 AND v_state = '55P03' THEN
            RAISE EXCEPTION 'the role % is being changed by another transaction; nothing was changed', login
                USING ERRCODE = '55P03', HINT = 'Try again in a moment.';
        END IF;
        PERFORM pg_catalog.set_config('lock_timeout', '5s', true);
    END LOOP;
    RETURN false;
END
$$;

CREATE FUNCTION disrupt.staff_login_enable(login text, make_admin boolean, connection_limit integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s'
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
        IF NOT disrupt.staff_login_alter(login, 'LOGIN', false) THEN  -- re-enabling someone who was disabled
            RAISE EXCEPTION 'her login % could not be switched on now; nothing was changed', login
                USING ERRCODE = '55P03', HINT = 'Try again in a moment.';
        END IF;
    END IF;
    -- without a limit one login could take every connection the server has, the service's too
    IF (SELECT r.rolconnlimit FROM pg_catalog.pg_roles r WHERE r.rolname = login) IS DISTINCT FROM connection_limit THEN
        IF NOT disrupt.staff_login_alter(login, format('CONNECTION LIMIT %s', connection_limit), false) THEN
            RAISE EXCEPTION 'the connection limit of % could not be changed now: a session of hers holds her role; nothing was changed', login
                USING ERRCODE = '55P03', HINT = 'Try again in a moment.';
        END IF;
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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s'
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = login) THEN
        RETURN;  -- the role was dropped by hand: nothing can log in as it
    END IF;
    IF NOT disrupt.staff_login_is_ours(login) THEN
        RAISE EXCEPTION USING ERRCODE = '42501',
            MESSAGE = format('staff_disable: the role %s was not created by disrupt for staff; it is left unchanged', login);
    END IF;
    -- her staff row says she is disabled whatever happens here, and with it she can do nothing
    -- in disrupt; a session of hers that keeps her role must not stop that (helper-100)
    IF NOT disrupt.staff_login_alter(login, 'NOLOGIN', true) THEN
        -- nor may she use anything of disrupt's meanwhile (a membership is not her role's row;
        -- staff_add grants it again): still able to log in, she could take table locks
        -- (helper-102)
        EXECUTE format('REVOKE disrupt_staff FROM %I', login);
        RAISE WARNING 'staff_disable: % can do nothing in disrupt, but her login could not be switched off now: a session of hers holds her role and did not end', login
            USING HINT = 'Disable her again in a while to switch her login off.';
    END IF;
    IF pg_catalog.pg_has_role(login, 'disrupt_admin', 'MEMBER') THEN
        EXECUTE format('REVOKE disrupt_admin FROM %I', login);
    END IF;
END
$$;

-- staff_login_end_sessions(login): ends every open session of a staff login in this database
-- but the caller's own (her staff row is this database's): tells each to end, then waits until
-- they have gone, 5 seconds at most, so that the change commits after they have (a session told
-- to end runs no further statement; one that takes longer to go, a backend clearing away a
-- thousand temporary tables of hers, made every change of her access fail, helper-98).
-- pg_terminate_backend: disrupt_role_admin is a member of pg_signal_backend (migration 0024)
-- and reads pg_stat_activity (StatisticsLock). A role disrupt did not create for staff is never
-- signalled. Returns how many sessions were told to end.
CREATE FUNCTION disrupt.staff_login_end_sessions(login text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_pids  integer[];
    v_ended integer := 0;
    v_pid   integer;
    v_until timestamptz := pg_catalog.clock_timestamp() + interval '5 seconds';
BEGIN
    IF NOT disrupt.staff_login_is_ours(login) THEN
        RETURN 0;
    END IF;
    -- the sessions as they are now: PostgreSQL keeps the first view of them a transaction
    -- took (a consult or a planned read earlier in the administrator's transaction), and a
    -- session opened since would be missed (helper-93)
    PERFORM pg_catalog.pg_stat_clear_snapshot();
    SELECT pg_catalog.array_agg(a.pid) INTO v_pids FROM pg_catalog.pg_stat_activity a
     WHERE a.usename = login AND a.datname = pg_catalog.current_database() AND a.pid <> pg_catalog.pg_backend_pid();
    FOREACH v_pid IN ARRAY coalesce(v_pids, '{}') LOOP
        IF pg_catalog.pg_terminate_backend(v_pid) THEN
            v_ended := v_ended + 1;
        END IF;
    END LOOP;
    WHILE v_ended > 0 AND pg_catalog.clock_timestamp() < v_until LOOP
        PERFORM pg_catalog.pg_stat_clear_snapshot();
        EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_get_activity(NULL) a WHERE a.pid = ANY (v_pids));
        PERFORM pg_catalog.pg_sleep(0.01);
    END LOOP;
    RETURN v_ended;
END
$$;

-- ---------------------------------------------------------------------------
-- Staff management (admin only)
-- ---------------------------------------------------------------------------
-- Both wait 10 seconds at most for any lock but their turn among staff changes (each of which
-- is bounded): an administrator's LOCK TABLE of the agencies, kept open, held staff_add, and
-- every staff change behind it, for as long as she liked (helper-100).
-- staff_change_turn(): waits for the turn, however long the change before takes
CREATE FUNCTION disrupt.staff_change_turn() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = 0
AS $$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(disrupt.staff_change_lock_key());
END
$$;

CREATE OR REPLACE FUNCTION disrupt.staff_add(login text, full_name text, agency text, role text,
                                             connection_limit integer DEFAULT 10)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp SET lock_timeout = '10s'
AS $$
BEGIN
    IF NOT disrupt.is_admin() THEN
        RAISE EXCEPTION 'staff_add: only an administrator may add staff' USING ERRCODE = '42501';
    END IF;
    -- changes of what a login may read take turns, before any role or row is locked
    -- (staff_read_scope_lock, below)
    PERFORM disrupt.staff_change_turn();
    IF login IS NULL OR login !~ '^[A-Za-z0-9_.@-]{1,63}$' THEN
        RAISE EXCEPTION 'staff_add: login % must be 1-63 characters of letters, digits, _ . @ -', quote_literal(login)
            USING ERRCODE = '22023';
    END IF;
    IF login LIKE 'pg\_%' OR login IN ('disrupt_owner', 'disrupt_staff', 'disrupt_admin', 'disrupt_service', 'disrupt_role_admin', 'disrupt_login', 'disrupt_reader', 'disrupt_stager', 'public') THEN
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

    IF connection_limit IS NULL OR connection_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'staff_add: connection_limit must be a whole number from 1 to 1000' USING ERRCODE = '22023';
    END IF;

    -- the login itself: created (or switched back on) only if disrupt made it for staff
    PERFORM disrupt.staff_login_enable(login, role = 'admin', connection_limit);

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
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp SET lock_timeout = '10s'
AS $$
BEGIN
    IF NOT disrupt.is_admin() THEN
        RAISE EXCEPTION 'staff_disable: only an administrator may disable staff' USING ERRCODE = '42501';
    END IF;
    PERFORM disrupt.staff_change_turn();  -- as staff_add
    reason := disrupt.clean_reason(reason);
    IF reason IS NULL THEN
        RAISE EXCEPTION 'staff_disable: a reason is required' USING ERRCODE = '22023';
    END IF;
    UPDATE disrupt.staff s
    SET active = false, disabled_at = COALESCE(s.disabled_at, now()), disabled_reason = staff_disable.reason
    WHERE s.login = staff_disable.login;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'staff_disable: % is not staff', quote_literal(login) USING ERRCODE = 'DR404';
    END IF;
    PERFORM disrupt.staff_login_disable(login);
    -- her open sessions end when this commits (the trigger staff_read_scope_changed), and she
    -- can open no other
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

-- ---------------------------------------------------------------------------
-- The consultation gate (tables in migration 0006).
--
-- Every staff SELECT policy on personal data requires a consultation (read_scope(true), below):
-- an active login whose SESSION opened one with disrupt.consult(purpose, scope) in a
-- transaction that has COMMITTED. consult() is the only writer of 'consult' audit rows: it
-- writes one row (login, agency, purpose, scope, person) and, once committed, opens the gate
-- for the rest of this session (backend pid and start time) only. A psql session that has not
-- consulted reads nothing; one that has left the purpose in the audit log for good first (a
-- consultation rolled back opens nothing). The SECURITY DEFINER readers check the same gate
-- with require_consultation().
--
-- consult(purpose, scope, subject, detail):
--   purpose   required, non-blank: why personal data is read ("Marac 2026-05-01 prep").
--   scope     required, non-blank: what is read ("summary", "rank", "person search", ...);
--             the audit row's object_table.
--   subject   optional: the person asked for, as the caller typed it. A reference or PNC id
--             of a person the caller may see (merges followed to the survivor) becomes the
--             row's person_id, and the row then also carries, computed here from the rows
--             the caller may see: records (how many of each kind), withheld and plan_id.
--             Anything else (a name) is kept as detail.subject.
--   detail    optional request facts from the client (output format, as-of day); the keys
--             above and "scope" are the database's and override the client's.
-- Returns the id of the person the row names (NULL when it names none), so that a client that
-- resolved a name itself can tell whether to consult again naming the person it found; never
-- the audit row's id (nothing that counts anyone's consultations).
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.consult(purpose text, scope text, subject text DEFAULT NULL, detail jsonb DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    v_id     bigint;
    v_agency text;
    v_admin  boolean;
    v_active boolean;
    v_detail jsonb := coalesce(consult.detail, '{}'::jsonb);
    v_person bigint;
BEGIN
    PERFORM disrupt.refuse_explain();  -- it counts the person's records, hidden ones included
    -- caller_agency(), is_admin() and is_active_staff() in one call (foundation.sql)
    SELECT c.agency, c.admin, c.active INTO v_agency, v_admin, v_active FROM disrupt.caller_identity() c;
    IF NOT v_active THEN
        RAISE EXCEPTION 'consult: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    purpose := disrupt.clean_reason(purpose);  -- checked and stored as cleaned
    scope := disrupt.clean_reason(scope);
    IF purpose IS NULL THEN
        RAISE EXCEPTION 'a purpose is required to consult personal data' USING ERRCODE = '22023';
    END IF;
    IF scope IS NULL THEN
        RAISE EXCEPTION 'a scope is required to consult personal data' USING ERRCODE = '22023';
    END IF;
    IF jsonb_typeof(v_detail) <> 'object' THEN
        RAISE EXCEPTION 'consult: detail must be a JSON object' USING ERRCODE = '22023';
    END IF;
    -- the keys the database writes are its alone, whether or not it writes them this time: a
    -- caller's "subject" or "records" would read as a consultation of someone never consulted
    v_detail := v_detail - 'subject' - 'records' - 'withheld' - 'plan_id' - 'scope';
    IF subject IS NOT NULL THEN
        WITH RECURSIVE direct AS (
            -- the person the reference means, and the one the PNC id means (ref_rank, record.sql)
            SELECT x.id, x.merged_into, 0 AS hops FROM (
                (SELECT p.id, p.merged_into FROM disrupt.person p
                  WHERE p.person_ref = btrim(subject) AND (p.sensitivity = 'shared' OR p.agency = v_agency OR v_admin)
                  ORDER BY disrupt.ref_rank(p.agency, p.sensitivity, v_agency) LIMIT 1)
                UNION
                (SELECT p.id, p.merged_into FROM disrupt.person p
                  WHERE p.pnc_id = btrim(subject) AND (p.sensitivity = 'shared' OR p.agency = v_agency OR v_admin)
                  ORDER BY disrupt.ref_rank(p.agency, p.sensitivity, v_agency) LIMIT 1)) x
            UNION ALL
            SELECT p.id, p.merged_into, d.hops + 1 FROM disrupt.person p JOIN direct d ON p.id = d.merged_into
            WHERE d.hops < 20 AND (p.sensitivity = 'shared' OR p.agency = v_agency OR v_admin)
        )
        SELECT min(d.id) INTO v_person FROM direct d WHERE d.merged_into IS NULL HAVING count(*) = 1;
        IF v_person IS NULL THEN
            v_detail := v_detail || jsonb_build_object('subject', subject);
        END IF;
    END IF;
    IF v_person IS NOT NULL THEN
        -- what he has on record that she may read, and what each other agency withholds from
        -- her: one pass over his records (record_counts_for, summary.sql)
        SELECT v_detail || jsonb_build_object(
                   'records', jsonb_build_object(
                       'aliases', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'alias'), 0),
                       'markers', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'marker'), 0),
                       'incidents', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'incident'), 0),
                       'orders', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'court_order'), 0),
                       'breaches', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'breach'), 0),
                       'relationships', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'relationship'), 0),
                       'forum_links', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'forum_link'), 0),
                       'referrals', coalesce(sum(c.n) FILTER (WHERE c.visible AND c.record_table = 'referral'), 0)),
                   'plan_id', (SELECT pl.id FROM disrupt.plan pl WHERE pl.person_id = v_person AND pl.status = 'open'),
                   'withheld', coalesce(jsonb_agg(jsonb_build_object('agency', c.agency, 'record_table', c.record_table, 'count', c.n)
                                                  ORDER BY c.agency, c.record_table) FILTER (WHERE NOT c.visible), '[]'))
          INTO v_detail
          FROM disrupt.record_counts_for(v_person, v_agency, v_admin) c;
    END IF;
    v_detail := v_detail || jsonb_build_object('scope', scope);
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, purpose, detail)
    VALUES (v_agency, 'consult', scope, v_person::text, v_person, purpose, v_detail)
    RETURNING id INTO v_id;
    -- consultations of sessions that have gone (this backend's earlier sessions included), those
    -- no other consult is deleting at this moment: a login that consulted in a transaction she
    -- kept open held them all, and every other login's consult waited for her (helper-54). Each
    -- session is looked up by its pid (pg_stat_get_activity), not through pg_stat_activity, whose
    -- joins a new session paid about 0.5 ms to plan on every summary
    DELETE FROM disrupt.consultation c
     WHERE (c.backend_pid, c.backend_start, c.audit_id) IN (
           SELECT g.backend_pid, g.backend_start, g.audit_id FROM disrupt.consultation g
            WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_get_activity(g.backend_pid) a
                              WHERE a.backend_start = g.backend_start)
              FOR UPDATE SKIP LOCKED);
    INSERT INTO disrupt.consultation (backend_pid, backend_start, xact, audit_id)
    SELECT pg_catalog.pg_backend_pid(), a.backend_start, pg_catalog.pg_current_xact_id(), v_id
      FROM pg_catalog.pg_stat_get_activity(pg_catalog.pg_backend_pid()) a;
    RETURN v_person;
END
$$;
COMMENT ON FUNCTION disrupt.consult(text, text, text, jsonb) IS
    'Writes the one consult audit row with a purpose; once this transaction commits, the session may read personal data. Returns the person it names, if any';

-- session_consulted(): this session opened a consultation in a transaction that has COMMITTED
-- (the consult row is then in the audit log for good, so `BEGIN; consult; SELECT ...; ROLLBACK`
-- reads nothing: the gate stays shut inside the consulting transaction itself). THE
-- consultation rule, for consulting() and session_read_scope() below, which add that the login
-- is active staff. Granted to nobody: it runs inside them and reads the owner's table. No SET
-- clause (every name is qualified), so a call costs no settings switch.
CREATE FUNCTION disrupt.session_consulted() RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    RETURN EXISTS (SELECT 1
                     FROM pg_catalog.pg_stat_get_activity(pg_catalog.pg_backend_pid()) a
                     JOIN disrupt.consultation c
                       ON c.backend_pid OPERATOR(pg_catalog.=) a.pid AND c.backend_start OPERATOR(pg_catalog.=) a.backend_start
                    WHERE pg_catalog.pg_xact_status(c.xact) OPERATOR(pg_catalog.=) 'committed');
END
$$;

-- consulting(): may this session read personal data now? An active login (or the install
-- administrator) whose session opened a consultation (session_consulted). What the SECURITY
-- DEFINER readers check when they run (require_consultation); the read policies ask
-- read_scope(true) instead, which says the same while a statement is planned.
CREATE FUNCTION disrupt.consulting() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    RETURN coalesce(disrupt.is_active_staff(), false) AND disrupt.session_consulted();
END
$$;
COMMENT ON FUNCTION disrupt.consulting() IS
    'true when this session opened a consultation (disrupt.consult) in a committed transaction and the login is active staff';

-- read_scope(consultation): what the read policies let the statement being planned see, as
-- one value: NULL (nothing: not active staff or, when consultation is true, no committed
-- consultation), '*' (an administrator: every row) or the caller's agency (shared rows and her
-- agency's). Every staff read policy asks it (may_read_row, foundation.sql, or
-- read_scope(...) IS NOT NULL) instead of running consulting(), caller_agency() and is_admin()
-- as initplans, because PostgreSQL runs a policy's initplans only once a row reaches the
-- policy: a read that found another agency's restricted row paid for them and one that found
-- nothing did not, and that difference (0.1 ms a read: 346 against 234 us, a C client reading
-- 4,000 pairs as a police login) told her the hidden row existed
-- (issue 12). IMMUTABLE on purpose, like not_explaining: the planner calls it while it plans
-- the statement, whatever the rows, and folds it to a constant. The label must stay.
-- Not SECURITY DEFINER, so that current_user is the role whose statement is planned: the
-- owner's functions meet owner_all, which lets them read every row whatever this says, so for
-- the owner it answers '*' without a look-up (their statements are planned often). Anyone
-- else's answer is session_read_scope's.
-- What planning-time costs: a kept plan keeps the answer it was planned with (a client may keep
-- one: a protocol-level unnamed statement, which not_explaining cannot see; helper-88,
-- helper-89). Every read policy names read_scope itself, so PostgreSQL lists it among the
-- objects each plan depends on when it rewrites the statement (a call from another function's
-- body, folded away while planning, would not be listed: PolicyPlanGuardTests holds both), and
-- a change of its catalog row has every session plan again at its next statement: the trigger
-- staff_read_scope_changed makes one whenever what a login may read changes. A transaction
-- already open keeps its plans until it ends, so that login also loses her sessions. A change of the database's owner (the install administrator: a
-- superuser's act, outside disrupt) changes no staff row: the former owner's kept plans and
-- open transactions keep '*' until they end. Functions decide with consulting(),
-- caller_agency() and is_admin() (evaluated when they run), never with this.
CREATE FUNCTION disrupt.read_scope(consultation boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE  -- no SET clause: every name is qualified
AS $$
BEGIN
    IF current_user OPERATOR(pg_catalog.=) 'disrupt_owner' THEN
        RETURN '*';
    END IF;
    RETURN disrupt.session_read_scope(consultation);
END
$$;
COMMENT ON FUNCTION disrupt.read_scope(boolean) IS
    'what the read policies let this session see: NULL nothing, * every row (administrator), else the caller''s agency; IMMUTABLE on purpose, so the planner answers it once while planning (every read policy asks it)';

-- session_read_scope(consultation): read_scope's answer for the session's login, from one read
-- of her staff row (caller_identity) and, when asked, the consultation rule.
CREATE FUNCTION disrupt.session_read_scope(consultation boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    v_agency text;
    v_admin  boolean;
    v_active boolean;
BEGIN
    -- while a change of what she may read is being made (staff_read_scope_changing holds this
    -- lock until it commits), nothing: a plan made now would keep her old scope, and the session
    -- may be one the change does not end (opened after it ended her others)
    -- (taken and given back in one expression; a statement cancelled in between could keep it,
    -- and then the change ends her sessions to take it: staff_read_scope_changing)
    IF NOT (pg_catalog.pg_try_advisory_lock_shared(disrupt.staff_login_lock_key(session_user))
            AND pg_catalog.pg_advisory_unlock_shared(disrupt.staff_login_lock_key(session_user))) THEN
        RETURN NULL;
    END IF;
    SELECT c.agency, c.admin, c.active INTO v_agency, v_admin, v_active FROM disrupt.caller_identity() c;
    IF NOT coalesce(v_active, false) OR (coalesce(consultation, true) AND NOT disrupt.session_consulted()) THEN
        RETURN NULL;
    END IF;
    RETURN CASE WHEN v_admin THEN '*' ELSE v_agency END;
END
$$;

-- The locks a change of what a login may read takes (below), each key defined here only: one
-- that such changes take turns on, and one per login, which session_read_scope tries (a 64-bit
-- hash of her login: two logins whose 32-bit hashes agreed blinded each other, helper-96).
CREATE FUNCTION disrupt.staff_change_lock_key() RETURNS bigint
LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_catalog.hashtext('disrupt.read_scope')::bigint $$;

CREATE FUNCTION disrupt.staff_login_lock_key(login text) RETURNS bigint
LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_catalog.hashtextextended('disrupt.read_scope ' OPERATOR(pg_catalog.||) login, 0) $$;

-- A change of what a login may read (her staff row disabled, deleted, given another agency or
-- role) is made in three steps:
--  1. staff_read_scope_lock() (statement) takes the one lock such changes take turns on, before
--     any staff row is locked (staff_add and staff_disable take it first thing, before they
--     alter the role itself: taken after row or role locks, two changes in opposite orders
--     deadlocked); staff_read_scope_changing() (row) then takes, for the login whose access
--     changes, the lock session_read_scope tries: until the change commits, any statement of hers
--     planned sees nothing.
--  2. when the change commits (staff_read_scope_changed, a constraint trigger deferred to the
--     commit; or earlier, if the administrator says SET CONSTRAINTS ... IMMEDIATE), every kept
--     plan that folded read_scope in is planned again (see read_scope): a no-op ALTER of
--     read_scope (its own cost again) rewrites its catalog row, which PostgreSQL announces to
--     every session of the database when the change commits;
--  3. and her sessions in this database are ended (staff_login_end_sessions): a transaction
--     already open holds the locks of the plans it made, so it takes in that announcement only
--     when it ends, and at READ COMMITTED it went on reading rows written after the change with
--     her old scope (helper-90, helper-91).
-- So every session of hers either existed when the change began and is ended, or planned
-- nothing with her old scope after it began (1.) and plans again after it (2.; helper-92). A
-- snapshot taken before the change committed still shows her old staff row: once the change has
-- committed, caller_identity refuses it (the marks of 1., foundation.sql; helper-96, helper-97).
CREATE FUNCTION disrupt.staff_read_scope_lock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    PERFORM disrupt.staff_change_turn();
    RETURN NULL;
END
$$;
CREATE TRIGGER staff_change_turn_first BEFORE UPDATE OR DELETE ON disrupt.staff
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.staff_read_scope_lock();

-- staff_read_scope_changes(old, new): does this change of a staff row change what its login
-- may read? (Her name or the reason she was disabled do not.)
CREATE FUNCTION disrupt.staff_read_scope_changes(o disrupt.staff, n disrupt.staff) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT n IS NULL OR (o.login, o.agency, o.role, o.active) IS DISTINCT FROM (n.login, n.agency, n.role, n.active)
$$;

-- If a session of hers holds the lock (session_read_scope gives it back at once, but a statement
-- cancelled in between could keep it for the session's life), ending her sessions frees it: the
-- wait is 10 seconds at most. The change then marks itself (migration 0025): a transaction
-- whose snapshot does not see it once it has committed is refused (caller_identity).
CREATE FUNCTION disrupt.staff_read_scope_changing() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp SET lock_timeout = '10s'
AS $$
DECLARE
    v_previous bigint;
BEGIN
    IF disrupt.staff_read_scope_changes(OLD, CASE WHEN TG_OP = 'UPDATE' THEN NEW END) THEN
        -- a moment's wait first: a session of hers holds it while one statement is planned, and
        -- ending her sessions for that ended them for changes that were then rolled back
        -- (helper-100)
        BEGIN
            PERFORM pg_catalog.set_config('lock_timeout', '200ms', true);
            PERFORM pg_catalog.pg_advisory_xact_lock(disrupt.staff_login_lock_key(OLD.login));
        EXCEPTION WHEN lock_not_available THEN  -- (the block's lock_timeout is undone with it)
            PERFORM disrupt.staff_login_end_sessions(OLD.login);
            PERFORM pg_catalog.pg_advisory_xact_lock(disrupt.staff_login_lock_key(OLD.login));
        END;
        -- the previous change has ended (changes take turns: staff_read_scope_lock), unless it is
        -- this one (a second row changed in the same transaction: nothing to keep; clearing then
        -- lost an earlier committed change, helper-101); kept when it committed, so that one rolled
        -- back after it cannot hide it. Marks from another cluster's history (a dump restored
        -- here) are ahead of this one's: both are cleared
        SELECT m.last_value INTO v_previous FROM disrupt.staff_change_last m;
        IF v_previous::text::xid8 = pg_catalog.pg_current_xact_id() THEN
            NULL;
        ELSIF v_previous::text::xid8 > pg_catalog.pg_current_xact_id()
              OR (SELECT m.last_value FROM disrupt.staff_change_committed m)::text::xid8 > pg_catalog.pg_current_xact_id() THEN
            PERFORM pg_catalog.setval('disrupt.staff_change_committed', 0);
        ELSIF v_previous > 0 AND pg_catalog.pg_xact_status(v_previous::text::xid8) = 'committed' THEN
            PERFORM pg_catalog.setval('disrupt.staff_change_committed', v_previous);
        END IF;
        PERFORM pg_catalog.setval('disrupt.staff_change_last', pg_catalog.pg_current_xact_id()::text::bigint);
    END IF;
    RETURN CASE WHEN TG_OP = 'UPDATE' THEN NEW ELSE OLD END;
END
$$;
CREATE TRIGGER staff_login_lock_first BEFORE UPDATE OR DELETE ON disrupt.staff
    FOR EACH ROW EXECUTE FUNCTION disrupt.staff_read_scope_changing();

CREATE FUNCTION disrupt.staff_read_scope_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    IF NOT disrupt.staff_read_scope_changes(OLD, CASE WHEN TG_OP = 'UPDATE' THEN NEW END) THEN
        RETURN NULL;
    END IF;
    EXECUTE pg_catalog.format('ALTER FUNCTION disrupt.read_scope(boolean) COST %s',
                              (SELECT p.procost FROM pg_catalog.pg_proc p
                                WHERE p.oid = 'disrupt.read_scope(boolean)'::pg_catalog.regprocedure));
    PERFORM disrupt.staff_login_end_sessions(OLD.login);
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER staff_read_scope_changed AFTER UPDATE OR DELETE ON disrupt.staff
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION disrupt.staff_read_scope_changed();

-- Staff rows are never truncated: a truncation fires no row trigger, so it would end nobody's
-- sessions (and staff are disabled, not removed).
CREATE FUNCTION disrupt.staff_no_truncate() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'staff rows are not truncated: disable a login with disrupt.staff_disable' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER staff_truncate_refused BEFORE TRUNCATE ON disrupt.staff
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.staff_no_truncate();

-- require_consultation(): the same gate for the SECURITY DEFINER functions that read personal
-- data on the caller's behalf (they reach rows as the owner, past the policies): refused (42501)
-- under EXPLAIN (refuse_explain, foundation.sql) and unless the session has a committed
-- consultation.
CREATE FUNCTION disrupt.require_consultation() RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    PERFORM disrupt.refuse_explain();
    IF NOT disrupt.consulting() THEN
        RAISE EXCEPTION 'reading personal data needs a consultation: call disrupt.consult(purpose, scope) first'
            USING ERRCODE = '42501';
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Reading the audit log: audit_entries(person, login, since, until, operation, limit).
--   Staff and administrators hold no privilege on disrupt.audit_log (issue 12): whoever may
--   SELECT a table may EXPLAIN (ANALYZE) a query of it, whose "Rows Removed by Filter" counted
--   the rows its policy hid, and the log's indexes on person, login and time ran before the
--   policy, so a login without a consultation counted how many rows other logins had about a
--   person, even one hidden from her, and timed another login's activity. This function is
--   their only read, and the one statement of who may read which rows: nothing without a
--   consultation (disrupt.consulting()); then an administrator every row, anyone else only the
--   rows their own login made. It runs as the owner, who reads every row (owner_read).
--   A non-administrator's rows are read behind OFFSET 0 by login, newest first, the days as a
--   row comparison led by login (a bound the index on login, at can use and the index on time
--   cannot), and only then filtered: EXPLAIN (ANALYZE, BUFFERS) of a call, or a timer, shows how
--   much it read, and a read by the index on person would touch other logins' rows about him.
--   The LIMIT stops the read once enough of hers pass. One generic plan serves every call
--   (plan_cache_mode, set on the function): a plan made for a call's values (PL/pgSQL makes
--   them for the first five calls, and later ones when they look cheaper; every one under a
--   caller's force_custom_plan) was chosen on estimates from every login's rows about the
--   person asked for, and what it read showed which plan it was: a hash or a nested-loop join
--   for the references (helper-71: 406 against 519 buffers), an index or a sort for her rows
--   below the LIMIT (539 against 504). The person's reference is a scalar subquery per row
--   returned. What the generic plan looks like is still chosen under the caller's planner
--   settings: she can make it read her rows newest first through the index on time, past
--   everyone's, whose buffers then count all logins' audit rows since her oldest match (how
--   many, not whose nor about whom).
--   person_ref only for a person the caller may see now (disrupt.may_see_person, record.sql),
--   NULL otherwise. Each filter is optional (NULL: any); since is included, until is not.
--   Newest first, at most p_limit rows (1 to 10000, as `disrupt audit --limit`; DR422 otherwise).
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.audit_entries(p_person_id bigint, p_login text, p_since timestamptz, p_until timestamptz,
                                      p_operation text, p_limit integer)
RETURNS TABLE (id bigint, at timestamptz, login text, agency text, operation text, object_table text,
               object_key text, person_id bigint, person_ref text, purpose text, recipient text,
               before jsonb, after jsonb, detail jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan  -- one plan for every call (above)
AS $$
DECLARE
    v_admin boolean;
    v_login text := disrupt.caller_login();
    v_since timestamptz := coalesce(p_since, '-infinity');
    v_until timestamptz := coalesce(p_until, 'infinity');
BEGIN
    PERFORM disrupt.refuse_explain();
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 10000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'audit_entries: the limit must be a whole number from 1 to 10000';
    END IF;
    IF NOT disrupt.consulting() THEN
        RETURN;
    END IF;
    v_admin := coalesce(disrupt.is_admin(), false);
    -- one branch runs: hers, or an administrator's by person, by login, or by time alone (each
    -- its own index in the one generic plan); the others stop at their first condition
    RETURN QUERY
        WITH readable AS (
            (SELECT o.* FROM (SELECT a.* FROM disrupt.audit_log a  -- hers (not an administrator)
                               WHERE NOT v_admin AND a.login = v_login
                                 -- the days as bounds only the index on (login, at) can use
                                 AND (a.login, a.at) >= (v_login, v_since) AND (a.login, a.at) < (v_login, v_until)
                               ORDER BY a.at DESC, a.id DESC OFFSET 0) o
              WHERE (p_person_id IS NULL OR o.person_id = p_person_id)
                AND (p_login IS NULL OR o.login = p_login)
                AND (p_operation IS NULL OR o.operation = p_operation)
              LIMIT p_limit)
            UNION ALL
            (SELECT a.* FROM disrupt.audit_log a  -- an administrator, one person
              WHERE v_admin AND p_person_id IS NOT NULL AND a.person_id = p_person_id
                AND a.at >= v_since AND a.at < v_until
                AND (p_login IS NULL OR a.login = p_login) AND (p_operation IS NULL OR a.operation = p_operation)
              ORDER BY a.at DESC, a.id DESC LIMIT p_limit)
            UNION ALL
            (SELECT a.* FROM disrupt.audit_log a  -- an administrator, one login
              WHERE v_admin AND p_person_id IS NULL AND p_login IS NOT NULL AND a.login = p_login
                AND a.at >= v_since AND a.at < v_until AND (p_operation IS NULL OR a.operation = p_operation)
              ORDER BY a.at DESC, a.id DESC LIMIT p_limit)
            UNION ALL
            (SELECT a.* FROM disrupt.audit_log a  -- an administrator, every row
              WHERE v_admin AND p_person_id IS NULL AND p_login IS NULL
                AND a.at >= v_since AND a.at < v_until AND (p_operation IS NULL OR a.operation = p_operation)
              ORDER BY a.at DESC, a.id DESC LIMIT p_limit)
        )
        -- the rows first, then the reference of each one's person (one may_see_person per row
        -- returned, none for an administrator, who may see every person)
        SELECT e.id, e.at, e.login, e.agency, e.operation, e.object_table, e.object_key, e.person_id,
               CASE WHEN v_admin OR disrupt.may_see_person(e.person_id)
                    THEN (SELECT pe.person_ref FROM disrupt.person pe WHERE pe.id = e.person_id) END,
               e.purpose, e.recipient, e.before, e.after, e.detail
          FROM readable e
         ORDER BY e.at DESC, e.id DESC;
END
$$;
COMMENT ON FUNCTION disrupt.audit_entries(bigint, text, timestamptz, timestamptz, text, integer) IS
    'The audit rows the caller may read, within a consultation: an administrator every row, anyone else their own login''s; newest first';

-- ---------------------------------------------------------------------------
-- The import context (table in migration 0006): import_run marks its statement so that
-- the audit triggers log imported rows by key and file (foundation.sql), and so that the
-- statement may change stored records (disrupt.import_update, import.sql). Only import_run may
-- set it: import_mark reads the PL/pgSQL call stack and refuses any other caller, so a
-- hand-made insert cannot pass for an import, nor a hand-made call change stored records.
-- import_file() is what the audit triggers read ('' is an import without a file name: marked,
-- logged with whole row images); import_writing() what import_update reads.
-- ---------------------------------------------------------------------------
CREATE FUNCTION disrupt.import_mark(file text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE v_stack text;
BEGIN
    GET DIAGNOSTICS v_stack = PG_CONTEXT;
    -- the whole stack must be: this function, the PERFORM's statement, disrupt.import_run
    -- called from the top level (a function of another schema shows its schema's name)
    IF v_stack !~ ('^PL/pgSQL function import_mark\(text\) line [0-9]+ at GET DIAGNOSTICS\n'
                   'SQL statement "SELECT disrupt\.import_mark\((coalesce\(source_file, ''''\)|NULL)\)"\n'
                   'PL/pgSQL function import_run\(text,text,text\) line [0-9]+ at PERFORM$') THEN
        RAISE EXCEPTION 'import_mark: only disrupt.import_run marks an import' USING ERRCODE = '42501';
    END IF;
    DELETE FROM disrupt.import_context c
     WHERE (c.backend_pid, c.xact) IN (
           SELECT g.backend_pid, g.xact FROM disrupt.import_context g
            WHERE g.backend_pid = pg_catalog.pg_backend_pid()
               OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = g.backend_pid)
              FOR UPDATE SKIP LOCKED);
    IF file IS NOT NULL THEN
        INSERT INTO disrupt.import_context (backend_pid, xact, file)
        VALUES (pg_catalog.pg_backend_pid(), pg_catalog.pg_current_xact_id(), file);
    END IF;
END
$$;

CREATE FUNCTION disrupt.import_file() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
    SELECT nullif(c.file, '') FROM disrupt.import_context c
    WHERE c.backend_pid = pg_catalog.pg_backend_pid() AND c.xact = pg_catalog.pg_current_xact_id_if_assigned()
$$;

CREATE FUNCTION disrupt.import_writing() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM disrupt.import_context c
                   WHERE c.backend_pid = pg_catalog.pg_backend_pid() AND c.xact = pg_catalog.pg_current_xact_id_if_assigned())
$$;

-- ---------------------------------------------------------------------------
-- Row-level security (enabled and forced in the baseline migration)
-- ---------------------------------------------------------------------------
-- staff: readable by active staff and the service; written only by staff_add/staff_disable
-- (not TO PUBLIC: the helpers read staff as disrupt_owner, which must only meet owner_all,
--  or each helper call would evaluate this policy and call the helpers again)
CREATE POLICY staff_directory_read ON disrupt.staff FOR SELECT TO disrupt_staff, disrupt_service
    USING (disrupt.not_explaining() AND ((SELECT disrupt.is_active_staff()) OR (SELECT disrupt.is_service())));
SELECT disrupt.attach_owner_policy('disrupt.staff');
SELECT disrupt.attach_audit('disrupt.staff');

-- lookup tables (agency, marker_kind, offence, order_type; RLS from migration 0006): read by
-- active staff, kept by administrators (grants in record.sql); a disabled login reads nothing.
DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agency', 'marker_kind', 'offence', 'order_type'] LOOP
        EXECUTE format('CREATE POLICY lookup_read ON disrupt.%I FOR SELECT TO disrupt_staff '
                       'USING (disrupt.not_explaining() AND (SELECT disrupt.is_active_staff()))', t);
        EXECUTE format('CREATE POLICY lookup_admin ON disrupt.%I FOR ALL TO disrupt_admin '
                       'USING (disrupt.not_explaining() AND (SELECT disrupt.is_admin())) WITH CHECK (disrupt.not_explaining() AND (SELECT disrupt.is_admin()))', t);
        PERFORM disrupt.attach_owner_policy(format('disrupt.%I', t)::regclass);
    END LOOP;
END
$do$;

-- audit_log: read by admins and by the login that made the row, only through audit_entries
-- (above; no role but the owner may SELECT the table); inserted only by the SECURITY DEFINER
-- functions (owner); never updated or deleted.
ALTER TABLE disrupt.audit_log ENABLE ROW LEVEL SECURITY;
-- No read policy but the owner's: audit_entries states who may read which rows, once; with
-- row-level security on and no policy for them, a SELECT granted to staff by mistake would
-- return nothing.
CREATE POLICY owner_insert ON disrupt.audit_log FOR INSERT TO disrupt_owner WITH CHECK (true);
CREATE POLICY owner_read ON disrupt.audit_log FOR SELECT TO disrupt_owner USING (true);

SELECT disrupt.hand_to_owner();
-- the login functions run with CREATEROLE: owned by disrupt_role_admin, not disrupt_owner
ALTER FUNCTION disrupt.staff_login_is_ours(text) OWNER TO disrupt_role_admin;
ALTER FUNCTION disrupt.staff_login_enable(text, boolean, integer) OWNER TO disrupt_role_admin;
ALTER FUNCTION disrupt.staff_login_disable(text) OWNER TO disrupt_role_admin;
ALTER FUNCTION disrupt.staff_login_alter(text, text, boolean) OWNER TO disrupt_role_admin;
ALTER FUNCTION disrupt.staff_login_end_sessions(text) OWNER TO disrupt_role_admin;

-- ---------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------
REVOKE ALL ON FUNCTION
    disrupt.staff_add(text, text, text, text, integer), disrupt.staff_disable(text, text),
    disrupt.audit_log_immutable(),
    disrupt.consult(text, text, text, jsonb), disrupt.consulting(), disrupt.read_scope(boolean),
    disrupt.session_read_scope(boolean), disrupt.session_consulted(),
    disrupt.staff_read_scope_lock(), disrupt.staff_read_scope_changes(disrupt.staff, disrupt.staff),
    disrupt.staff_read_scope_changing(), disrupt.staff_read_scope_changed(), disrupt.staff_no_truncate(),
    disrupt.staff_change_lock_key(), disrupt.staff_login_lock_key(text), disrupt.staff_change_turn(),
    disrupt.require_consultation(), disrupt.audit_entries(bigint, text, timestamptz, timestamptz, text, integer),
    disrupt.import_mark(text), disrupt.import_file(), disrupt.import_writing()
FROM PUBLIC;
-- consult opens the gate (and writes its own audit row); consulting says whether it is open;
-- read_scope is what the read policies ask (and session_read_scope, which it calls as the
-- caller); audit_entries is the one read of the audit log; import_mark refuses every caller but
-- import_run (which runs as disrupt_reader for the staff login). No audit-writing function is granted: audit rows
-- come only from these functions and the triggers.
GRANT EXECUTE ON FUNCTION
    disrupt.consult(text, text, text, jsonb), disrupt.consulting(), disrupt.read_scope(boolean),
    disrupt.session_read_scope(boolean), disrupt.audit_entries(bigint, text, timestamptz, timestamptz, text, integer), disrupt.import_mark(text)
    TO disrupt_staff;
REVOKE ALL ON FUNCTION
    disrupt.staff_login_is_ours(text), disrupt.staff_login_enable(text, boolean, integer), disrupt.staff_login_disable(text),
    disrupt.staff_login_alter(text, text, boolean), disrupt.staff_login_end_sessions(text)
FROM PUBLIC;
-- staff_login_alter is called only by the two login functions above it (its owner's)
GRANT EXECUTE ON FUNCTION
    disrupt.staff_login_is_ours(text), disrupt.staff_login_enable(text, boolean, integer), disrupt.staff_login_disable(text),
    disrupt.staff_login_end_sessions(text)
    TO disrupt_owner;
GRANT USAGE ON SCHEMA disrupt TO disrupt_role_admin;
-- staff_add/staff_disable check is_admin() themselves
GRANT EXECUTE ON FUNCTION disrupt.staff_add(text, text, text, text, integer), disrupt.staff_disable(text, text)
    TO disrupt_admin;

-- staff directory: read only for staff (writes via staff_add / staff_disable)
SELECT disrupt.grant_read('{disrupt_staff}', 'disrupt.staff');

-- audit log: no privilege but the owner's. Staff and administrators read it through
-- audit_entries only (a SELECT grant would let them EXPLAIN past the policy: above); rows are
-- appended by the owner's functions and triggers, which may neither change nor delete one.
-- (The definitions' reset takes back every grant before this file runs, so a database whose
-- staff had SELECT loses it at its next `disrupt db migrate`.)
REVOKE ALL ON disrupt.audit_log FROM PUBLIC, disrupt_staff, disrupt_admin, disrupt_service;
REVOKE UPDATE, DELETE, TRUNCATE ON disrupt.audit_log FROM disrupt_owner;

-- the schema version, readable by everyone who connects: every command checks the
-- migrations and definitions before it runs, whoever is connected
SELECT disrupt.grant_read('{disrupt_staff,disrupt_service}', 'disrupt.schema_migrations', 'disrupt.schema_definitions');

-- Statistics that count rows (pg_stat_*_tables, pg_stat_get_*, sizes) are made the monitoring
-- role's only by `disrupt db migrate` on every run, as a superuser (Sources/DisruptStore/
-- StatisticsLock.swift): pg_catalog is not disrupt's, and a function here could be replaced by the
-- schema's owner before a superuser called it.

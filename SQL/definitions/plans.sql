-- plans.sql: disruption plans and their actions.
--
-- A plan belongs to one perpetrator (person) and one SPOC; it holds actions under the four
-- headings of the SafeLives guidance (prosecute, disrupt, divert, manage). Plans, actions and
-- their history are visible to every active staff member: "you can only see your own agency's
-- actions" is the failure this service exists to fix. Writes go only through the SECURITY
-- DEFINER functions below, which check who is calling, optimistic versions and the allowed
-- transitions. Table privileges are SELECT only.
--
-- Errors (custom SQLSTATEs, class DR):
--   DR403  the caller may not do this
--   DR404  no such plan / action / person / staff member (a person the caller cannot see, and
--          a plan or action for one, is "not found" in the same words as one that does not exist)
--   DR409  stale expected_version or a conflicting open plan; DETAIL is the current row as JSON
--   DR422  refused: invalid value or transition (start without Idva check, done without outcome...)
--
-- The tables are in the baseline migration.

-- ---------------------------------------------------------------------------------------------
-- Row-level security: read for every active staff member, no direct writes.
-- RLS is FORCEd (baseline) and the owner (disrupt_owner, which owns the SECURITY DEFINER
-- functions below after hand_to_owner) reaches rows through an explicit owner_all policy.
-- The functions do their own permission checks.
-- ---------------------------------------------------------------------------------------------

-- Reading needs an open consultation (disrupt.read_scope(true), security.sql), like every
-- personal-data table, and the person the plan is for: the EXISTS runs under the caller's own policy on person,
-- so a restricted person's plan, actions and their history are as absent as the person.
CREATE POLICY plan_read ON disrupt.plan FOR SELECT
    USING (disrupt.not_explaining() AND disrupt.read_scope(true) IS NOT NULL AND EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = plan.person_id));
CREATE POLICY action_read ON disrupt.action FOR SELECT
    USING (disrupt.not_explaining() AND disrupt.read_scope(true) IS NOT NULL AND EXISTS (SELECT 1 FROM disrupt.plan pl WHERE pl.id = action.plan_id));
CREATE POLICY action_history_read ON disrupt.action_history FOR SELECT
    USING (disrupt.not_explaining() AND disrupt.read_scope(true) IS NOT NULL AND EXISTS (SELECT 1 FROM disrupt.action a WHERE a.id = action_history.action_id));
SELECT disrupt.attach_owner_policy(t::regclass)
FROM unnest(ARRAY['disrupt.plan', 'disrupt.action', 'disrupt.action_history']) AS t;

REVOKE ALL ON disrupt.plan, disrupt.action, disrupt.action_history FROM PUBLIC;
SELECT disrupt.grant_read('{disrupt_staff,disrupt_admin}', 'disrupt.plan', 'disrupt.action', 'disrupt.action_history');

SELECT disrupt.attach_audit('disrupt.plan'), disrupt.attach_audit('disrupt.action');

-- The tactic catalogue (migration 0008): every active staff member reads it; only the
-- administrators' functions below change it, and the audit triggers record every change.
CREATE POLICY tactic_read ON disrupt.tactic FOR SELECT USING (disrupt.not_explaining() AND (SELECT disrupt.is_active_staff()));
SELECT disrupt.attach_owner_policy('disrupt.tactic');
REVOKE ALL ON disrupt.tactic FROM PUBLIC;
SELECT disrupt.grant_read('{disrupt_staff,disrupt_admin}', 'disrupt.tactic');
SELECT disrupt.attach_audit('disrupt.tactic');

-- ---------------------------------------------------------------------------------------------
-- Internal helpers (not granted to anyone)
-- ---------------------------------------------------------------------------------------------

-- Raise DR403 unless the caller is an active staff member.
CREATE FUNCTION disrupt.plan_require_staff() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT coalesce(disrupt.is_active_staff(), false) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s is not an active staff member', disrupt.caller_login());
    END IF;
    RETURN disrupt.caller_login();
END $$;

-- May the caller change a plan (its SPOC's agency given) or an action in it (the action's agency given)?
-- Yes for: the plan's SPOC, staff of the owning agency, admins, chairs and coordinators.
CREATE FUNCTION disrupt.plan_caller_may_edit(p_spoc_login text, p_agency text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(disrupt.is_active_staff(), false)
       AND (coalesce(disrupt.is_admin(), false)
            OR disrupt.caller_role() IN ('chair', 'coordinator')
            OR disrupt.caller_login() = p_spoc_login
            OR disrupt.caller_agency() = p_agency)
$$;

-- Raise DR422 unless a due or review date (NULL allowed) is within 5 years of today either way
-- (012 bounds the stored column; this also catches a year typed wrong into the past).
CREATE FUNCTION disrupt.plan_require_scheduled(p_day date, p_what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF p_day NOT BETWEEN (disrupt.today() - interval '5 years')::date AND (disrupt.today() + interval '5 years')::date THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('%s %s is out of range: it must be within 5 years of today (%s)', p_what, p_day, disrupt.today());
    END IF;
END $$;

-- The current state a DR409 shows in its DETAIL, only to a session with a committed
-- consultation (it is the plan's or action's content: helper-56 read it, with no consultation,
-- by calling plan_update or action_extend with a stale version).
CREATE FUNCTION disrupt.plan_state(p disrupt.plan) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN NOT disrupt.consulting() THEN '{"state": "open a consultation (disrupt.consult) to see it"}'
                ELSE jsonb_build_object('plan_id', p.id, 'version', p.version, 'status', p.status,
        'spoc_login', p.spoc_login, 'agency', p.agency, 'review_on', p.review_on,
        'closed_at', p.closed_at, 'close_reason', p.close_reason,
        'updated_by', p.updated_by, 'updated_at', p.updated_at)::text END
$$;

CREATE FUNCTION disrupt.action_state(a disrupt.action) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN NOT disrupt.consulting() THEN '{"state": "open a consultation (disrupt.consult) to see it"}'
                ELSE jsonb_build_object('action_id', a.id, 'plan_id', a.plan_id, 'version', a.version,
        'status', a.status, 'heading', a.heading, 'tactic', a.tactic, 'label', a.label, 'agency', a.agency,
        'owner_login', a.owner_login, 'due_on', a.due_on, 'outcome', a.outcome,
        'needs_safety_check', a.needs_safety_check, 'safety_checked_by', a.safety_checked_by,
        'safety_checked_at', a.safety_checked_at, 'safety_check_recorded_by', a.safety_check_recorded_by,
        'safety_check_via', a.safety_check_via, 'updated_by', a.updated_by, 'updated_at', a.updated_at)::text END
$$;

-- Refuse (DR404, "not found") a plan or an action the caller may not see, before anything locks
-- it: a lock first would make her wait for, and a lock timeout tell her of, another agency's
-- change of a plan hidden from her (helper-61). The functions check again once they hold the row.
CREATE FUNCTION disrupt.plan_require_visible(p_plan_id bigint) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM disrupt.plan p WHERE p.id = p_plan_id AND disrupt.may_see_person(p.person_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('plan %s not found', p_plan_id);
    END IF;
END $$;

CREATE FUNCTION disrupt.action_require_visible(p_action_id bigint) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM disrupt.action a JOIN disrupt.plan p ON p.id = a.plan_id
                    WHERE a.id = p_action_id AND disrupt.may_see_person(p.person_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('action %s not found', p_action_id);
    END IF;
END $$;

-- Lock an action for change: DR404 if missing, DR403 if the caller may not change it,
-- DR409 (DETAIL = current state) if the version is stale.
CREATE FUNCTION disrupt.action_lock_for_change(p_action_id bigint, p_expected_version integer)
RETURNS disrupt.action
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a disrupt.action;
    v_spoc text;
BEGIN
    PERFORM disrupt.plan_require_staff();
    PERFORM disrupt.action_require_visible(p_action_id);
    SELECT * INTO a FROM disrupt.action WHERE id = p_action_id FOR UPDATE;
    IF NOT FOUND OR NOT disrupt.may_see_person((SELECT person_id FROM disrupt.plan WHERE id = a.plan_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('action %s not found', p_action_id);
    END IF;
    SELECT spoc_login INTO v_spoc FROM disrupt.plan WHERE id = a.plan_id;
    IF NOT disrupt.plan_caller_may_edit(v_spoc, a.agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may not change action %s: only the plan''s SPOC (%s), staff of %s, chairs, coordinators and admins may',
                             disrupt.caller_login(), a.id, v_spoc, a.agency);
    END IF;
    IF p_expected_version IS NULL OR a.version <> p_expected_version THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('action %s was changed by someone else (you had version %s, it is now version %s)',
                             a.id, coalesce(p_expected_version::text, 'none'), a.version),
            DETAIL = disrupt.action_state(a),
            HINT = 'show the action again and retry with the current version';
    END IF;
    RETURN a;
END $$;

-- Check that a login names an active staff member (optionally of an agency / role); DR422 otherwise.
CREATE FUNCTION disrupt.plan_require_active_login(p_login text, p_what text,
                                                  p_agency text DEFAULT NULL, p_roles text[] DEFAULT NULL)
RETURNS disrupt.staff
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s disrupt.staff;
BEGIN
    SELECT * INTO s FROM disrupt.staff WHERE login = p_login;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no staff member with login %s', p_login);
    END IF;
    IF NOT s.active THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('%s %s is not active', p_what, p_login);
    END IF;
    IF p_agency IS NOT NULL AND s.agency <> p_agency THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('%s %s works for %s, not %s', p_what, p_login, s.agency, p_agency);
    END IF;
    IF p_roles IS NOT NULL AND NOT (s.role = ANY (p_roles)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('%s %s has role %s; needs %s', p_what, p_login, s.role, array_to_string(p_roles, ' or '));
    END IF;
    RETURN s;
END $$;

-- ---------------------------------------------------------------------------------------------
-- The tactic catalogue (administrators only; `disrupt tactics import`)
-- ---------------------------------------------------------------------------------------------

-- Raise DR403 unless the caller is an active administrator.
CREATE FUNCTION disrupt.tactic_require_admin() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
BEGIN
    IF NOT (coalesce(disrupt.is_active_staff(), false) AND coalesce(disrupt.is_admin(), false)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may not change the tactic catalogue: only an administrator may', disrupt.caller_login());
    END IF;
    RETURN disrupt.caller_login();
END $$;

-- Add a tactic, or change one (by code), and bring a retired one back. The rules are
-- DisruptCore's (Tactic, TacticCatalogue): a snake_case code, one of the four headings, a known
-- agency, a label, and no joint work with the victim in the code or the label (DR422; the CHECK
-- tactic_no_joint_work stands behind it). An exemption from the Idva safety check needs its
-- reason; NULL p_exempt_reason means the check is needed. p_position NULL keeps the tactic's
-- place (a new one goes last). Returns 'added', 'changed' or 'unchanged'.
CREATE FUNCTION disrupt.tactic_set(p_code text, p_heading text, p_agency text, p_label text,
                                   p_description text, p_exempt_reason text, p_position integer)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.tactic_require_admin();
    v_label text := nullif(btrim(p_label), '');
    v_phrase text;
    t disrupt.tactic;
BEGIN
    IF p_code IS NULL OR p_code !~ '^[a-z][a-z0-9_]{0,99}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('''%s'' is not a tactic code (lower-case letters, digits and underscores)', coalesce(p_code, '(none)'));
    END IF;
    IF v_label IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('tactic %s needs a label', p_code);
    END IF;
    v_phrase := coalesce(disrupt.joint_work_phrase(p_code), disrupt.joint_work_phrase(v_label));
    IF v_phrase IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('tactic ''%s'' (%s) matches ''%s'': mediation, couples or joint counselling, family therapy, '
                             'restorative justice and other joint work with the victim are not safe where there is '
                             'domestic abuse and are refused', p_code, v_label, v_phrase);
    END IF;
    IF p_heading IS NULL OR p_heading NOT IN ('prosecute', 'disrupt', 'divert', 'manage') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('heading %s is not one of prosecute, disrupt, divert, manage', coalesce(p_heading, '(none)'));
    END IF;
    IF p_agency IS NULL OR NOT EXISTS (SELECT 1 FROM disrupt.agency WHERE code = p_agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('no agency %s', coalesce(p_agency, '(none)'));
    END IF;
    IF p_exempt_reason IS NOT NULL AND disrupt.clean_reason(p_exempt_reason) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'an exemption from the Idva safety check needs a reason';
    END IF;
    p_exempt_reason := disrupt.clean_reason(p_exempt_reason);  -- stored and compared as checked

    SELECT * INTO t FROM disrupt.tactic WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO disrupt.tactic (code, heading, agency, label, description, safety_check_exempt_reason, position, updated_by)
        VALUES (p_code, p_heading, p_agency, v_label, p_description, p_exempt_reason,
                coalesce(p_position, (SELECT coalesce(max(position), 0) + 1 FROM disrupt.tactic)), v_login);
        RETURN 'added';
    END IF;
    IF (t.heading, t.agency, t.label, t.description, t.safety_check_exempt_reason, t.position, t.retired_at)
       IS NOT DISTINCT FROM (p_heading, p_agency, v_label, p_description, p_exempt_reason, coalesce(p_position, t.position), NULL::timestamptz) THEN
        RETURN 'unchanged';
    END IF;
    UPDATE disrupt.tactic
       SET heading = p_heading, agency = p_agency, label = v_label, description = p_description,
           safety_check_exempt_reason = p_exempt_reason, position = coalesce(p_position, position),
           retired_at = NULL, updated_by = v_login, updated_at = now()
     WHERE id = t.id;
    RETURN 'changed';
END $$;

-- Retire a tactic: no new action may use it; actions that have it keep it. Returns false when it
-- was already retired. DR404 for a code the catalogue never held.
CREATE FUNCTION disrupt.tactic_retire(p_code text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.tactic_require_admin();
    t disrupt.tactic;
BEGIN
    SELECT * INTO t FROM disrupt.tactic WHERE code = p_code FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no tactic %s in the catalogue', coalesce(p_code, '(none)'));
    END IF;
    IF t.retired_at IS NOT NULL THEN
        RETURN false;
    END IF;
    UPDATE disrupt.tactic SET retired_at = now(), updated_by = v_login, updated_at = now() WHERE id = t.id;
    RETURN true;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Plans
-- ---------------------------------------------------------------------------------------------

-- Open a plan for a person (by person_ref; a merged record is followed to the surviving one).
-- Callers: SPOCs, chairs, coordinators, admins. The SPOC must be an active staff member with role spoc.
CREATE FUNCTION disrupt.plan_open(p_person_ref text, p_spoc_login text, p_review_on date)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    v_person bigint;
    v_named bigint;
    v_next bigint;
    v_hops int := 0;
    v_spoc disrupt.staff;
    v_existing disrupt.plan;
    v_id bigint;
BEGIN
    IF NOT (coalesce(disrupt.is_admin(), false) OR disrupt.caller_role() IN ('spoc', 'chair', 'coordinator')) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may not open plans: SPOCs, chairs, coordinators and admins may', v_login);
    END IF;
    SELECT id, merged_into INTO v_person, v_next FROM disrupt.person WHERE person_ref = p_person_ref
     ORDER BY disrupt.ref_rank(agency, sensitivity, disrupt.caller_agency()) LIMIT 1;
    v_named := v_person;
    WHILE v_next IS NOT NULL AND v_hops < 20 LOOP
        v_person := v_next;
        SELECT merged_into INTO v_next FROM disrupt.person WHERE id = v_person;
        v_hops := v_hops + 1;
    END LOOP;
    -- a person the caller cannot see (the one named or the one it was merged into) is not found
    IF v_person IS NULL OR NOT disrupt.may_see_person(v_person)
       OR NOT disrupt.may_see_person(v_named) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no person with reference %s', p_person_ref);
    END IF;
    IF p_spoc_login IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a plan needs a SPOC';
    END IF;
    v_spoc := disrupt.plan_require_active_login(p_spoc_login, 'SPOC', NULL, ARRAY['spoc']);
    PERFORM disrupt.plan_require_scheduled(p_review_on, 'review date');

    SELECT * INTO v_existing FROM disrupt.plan WHERE person_id = v_person AND status = 'open';
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = CASE WHEN disrupt.consulting()
                           THEN format('person %s already has open plan %s (SPOC %s)', p_person_ref, v_existing.id, v_existing.spoc_login)
                           ELSE format('person %s already has an open plan', p_person_ref) END,
            DETAIL = disrupt.plan_state(v_existing);
    END IF;
    BEGIN
        INSERT INTO disrupt.plan (person_id, spoc_login, review_on, opened_by, agency, created_by, updated_by)
        VALUES (v_person, v_spoc.login, p_review_on, v_login, v_spoc.agency, v_login, v_login)
        RETURNING id INTO v_id;
    EXCEPTION WHEN unique_violation THEN  -- someone opened one at the same moment
        SELECT * INTO v_existing FROM disrupt.plan WHERE person_id = v_person AND status = 'open';
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('person %s already has an open plan', p_person_ref),
            DETAIL = coalesce(disrupt.plan_state(v_existing), '{}');
    END;
    RETURN v_id;
END $$;

-- Change a plan's SPOC and/or review date (NULL = leave unchanged). Returns the new version.
CREATE FUNCTION disrupt.plan_update(p_plan_id bigint, p_expected_version integer,
                                    p_spoc_login text, p_review_on date)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    p disrupt.plan;
    v_spoc disrupt.staff;
BEGIN
    -- NO KEY: a new SPOC or review date need not keep other agencies from adding actions (their
    -- FOR KEY SHARE); FOR UPDATE had made a SPOC who kept this open hold up every action_add
    PERFORM disrupt.plan_require_visible(p_plan_id);
    SELECT * INTO p FROM disrupt.plan WHERE id = p_plan_id FOR NO KEY UPDATE;
    IF NOT FOUND OR NOT disrupt.may_see_person(p.person_id) THEN  -- a hidden person's plan is not found
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('plan %s not found', p_plan_id);
    END IF;
    IF NOT disrupt.plan_caller_may_edit(p.spoc_login, p.agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may not change plan %s', v_login, p.id);
    END IF;
    IF p_expected_version IS NULL OR p.version <> p_expected_version THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('plan %s was changed by someone else (you had version %s, it is now version %s)',
                             p.id, coalesce(p_expected_version::text, 'none'), p.version),
            DETAIL = disrupt.plan_state(p);
    END IF;
    IF p.status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('plan %s is closed', p.id),
            DETAIL = disrupt.plan_state(p);
    END IF;
    PERFORM disrupt.plan_require_scheduled(p_review_on, 'review date');
    IF p_spoc_login IS NOT NULL AND p_spoc_login <> p.spoc_login THEN
        v_spoc := disrupt.plan_require_active_login(p_spoc_login, 'SPOC', NULL, ARRAY['spoc']);
        p.spoc_login := v_spoc.login;
        p.agency := v_spoc.agency;
    END IF;
    UPDATE disrupt.plan
       SET spoc_login = p.spoc_login, agency = p.agency,
           review_on = coalesce(p_review_on, review_on),
           version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = p.id
    RETURNING version INTO p.version;
    RETURN p.version;
END $$;

-- Close a plan with a reason. Live actions (open, in progress, blocked) are cancelled with the
-- same reason, each with a history row. Returns the new version.
CREATE FUNCTION disrupt.plan_close(p_plan_id bigint, p_expected_version integer, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    p disrupt.plan;
BEGIN
    PERFORM disrupt.plan_require_visible(p_plan_id);
    SELECT * INTO p FROM disrupt.plan WHERE id = p_plan_id FOR UPDATE;
    IF NOT FOUND OR NOT disrupt.may_see_person(p.person_id) THEN  -- a hidden person's plan is not found
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('plan %s not found', p_plan_id);
    END IF;
    IF NOT disrupt.plan_caller_may_edit(p.spoc_login, p.agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403', MESSAGE = format('%s may not close plan %s', v_login, p.id);
    END IF;
    IF p_expected_version IS NULL OR p.version <> p_expected_version THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('plan %s was changed by someone else (you had version %s, it is now version %s)',
                             p.id, coalesce(p_expected_version::text, 'none'), p.version),
            DETAIL = disrupt.plan_state(p);
    END IF;
    IF p.status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('plan %s is already closed', p.id),
            DETAIL = disrupt.plan_state(p);
    END IF;
    p_reason := disrupt.clean_reason(p_reason);  -- checked and stored as cleaned
    IF p_reason IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'closing a plan needs a reason';
    END IF;

    WITH cancelled AS (
        UPDATE disrupt.action
           SET status = 'cancelled', version = version + 1, updated_by = v_login, updated_at = now()
          FROM (SELECT id, status AS old_status FROM disrupt.action
                 WHERE plan_id = p.id AND status IN ('open', 'in_progress', 'blocked') FOR UPDATE) old
         WHERE disrupt.action.id = old.id
        RETURNING disrupt.action.id, old.old_status
    )
    INSERT INTO disrupt.action_history (action_id, login, change, from_status, to_status, reason)
    SELECT id, v_login, 'cancel', old_status, 'cancelled', 'plan closed: ' || p_reason FROM cancelled;

    UPDATE disrupt.plan
       SET status = 'closed', closed_at = now(), closed_by = v_login, close_reason = p_reason,
           version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = p.id
    RETURNING version INTO p.version;
    RETURN p.version;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Actions
-- ---------------------------------------------------------------------------------------------

-- Add an action to an open plan: a catalogue tactic (p_tactic) or a custom action (p_label, a
-- free-text label under the heading); exactly one of the two. Callers: the plan's SPOC, chairs,
-- coordinators, admins, and any active staff member taking an action for their own agency. The
-- owner (optional) must be active staff of the action's agency. Returns the action id (version 1).
-- The client checks the proposal with TacticCatalogue.validate over this database's catalogue;
-- this function trusts none of it: a tactic must be a live row of disrupt.tactic (DR422 for an
-- unknown or retired code) and the heading must be the tactic's; joint work with the victim is
-- refused in a tactic or a label (DR422; the CHECK action_no_joint_work of migration 0004 stands
-- behind it). The database alone decides the Idva safety check: a custom action always needs
-- it, a tactic unless its catalogue row carries an administrator's safety_check_exempt_reason.
CREATE FUNCTION disrupt.action_add(p_plan_id bigint, p_heading text, p_tactic text, p_agency text,
                                   p_owner_login text, p_due_on date, p_note text, p_label text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    v_tactic text := nullif(btrim(p_tactic), '');
    v_label text := nullif(btrim(p_label, E' \t\r\n'), '');
    v_needs_check boolean := true;  -- a custom action; a tactic's row decides below
    v_catalogued disrupt.tactic;
    v_phrase text;
    p disrupt.plan;
    v_id bigint;
BEGIN
    -- KEY SHARE: waits only for a close (plan_close locks FOR UPDATE), not for plan_update
    PERFORM disrupt.plan_require_visible(p_plan_id);
    SELECT * INTO p FROM disrupt.plan WHERE id = p_plan_id FOR KEY SHARE;
    IF NOT FOUND OR NOT disrupt.may_see_person(p.person_id) THEN  -- a hidden person's plan is not found
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('plan %s not found', p_plan_id);
    END IF;
    IF NOT disrupt.plan_caller_may_edit(p.spoc_login, p_agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may not add an action for %s to plan %s', v_login, p_agency, p.id);
    END IF;
    IF p.status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('plan %s is closed', p.id),
            DETAIL = disrupt.plan_state(p);
    END IF;
    IF p_heading IS NULL OR p_heading NOT IN ('prosecute', 'disrupt', 'divert', 'manage') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('heading %s is not one of prosecute, disrupt, divert, manage', coalesce(p_heading, '(none)'));
    END IF;
    IF (v_tactic IS NULL) = (v_label IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = 'an action needs either a tactic from the catalogue or a label for a custom action (one, not both)';
    END IF;
    IF char_length(v_label) > 200 THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a custom action''s label is at most 200 characters';
    END IF;
    IF v_label IS NOT NULL AND (disrupt.joint_work_fold(v_label) !~ '^[ -~]+$' OR btrim(disrupt.joint_work_fold(v_label)) = '') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = 'a custom action''s label may use only letters, digits, spaces and ordinary punctuation (accents are fine)';
    END IF;
    IF v_tactic IS NOT NULL AND v_tactic !~ '^[a-z0-9_]{1,100}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a tactic is a catalogue code such as anpr_flagging (disrupt tactics)';
    END IF;
    v_phrase := disrupt.joint_work_phrase(coalesce(v_tactic, v_label));
    IF v_phrase IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('''%s'' is %s: mediation, couples or joint counselling, family therapy, restorative justice '
                             'and other joint work with the victim are not safe where there is domestic abuse and are refused',
                             coalesce(v_tactic, v_label), v_phrase);
    END IF;
    IF v_tactic IS NOT NULL THEN
        SELECT * INTO v_catalogued FROM disrupt.tactic WHERE code = v_tactic AND retired_at IS NULL FOR SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('''%s'' is not a tactic in the catalogue (disrupt tactics lists it)', v_tactic);
        END IF;
        IF v_catalogued.heading <> p_heading THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('tactic ''%s'' is under %s, not %s: the tactic fixes the heading',
                                 v_tactic, v_catalogued.heading, p_heading);
        END IF;
        v_needs_check := v_catalogued.safety_check_exempt_reason IS NULL;
    END IF;
    IF p_due_on IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'an action needs a due date';
    END IF;
    PERFORM disrupt.plan_require_scheduled(p_due_on, 'due date');
    IF p_agency IS NULL OR NOT EXISTS (SELECT 1 FROM disrupt.agency WHERE code = p_agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('no agency %s', coalesce(p_agency, '(none)'));
    END IF;
    IF p_owner_login IS NOT NULL THEN
        PERFORM disrupt.plan_require_active_login(p_owner_login, 'owner', p_agency);
    END IF;

    INSERT INTO disrupt.action (plan_id, heading, tactic, label, agency, owner_login, due_on, note,
                                needs_safety_check, created_by, updated_by)
    VALUES (p.id, p_heading, v_tactic, v_label, p_agency, p_owner_login, p_due_on, p_note,
            v_needs_check, v_login, v_login)
    RETURNING id INTO v_id;

    INSERT INTO disrupt.action_history (action_id, login, change, to_status, to_value, reason)
    VALUES (v_id, v_login, 'created', 'open',
            jsonb_strip_nulls(jsonb_build_object('heading', p_heading, 'tactic', v_tactic, 'label', v_label,
                                                 'agency', p_agency, 'owner_login', p_owner_login, 'due_on', p_due_on,
                                                 'needs_safety_check', v_needs_check,
                                                 'safety_check_exempt_reason', v_catalogued.safety_check_exempt_reason))::text,
            p_note);
    RETURN v_id;
END $$;

-- Move an action along its life:
--   open        -> in_progress | cancelled | blocked
--   in_progress -> done | cancelled | blocked
--   blocked     -> in_progress | cancelled
--   done, cancelled: final.
-- Starting (-> in_progress) an action that needs a safety check is refused until an Idva has
-- confirmed it. done needs an outcome; cancelled and blocked need a reason. Returns the new version.
CREATE FUNCTION disrupt.action_transition(p_action_id bigint, p_expected_version integer,
                                          p_to_status text, p_reason_or_outcome text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a disrupt.action := disrupt.action_lock_for_change(p_action_id, p_expected_version);
    v_login text := disrupt.caller_login();
    v_text text := disrupt.clean_reason(p_reason_or_outcome);
    v_change text;
BEGIN
    IF p_to_status IS NULL OR p_to_status NOT IN ('in_progress', 'done', 'cancelled', 'blocked') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('cannot move an action to %s: use in_progress, done, cancelled or blocked', coalesce(p_to_status, '(none)'));
    END IF;
    IF NOT ((a.status = 'open'        AND p_to_status IN ('in_progress', 'cancelled', 'blocked'))
         OR (a.status = 'in_progress' AND p_to_status IN ('done', 'cancelled', 'blocked'))
         OR (a.status = 'blocked'     AND p_to_status IN ('in_progress', 'cancelled'))) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s is %s and cannot move to %s', a.id, a.status, p_to_status),
            DETAIL = disrupt.action_state(a);
    END IF;
    IF p_to_status = 'in_progress' AND a.needs_safety_check AND a.safety_checked_by IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('an Idva must confirm this action is safe for the victim and children before it starts (action safety-check %s)', a.id),
            DETAIL = disrupt.action_state(a);
    END IF;
    IF p_to_status = 'done' AND v_text IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s needs an outcome to be done', a.id);
    END IF;
    IF p_to_status IN ('cancelled', 'blocked') AND v_text IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s needs a reason to be %s', a.id, p_to_status);
    END IF;
    v_change := CASE p_to_status WHEN 'in_progress' THEN 'start' WHEN 'done' THEN 'done'
                                 WHEN 'cancelled' THEN 'cancel' ELSE 'block' END;

    UPDATE disrupt.action
       SET status = p_to_status,
           outcome = CASE WHEN p_to_status = 'done' THEN v_text ELSE outcome END,
           version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = a.id
    RETURNING version INTO a.version;

    INSERT INTO disrupt.action_history (action_id, login, change, from_status, to_status, to_value, reason)
    VALUES (a.id, v_login, v_change, a.status, p_to_status,
            CASE WHEN p_to_status = 'done' THEN v_text END,
            CASE WHEN p_to_status <> 'done' THEN v_text END);
    RETURN a.version;
END $$;

-- Record that an Idva has agreed the action is safe for the victim and children. Two ways, and
-- only these (DR403 otherwise, before the action is looked at):
--   * an active Idva records her own agreement (p_idva_login NULL or her own login; via 'idva');
--   * a chair records the agreement the named Idva gave at the meeting (p_at_meeting true,
--     p_idva_login the Idva: an active staff member with role idva; via 'meeting').
-- No one else (not the action's agency, the SPOC, a coordinator or an admin) can put an Idva's
-- name to it. The row names the Idva (safety_checked_by) and who recorded it
-- (safety_check_recorded_by); the history row is the recorder's. Returns the new version.
CREATE FUNCTION disrupt.action_safety_check(p_action_id bigint, p_expected_version integer, p_idva_login text,
                                            p_at_meeting boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    v_role text := disrupt.caller_role();
    v_meeting boolean := coalesce(p_at_meeting, false);
    v_idva text := coalesce(nullif(btrim(p_idva_login), ''), CASE WHEN NOT coalesce(p_at_meeting, false) THEN disrupt.caller_login() END);
    v_via text;
    a disrupt.action;
BEGIN
    IF v_meeting THEN
        IF v_role IS DISTINCT FROM 'chair' THEN
            RAISE EXCEPTION USING ERRCODE = 'DR403',
                MESSAGE = format('%s may not record an agreement given at the meeting: only a chair may (an Idva records her own: action safety-check ACTION)', v_login);
        END IF;
        IF v_idva IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a safety check recorded at the meeting names the Idva who agreed';
        END IF;
        v_via := 'meeting';
    ELSE
        IF v_role IS DISTINCT FROM 'idva' OR v_idva <> v_login THEN
            RAISE EXCEPTION USING ERRCODE = 'DR403',
                MESSAGE = format('%s may not record that %s agreed: an Idva records her own agreement, or a chair records the agreement an Idva gave at the meeting (--at-meeting)',
                                 v_login, v_idva);
        END IF;
        v_via := 'idva';
    END IF;
    PERFORM disrupt.action_require_visible(p_action_id);
    SELECT * INTO a FROM disrupt.action WHERE id = p_action_id FOR UPDATE;
    IF NOT FOUND OR NOT disrupt.may_see_person((SELECT person_id FROM disrupt.plan WHERE id = a.plan_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('action %s not found', p_action_id);
    END IF;
    IF p_expected_version IS NULL OR a.version <> p_expected_version THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('action %s was changed by someone else (you had version %s, it is now version %s)',
                             a.id, coalesce(p_expected_version::text, 'none'), a.version),
            DETAIL = disrupt.action_state(a);
    END IF;
    PERFORM disrupt.plan_require_active_login(v_idva, 'safety checker', NULL, ARRAY['idva']);
    IF a.status NOT IN ('open', 'blocked') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s is %s: a safety check is recorded before it starts', a.id, a.status),
            DETAIL = disrupt.action_state(a);
    END IF;
    IF a.safety_checked_by IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s was already safety-checked by %s', a.id, a.safety_checked_by),
            DETAIL = disrupt.action_state(a);
    END IF;

    UPDATE disrupt.action
       SET safety_checked_by = v_idva, safety_checked_at = now(),
           safety_check_recorded_by = v_login, safety_check_via = v_via,
           version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = a.id
    RETURNING version INTO a.version;

    INSERT INTO disrupt.action_history (action_id, login, change, from_status, to_status, to_value, reason)
    VALUES (a.id, v_login, 'safety_check', a.status, a.status, v_idva,
            CASE WHEN v_meeting THEN format('agreed by Idva %s at the meeting; recorded by chair %s', v_idva, v_login) END);
    RETURN a.version;
END $$;

-- Give a live action to another agency and/or owner (owner NULL = the agency, nobody named).
-- p_agency NULL keeps the agency. A reason is required. Returns the new version.
CREATE FUNCTION disrupt.action_reassign(p_action_id bigint, p_expected_version integer,
                                        p_agency text, p_owner_login text, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a disrupt.action := disrupt.action_lock_for_change(p_action_id, p_expected_version);
    v_login text := disrupt.caller_login();
    v_agency text := coalesce(p_agency, a.agency);
BEGIN
    IF a.status NOT IN ('open', 'in_progress', 'blocked') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s is %s and cannot be reassigned', a.id, a.status),
            DETAIL = disrupt.action_state(a);
    END IF;
    p_reason := disrupt.clean_reason(p_reason);  -- checked and stored as cleaned
    IF p_reason IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'reassigning an action needs a reason';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM disrupt.agency WHERE code = v_agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('no agency %s', v_agency);
    END IF;
    IF p_owner_login IS NOT NULL THEN
        PERFORM disrupt.plan_require_active_login(p_owner_login, 'owner', v_agency);
    END IF;
    IF v_agency = a.agency AND p_owner_login IS NOT DISTINCT FROM a.owner_login THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s already belongs to %s%s', a.id, a.agency,
                             coalesce(' / ' || a.owner_login, ''));
    END IF;

    UPDATE disrupt.action
       SET agency = v_agency, owner_login = p_owner_login,
           version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = a.id
    RETURNING version INTO a.version;

    INSERT INTO disrupt.action_history (action_id, login, change, from_status, to_status, from_value, to_value, reason)
    VALUES (a.id, v_login, 'reassign', a.status, a.status,
            jsonb_build_object('agency', a.agency, 'owner_login', a.owner_login)::text,  -- a holds the old values
            jsonb_build_object('agency', v_agency, 'owner_login', p_owner_login)::text,
            p_reason);
    RETURN a.version;
END $$;

-- Move a live action's due date (later or earlier), with a reason. Returns the new version.
-- Reminders key on the due date, so the new date gets its own due-soon/overdue reminders.
CREATE FUNCTION disrupt.action_extend(p_action_id bigint, p_expected_version integer,
                                      p_due_on date, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    a disrupt.action := disrupt.action_lock_for_change(p_action_id, p_expected_version);
    v_login text := disrupt.caller_login();
BEGIN
    IF a.status NOT IN ('open', 'in_progress', 'blocked') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s is %s and its due date cannot change', a.id, a.status),
            DETAIL = disrupt.action_state(a);
    END IF;
    IF p_due_on IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a new due date is needed';
    END IF;
    PERFORM disrupt.plan_require_scheduled(p_due_on, 'due date');
    IF p_due_on = a.due_on THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('action %s is already due on %s', a.id, a.due_on);
    END IF;
    p_reason := disrupt.clean_reason(p_reason);  -- checked and stored as cleaned
    IF p_reason IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'changing a due date needs a reason';
    END IF;

    UPDATE disrupt.action
       SET due_on = p_due_on, version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = a.id
    RETURNING version INTO a.version;

    INSERT INTO disrupt.action_history (action_id, login, change, from_status, to_status, from_value, to_value, reason)
    VALUES (a.id, v_login, 'extend', a.status, a.status,
            a.due_on::text, p_due_on::text, p_reason);  -- a holds the old due date
    RETURN a.version;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Plans follow a person merge (record.sql's merge_person sets merged_into on the absorbed person).
-- If the survivor has no open plan, the absorbed person's plans simply move to the survivor.
-- If both have one, the absorbed plan's victims (with their Idvas) and live actions move to the
-- survivor's plan (history: 'reassign', reason 'person merged', which reaches each Idva) and the
-- absorbed plan is closed; then every plan and victim row of the absorbed person is re-pointed
-- at the survivor. Versions are bumped, so stale CLIs get DR409.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.plan_follow_merge() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.caller_login();
    v_old disrupt.plan;
    v_keep disrupt.plan;
    v_left integer;
BEGIN
    SELECT * INTO v_old FROM disrupt.plan WHERE person_id = NEW.id AND status = 'open' FOR UPDATE;
    IF FOUND THEN
        SELECT * INTO v_keep FROM disrupt.plan WHERE person_id = NEW.merged_into AND status = 'open' FOR UPDATE;
        IF FOUND THEN
            -- the victims the old plan protects, with their Idvas, come first, so that the moves
            -- below reach those Idvas too and every later change of the moved actions does. The
            -- rule of plan_victim_add (idva_may_serve, alerts.sql): an active Idva who may see the
            -- kept person and the victim (one who may not stays named on the closed plan only); a
            -- victim already on the kept plan keeps the Idva named there.
            INSERT INTO disrupt.plan_victim (plan_id, person_id, party_id, idva_login, added_by)
            SELECT v_keep.id, NEW.merged_into, v.party_id, v.idva_login, v_login
              FROM disrupt.plan_victim v
             WHERE v.plan_id = v_old.id AND disrupt.idva_may_serve(v.idva_login, NEW.merged_into, v.party_id)
            ON CONFLICT ON CONSTRAINT plan_victim_once DO NOTHING;
            -- the closed plan says how many of its victims are on no live plan now (not which:
            -- the reason is read by whoever may see the plan), so that the SPOC names them again
            SELECT count(*) INTO v_left FROM disrupt.plan_victim v
             WHERE v.plan_id = v_old.id
               AND NOT EXISTS (SELECT 1 FROM disrupt.plan_victim k WHERE k.plan_id = v_keep.id AND k.party_id = v.party_id);
            WITH moved AS (
                UPDATE disrupt.action
                   SET plan_id = v_keep.id, version = version + 1, updated_by = v_login, updated_at = now()
                 WHERE plan_id = v_old.id AND status IN ('open', 'in_progress', 'blocked')
                RETURNING id, status)
            INSERT INTO disrupt.action_history (action_id, login, change, from_status, to_status, from_value, to_value, reason)
            SELECT id, v_login, 'reassign', status, status,
                   jsonb_build_object('plan_id', v_old.id)::text, jsonb_build_object('plan_id', v_keep.id)::text,
                   'person merged' FROM moved;
            UPDATE disrupt.plan
               SET status = 'closed', closed_at = now(), closed_by = v_login,
                   close_reason = format('person merged: live actions and victims moved to plan %s', v_keep.id)
                                  || CASE WHEN v_left > 0
                                          THEN format('; %s victim(s) not moved (no active Idva named who may see him): name them on plan %s',
                                                      v_left, v_keep.id)
                                          ELSE '' END,
                   version = version + 1, updated_by = v_login, updated_at = now()
             WHERE id = v_old.id;
        END IF;
    END IF;
    UPDATE disrupt.plan
       SET person_id = NEW.merged_into, version = version + 1, updated_by = v_login, updated_at = now()
     WHERE person_id = NEW.id;
    -- a victim row names its plan's person (plan_victim_read checks it): the kept one now
    UPDATE disrupt.plan_victim SET person_id = NEW.merged_into WHERE person_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER plan_follow_merge_after_update AFTER UPDATE OF merged_into ON disrupt.person
    FOR EACH ROW WHEN (NEW.merged_into IS NOT NULL AND NEW.merged_into IS DISTINCT FROM OLD.merged_into)
    EXECUTE FUNCTION disrupt.plan_follow_merge();

-- ---------------------------------------------------------------------------------------------
-- Privileges: PostgreSQL grants EXECUTE to PUBLIC by default; take it back everywhere and give
-- the callable functions to staff only. The helpers stay private to the owner.
-- ---------------------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION
    disrupt.plan_require_visible(bigint),
    disrupt.action_require_visible(bigint),
    disrupt.plan_require_staff(),
    disrupt.plan_caller_may_edit(text, text),
    disrupt.plan_state(disrupt.plan),
    disrupt.plan_require_scheduled(date, text),
    disrupt.action_state(disrupt.action),
    disrupt.action_lock_for_change(bigint, integer),
    disrupt.plan_require_active_login(text, text, text, text[]),
    disrupt.plan_open(text, text, date),
    disrupt.plan_update(bigint, integer, text, date),
    disrupt.plan_close(bigint, integer, text),
    disrupt.action_add(bigint, text, text, text, text, date, text, text),
    disrupt.action_transition(bigint, integer, text, text),
    disrupt.action_safety_check(bigint, integer, text, boolean),
    disrupt.action_reassign(bigint, integer, text, text, text),
    disrupt.action_extend(bigint, integer, date, text),
    disrupt.plan_follow_merge(),
    disrupt.tactic_require_admin(),
    disrupt.tactic_set(text, text, text, text, text, text, integer),
    disrupt.tactic_retire(text)
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    disrupt.plan_open(text, text, date),
    disrupt.plan_update(bigint, integer, text, date),
    disrupt.plan_close(bigint, integer, text),
    disrupt.action_add(bigint, text, text, text, text, date, text, text),
    disrupt.action_transition(bigint, integer, text, text),
    disrupt.action_safety_check(bigint, integer, text, boolean),
    disrupt.action_reassign(bigint, integer, text, text, text),
    disrupt.action_extend(bigint, integer, date, text),
    disrupt.tactic_set(text, text, text, text, text, text, integer),   -- administrators only (checked inside)
    disrupt.tactic_retire(text)
TO disrupt_staff, disrupt_admin;

-- everything above to disrupt_owner (foundation.sql; idempotent)
SELECT disrupt.bound_lock_waits('plan_open', 'plan_update', 'plan_close', 'action_add', 'action_transition',
                                'action_safety_check', 'action_reassign', 'action_extend', 'tactic_set', 'tactic_retire');
SELECT disrupt.hand_to_owner();

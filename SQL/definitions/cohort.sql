-- cohort.sql: the MATAC cohort (table matac_cohort, migration 0005) and what "since last heard"
-- needs from tables staff may not read directly (issue 16, points 5 and 6).
--
-- Membership. An open matac_cohort row (exited_on IS NULL; at most one per person, index
-- matac_cohort_one_open) is what "in the MATAC cohort" means: `matac select` leaves members
-- out and the summary's MATAC flag reads it. A forum_link of forum 'matac' stays what it was: an
-- agency's record of the link (its reference, lead agency and review dates), listed under Forum
-- links; it is not membership and entry or exit does not write one.
--
-- Writes go only through matac_enter / matac_exit (SECURITY DEFINER, owned by disrupt_owner):
-- they check the caller (active staff: else 42501; chair, coordinator or admin: else DR403),
-- then that the caller may see the person (shared, own agency or admin; a person the caller
-- cannot see is refused exactly as one that does not exist: DR404), then the state (DR409 with
-- the current membership as JSON in DETAIL: already a member, not a member, exit before entry,
-- entry before the last exit), then write; the audit triggers record the row before and after.
-- RFG at entry and exit is read by the function from risk_current (the stored ranking), never
-- taken from the client; a person with no stored score is refused (DR422).
--
-- Errors: 42501 not active staff, DR403 not allowed, DR404 no such person (or not visible),
-- DR409 state conflict (DETAIL: current state), DR422 refused value.

-- ---------------------------------------------------------------------------------------------
-- Row-level security (enabled and forced in 0005): staff read the rows of the people they can
-- see (the person's own policy applies inside the EXISTS); nobody writes but the functions.
-- ---------------------------------------------------------------------------------------------
CREATE POLICY matac_cohort_read ON disrupt.matac_cohort FOR SELECT
    USING (disrupt.not_explaining() AND disrupt.read_scope(false) IS NOT NULL
           AND EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = matac_cohort.person_id));
SELECT disrupt.attach_owner_policy('disrupt.matac_cohort');
SELECT disrupt.attach_audit('disrupt.matac_cohort');

REVOKE ALL ON disrupt.matac_cohort FROM PUBLIC;
SELECT disrupt.grant_read('{disrupt_staff}', 'disrupt.matac_cohort');

-- ---------------------------------------------------------------------------------------------
-- Internal helpers (not granted)
-- ---------------------------------------------------------------------------------------------

-- The live person with this reference whom the caller may see, else DR404 (the same message
-- whether the person does not exist or is hidden from the caller). Refuses non-staff (42501).
CREATE FUNCTION disrupt.cohort_visible_person(p_person_ref text) RETURNS disrupt.person
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    p disrupt.person;
BEGIN
    IF NOT coalesce(disrupt.is_active_staff(), false) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = format('%s is not an active staff member', session_user);
    END IF;
    SELECT * INTO p FROM disrupt.person x
     WHERE x.person_ref = p_person_ref AND x.merged_into IS NULL
       AND disrupt.may_see_row(x.agency, x.sensitivity, disrupt.caller_agency(), disrupt.is_admin())
     ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, disrupt.caller_agency()) LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no person with reference %s', p_person_ref),
            HINT = 'Check the reference with: disrupt person find';
    END IF;
    RETURN p;
END $$;

-- Raise DR403 unless the caller may enter or exit people: chairs, coordinators and admins.
CREATE FUNCTION disrupt.cohort_require_tasking(p_what text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
BEGIN
    IF NOT (coalesce(disrupt.is_admin(), false) OR disrupt.caller_role() IN ('chair', 'coordinator')) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may not %s the MATAC cohort: chairs, coordinators and admins may', disrupt.caller_login(), p_what);
    END IF;
    RETURN disrupt.caller_login();
END $$;

-- The membership shown with a DR409: the person's latest cohort row (or that there is none),
-- only within a consultation, as plan_state (plans.sql; helper-57).
CREATE FUNCTION disrupt.cohort_state(p_person disrupt.person) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    SELECT CASE WHEN NOT disrupt.consulting() THEN '{"state": "open a consultation (disrupt.consult) to see it"}' ELSE coalesce(
        (SELECT jsonb_build_object('person', p_person.person_ref, 'status', CASE WHEN m.exited_on IS NULL THEN 'member' ELSE 'exited' END,
                                   'entered_on', m.entered_on, 'rfg_at_entry', m.rfg_at_entry, 'entered_by', m.entered_by,
                                   'exited_on', m.exited_on, 'rfg_at_exit', m.rfg_at_exit, 'exit_reason', m.exit_reason)
         FROM disrupt.matac_cohort m WHERE m.person_id = p_person.id
         ORDER BY m.exited_on IS NULL DESC, m.entered_on DESC, m.id DESC LIMIT 1),
        jsonb_build_object('person', p_person.person_ref, 'status', 'never entered'))::text END
$$;

-- The person's stored RFG on a day: today or later, the current score (risk_current); an earlier
-- day (a back-dated entry or exit), the score in force then (the latest risk_assessment row as of
-- it: a row is written whenever the score changes). None: DR422.
CREATE FUNCTION disrupt.cohort_stored_rfg(p_person disrupt.person, p_day date) RETURNS integer
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v integer;
BEGIN
    IF p_day >= disrupt.today() THEN
        SELECT rc.rfg_total INTO v FROM disrupt.risk_current rc WHERE rc.person_id = p_person.id;
    ELSE
        SELECT (r.rfg ->> 'total')::integer INTO v FROM disrupt.risk_assessment r
         WHERE r.person_id = p_person.id AND r.as_of <= p_day
         ORDER BY r.as_of DESC, r.id DESC LIMIT 1;
    END IF;
    IF v IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('%s has no stored risk score as of %s, so no RFG to record', p_person.person_ref, p_day),
            HINT = 'An administrator should run: disrupt recompute --all --as-of DAY';
    END IF;
    RETURN v;
END $$;

-- Refuse a reason that is blank or too long (DR422).
CREATE FUNCTION disrupt.cohort_require_reason(p_reason text, p_what text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- the length first: no regular expression over a huge argument
    IF char_length(p_reason) > 2000 OR disrupt.clean_reason(p_reason) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('%s reason must be 1 to 2000 characters, with a letter A-Z or a digit', p_what);
    END IF;
    RETURN disrupt.clean_reason(p_reason);
END $$;

-- ---------------------------------------------------------------------------------------------
-- matac_enter(person_ref, reason, on) -> cohort row id
--   Enters a person the caller can see on a day (NULL: today, within 5 years of today), with
--   the RFG stored for him on that day. DR409: already a member, or the day is before his last exit.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.matac_enter(p_person_ref text, p_reason text, p_on date)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    p disrupt.person := disrupt.cohort_visible_person(p_person_ref);
    v_login text := disrupt.cohort_require_tasking('enter people into');
    v_on date := coalesce(p_on, disrupt.today());
    v_reason text := disrupt.cohort_require_reason(p_reason, 'an entry');
    v_last date;
    v_id bigint;
BEGIN
    PERFORM disrupt.plan_require_scheduled(v_on, 'entry date');
    -- one entry or exit per person at a time; NO KEY: FOR UPDATE also held up every record written
    -- about him (their FOR KEY SHARE), another agency's hidden one and the sweep's included, and a
    -- lock timeout told a chair of one in flight (helper-56)
    PERFORM 1 FROM disrupt.person WHERE id = p.id FOR NO KEY UPDATE;
    IF EXISTS (SELECT 1 FROM disrupt.matac_cohort WHERE person_id = p.id AND exited_on IS NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('%s is already in the MATAC cohort', p.person_ref), DETAIL = disrupt.cohort_state(p);
    END IF;
    SELECT max(exited_on) INTO v_last FROM disrupt.matac_cohort WHERE person_id = p.id;
    IF v_last IS NOT NULL AND v_on < v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('%s left the MATAC cohort on %s: he cannot re-enter on %s, before that', p.person_ref, v_last, v_on),
            DETAIL = disrupt.cohort_state(p);
    END IF;
    INSERT INTO disrupt.matac_cohort (person_id, entered_on, rfg_at_entry, entry_reason, entered_by)
    VALUES (p.id, v_on, disrupt.cohort_stored_rfg(p, v_on), v_reason, v_login)
    RETURNING id INTO v_id;
    RETURN v_id;
END $$;

-- ---------------------------------------------------------------------------------------------
-- matac_exit(person_ref, reason, on) -> cohort row id
--   Records a member's exit on a day (NULL: today) with the RFG stored for him on that day.
--   DR409: not a member, or the day is before his entry.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.matac_exit(p_person_ref text, p_reason text, p_on date)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    p disrupt.person := disrupt.cohort_visible_person(p_person_ref);
    v_login text := disrupt.cohort_require_tasking('exit people from');
    v_on date := coalesce(p_on, disrupt.today());
    v_reason text := disrupt.cohort_require_reason(p_reason, 'an exit');
    m disrupt.matac_cohort;
BEGIN
    PERFORM disrupt.plan_require_scheduled(v_on, 'exit date');
    SELECT * INTO m FROM disrupt.matac_cohort WHERE person_id = p.id AND exited_on IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('%s is not in the MATAC cohort', p.person_ref), DETAIL = disrupt.cohort_state(p);
    END IF;
    IF v_on < m.entered_on THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('%s entered the MATAC cohort on %s: he cannot exit on %s, before that', p.person_ref, m.entered_on, v_on),
            DETAIL = disrupt.cohort_state(p);
    END IF;
    UPDATE disrupt.matac_cohort
       SET exited_on = v_on, exit_reason = v_reason, rfg_at_exit = disrupt.cohort_stored_rfg(p, v_on), exited_by = v_login
     WHERE id = m.id;
    RETURN m.id;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Since last heard (issue 16, point 5): two answers from tables staff cannot read directly,
-- each only about a person the caller can see (NULL / no row otherwise, never an error that
-- would say the person exists).
--
-- last_heard_on(person_id) -> date
--   The day of the person's latest heard hearing, over the cases that are his (a MATAC or MAPPA
--   case's person, a Marac case's perpetrator) and that the caller may see (shared, own agency
--   or admin). NULL when there is none.
-- stored_risk_on(person_id, day) -> (as_of, score, band, rfg_total)
--   The stored score history (risk_assessment, which holds evidence and is otherwise read by
--   administrators only) as of a day: the latest row with as_of <= day. Numbers only, as in
--   risk_current, which every staff member who can see the person reads.
-- ---------------------------------------------------------------------------------------------
-- The two functions run as disrupt_owner, which reaches the forced-RLS case tables through the
-- owner_all policies that forum.sql attaches.
CREATE FUNCTION disrupt.last_heard_on(p_person_id bigint) RETURNS date
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    SELECT disrupt.refuse_explain();
    SELECT max(h.heard_on)
    FROM disrupt.person p
    JOIN disrupt.forum_case c ON c.person_id = p.id
         OR EXISTS (SELECT 1 FROM disrupt.case_perpetrator cp WHERE cp.case_id = c.id AND cp.person_id = p.id)
    JOIN disrupt.hearing h ON h.case_id = c.id AND h.status = 'heard'
    WHERE p.id = p_person_id AND disrupt.consulting()
      AND disrupt.may_see_row(p.agency, p.sensitivity, disrupt.caller_agency(), disrupt.is_admin())
      AND disrupt.may_see_row(c.agency, c.sensitivity, disrupt.caller_agency(), disrupt.is_admin())
$$;

CREATE FUNCTION disrupt.stored_risk_on(p_person_id bigint, p_day date)
RETURNS TABLE (as_of date, score integer, band text, rfg_total integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    SELECT disrupt.refuse_explain();
    SELECT r.as_of, r.score, r.band, (r.rfg ->> 'total')::integer
    FROM disrupt.person p
    JOIN disrupt.risk_assessment r ON r.person_id = p.id AND r.as_of <= p_day
    WHERE p.id = p_person_id AND disrupt.consulting()
      AND disrupt.may_see_row(p.agency, p.sensitivity, disrupt.caller_agency(), disrupt.is_admin())
    ORDER BY r.as_of DESC, r.id DESC
    LIMIT 1
$$;

REVOKE ALL ON FUNCTION
    disrupt.cohort_visible_person(text), disrupt.cohort_require_tasking(text), disrupt.cohort_state(disrupt.person),
    disrupt.cohort_stored_rfg(disrupt.person, date), disrupt.cohort_require_reason(text, text),
    disrupt.matac_enter(text, text, date), disrupt.matac_exit(text, text, date),
    disrupt.last_heard_on(bigint), disrupt.stored_risk_on(bigint, date)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.matac_enter(text, text, date), disrupt.matac_exit(text, text, date),
    disrupt.last_heard_on(bigint), disrupt.stored_risk_on(bigint, date)
    TO disrupt_staff;

-- everything above to disrupt_owner (foundation.sql; idempotent)
SELECT disrupt.bound_lock_waits('matac_enter', 'matac_exit');
SELECT disrupt.hand_to_owner();

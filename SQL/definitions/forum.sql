-- forum.sql: the forum's meeting cycle (issue 16) -- meetings and attendance, cases and their
-- hearings, research returns, decisions, the actions a hearing agreed, the agenda and the minutes.
-- Tables: migrations 0005_forum_cycle.sql and 0010_meeting_cycle.sql. (matac_cohort: cohort.sql.)
--
-- Who may do what (checked here, not by the client):
--   plan, re-plan, list cases, record attendance, hear, decide, agree actions, close:
--       chairs, coordinators and admins (DR403 for anyone else);
--   a research return: staff of the agency that was asked (admins for any agency);
--   agenda, minutes: every active staff member, each seeing what the agency rules let them see.
-- A caller who is not active staff gets 42501 before anything else.
--
-- Agency rules. A case is visible when the case row is shared or the caller's agency's, AND its
-- subject (the victim party at Marac, the perpetrator at MATAC and MAPPA) is shared or the
-- caller's agency's; admins see everything. A perpetrator, referral or decision of a case is shown
-- by the same rule on its own row. The agenda and the minutes are read through SECURITY DEFINER
-- functions that apply these rules explicitly for a *scope*: an array of agencies that must all
-- be allowed to see a row (the caller's agency; for an agency's copy of the minutes, also that
-- agency's), empty for an admin reading everything. A case the caller may not see is "not found",
-- with the same message as a case that does not exist.
--
-- Bad input refused by the database (functions and the triggers below):
--   a meeting cannot be planned for a day that has passed, nor re-planned once its day has passed
--   (DR422, DETAIL = the meeting's state); a closed meeting and everything under it never changes
--   (DR409, DETAIL = the meeting's state: the CLI prints it and exits 5); a case cannot be listed
--   or heard at a meeting before its referral (DR422); cases are heard on or after the meeting's day.
--
-- Errors: 42501 not active staff; DR403 not allowed; DR404 not found; DR409 closed/duplicate;
-- DR422 refused value.

-- ---------------------------------------------------------------------------------------------
-- Row-level security (enabled and forced in 0005). Staff read by the agency rules; nobody but the
-- owner (the functions below) writes. Policies are TO disrupt_staff so the owner's helpers meet
-- only owner_all.
-- ---------------------------------------------------------------------------------------------
CREATE POLICY meeting_read ON disrupt.meeting FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND (SELECT disrupt.is_active_staff()));
CREATE POLICY meeting_agency_read ON disrupt.meeting_agency FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND (SELECT disrupt.is_active_staff()));
-- the subject's own policy (person) applies inside the EXISTS; the party and the referral, which
-- staff may not SELECT (reading.sql), are seen by the same rule: a consultation and
-- may_see_party or may_see_referral (record.sql)
CREATE POLICY forum_case_read ON disrupt.forum_case FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND disrupt.may_read_row(agency, sensitivity, disrupt.read_scope(false))
           AND (victim_party_id IS NULL OR (disrupt.read_scope(true) IS NOT NULL AND disrupt.may_see_party(forum_case.victim_party_id)))
           AND (person_id IS NULL OR EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = forum_case.person_id)));
CREATE POLICY case_perpetrator_read ON disrupt.case_perpetrator FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND EXISTS (SELECT 1 FROM disrupt.forum_case c WHERE c.id = case_perpetrator.case_id)
           AND EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = case_perpetrator.person_id));
CREATE POLICY case_referral_read ON disrupt.case_referral FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND EXISTS (SELECT 1 FROM disrupt.forum_case c WHERE c.id = case_referral.case_id)
           AND disrupt.read_scope(true) IS NOT NULL AND disrupt.may_see_referral(case_referral.referral_id));
CREATE POLICY hearing_read ON disrupt.hearing FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND EXISTS (SELECT 1 FROM disrupt.forum_case c WHERE c.id = hearing.case_id));
CREATE POLICY research_return_read ON disrupt.research_return FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND EXISTS (SELECT 1 FROM disrupt.hearing h WHERE h.id = research_return.hearing_id));
CREATE POLICY decision_read ON disrupt.decision FOR SELECT TO disrupt_staff
    USING (disrupt.not_explaining() AND EXISTS (SELECT 1 FROM disrupt.hearing h WHERE h.id = decision.hearing_id)
           AND disrupt.may_read_row(agency, sensitivity, disrupt.read_scope(false)));
SELECT disrupt.attach_owner_policy(t::regclass)
FROM unnest(ARRAY['disrupt.meeting', 'disrupt.meeting_agency', 'disrupt.forum_case', 'disrupt.case_perpetrator',
                  'disrupt.case_referral', 'disrupt.hearing', 'disrupt.research_return', 'disrupt.decision']) AS t;
SELECT disrupt.attach_audit(t::regclass)
FROM unnest(ARRAY['disrupt.meeting', 'disrupt.meeting_agency', 'disrupt.forum_case', 'disrupt.case_perpetrator',
                  'disrupt.case_referral', 'disrupt.hearing', 'disrupt.research_return', 'disrupt.decision']) AS t;

REVOKE ALL ON disrupt.meeting, disrupt.meeting_agency, disrupt.forum_case, disrupt.case_perpetrator,
              disrupt.case_referral, disrupt.hearing, disrupt.research_return, disrupt.decision FROM PUBLIC;
SELECT disrupt.grant_read('{disrupt_staff,disrupt_admin}', 'disrupt.meeting', 'disrupt.meeting_agency',
    'disrupt.forum_case', 'disrupt.case_perpetrator', 'disrupt.case_referral', 'disrupt.hearing',
    'disrupt.research_return', 'disrupt.decision');

-- ---------------------------------------------------------------------------------------------
-- Internal helpers (not granted)
-- ---------------------------------------------------------------------------------------------

-- 42501 unless the caller is active staff; returns the login.
CREATE FUNCTION disrupt.forum_require_staff() RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
BEGIN
    IF NOT coalesce(disrupt.is_active_staff(), false) THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = format('%s is not an active staff member', session_user);
    END IF;
    RETURN session_user::text;
END $$;

-- DR403 unless the caller is a chair, a coordinator or an admin; returns the login.
CREATE FUNCTION disrupt.forum_require_organiser(p_what text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_staff();
BEGIN
    IF NOT (coalesce(disrupt.is_admin(), false) OR disrupt.caller_role() IN ('chair', 'coordinator')) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may not %s: chairs, coordinators and admins may', v_login, p_what);
    END IF;
    RETURN v_login;
END $$;

-- The caller's scope: empty for an admin (sees everything), else the caller's agency.
CREATE FUNCTION disrupt.forum_caller_scope() RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    SELECT CASE WHEN coalesce(disrupt.is_admin(), false) THEN ARRAY[]::text[]
                ELSE ARRAY[coalesce(disrupt.caller_agency(), '')] END
$$;

-- May every agency of the scope see a row of this sensitivity and owning agency?
CREATE FUNCTION disrupt.forum_sees(p_sensitivity text, p_agency text, p_scope text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT p_sensitivity = 'shared' OR p_agency = ALL (p_scope)
$$;

-- Is a case visible to the scope: the case row and its subject (victim party or perpetrator)?
CREATE FUNCTION disrupt.forum_case_visible(p_case_id bigint, p_scope text[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    SELECT EXISTS (
        SELECT 1 FROM disrupt.forum_case c
          LEFT JOIN disrupt.party pa ON pa.id = c.victim_party_id
          LEFT JOIN disrupt.person pe ON pe.id = c.person_id
         WHERE c.id = p_case_id
           AND disrupt.forum_sees(c.sensitivity, c.agency, p_scope)
           AND (pa.id IS NULL OR disrupt.forum_sees(pa.sensitivity, pa.agency, p_scope))
           AND (pe.id IS NULL OR disrupt.forum_sees(pe.sensitivity, pe.agency, p_scope)))
$$;

CREATE FUNCTION disrupt.forum_meeting_state(m disrupt.meeting) RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_build_object('meeting', m.meeting_ref, 'version', m.version, 'status', m.status,
        'forum', m.forum, 'held_on', m.held_on, 'area', m.area, 'chair', m.chair_login,
        'length_minutes', m.length_minutes, 'closed_at', m.closed_at, 'closed_by', m.closed_by,
        'updated_by', m.updated_by, 'updated_at', m.updated_at)::text
$$;

-- DR409 (DETAIL = state) when a meeting is closed.
CREATE FUNCTION disrupt.forum_refuse_closed(m disrupt.meeting) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF m.status = 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('meeting %s is closed and cannot change', m.meeting_ref),
            DETAIL = disrupt.forum_meeting_state(m),
            HINT = 'a closed meeting''s record is final; list the case at the next meeting instead';
    END IF;
END $$;

-- A meeting by reference, locked; DR404 if none; DR409 if closed. How
-- strongly (p_lock) is what its caller must keep from happening meanwhile, and no more, so that
-- no one who keeps a transaction open in psql holds up the others' work on the meeting:
--   'close'    FOR UPDATE: closing waits for, and holds off, every other change of the meeting;
--   'organise' FOR NO KEY UPDATE: a chair's or coordinator's change (attendance, cases, hearing,
--              decisions, agreed actions) waits for another's and for a close, not for research;
--   'return'   FOR KEY SHARE: an agency's research return waits only for a close (each agency
--              writes its own row), so one rep holding hers open holds up no other rep, nor the chair.
CREATE FUNCTION disrupt.forum_meeting_lock(p_ref text, p_lock text DEFAULT 'organise')
RETURNS disrupt.meeting
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    m disrupt.meeting;
BEGIN
    CASE p_lock
        WHEN 'close' THEN SELECT * INTO m FROM disrupt.meeting WHERE meeting_ref = p_ref FOR UPDATE;
        WHEN 'organise' THEN SELECT * INTO m FROM disrupt.meeting WHERE meeting_ref = p_ref FOR NO KEY UPDATE;
        WHEN 'return' THEN SELECT * INTO m FROM disrupt.meeting WHERE meeting_ref = p_ref FOR KEY SHARE;
        ELSE RAISE EXCEPTION 'forum_meeting_lock: no lock mode %', p_lock;
    END CASE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no meeting %s', p_ref),
            HINT = 'list meetings with: disrupt meeting list';
    END IF;
    PERFORM disrupt.forum_refuse_closed(m);
    RETURN m;
END $$;

-- The caller's view of a case by reference: DR404 (same message) if missing or not visible.
CREATE FUNCTION disrupt.forum_case_for_caller(p_case_ref text) RETURNS disrupt.forum_case
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    c disrupt.forum_case;
BEGIN
    SELECT * INTO c FROM disrupt.forum_case WHERE case_ref = p_case_ref;
    IF NOT FOUND OR NOT disrupt.forum_case_visible(c.id, disrupt.forum_caller_scope()) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no case %s', p_case_ref);
    END IF;
    RETURN c;
END $$;

-- The hearing of a (visible) case at a meeting; DR404 if the case is not on it.
CREATE FUNCTION disrupt.forum_hearing(m disrupt.meeting, p_case_ref text) RETURNS disrupt.hearing
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    c disrupt.forum_case := disrupt.forum_case_for_caller(p_case_ref);
    h disrupt.hearing;
BEGIN
    SELECT * INTO h FROM disrupt.hearing WHERE case_id = c.id AND meeting_id = m.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404',
            MESSAGE = format('case %s is not on the agenda of meeting %s', p_case_ref, m.meeting_ref),
            HINT = format('list it with: disrupt meeting case add %s --case %s', m.meeting_ref, p_case_ref);
    END IF;
    RETURN h;
END $$;

-- Ask every invited agency that may see the case for its research (idempotent).
CREATE FUNCTION disrupt.forum_request_research(p_meeting_id bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    INSERT INTO disrupt.research_return (hearing_id, agency)
    SELECT h.id, ma.agency
      FROM disrupt.hearing h
      JOIN disrupt.meeting_agency ma ON ma.meeting_id = h.meeting_id
     WHERE h.meeting_id = p_meeting_id AND h.status = 'listed'
       AND disrupt.forum_case_visible(h.case_id, ARRAY[ma.agency])
       -- rows already asked for are not touched: ON CONFLICT would wait for a return another
       -- session keeps open (helper-62); it stays for a request made at the same moment
       AND NOT EXISTS (SELECT 1 FROM disrupt.research_return rr WHERE rr.hearing_id = h.id AND rr.agency = ma.agency)
    ON CONFLICT DO NOTHING
$$;

-- ---------------------------------------------------------------------------------------------
-- Guards: the rules hold whoever writes (functions, owner, a migration).
-- ---------------------------------------------------------------------------------------------

-- A closed meeting never changes; a meeting whose day has passed cannot be re-planned; a meeting
-- cannot move before the referral of a case it lists.
CREATE FUNCTION disrupt.forum_meeting_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_referred date;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM disrupt.forum_refuse_closed(OLD);
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- meeting_plan refuses a new meeting on a past day; past meetings loaded by the owner
        -- (a history from an earlier system) are allowed
        RETURN NEW;
    END IF;
    PERFORM disrupt.forum_refuse_closed(OLD);
    IF (NEW.held_on, NEW.area, NEW.length_minutes, NEW.chair_login, NEW.forum, NEW.mappa_level, NEW.meeting_ref, NEW.research_due_on)
       IS DISTINCT FROM (OLD.held_on, OLD.area, OLD.length_minutes, OLD.chair_login, OLD.forum, OLD.mappa_level, OLD.meeting_ref, OLD.research_due_on) THEN
        IF OLD.held_on < disrupt.today() THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('meeting %s was on %s: a meeting in the past cannot be re-planned', OLD.meeting_ref, OLD.held_on),
                DETAIL = disrupt.forum_meeting_state(OLD);
        END IF;
        IF NEW.held_on < disrupt.today() THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('meeting %s cannot move to %s: that day has passed', OLD.meeting_ref, NEW.held_on),
                DETAIL = disrupt.forum_meeting_state(OLD);
        END IF;
        SELECT max(r.referred_on) INTO v_referred
          FROM disrupt.hearing h JOIN disrupt.referral r ON r.id = h.referral_id
         WHERE h.meeting_id = NEW.id;
        IF v_referred > NEW.held_on THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('meeting %s cannot move to %s: a case on it was referred on %s, and a case cannot be heard before its referral',
                                 OLD.meeting_ref, NEW.held_on, v_referred),
                DETAIL = disrupt.forum_meeting_state(OLD);
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER meeting_guard BEFORE INSERT OR UPDATE OR DELETE ON disrupt.meeting
    FOR EACH ROW EXECUTE FUNCTION disrupt.forum_meeting_guard();

-- Rows under a meeting (attendance, hearings, research returns, decisions) change only while it is
-- planned; a hearing is never before its referral, and is heard on the meeting's day.
CREATE FUNCTION disrupt.forum_child_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_row record;
    v_meeting_id bigint;
    m disrupt.meeting;
    v_referred date;
BEGIN
    IF TG_OP = 'DELETE' THEN v_row := OLD; ELSE v_row := NEW; END IF;
    IF TG_TABLE_NAME IN ('meeting_agency', 'hearing') THEN
        v_meeting_id := v_row.meeting_id;
    ELSE
        SELECT h.meeting_id INTO v_meeting_id FROM disrupt.hearing h WHERE h.id = v_row.hearing_id;
    END IF;
    SELECT * INTO m FROM disrupt.meeting WHERE id = v_meeting_id;
    IF FOUND THEN
        PERFORM disrupt.forum_refuse_closed(m);
    END IF;
    IF TG_TABLE_NAME = 'hearing' AND TG_OP <> 'DELETE' THEN
        SELECT r.referred_on INTO v_referred FROM disrupt.referral r WHERE r.id = NEW.referral_id;
        IF v_referred > m.held_on OR v_referred > NEW.heard_on THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('a case cannot be heard before its referral (referred on %s, meeting %s on %s)',
                                 v_referred, m.meeting_ref, m.held_on);
        END IF;
        IF NEW.heard_on IS NOT NULL AND NEW.heard_on <> m.held_on THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('a case is heard on its meeting''s day (%s), not %s', m.held_on, NEW.heard_on);
        END IF;
    END IF;
    RETURN v_row;
END $$;
DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['meeting_agency', 'hearing', 'research_return', 'decision'] LOOP
        EXECUTE format('CREATE TRIGGER meeting_child_guard BEFORE INSERT OR UPDATE OR DELETE ON disrupt.%I '
                       'FOR EACH ROW EXECUTE FUNCTION disrupt.forum_child_guard()', t);
    END LOOP;
END
$do$;

-- ---------------------------------------------------------------------------------------------
-- Meetings
-- ---------------------------------------------------------------------------------------------

-- Plan a meeting, or re-plan one (same reference) that is still planned and whose day has not
-- passed: NULL arguments keep the current value; p_agencies are invited (added, never removed).
-- Research returns are due p_research_days before the meeting (not before today).
-- Returns the meeting's version.
CREATE FUNCTION disrupt.meeting_plan(p_ref text, p_forum text, p_mappa_level integer, p_area text, p_held_on date,
                                     p_length_minutes integer, p_chair_login text, p_agencies text[],
                                     p_research_days integer)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_organiser('plan meetings');
    m disrupt.meeting;
    v_agency text;
    v_days integer := greatest(coalesce(p_research_days, 3), 0);
BEGIN
    IF nullif(btrim(p_ref), '') IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a meeting needs a reference';
    END IF;
    FOREACH v_agency IN ARRAY coalesce(p_agencies, ARRAY[]::text[]) LOOP
        IF NOT EXISTS (SELECT 1 FROM disrupt.agency WHERE code = v_agency) THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('no agency %s', v_agency);
        END IF;
    END LOOP;
    IF p_chair_login IS NOT NULL THEN
        PERFORM disrupt.plan_require_active_login(p_chair_login, 'chair', NULL, ARRAY['chair', 'coordinator', 'admin']);
    END IF;
    SELECT * INTO m FROM disrupt.meeting WHERE meeting_ref = p_ref FOR NO KEY UPDATE;  -- as forum_meeting_lock's 'organise'
    IF NOT FOUND THEN
        IF p_forum IS NULL OR p_held_on IS NULL OR nullif(btrim(p_area), '') IS NULL OR p_chair_login IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a new meeting needs a forum, a day, an area and a chair';
        END IF;
        IF (p_forum = 'mappa') <> (p_mappa_level IS NOT NULL) THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a MAPPA meeting needs its level (2 or 3); other forums have none';
        END IF;
        IF p_held_on < disrupt.today() THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('meeting %s: %s has passed; a meeting is planned for today or later', btrim(p_ref), p_held_on);
        END IF;
        INSERT INTO disrupt.meeting (meeting_ref, forum, mappa_level, area, held_on, length_minutes, chair_login,
                                     research_due_on, created_by)
        VALUES (btrim(p_ref), p_forum, p_mappa_level, btrim(p_area), p_held_on, coalesce(p_length_minutes, 120),
                p_chair_login, greatest(disrupt.today(), p_held_on - v_days), v_login)
        RETURNING * INTO m;
    ELSE
        PERFORM disrupt.forum_refuse_closed(m);
        IF p_forum IS NOT NULL AND p_forum <> m.forum THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('meeting %s is a %s meeting; its forum cannot change', m.meeting_ref, m.forum),
                DETAIL = disrupt.forum_meeting_state(m);
        END IF;
        IF p_held_on IS NOT NULL OR p_area IS NOT NULL OR p_length_minutes IS NOT NULL OR p_chair_login IS NOT NULL
           OR p_mappa_level IS NOT NULL THEN
            UPDATE disrupt.meeting
               SET held_on = coalesce(p_held_on, held_on), area = coalesce(nullif(btrim(p_area), ''), area),
                   length_minutes = coalesce(p_length_minutes, length_minutes),
                   chair_login = coalesce(p_chair_login, chair_login), mappa_level = coalesce(p_mappa_level, mappa_level),
                   research_due_on = CASE WHEN p_held_on IS NULL THEN research_due_on
                                          ELSE greatest(disrupt.today(), p_held_on - v_days) END,
                   version = version + 1, updated_by = v_login, updated_at = now()
             WHERE id = m.id
            RETURNING * INTO m;
        END IF;
    END IF;
    INSERT INTO disrupt.meeting_agency (meeting_id, agency)
    SELECT m.id, a FROM unnest(coalesce(p_agencies, ARRAY[]::text[])) a
    ON CONFLICT DO NOTHING;
    PERFORM disrupt.forum_request_research(m.id);
    RETURN m.version;
END $$;

-- Record an invited agency's attendance: present, apologies_sent (apologies, information sent)
-- or absent, with the representative's name. Chairs, coordinators, admins.
CREATE FUNCTION disrupt.meeting_attend(p_ref text, p_agency text, p_attendance text, p_representative text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_organiser('record attendance');
    m disrupt.meeting := disrupt.forum_meeting_lock(p_ref);
BEGIN
    IF p_attendance IS NULL OR p_attendance NOT IN ('present', 'apologies_sent', 'absent') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('attendance %s: use present, apologies_sent or absent', coalesce(p_attendance, '(none)'));
    END IF;
    UPDATE disrupt.meeting_agency
       SET attendance = p_attendance, representative = nullif(btrim(p_representative), ''),
           recorded_by = v_login, recorded_at = now()
     WHERE meeting_id = m.id AND agency = p_agency;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('%s was not invited to meeting %s', coalesce(p_agency, '(no agency)'), m.meeting_ref),
            HINT = format('invite it with: disrupt meeting plan %s --invite %s', m.meeting_ref, coalesce(p_agency, 'AGENCY'));
    END IF;
END $$;

-- Close a meeting (on or after its day): research still requested becomes not_submitted, cases
-- not heard are deferred. After this nothing about the meeting changes. Returns the version.
CREATE FUNCTION disrupt.meeting_close(p_ref text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_organiser('close meetings');
    m disrupt.meeting := disrupt.forum_meeting_lock(p_ref, 'close');
BEGIN
    IF m.held_on > disrupt.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('meeting %s is on %s: it closes on or after its day', m.meeting_ref, m.held_on),
            DETAIL = disrupt.forum_meeting_state(m);
    END IF;
    UPDATE disrupt.research_return rr SET status = 'not_submitted'
      FROM disrupt.hearing h
     WHERE h.id = rr.hearing_id AND h.meeting_id = m.id AND rr.status = 'requested';
    UPDATE disrupt.hearing SET status = 'deferred' WHERE meeting_id = m.id AND status = 'listed';
    UPDATE disrupt.meeting
       SET status = 'closed', closed_at = now(), closed_by = v_login,
           version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = m.id
    RETURNING version INTO m.version;
    RETURN m.version;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Cases and hearings
-- ---------------------------------------------------------------------------------------------

-- List a case at a meeting; returns the hearing id. Exactly one of:
--   p_referral_refs  Marac: referrals (source references) of one victim; the victim's open case
--                    is found or opened, the referrals' perpetrators join it;
--   p_person_ref     MATAC / MAPPA: the perpetrator's open case of the meeting's forum, found or opened;
--   p_case_ref       an open case again (a review or repeat hearing).
-- The hearing is number 1 + the case's earlier hearings that were not deferred; it stops the clock
-- of the case's earliest referral not yet answered. Every invited agency that may see the case is
-- asked for research. p_idva names the victim's Idva (role idva). p_restricted: a new case is
-- visible to the caller's agency only.
-- "The open case" is the one the caller sees (their agency's first, disrupt.ref_rank): another
-- agency's restricted open case of the same person or victim is neither found nor reported;
-- the caller's listing opens a case of their own beside it (one open case per forum and
-- subject among shared cases and within each agency, migration 0011), and nothing tells the
-- caller that the other exists. An administrator sees both.
CREATE FUNCTION disrupt.meeting_case_add(p_meeting_ref text, p_referral_refs text[], p_person_ref text,
                                         p_case_ref text, p_idva text, p_restricted boolean)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_organiser('list cases');
    v_scope text[] := disrupt.forum_caller_scope();
    m disrupt.meeting := disrupt.forum_meeting_lock(p_meeting_ref);
    c disrupt.forum_case;
    r disrupt.referral;
    v_party bigint;
    v_person bigint;
    v_ref text;
    v_refs text[] := ARRAY(SELECT DISTINCT btrim(x) FROM unnest(coalesce(p_referral_refs, ARRAY[]::text[])) x WHERE btrim(x) <> '');
    v_linked bigint;
    v_number integer;
    v_referral bigint;
    v_hearing bigint;
    v_agency text := coalesce(disrupt.caller_agency(), 'other');
BEGIN
    IF (cardinality(v_refs) > 0)::int + (p_person_ref IS NOT NULL)::int + (p_case_ref IS NOT NULL)::int <> 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'name the case by referral(s), by person, or by case reference (one of them)';
    END IF;
    IF p_idva IS NOT NULL THEN
        PERFORM disrupt.plan_require_active_login(p_idva, 'Idva', NULL, ARRAY['idva']);
    END IF;

    IF p_case_ref IS NOT NULL THEN
        c := disrupt.forum_case_for_caller(p_case_ref);
        IF c.closed_on IS NOT NULL OR c.forum <> m.forum THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('case %s is %s and cannot be listed at %s meeting %s', c.case_ref,
                                 CASE WHEN c.closed_on IS NOT NULL THEN 'closed' ELSE 'a ' || c.forum || ' case' END, m.forum, m.meeting_ref);
        END IF;
    ELSIF cardinality(v_refs) > 0 THEN
        IF m.forum <> 'marac' THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('meeting %s is a %s meeting: list its cases by person (--person), not by Marac referral', m.meeting_ref, m.forum);
        END IF;
        FOREACH v_ref IN ARRAY v_refs LOOP
            SELECT * INTO r FROM disrupt.referral WHERE source_ref = v_ref
             ORDER BY disrupt.ref_rank(agency, sensitivity, v_agency) LIMIT 1;
            IF NOT FOUND OR NOT disrupt.forum_sees(r.sensitivity, r.agency, v_scope) THEN
                RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no referral %s', v_ref);
            END IF;
            IF r.party_id IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'DR422',
                    MESSAGE = format('referral %s names no victim: a Marac case is the victim''s (record the referral with --victim)', v_ref);
            END IF;
            IF v_party IS NOT NULL AND v_party <> r.party_id THEN
                RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'the referrals of one Marac case are about one victim';
            END IF;
            v_party := r.party_id;
            IF r.referred_on > m.held_on THEN
                RAISE EXCEPTION USING ERRCODE = 'DR422',
                    MESSAGE = format('referral %s was made on %s: a case cannot be heard before its referral (meeting %s is on %s)',
                                     v_ref, r.referred_on, m.meeting_ref, m.held_on);
            END IF;
        END LOOP;
        SELECT * INTO c FROM disrupt.forum_case x
         WHERE x.forum = 'marac' AND x.victim_party_id = v_party AND x.closed_on IS NULL AND disrupt.forum_case_visible(x.id, v_scope)
         ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, v_agency) LIMIT 1 FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO disrupt.forum_case (case_ref, forum, victim_party_id, idva_login, opened_on, agency, sensitivity, created_by)
            VALUES (disrupt.next_ref('marac_case'), 'marac', v_party, p_idva,
                    least(disrupt.today(), m.held_on), v_agency,
                    CASE WHEN coalesce(p_restricted, false) THEN 'restricted' ELSE 'shared' END, v_login)
            RETURNING * INTO c;
        END IF;
        FOREACH v_ref IN ARRAY v_refs LOOP
            SELECT * INTO r FROM disrupt.referral WHERE source_ref = v_ref
             ORDER BY disrupt.ref_rank(agency, sensitivity, v_agency) LIMIT 1;
            SELECT case_id INTO v_linked FROM disrupt.case_referral WHERE referral_id = r.id;
            IF v_linked IS NOT NULL AND v_linked <> c.id THEN
                RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('referral %s belongs to another case', v_ref);
            END IF;
            INSERT INTO disrupt.case_referral (case_id, referral_id) VALUES (c.id, r.id) ON CONFLICT DO NOTHING;
            INSERT INTO disrupt.case_perpetrator (case_id, person_id) VALUES (c.id, r.person_id) ON CONFLICT DO NOTHING;
        END LOOP;
    ELSE
        IF m.forum = 'marac' THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422',
                MESSAGE = format('meeting %s is a Marac meeting: a Marac case is the victim''s; list it by referral (--referral)', m.meeting_ref);
        END IF;
        SELECT p.id INTO v_person FROM disrupt.person p
         WHERE p.person_ref = p_person_ref AND p.merged_into IS NULL
           AND disrupt.forum_sees(p.sensitivity, p.agency, v_scope)
         ORDER BY disrupt.ref_rank(p.agency, p.sensitivity, v_agency) LIMIT 1;
        IF v_person IS NULL THEN
            RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no person with reference %s', p_person_ref);
        END IF;
        SELECT * INTO c FROM disrupt.forum_case x
         WHERE x.forum = m.forum AND x.person_id = v_person AND x.closed_on IS NULL AND disrupt.forum_case_visible(x.id, v_scope)
         ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, v_agency) LIMIT 1 FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO disrupt.forum_case (case_ref, forum, person_id, opened_on, agency, sensitivity, created_by)
            VALUES (disrupt.next_ref(m.forum || '_case'), m.forum, v_person,
                    least(disrupt.today(), m.held_on), v_agency,
                    CASE WHEN coalesce(p_restricted, false) THEN 'restricted' ELSE 'shared' END, v_login)
            RETURNING * INTO c;
        END IF;
    END IF;

    IF p_idva IS NOT NULL AND c.idva_login IS DISTINCT FROM p_idva THEN
        UPDATE disrupt.forum_case SET idva_login = p_idva, updated_by = v_login, updated_at = now() WHERE id = c.id;
    END IF;
    IF EXISTS (SELECT 1 FROM disrupt.hearing WHERE case_id = c.id AND meeting_id = m.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409', MESSAGE = format('case %s is already on the agenda of meeting %s', c.case_ref, m.meeting_ref),
            DETAIL = disrupt.forum_meeting_state(m);
    END IF;
    -- one listing of a case at a time, whichever meeting: its hearing number counts the others
    -- (helper-61: two chairs listing one case at two meetings at once both got number 2)
    PERFORM 1 FROM disrupt.forum_case WHERE id = c.id FOR NO KEY UPDATE;
    SELECT 1 + count(*) INTO v_number FROM disrupt.hearing WHERE case_id = c.id AND status <> 'deferred';
    -- the clock: the case's earliest referral, up to the meeting's day, that no hearing has answered
    -- (answered: a hearing listed for it, or a hearing held after the day it was made)
    SELECT r2.id INTO v_referral
      FROM disrupt.case_referral cr JOIN disrupt.referral r2 ON r2.id = cr.referral_id
     WHERE cr.case_id = c.id AND r2.referred_on <= m.held_on
       AND NOT EXISTS (SELECT 1 FROM disrupt.hearing h WHERE h.case_id = c.id AND h.status <> 'deferred'
                        AND (h.referral_id = r2.id OR (h.status = 'heard' AND h.heard_on > r2.referred_on)))
     ORDER BY r2.referred_on, r2.created_at, r2.source_ref, r2.id LIMIT 1;
    INSERT INTO disrupt.hearing (case_id, meeting_id, referral_id, hearing_number, created_by)
    VALUES (c.id, m.id, v_referral, v_number, v_login)
    RETURNING id INTO v_hearing;
    PERFORM disrupt.forum_request_research(m.id);
    RETURN v_hearing;
END $$;

-- Mark a listed case heard (on the meeting's day, which must have come). Returns its hearing number.
CREATE FUNCTION disrupt.meeting_hear(p_meeting_ref text, p_case_ref text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_organiser('record hearings');
    m disrupt.meeting := disrupt.forum_meeting_lock(p_meeting_ref);
    h disrupt.hearing := disrupt.forum_hearing(m, p_case_ref);
BEGIN
    IF m.held_on > disrupt.today() THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('meeting %s is on %s: its cases are heard on that day, not before', m.meeting_ref, m.held_on);
    END IF;
    IF h.status = 'heard' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409', MESSAGE = format('case %s was already heard at meeting %s', p_case_ref, m.meeting_ref),
            DETAIL = disrupt.forum_meeting_state(m);
    END IF;
    UPDATE disrupt.hearing SET status = 'heard', heard_on = m.held_on WHERE id = h.id;
    RETURN h.hearing_number;
END $$;

-- Record what the meeting decided about a case. p_restricted: only the caller's agency (and
-- admins) will see it, in the agenda and in the minutes. Returns the decision id.
CREATE FUNCTION disrupt.meeting_decide(p_meeting_ref text, p_case_ref text, p_text text, p_restricted boolean)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_organiser('record decisions');
    m disrupt.meeting := disrupt.forum_meeting_lock(p_meeting_ref);
    h disrupt.hearing := disrupt.forum_hearing(m, p_case_ref);
    v_agency text := disrupt.caller_agency();
    v_id bigint;
BEGIN
    IF disrupt.clean_reason(p_text) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a decision needs its text';
    END IF;
    IF coalesce(p_restricted, false) AND v_agency IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a restricted decision belongs to the recording agency: record it as a staff member';
    END IF;
    INSERT INTO disrupt.decision (hearing_id, text, agency, sensitivity, created_by)
    VALUES (h.id, disrupt.clean_reason(p_text), v_agency, CASE WHEN coalesce(p_restricted, false) THEN 'restricted' ELSE 'shared' END, v_login)
    RETURNING id INTO v_id;
    RETURN v_id;
END $$;

-- Link a plan action to the hearing that agreed it (action.agreed_at_hearing_id). The action must be
-- on the plan of one of the case's perpetrators and not agreed at another hearing. Returns the
-- action's new version.
CREATE FUNCTION disrupt.meeting_agree_action(p_meeting_ref text, p_case_ref text, p_action_id bigint)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_organiser('record agreed actions');
    m disrupt.meeting := disrupt.forum_meeting_lock(p_meeting_ref);
    h disrupt.hearing := disrupt.forum_hearing(m, p_case_ref);
    a disrupt.action;
    v_person bigint;
    v_version integer;
BEGIN
    PERFORM disrupt.action_require_visible(p_action_id);
    SELECT * INTO a FROM disrupt.action WHERE id = p_action_id FOR UPDATE;
    SELECT p.person_id INTO v_person FROM disrupt.plan p WHERE p.id = a.plan_id;
    -- an action on the plan of a person the caller may not see is as absent as a missing one
    IF a.id IS NULL OR NOT disrupt.may_see_person(v_person) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('action %s not found', p_action_id);
    END IF;
    IF NOT (EXISTS (SELECT 1 FROM disrupt.case_perpetrator cp WHERE cp.case_id = h.case_id AND cp.person_id = v_person)
            OR EXISTS (SELECT 1 FROM disrupt.forum_case c WHERE c.id = h.case_id AND c.person_id = v_person)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('action %s is on the plan of someone who is not a perpetrator in case %s', a.id, p_case_ref);
    END IF;
    IF a.agreed_at_hearing_id = h.id THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409', MESSAGE = format('action %s is already agreed at this hearing', a.id),
            DETAIL = disrupt.action_state(a);
    END IF;
    IF a.agreed_at_hearing_id IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409', MESSAGE = format('action %s was agreed at another hearing', a.id),
            DETAIL = disrupt.action_state(a);
    END IF;
    UPDATE disrupt.action
       SET agreed_at_hearing_id = h.id, version = version + 1, updated_by = v_login, updated_at = now()
     WHERE id = a.id
    RETURNING version INTO v_version;
    RETURN v_version;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Research returns
-- ---------------------------------------------------------------------------------------------

-- Record an agency's research for a case on a meeting's agenda: submitted, nothing_held or
-- not_submitted, with a note. p_agency NULL = the caller's agency; only admins name another.
CREATE FUNCTION disrupt.meeting_research(p_meeting_ref text, p_case_ref text, p_status text, p_note text, p_agency text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_staff();
    v_agency text := coalesce(p_agency, disrupt.caller_agency());
    m disrupt.meeting := disrupt.forum_meeting_lock(p_meeting_ref, 'return');
    h disrupt.hearing := disrupt.forum_hearing(m, p_case_ref);
BEGIN
    IF v_agency IS DISTINCT FROM disrupt.caller_agency() AND NOT coalesce(disrupt.is_admin(), false) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403',
            MESSAGE = format('%s may record research for their own agency only', v_login);
    END IF;
    IF p_status IS NULL OR p_status NOT IN ('submitted', 'nothing_held', 'not_submitted') THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('research status %s: use submitted, nothing_held or not_submitted', coalesce(p_status, '(none)'));
    END IF;
    IF p_status = 'submitted' AND disrupt.clean_reason(p_note) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'submitted research needs a note of what the agency holds';
    END IF;
    IF p_note IS NOT NULL AND disrupt.clean_reason(p_note) IS NULL THEN  -- given, it must say something: never dropped silently
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'a research note needs at least one letter A-Z or digit';
    END IF;
    UPDATE disrupt.research_return
       SET status = p_status, note = disrupt.clean_reason(p_note),
           returned_by = v_login, returned_at = CASE WHEN p_status = 'not_submitted' THEN NULL ELSE now() END
     WHERE hearing_id = h.id AND agency = v_agency;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('%s was not asked for research on case %s at meeting %s (not invited)',
                             coalesce(v_agency, '(no agency)'), p_case_ref, m.meeting_ref);
    END IF;
END $$;

-- The research chase, called by reminder_sweep (reminders.sql): for each research return still
-- requested for a planned meeting whose research is due (research_due_on <= D <= held_on), one
-- 'research_due' reminder to the asked agency's lead (its SPOCs, else all its active staff), once
-- per hearing, due day and recipient (the outbox key). The message names the meeting and the case
-- reference only, never a person; only agencies that may see the case were asked. A chase about a
-- case hidden from its recipient since is made all the same and stays unread and undelivered until
-- the case is visible again (reminder_readable). Returns how many.
CREATE FUNCTION disrupt.forum_research_sweep(p_as_of date) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    WITH due AS (
        SELECT h.id AS hearing_id, rr.agency, m.research_due_on, m.meeting_ref, m.held_on, c.case_ref
          FROM disrupt.research_return rr
          JOIN disrupt.hearing h ON h.id = rr.hearing_id
          JOIN disrupt.meeting m ON m.id = h.meeting_id
          JOIN disrupt.forum_case c ON c.id = h.case_id
         WHERE rr.status = 'requested' AND m.status = 'planned'
           AND m.research_due_on <= p_as_of AND p_as_of <= m.held_on
    ),
    ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'research_due', r.login, NULL, 'hearing', d.hearing_id, d.research_due_on,
               format('Research for case %s at meeting %s on %s was due on %s and %s has not returned it (disrupt meeting research %s %s --status ...)',
                      d.case_ref, d.meeting_ref, d.held_on, d.research_due_on, d.agency, d.meeting_ref, d.case_ref)
          FROM due d
          CROSS JOIN LATERAL disrupt.reminder_link_leads(NULL, d.agency) r(login)
         WHERE NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'research_due' AND x.subject_table = 'hearing' AND x.subject_id = d.hearing_id
                              AND x.due_on = d.research_due_on AND x.recipient_login = r.login)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    RETURN n;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Reading: one case sheet, the agenda and the minutes
-- ---------------------------------------------------------------------------------------------

-- Everything about one hearing that the scope may see (NULL if the case is not visible):
-- the case, the victim (name, date of birth: nothing more) and Idva, the perpetrators with their
-- stored score, the referrals and the clock, the research returns, the decisions, the actions the
-- hearing agreed, the perpetrators' live actions overdue on the meeting's day by agency, and the
-- case's previous hearing (last_heard: where a "since last heard" brief attaches).
CREATE FUNCTION disrupt.forum_case_sheet(p_hearing_id bigint, p_scope text[]) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    WITH h AS (
        SELECT h.*, m.held_on, m.meeting_ref FROM disrupt.hearing h JOIN disrupt.meeting m ON m.id = h.meeting_id
         WHERE h.id = p_hearing_id AND disrupt.forum_case_visible(h.case_id, p_scope)
    ),
    c AS (SELECT c.* FROM disrupt.forum_case c JOIN h ON h.case_id = c.id),
    perps AS (
        SELECT pe.id, pe.person_ref, pe.given_name, pe.family_name, pe.date_of_birth, rc.score, rc.band, rc.rfg_total
          FROM c
          JOIN disrupt.person pe ON pe.id IN (SELECT cp.person_id FROM disrupt.case_perpetrator cp WHERE cp.case_id = c.id
                                              UNION SELECT c.person_id WHERE c.person_id IS NOT NULL)
          LEFT JOIN disrupt.risk_current rc ON rc.person_id = pe.id
         WHERE disrupt.forum_sees(pe.sensitivity, pe.agency, p_scope)
    ),
    refs AS (
        SELECT r.id, r.source_ref, r.referred_on, r.created_at, r.criterion, r.dash_score
          FROM c JOIN disrupt.case_referral cr ON cr.case_id = c.id JOIN disrupt.referral r ON r.id = cr.referral_id
         WHERE disrupt.forum_sees(r.sensitivity, r.agency, p_scope)
    ),
    live AS (
        SELECT a.*, pl.person_id FROM disrupt.action a JOIN disrupt.plan pl ON pl.id = a.plan_id
         WHERE pl.person_id IN (SELECT id FROM perps) AND pl.status = 'open'
           AND a.status IN ('open', 'in_progress', 'blocked')
    )
    SELECT jsonb_build_object(
        'hearing_id', h.id, 'case_ref', c.case_ref, 'forum', c.forum, 'hearing_number', h.hearing_number,
        'status', h.status, 'heard_on', h.heard_on, 'idva_login', c.idva_login,
        'hearings', (SELECT count(*) FROM disrupt.hearing x WHERE x.case_id = c.id AND x.status <> 'deferred'),
        'repeat', h.hearing_number > 1 OR EXISTS (SELECT 1 FROM refs WHERE refs.criterion = 'repeat'),
        'victim', (SELECT jsonb_build_object('party_ref', pa.party_ref, 'given_name', pa.given_name,
                                             'family_name', pa.family_name, 'date_of_birth', pa.date_of_birth)
                     FROM disrupt.party pa WHERE pa.id = c.victim_party_id),
        'perpetrators', coalesce((SELECT jsonb_agg(jsonb_build_object('person_ref', p.person_ref, 'given_name', p.given_name,
                                         'family_name', p.family_name, 'date_of_birth', p.date_of_birth,
                                         'score', p.score, 'band', p.band, 'rfg', p.rfg_total) ORDER BY p.score DESC NULLS LAST, p.person_ref)
                                  FROM perps p), '[]'),
        'risk_score', (SELECT max(score) FROM perps),
        'referrals', coalesce((SELECT jsonb_agg(jsonb_build_object('ref', r.source_ref, 'referred_on', r.referred_on,
                                      'criterion', r.criterion, 'dash_score', r.dash_score) ORDER BY r.referred_on, r.created_at, r.source_ref, r.id)
                               FROM refs r), '[]'),
        'clock', (SELECT jsonb_build_object('referral', r.source_ref, 'referred_on', r.referred_on,
                                            'days_waiting', coalesce(h.heard_on, h.held_on) - r.referred_on)
                    FROM refs r WHERE r.id = h.referral_id),
        'research', coalesce((SELECT jsonb_agg(jsonb_build_object('agency', rr.agency, 'status', rr.status, 'note', rr.note,
                                     'returned_by', rr.returned_by, 'returned_at', rr.returned_at) ORDER BY rr.agency)
                              FROM disrupt.research_return rr WHERE rr.hearing_id = h.id), '[]'),
        'decisions', coalesce((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'text', d.text, 'restricted', d.sensitivity = 'restricted',
                                      'agency', d.agency, 'by', d.created_by) ORDER BY d.created_at, d.id)
                               FROM disrupt.decision d WHERE d.hearing_id = h.id
                                AND disrupt.forum_sees(d.sensitivity, coalesce(d.agency, ''), p_scope)), '[]'),
        'agreed_actions', coalesce((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'person_ref', pe.person_ref, 'heading', a.heading,
                                           'tactic', a.tactic, 'label', a.label, 'agency', a.agency, 'owner_login', a.owner_login,
                                           'due_on', a.due_on, 'status', a.status) ORDER BY a.agency, a.due_on, a.created_at, a.id)
                                    FROM disrupt.action a JOIN disrupt.plan pl ON pl.id = a.plan_id
                                    JOIN disrupt.person pe ON pe.id = pl.person_id
                                   WHERE a.agreed_at_hearing_id = h.id AND pe.id IN (SELECT id FROM perps)), '[]'),
        'overdue', coalesce((SELECT jsonb_agg(g ORDER BY g->>'agency') FROM (
                        SELECT jsonb_build_object('agency', l.agency, 'actions',
                                   jsonb_agg(jsonb_build_object('id', l.id, 'heading', l.heading, 'tactic', l.tactic, 'label', l.label,
                                             'owner_login', l.owner_login, 'due_on', l.due_on, 'days_overdue', h.held_on - l.due_on)
                                             ORDER BY l.due_on, l.created_at, l.id)) AS g
                          FROM live l WHERE l.due_on < h.held_on GROUP BY l.agency) x), '[]'),
        'last_heard', (SELECT jsonb_build_object('meeting', pm.meeting_ref, 'heard_on', ph.heard_on, 'hearing_number', ph.hearing_number)
                         FROM disrupt.hearing ph JOIN disrupt.meeting pm ON pm.id = ph.meeting_id
                        WHERE ph.case_id = c.id AND ph.status = 'heard' AND ph.id <> h.id AND ph.heard_on <= h.held_on
                        ORDER BY ph.heard_on DESC, ph.hearing_number DESC, ph.created_at DESC, ph.id DESC LIMIT 1))
      FROM h CROSS JOIN c
$$;

-- The meeting's header: forum, day, area, chair, length, status, attendance.
CREATE FUNCTION disrupt.forum_meeting_header(m disrupt.meeting) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
    SELECT jsonb_build_object('meeting', m.meeting_ref, 'forum', m.forum, 'mappa_level', m.mappa_level, 'area', m.area,
        'held_on', m.held_on, 'length_minutes', m.length_minutes, 'chair', m.chair_login,
        'chair_name', (SELECT s.full_name FROM disrupt.staff s WHERE s.login = m.chair_login),
        'status', m.status, 'version', m.version, 'research_due_on', m.research_due_on,
        'closed_at', m.closed_at, 'closed_by', m.closed_by,
        'agencies', coalesce((SELECT jsonb_agg(jsonb_build_object('agency', ma.agency, 'attendance', ma.attendance,
                                     'representative', ma.representative) ORDER BY ma.agency)
                              FROM disrupt.meeting_agency ma WHERE ma.meeting_id = m.id), '[]'))
     -- nothing for a login that is not (or no longer) active staff
     WHERE coalesce(disrupt.is_active_staff(), false)
$$;

-- The caller's agenda of a meeting: the header and one sheet per case the caller may see
-- (ordering by risk and the time budget are DisruptCore's, in the client).
CREATE FUNCTION disrupt.meeting_agenda(p_meeting_ref text) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_staff();
    v_scope text[] := disrupt.forum_caller_scope();
    m disrupt.meeting;
BEGIN
    PERFORM disrupt.require_consultation();
    SELECT * INTO m FROM disrupt.meeting WHERE meeting_ref = p_meeting_ref;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no meeting %s', p_meeting_ref);
    END IF;
    RETURN disrupt.forum_meeting_header(m) || jsonb_build_object('cases', coalesce((
        SELECT jsonb_agg(s ORDER BY h.created_at, h.id) FROM disrupt.hearing h
         CROSS JOIN LATERAL disrupt.forum_case_sheet(h.id, v_scope) s
         WHERE h.meeting_id = m.id AND s IS NOT NULL), '[]'));
END $$;

-- The minutes of a meeting, produced and audited in one step. p_agency NULL: the caller's own
-- copy; else that agency's copy, which holds only what both the caller and that agency may see.
-- Every person in it is logged: 'consult' when the minutes are only produced, 'disclose' with the
-- recipients when they are sent (p_recipients: not empty; only for a closed meeting). The
-- audit rows name the meeting, the case, the copy's agency and the format.
CREATE FUNCTION disrupt.meeting_minutes(p_meeting_ref text, p_agency text, p_purpose text,
                                        p_recipients text[], p_format text)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp AS $$
DECLARE
    v_login text := disrupt.forum_require_staff();
    v_scope text[] := disrupt.forum_caller_scope();
    v_recipients text[] := ARRAY(SELECT btrim(x) FROM unnest(coalesce(p_recipients, ARRAY[]::text[])) x WHERE btrim(x) <> '');
    v_send boolean;
    m disrupt.meeting;
    v_minutes jsonb;
BEGIN
    PERFORM disrupt.refuse_explain();
    IF disrupt.clean_reason(p_purpose) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'a purpose is required to read or send minutes (personal data)';
    END IF;
    v_send := cardinality(v_recipients) > 0;
    IF p_agency IS NOT NULL THEN
        IF NOT EXISTS (SELECT 1 FROM disrupt.agency WHERE code = p_agency) THEN
            RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('no agency %s', p_agency);
        END IF;
        v_scope := v_scope || p_agency;
    END IF;
    SELECT * INTO m FROM disrupt.meeting WHERE meeting_ref = p_meeting_ref;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no meeting %s', p_meeting_ref);
    END IF;
    IF v_send AND m.status <> 'closed' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('meeting %s is not closed: minutes are sent after the meeting (disrupt meeting close %s)', m.meeting_ref, m.meeting_ref),
            DETAIL = disrupt.forum_meeting_state(m);
    END IF;
    v_minutes := disrupt.forum_meeting_header(m) || jsonb_build_object(
        'copy_for', p_agency, 'produced_by', v_login, 'produced_at', now(),
        'recipients', to_jsonb(v_recipients),
        'cases', coalesce((SELECT jsonb_agg(s ORDER BY h.created_at, h.id) FROM disrupt.hearing h
                            CROSS JOIN LATERAL disrupt.forum_case_sheet(h.id, v_scope) s
                           WHERE h.meeting_id = m.id AND s IS NOT NULL), '[]'));

    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, purpose, recipient, detail)
    SELECT disrupt.caller_agency(), CASE WHEN v_send THEN 'disclose' ELSE 'consult' END, 'meeting', m.meeting_ref,
           pe.id, disrupt.clean_reason(p_purpose), CASE WHEN v_send THEN array_to_string(v_recipients, ', ') END,
           jsonb_build_object('kind', 'minutes', 'meeting', m.meeting_ref, 'case', x.s->>'case_ref',
                              'copy_for', p_agency, 'format', p_format)
      FROM jsonb_array_elements(v_minutes->'cases') x(s)
      CROSS JOIN LATERAL jsonb_array_elements(x.s->'perpetrators') p(j)
      CROSS JOIN LATERAL (SELECT x.id FROM disrupt.person x
                           WHERE x.person_ref = p.j->>'person_ref' AND disrupt.forum_sees(x.sensitivity, x.agency, v_scope)
                           ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, p_agency) LIMIT 1) pe;
    IF NOT FOUND THEN  -- nothing about a person in it: one row for the meeting
        INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, purpose, recipient, detail)
        VALUES (disrupt.caller_agency(), CASE WHEN v_send THEN 'disclose' ELSE 'consult' END, 'meeting', m.meeting_ref,
                disrupt.clean_reason(p_purpose), CASE WHEN v_send THEN array_to_string(v_recipients, ', ') END,
                jsonb_build_object('kind', 'minutes', 'meeting', m.meeting_ref, 'copy_for', p_agency, 'format', p_format));
    END IF;
    RETURN v_minutes;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Privileges
-- ---------------------------------------------------------------------------------------------
SELECT disrupt.bound_lock_waits('meeting_plan', 'meeting_attend', 'meeting_close', 'meeting_case_add', 'meeting_hear',
                                'meeting_decide', 'meeting_agree_action', 'meeting_research');
SELECT disrupt.hand_to_owner();

REVOKE ALL ON FUNCTION
    disrupt.forum_require_staff(), disrupt.forum_require_organiser(text), disrupt.forum_caller_scope(),
    disrupt.forum_sees(text, text, text[]), disrupt.forum_case_visible(bigint, text[]),
    disrupt.forum_meeting_state(disrupt.meeting), disrupt.forum_refuse_closed(disrupt.meeting),
    disrupt.forum_meeting_lock(text, text), disrupt.forum_case_for_caller(text),
    disrupt.forum_hearing(disrupt.meeting, text), disrupt.forum_request_research(bigint),
    disrupt.forum_meeting_guard(), disrupt.forum_child_guard(),
    disrupt.meeting_plan(text, text, integer, text, date, integer, text, text[], integer),
    disrupt.meeting_attend(text, text, text, text), disrupt.meeting_close(text),
    disrupt.meeting_case_add(text, text[], text, text, text, boolean),
    disrupt.meeting_hear(text, text), disrupt.meeting_decide(text, text, text, boolean),
    disrupt.meeting_agree_action(text, text, bigint), disrupt.meeting_research(text, text, text, text, text),
    disrupt.forum_research_sweep(date), disrupt.forum_case_sheet(bigint, text[]),
    disrupt.forum_meeting_header(disrupt.meeting), disrupt.meeting_agenda(text),
    disrupt.meeting_minutes(text, text, text, text[], text)
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    disrupt.meeting_plan(text, text, integer, text, date, integer, text, text[], integer),
    disrupt.meeting_attend(text, text, text, text), disrupt.meeting_close(text),
    disrupt.meeting_case_add(text, text[], text, text, text, boolean),
    disrupt.meeting_hear(text, text), disrupt.meeting_decide(text, text, text, boolean),
    disrupt.meeting_agree_action(text, text, bigint), disrupt.meeting_research(text, text, text, text, text),
    disrupt.meeting_agenda(text), disrupt.meeting_minutes(text, text, text, text[], text),
    disrupt.forum_meeting_header(disrupt.meeting)
TO disrupt_staff, disrupt_admin;

-- report.sql: the aggregate reads behind `disrupt report` (issue 17).
--
-- Who may run them: chairs, coordinators and administrators (and the install administrator).
-- A report counts every agency's rows, so these functions are SECURITY DEFINER (owned by
-- disrupt_owner, which reads every row through the owner_all policies) and return only counts,
-- histograms and, for the outcome section, incident facts of people known only by a row number
-- of this call's answer: never an id, a reference, a name, a note or a free-text label.
-- Anyone else (a rep, a SPOC, an Idva) is refused with 42501 before anything is read.
-- Days are the product's (disrupt.day_of, disrupt.day_start: UTC), whatever the session's TimeZone.

-- The forum-cycle tables they read reach the owner through the owner_all policies that
-- forum.sql and cohort.sql attach.

CREATE OR REPLACE FUNCTION disrupt.report_check(forum text, from_on date, to_on date) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    IF NOT (disrupt.is_admin() OR COALESCE(disrupt.caller_role() IN ('chair', 'coordinator'), false)) THEN
        RAISE EXCEPTION 'only a chair, a coordinator or an administrator may run a report' USING ERRCODE = '42501';
    END IF;
    IF report_check.forum IS NULL OR report_check.forum NOT IN ('marac', 'matac') THEN
        RAISE EXCEPTION 'the forum must be marac or matac' USING ERRCODE = '22023';
    END IF;
    IF report_check.from_on IS NULL OR report_check.to_on IS NULL OR report_check.to_on < report_check.from_on THEN
        RAISE EXCEPTION 'the period must end on or after its first day' USING ERRCODE = '22023';
    END IF;
END
$$;

-- Volumes and timeliness, as (measure, key, n):
--   referral_agency / referral_criterion: referrals made in the period — those whose case is the
--     forum's (and, with an area, heard at a meeting in that area), and at Marac without an area
--     also the referrals not yet attached to a case;
--   cases_heard: distinct cases with a hearing heard in the period at the forum's meetings;
--   repeat_cases: of those, cases also heard in the 12 months before that hearing;
--   perpetrators / serial: distinct perpetrators of the heard cases, and how many are serial in
--     their stored risk score;
--   days_to_hearing (key: days): hearings heard in the period that answered a referral.
CREATE OR REPLACE FUNCTION disrupt.report_counts(forum text, area text, from_on date, to_on date)
RETURNS TABLE (measure text, key text, n bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    PERFORM disrupt.report_check(report_counts.forum, report_counts.from_on, report_counts.to_on);
    PERFORM disrupt.require_consultation();
    RETURN QUERY
    WITH scope_meeting AS (
        SELECT m.id FROM disrupt.meeting m
        WHERE m.forum = report_counts.forum AND (report_counts.area IS NULL OR m.area = report_counts.area)
    ),
    heard AS (
        SELECT h.id, h.case_id, h.heard_on, h.referral_id FROM disrupt.hearing h
        WHERE h.status = 'heard' AND h.heard_on BETWEEN report_counts.from_on AND report_counts.to_on
          AND h.meeting_id IN (SELECT id FROM scope_meeting)
    ),
    scope_case AS (
        SELECT c.id FROM disrupt.forum_case c
        WHERE c.forum = report_counts.forum
          AND (report_counts.area IS NULL OR EXISTS (
                SELECT 1 FROM disrupt.hearing h WHERE h.case_id = c.id AND h.meeting_id IN (SELECT id FROM scope_meeting)))
    ),
    referrals AS (
        SELECT r.agency, r.criterion FROM disrupt.referral r
        WHERE r.referred_on BETWEEN report_counts.from_on AND report_counts.to_on
          AND (EXISTS (SELECT 1 FROM disrupt.case_referral cr WHERE cr.referral_id = r.id AND cr.case_id IN (SELECT id FROM scope_case))
               OR (report_counts.forum = 'marac' AND report_counts.area IS NULL
                   AND NOT EXISTS (SELECT 1 FROM disrupt.case_referral cr WHERE cr.referral_id = r.id)))
    ),
    perpetrators AS (
        SELECT cp.person_id FROM disrupt.case_perpetrator cp WHERE cp.case_id IN (SELECT case_id FROM heard)
        UNION
        SELECT c.person_id FROM disrupt.forum_case c WHERE c.id IN (SELECT case_id FROM heard) AND c.person_id IS NOT NULL
    )
    SELECT 'referral_agency', x.agency, count(*) FROM referrals x GROUP BY x.agency
    UNION ALL
    SELECT 'referral_criterion', x.criterion, count(*) FROM referrals x GROUP BY x.criterion
    UNION ALL
    SELECT 'cases_heard', NULL, count(DISTINCT x.case_id) FROM heard x
    UNION ALL
    SELECT 'repeat_cases', NULL, count(DISTINCT x.case_id) FROM heard x
    WHERE EXISTS (SELECT 1 FROM disrupt.hearing p JOIN disrupt.meeting pm ON pm.id = p.meeting_id
                  WHERE p.case_id = x.case_id AND p.status = 'heard' AND pm.forum = report_counts.forum
                    AND p.heard_on < x.heard_on AND p.heard_on >= x.heard_on - interval '12 months')
    UNION ALL
    SELECT 'perpetrators', NULL, count(*) FROM perpetrators
    UNION ALL
    SELECT 'serial', NULL, count(*) FROM perpetrators p JOIN disrupt.risk_current rc ON rc.person_id = p.person_id WHERE rc.serial
    UNION ALL
    SELECT 'days_to_hearing', (x.heard_on - r.referred_on)::text, count(*)
    FROM heard x JOIN disrupt.referral r ON r.id = x.referral_id
    GROUP BY x.heard_on - r.referred_on;
END
$$;

-- Actions in scope, grouped by agency, heading, tactic and state (as of as_of), with how many:
-- the actions agreed at a hearing of the forum's meetings (in the area) held in the period; for
-- MATAC without an area also the plan actions created in the period that no hearing agreed
-- (MATAC tasks through its plans). A custom action's free-text label is never returned: its
-- tactic is 'custom'. Completed on the day of its last 'done' change; late = after due_on.
CREATE OR REPLACE FUNCTION disrupt.report_actions(forum text, area text, from_on date, to_on date, as_of date)
RETURNS TABLE (agency text, heading text, tactic text, state text, days_late integer, n bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    PERFORM disrupt.report_check(report_actions.forum, report_actions.from_on, report_actions.to_on);
    PERFORM disrupt.require_consultation();
    RETURN QUERY
    WITH scope AS (
        SELECT a.id, a.agency, a.heading, COALESCE(a.tactic, 'custom') AS tactic, a.status, a.due_on
        FROM disrupt.action a
        WHERE a.agreed_at_hearing_id IN (
                SELECT h.id FROM disrupt.hearing h JOIN disrupt.meeting m ON m.id = h.meeting_id
                WHERE m.forum = report_actions.forum AND (report_actions.area IS NULL OR m.area = report_actions.area)
                  AND m.held_on BETWEEN report_actions.from_on AND report_actions.to_on)
           OR (report_actions.forum = 'matac' AND report_actions.area IS NULL AND a.agreed_at_hearing_id IS NULL
               AND a.created_at >= disrupt.day_start(report_actions.from_on)
               AND a.created_at < disrupt.day_start(report_actions.to_on + 1))
    ),
    judged AS (
        SELECT s.agency, s.heading, s.tactic,
               CASE WHEN s.status = 'done' THEN
                        (SELECT disrupt.day_of(max(ah.at)) FROM disrupt.action_history ah WHERE ah.action_id = s.id AND ah.change = 'done')
               END AS done_on,
               s.status, s.due_on
        FROM scope s
    )
    SELECT j.agency, j.heading, j.tactic,
           CASE WHEN j.status = 'done' AND COALESCE(j.done_on, j.due_on) <= j.due_on THEN 'completed_on_time'
                WHEN j.status = 'done' THEN 'completed_late'
                WHEN j.status = 'cancelled' THEN 'cancelled'
                WHEN j.due_on < report_actions.as_of THEN 'overdue'
                ELSE 'live' END,
           CASE WHEN j.status = 'done' AND j.done_on > j.due_on THEN j.done_on - j.due_on END,
           count(*)
    FROM judged j
    GROUP BY 1, 2, 3, 4, 5;
END
$$;

-- The outcome section's incident facts, de-identified: grp 'cohort' (people who entered the MATAC
-- cohort or had a plan opened in the period, on or before as_of; index day = the first of these) or 'candidate'
-- (people never taken on up to the period's last day with an incident in the six months before
-- its first day; index day = the first day). With an area, both only people who were the
-- perpetrator of a case heard at the forum's meetings in that area. Each person is a row number
-- of this answer (by group, index day, then internal order), each victim a number within that person; one row per incident
-- Restricted people and incidents are left out for everyone but an administrator: these are
-- per-incident facts (day, offence, gravity), and an agency's restricted record is its own.
-- record from six months before the index day to six months after it or as_of (no incident:
-- one row with NULL occurred_on, so the person still counts).
CREATE OR REPLACE FUNCTION disrupt.report_outcome_incidents(forum text, area text, from_on date, to_on date, as_of date)
RETURNS TABLE (grp text, subject bigint, index_day date, occurred_on date, victim bigint, offence text,
               gravity integer, separate_event boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    PERFORM disrupt.report_check(report_outcome_incidents.forum, report_outcome_incidents.from_on, report_outcome_incidents.to_on);
    PERFORM disrupt.require_consultation();
    RETURN QUERY
    WITH in_area AS (
        SELECT cp.person_id FROM disrupt.case_perpetrator cp
        JOIN disrupt.hearing h ON h.case_id = cp.case_id JOIN disrupt.meeting m ON m.id = h.meeting_id
        WHERE m.forum = report_outcome_incidents.forum AND m.area = report_outcome_incidents.area AND h.status = 'heard'
        UNION
        SELECT c.person_id FROM disrupt.forum_case c
        JOIN disrupt.hearing h ON h.case_id = c.id JOIN disrupt.meeting m ON m.id = h.meeting_id
        WHERE c.person_id IS NOT NULL AND m.forum = report_outcome_incidents.forum
          AND m.area = report_outcome_incidents.area AND h.status = 'heard'
    ),
    taken AS (
        SELECT t.person_id, min(t.on_day) AS index_day FROM (
            SELECT mc.person_id, mc.entered_on AS on_day FROM disrupt.matac_cohort mc
            WHERE mc.entered_on BETWEEN report_outcome_incidents.from_on AND report_outcome_incidents.to_on
            UNION ALL
            SELECT p.person_id, disrupt.day_of(p.opened_at) FROM disrupt.plan p
            WHERE p.opened_at >= disrupt.day_start(report_outcome_incidents.from_on)
              AND p.opened_at < disrupt.day_start(report_outcome_incidents.to_on + 1)
        ) t
        GROUP BY t.person_id
    ),
    cohort AS (
        SELECT 'cohort'::text AS grp, t.person_id, t.index_day FROM taken t
        JOIN disrupt.person pe ON pe.id = t.person_id AND pe.merged_into IS NULL
                               AND (pe.sensitivity = 'shared' OR (SELECT disrupt.is_admin()))
        WHERE t.index_day <= report_outcome_incidents.as_of
          AND (report_outcome_incidents.area IS NULL OR t.person_id IN (SELECT person_id FROM in_area))
    ),
    candidate AS (
        SELECT DISTINCT 'candidate'::text AS grp, i.person_id, report_outcome_incidents.from_on AS index_day
        FROM disrupt.incident i JOIN disrupt.person pe ON pe.id = i.person_id AND pe.merged_into IS NULL
                                                          AND (pe.sensitivity = 'shared' OR (SELECT disrupt.is_admin()))
        WHERE i.occurred_on >= (report_outcome_incidents.from_on - interval '6 months')::date
          AND (i.sensitivity = 'shared' OR (SELECT disrupt.is_admin()))
          AND i.occurred_on < report_outcome_incidents.from_on
          AND NOT EXISTS (SELECT 1 FROM disrupt.matac_cohort mc WHERE mc.person_id = i.person_id AND mc.entered_on <= report_outcome_incidents.to_on)
          AND NOT EXISTS (SELECT 1 FROM disrupt.plan p WHERE p.person_id = i.person_id AND p.opened_at < disrupt.day_start(report_outcome_incidents.to_on + 1))
          AND (report_outcome_incidents.area IS NULL OR i.person_id IN (SELECT person_id FROM in_area))
    ),
    subjects AS (
        SELECT s.grp, s.person_id, s.index_day, row_number() OVER (ORDER BY s.grp, s.index_day, s.person_id) AS number
        FROM (SELECT * FROM cohort UNION ALL SELECT * FROM candidate) s
    )
    SELECT s.grp, s.number, s.index_day, i.occurred_on,
           CASE WHEN i.party_id IS NOT NULL THEN dense_rank() OVER (PARTITION BY s.number ORDER BY i.party_id) END,
           i.offence, i.gravity, i.separate_event
    FROM subjects s
    LEFT JOIN disrupt.incident i ON i.person_id = s.person_id
        AND (i.sensitivity = 'shared' OR (SELECT disrupt.is_admin()))
        AND i.occurred_on >= (s.index_day - interval '6 months')::date
        AND i.occurred_on < LEAST((s.index_day + interval '6 months')::date, report_outcome_incidents.as_of + 1)
    ORDER BY s.number;
END
$$;

SELECT disrupt.hand_to_owner();

REVOKE ALL ON FUNCTION
    disrupt.report_check(text, date, date),
    disrupt.report_counts(text, text, date, date),
    disrupt.report_actions(text, text, date, date, date),
    disrupt.report_outcome_incidents(text, text, date, date, date)
FROM PUBLIC;
-- every staff login may call them; report_check lets only chairs, coordinators and admins through
-- (the command calls it first, so a refused report logs no consultation)
GRANT EXECUTE ON FUNCTION
    disrupt.report_check(text, date, date),
    disrupt.report_counts(text, text, date, date),
    disrupt.report_actions(text, text, date, date, date),
    disrupt.report_outcome_incidents(text, text, date, date, date)
TO disrupt_staff;

-- The last definition file (Definition.order): every SECURITY DEFINER function of every file
-- exists now, so each gets the settings that keep its plans and sorts from its caller
-- (foundation.sql; noDefinerFunctionPrintsItsPlansOrSortsToItsCaller fails for any missed).
SELECT disrupt.quiet_definer_functions();

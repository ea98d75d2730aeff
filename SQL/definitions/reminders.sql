-- reminders.sql: the reminder outbox, the sweep that fills it, the inbox, delivery
-- bookkeeping for an optional external command, and the coordinator's agenda.
--
-- The outbox key is UNIQUE (kind, subject_table, subject_id, due_on, recipient_login): every
-- insert skips keys already stored (NOT EXISTS, so a sweep that finds nothing new burns no
-- reminder ids) and is INSERT ... ON CONFLICT DO NOTHING, so sweeps are idempotent and two
-- services sweeping at once never create a reminder twice. A changed date (an extended action, a new
-- review date) is a new due_on and so a new reminder.
--
-- Conventions:
--   subject_table / subject_id: 'action' | 'plan' | 'court_order' | 'forum_link' | 'breach' | 'incident'
--   | 'relationship' | 'hearing' (research_due) | 'action_history' (idva_update).
--   due_on: the date the reminder is about (action due date, plan review date, order end date,
--   licence end date, breach/incident date) -- except the reminders sent once a date has passed,
--   whose due_on is that date + 1 (the first day after it): the second plan_review reminder,
--   link_review_overdue and mappa_category3_review, so that a "coming up" and a "passed"
--   reminder of one subject can both exist.
--   message: references and dates only (person_ref, ids, tactic code, dates), never names.
--   disrupt.reminder_wake(): marks disrupt_private.service_wake (migration 0016), which the service
--   takes every 0.2 s, from a sweep that made reminders and from every run of a trigger that may
--   make them, made or not. Not NOTIFY: any login may LISTEN, a notification names its sender's
--   process id, and the writer's own session can print the channel's name (trace_notify), so a
--   member of staff would learn who wrote a record hidden from her, and when.
--
-- Privileges: the reminder service (disrupt_service) has no table privileges at all. It may
-- EXECUTE reminder_sweep, service_wake_take, reminder_claim_for_delivery, reminder_delivered and
-- reminder_delivery_failed (and alert_settings_write, alerts.sql), which are SECURITY DEFINER
-- (owned by the migration owner) and touch only what reminders need; an administrator may sweep
-- and take the wake marks too (serve without a delivery command). Staff read their own reminders (RLS: recipient sees own,
-- admins see all) and call inbox / reminder_ack.
--
-- Errors: DR403 not allowed, DR404 not found (also: someone else's reminder), DR422 bad argument.

-- The outbox table is in the baseline migration.

SELECT disrupt.attach_owner_policy('disrupt_private.service_wake');
SELECT disrupt.attach_owner_policy('disrupt_private.sweep_turn');
SELECT disrupt.attach_owner_policy('disrupt_private.sweep_change');
SELECT disrupt.attach_owner_policy('disrupt_private.sweep_state');

-- Wakes `disrupt serve`; see "Conventions" above. One mark per write transaction, seen by the
-- service once the transaction commits; a writer never touches another transaction's mark, so
-- it neither waits for nor holds back anyone's. Granted to nobody: it runs inside the SECURITY
-- DEFINER functions (owner).
CREATE FUNCTION disrupt.reminder_wake() RETURNS void
LANGUAGE sql AS $$
    INSERT INTO disrupt_private.service_wake (woken_in, woken_by)
    VALUES (pg_catalog.pg_current_xact_id(), pg_catalog.pg_backend_pid())
    ON CONFLICT (woken_in) DO NOTHING
$$;

-- Takes the committed marks: true when a backend other than the caller's wrote since the last
-- take (the service's own sweep is not news). Every running `serve` takes marks, and whichever
-- takes one sweeps (and delivers, if it has a delivery command). The service's, and an
-- administrator's (who may sweep, and may run serve without a delivery command): it answers
-- only yes or no. Marks another taker or a sweep's clean-up is deleting are skipped, not waited for.
CREATE FUNCTION disrupt.service_wake_take() RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH taken AS (
        DELETE FROM disrupt_private.service_wake w
         WHERE w.woken_in IN (SELECT f.woken_in FROM disrupt_private.service_wake f FOR UPDATE SKIP LOCKED)
        RETURNING w.woken_by)
    SELECT coalesce(bool_or(t.woken_by <> pg_catalog.pg_backend_pid()), false) FROM taken t
$$;

-- The alert kinds that ask something of their recipient (alerts.sql): each stays open, in her
-- inbox and the chair's list, until it is dismissed with a reason or answered by a record. The one
-- list of them; idva_update (an Idva's news of a plan's actions) is an alert too, but hers alone
-- and gone when she acknowledges it. IMMUTABLE SQL: inlined and folded to a constant where used.
CREATE FUNCTION disrupt.alert_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['new_partner', 'new_victim', 'suspected_breach', 'offending_on_order', 'breach_no_positive_action']
$$;

-- ---------------------------------------------------------------------------------------------
-- Who hears about a forum link: p_agency's lead. The link's contact when it names an active staff
-- member of that agency; else the agency's active SPOCs; else all its active staff. p_agency
-- NULL (a link naming no lead agency): the contact if active, else every active coordinator.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.reminder_link_leads(p_contact text, p_agency text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH candidates AS (
        SELECT s.login, 1 AS tier FROM disrupt.staff s
         WHERE s.login = p_contact AND s.active AND (p_agency IS NULL OR s.agency = p_agency)
        UNION ALL
        SELECT s.login, CASE WHEN s.role = 'spoc' THEN 2 ELSE 3 END
          FROM disrupt.staff s WHERE p_agency IS NOT NULL AND s.agency = p_agency AND s.active
        UNION ALL
        SELECT s.login, 2 FROM disrupt.staff s WHERE p_agency IS NULL AND s.role = 'coordinator' AND s.active
    )
    SELECT DISTINCT login FROM candidates WHERE tier = (SELECT min(tier) FROM candidates)
$$;

-- ---------------------------------------------------------------------------------------------
-- Who may hear of a record: may p_login see every record named (sensitivity and agency of each,
-- NULLs ignored)? The one rule of the reminder outbox, used by the alerts (alerts.sql), the
-- sweep's order_ending and catch-up, the immediate reminders, the guard below (which drops any
-- reminder about a person its recipient may not see), the inbox, `disrupt alerts` and naming an
-- Idva. An active staff login sees a
-- record that is shared or of its own agency; an administrator sees every record, and so does the
-- install administrator (a superuser or the database's owner) when the login has no staff row; a
-- disabled staff row sees nothing. The two
-- arrays are read in step from their first elements (as unnest(a, b) pairs them; the shorter
-- padded with NULLs); an array of more than one dimension names nothing readable: hidden.
-- PL/pgSQL, not SQL: a SQL function whose body has a subquery is never inlined, and PostgreSQL 15
-- parses and plans a SQL function's body again for every call made from a row trigger or from
-- inside another function (0.3-0.5 ms each; the outbox guard below made 10,000 overdue reminders
-- cost 3 s more than they should). PL/pgSQL keeps its plan for the session. SECURITY INVOKER
-- without a SET clause (no per-call settings switch); granted to nobody, it runs only inside
-- the SECURITY DEFINER functions (owner, pinned search_path).
CREATE FUNCTION disrupt.reminder_may_see(p_login text, p_sensitivities text[], p_agencies text[]) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    viewer_agency text;
    viewer_role text;
    viewer_active boolean;
BEGIN
    IF coalesce(array_ndims(p_sensitivities), 1) > 1 OR coalesce(array_ndims(p_agencies), 1) > 1 THEN
        RETURN false;
    END IF;
    SELECT s.agency, s.role, s.active INTO viewer_agency, viewer_role, viewer_active
      FROM disrupt.staff s WHERE s.login = p_login;
    IF NOT FOUND THEN
        -- a login with no staff row at all: only the install administrator reads, as an administrator
        RETURN disrupt.install_admin_login(p_login);
    END IF;
    IF NOT viewer_active THEN
        RETURN false;  -- a disabled member of staff, whatever else the login is
    END IF;
    IF viewer_role = 'admin' THEN
        RETURN true;
    END IF;
    FOR i IN 0 .. greatest(coalesce(cardinality(p_sensitivities), 0), coalesce(cardinality(p_agencies), 0)) - 1 LOOP
        IF p_sensitivities[array_lower(p_sensitivities, 1) + i] = 'restricted'
           AND p_agencies[array_lower(p_agencies, 1) + i] IS DISTINCT FROM viewer_agency THEN
            RETURN false;
        END IF;
    END LOOP;
    RETURN true;
END $$;

-- May p_login read reminder r now: the person, the record it is about (subject; for a hearing,
-- its case with the case's victim and perpetrator), the order and the party it names, each as it is now (an alert was checked when it was made; a record made
-- restricted since must not stay named to whom may no longer see it). The one rule of who may
-- read a reminder: used by the inbox, reminders_about, `disrupt alerts`, reminder_ack,
-- alert_dismiss and delivery. SECURITY DEFINER: it reads the records past their policies.
-- Granted to nobody: it would answer for any login and any row.
CREATE FUNCTION disrupt.reminder_readable(p_login text, r disrupt.reminder) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    -- a named record that is not there counts as hidden
    SELECT ((r).subject_table NOT IN ('incident', 'breach', 'court_order', 'relationship', 'forum_link') OR s.agency IS NOT NULL)
       AND ((r).subject_table <> 'hearing' OR hc.agency IS NOT NULL)
       AND ((r).order_id IS NULL OR co.agency IS NOT NULL)
       AND ((r).party_id IS NULL OR pa.agency IS NOT NULL)
       AND disrupt.reminder_may_see(p_login,
               ARRAY[pe.sensitivity, s.sensitivity, co.sensitivity, pa.sensitivity,
                     hc.sensitivity, hc.victim_sensitivity, hc.person_sensitivity],
               ARRAY[pe.agency, s.agency, co.agency, pa.agency,
                     hc.agency, hc.victim_agency, hc.person_agency])
      FROM (SELECT 1) one
      LEFT JOIN disrupt.person pe ON pe.id = (r).person_id
      LEFT JOIN LATERAL (
          SELECT x.sensitivity, x.agency FROM disrupt.incident x WHERE (r).subject_table = 'incident' AND x.id = (r).subject_id
          UNION ALL
          SELECT x.sensitivity, x.agency FROM disrupt.breach x WHERE (r).subject_table = 'breach' AND x.id = (r).subject_id
          UNION ALL
          SELECT x.sensitivity, x.agency FROM disrupt.court_order x WHERE (r).subject_table = 'court_order' AND x.id = (r).subject_id
          UNION ALL
          SELECT x.sensitivity, x.agency FROM disrupt.relationship x WHERE (r).subject_table = 'relationship' AND x.id = (r).subject_id
          UNION ALL
          SELECT x.sensitivity, x.agency FROM disrupt.forum_link x WHERE (r).subject_table = 'forum_link' AND x.id = (r).subject_id
      ) s ON true
      -- a hearing (research_due): its case, the case's victim and perpetrator, as forum_case_visible
      LEFT JOIN LATERAL (
          SELECT c.sensitivity, c.agency, v.sensitivity AS victim_sensitivity, v.agency AS victim_agency,
                 p.sensitivity AS person_sensitivity, p.agency AS person_agency
            FROM disrupt.hearing h
            JOIN disrupt.forum_case c ON c.id = h.case_id
            LEFT JOIN disrupt.party v ON v.id = c.victim_party_id
            LEFT JOIN disrupt.person p ON p.id = c.person_id
           WHERE (r).subject_table = 'hearing' AND h.id = (r).subject_id
      ) hc ON true
      LEFT JOIN disrupt.court_order co ON co.id = (r).order_id
      LEFT JOIN disrupt.party pa ON pa.id = (r).party_id
$$;

-- ---------------------------------------------------------------------------------------------
-- Row-level security (enabled and forced in the baseline migration)
-- ---------------------------------------------------------------------------------------------
-- No staff or admin login holds a privilege on the table, and no policy but the owner's
-- (owner_all) exists: staff and administrators read reminders only through the SECURITY
-- DEFINER functions (inbox, reminders_about, alerts_open for chairs and coordinators,
-- reminder_ack, alert_dismiss), which apply reminder_readable, the one rule of who may read a
-- reminder now. A login that may SELECT a table may EXPLAIN ANALYZE a query of it, whose "Rows
-- Removed by Filter" counted the rows a read policy hid (other recipients' reminders about a
-- person, say); with row-level security forced and no policy for them, a SELECT granted by
-- mistake would return nothing.
SELECT disrupt.attach_owner_policy('disrupt.reminder');
REVOKE ALL ON disrupt.reminder FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- The sweep
-- ---------------------------------------------------------------------------------------------

-- Create every reminder due as of a date. Idempotent; safe to run concurrently. Returns one row
-- per kind with the number created now. A sweep of the same day, windows and definitions as the
-- last one, within 15 minutes of the last whole read, reads only the actions, plans, links and
-- orders, breaches and incidents written since (see "Changed rows" in the body); any other reads
-- everything. catch_up_days bounds how far back the sweep looks for breaches/incidents that the
-- write triggers did not remind of (a plan opened while the record was written, triggers
-- disabled for a bulk load, a record moved to another person by a merge).
-- A row whose date the sweep cannot use (infinite or BC: 012 refuses them, this is defence in
-- depth) is left out instead of failing the sweep for everyone: the last row returned, kind
-- 'skipped', counts them, and a LOG line in the server log gives the count only.
-- person_ref for reminder messages. No SET clause: it runs once per reminder made, and a function
-- with one switches search_path twice a call (about 5% of a sweep that makes 5,000 reminders);
-- granted to nobody, it runs only inside the SECURITY DEFINER functions (pinned search_path).
CREATE FUNCTION disrupt.reminder_person_ref(p_person_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT pe.person_ref FROM disrupt.person pe WHERE pe.id = p_person_id
$$;

-- How many recorded changes make a sweep read the whole backlog instead of the changed rows (a
-- bulk load): reminder_sweep reads it, and wake_on_change records a statement that writes more
-- rows than this as one '*' (below). SQL of one constant, inlined where it is read; granted to
-- nobody.
CREATE FUNCTION disrupt.sweep_change_limit() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 100000 $$;

-- What a sweep reads of actions, plans and forum links: every row (whole) or the rows with these
-- ids. SQL functions of one SELECT, so PostgreSQL inlines them into the statement that calls
-- them and pushes that statement's conditions into each branch: the whole branch keeps its date
-- range index, the other reads by id, and one plan serves both (whole decides at run time which
-- branch runs). Granted to nobody: they run inside reminder_sweep (owner, pinned search_path).
CREATE FUNCTION disrupt.sweep_read_actions(whole boolean, ids bigint[]) RETURNS SETOF disrupt.action
LANGUAGE sql STABLE AS $$
    SELECT a.* FROM disrupt.action a WHERE whole
    UNION ALL
    SELECT a.* FROM disrupt.action a WHERE NOT whole AND a.id = ANY (ids)
$$;
CREATE FUNCTION disrupt.sweep_read_plans(whole boolean, ids bigint[]) RETURNS SETOF disrupt.plan
LANGUAGE sql STABLE AS $$
    SELECT p.* FROM disrupt.plan p WHERE whole
    UNION ALL
    SELECT p.* FROM disrupt.plan p WHERE NOT whole AND p.id = ANY (ids)
$$;
CREATE FUNCTION disrupt.sweep_read_links(whole boolean, ids bigint[]) RETURNS SETOF disrupt.forum_link
LANGUAGE sql STABLE AS $$
    SELECT f.* FROM disrupt.forum_link f WHERE whole
    UNION ALL
    SELECT f.* FROM disrupt.forum_link f WHERE NOT whole AND f.id = ANY (ids)
$$;
-- ... and of orders, breaches and incidents, whose windows (orders ending, the catch-up) every
-- sweep read whatever had changed: every row in the window (whole), or the rows with these ids
-- and the rows of the people whose plans were written since (opened, reopened, a new SPOC).
CREATE FUNCTION disrupt.sweep_read_orders(whole boolean, ids bigint[], people bigint[]) RETURNS SETOF disrupt.court_order
LANGUAGE sql STABLE AS $$
    SELECT o.* FROM disrupt.court_order o WHERE whole
    UNION ALL
    SELECT o.* FROM disrupt.court_order o WHERE NOT whole AND (o.id = ANY (ids) OR o.person_id = ANY (people))
$$;
CREATE FUNCTION disrupt.sweep_read_breaches(whole boolean, ids bigint[], people bigint[]) RETURNS SETOF disrupt.breach
LANGUAGE sql STABLE AS $$
    SELECT b.* FROM disrupt.breach b WHERE whole
    UNION ALL
    SELECT b.* FROM disrupt.breach b WHERE NOT whole AND (b.id = ANY (ids) OR b.person_id = ANY (people))
$$;
CREATE FUNCTION disrupt.sweep_read_incidents(whole boolean, ids bigint[], people bigint[]) RETURNS SETOF disrupt.incident
LANGUAGE sql STABLE AS $$
    SELECT i.* FROM disrupt.incident i WHERE whole
    UNION ALL
    SELECT i.* FROM disrupt.incident i WHERE NOT whole AND (i.id = ANY (ids) OR i.person_id = ANY (people))
$$;

CREATE FUNCTION disrupt.reminder_sweep(as_of date,
                                       due_soon_days integer DEFAULT 3,
                                       escalation_days integer DEFAULT 7,
                                       plan_review_days integer DEFAULT 7,
                                       order_ending_days integer DEFAULT 3,
                                       catch_up_days integer DEFAULT 30,
                                       mappa_licence_days integer DEFAULT 28,
                                       link_review_days integer DEFAULT 7)
RETURNS TABLE (kind text, created bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
-- the planner over-estimates the open-ended ranges (see above); JIT compiling those plans
-- would cost ~30 ms per statement for nothing
SET jit = off
-- Every "NOT EXISTS (... reminder x ... OFFSET 0)" below is a probe of reminder_key per
-- candidate row. OFFSET 0 keeps it a correlated subplan: without it the planner turns it into an
-- anti-join, and right after a day's actions fall due (statistics not yet analysed: ~1 newly
-- overdue action and ~1 existing reminder estimated, 10,000s real) it chose a nested loop over
-- a materialised scan of every reminder of the kind, quadratic: 150 million key comparisons
-- and 43 s for 20,000 overdue actions in one measured run, 0.5 s in the next after autoanalyze.
AS $$
#variable_conflict use_column
DECLARE
    d date := reminder_sweep.as_of;
    n bigint;
    n_consider bigint;
    n_category3 bigint;
    n_review_due bigint;
    n_review_overdue bigint;
    total bigint := 0;
    lo constant date := DATE '1900-01-01';  -- with hi: the dates the sweep can use
    hi constant date := DATE '9999-12-31';
    -- the whole backlog of the kinds read from actions, plans and links (see "Changed rows"
    -- below), or only the rows in these arrays (written since the last sweep)
    whole boolean;
    changed_actions bigint[];
    changed_plans bigint[];
    changed_links bigint[];
    changed_orders bigint[];
    changed_breaches bigint[];  -- written since (inserted or updated)
    changed_incidents bigint[];
    new_breaches bigint[];      -- of those, inserted: reminded whenever they were begun (below)
    new_incidents bigint[];
    changed_people bigint[];  -- the people whose plans changed: their orders and records
    sweep_windows constant integer[] := ARRAY[due_soon_days, escalation_days, plan_review_days, order_ending_days, catch_up_days,
                                              mappa_licence_days, link_review_days];
BEGIN
    -- one sweep at a time (migration 0016): held until the caller's transaction ends
    LOCK TABLE disrupt_private.sweep_turn IN SHARE UPDATE EXCLUSIVE MODE;
    -- wake marks no service took within a day (none runs; a running one takes them within
    -- 0.2 s): this sweep sees the writes they announce, so they go rather than pile up (one
    -- row per write transaction); any a take is deleting are left to it, not waited for (this
    -- transaction keeps its locks until the sweep ends)
    DELETE FROM disrupt_private.service_wake w
     WHERE w.woken_in IN (SELECT f.woken_in FROM disrupt_private.service_wake f
                           WHERE f.woken_at < now() - interval '1 day' FOR UPDATE SKIP LOCKED);

    IF d IS NULL OR d NOT BETWEEN lo AND hi OR due_soon_days IS NULL OR due_soon_days < 0 OR escalation_days IS NULL OR escalation_days < 1
       OR plan_review_days IS NULL OR plan_review_days < 0 OR order_ending_days IS NULL OR order_ending_days < 0
       OR catch_up_days IS NULL OR catch_up_days < 0
       OR mappa_licence_days IS NULL OR mappa_licence_days < 0 OR link_review_days IS NULL OR link_review_days < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'reminder_sweep needs a date and non-negative windows (escalation at least 1 day)';
    END IF;

    -- Changed rows. The kinds read from actions, plans and links (due soon, overdue, escalation,
    -- a plan review due or passed, the MAPPA licence kinds, a link review due or passed) read
    -- every candidate row and probe the outbox key of each for each recipient; most have no
    -- lower bound on their dates, so their candidates are a backlog that grows with the force.
    -- Orders ending and the catch-up of breaches and incidents read a window of dates, which
    -- grows with the force too (at 1,000,000 people, most of a sweep that found nothing).
    -- Whether such a reminder is due depends only on the day and on rows that
    -- wake_on_change (below) records when they are written: the action, its plan, the link,
    -- the order, the breach or incident, and, through a '*' row, any staff login (owners, SPOCs,
    -- chairs, leads) or a person's sensitivity, agency or merge (who may see him). A breach or
    -- incident also makes its reminder when written (reminder_on_record_write), but not when its
    -- person's plan was being opened in a transaction it could not see yet (helper-83): the
    -- sweep after its commit reads it by id. So a sweep of the day the last committed sweep was
    -- of reads only what changed since: the rows taken here (an action's plan changed: its
    -- actions; a plan changed: its person's orders, breaches and incidents). Any other day, other windows (the arguments), a
    -- '*' row, a first sweep, new definitions (this file resets the state), over 100,000 changes
    -- (sweep_change_limit),
    -- or 15 minutes since the last whole read: the whole backlog, as every sweep did before. The
    -- last bounds how late a row written with triggers off (a bulk load) is read, as the sweep
    -- interval bounded it before.
    -- Rows are taken in this transaction: one written after is left for the next sweep, and
    -- this sweep's statements see every change whose row it took (they run later).
    whole := coalesce((SELECT s.swept_on IS DISTINCT FROM d OR s.windows IS DISTINCT FROM sweep_windows
                              OR s.whole_at < now() - interval '15 minutes'
                         FROM disrupt_private.sweep_state s), true);
    -- a '*' or over 100,000 changes (a bulk load) mean a whole read: known before the ids are
    -- gathered, so a load's ids are not sorted into arrays only to be thrown away (helper-84)
    whole := whole OR EXISTS (SELECT 1 FROM disrupt_private.sweep_change c WHERE c.subject_table = '*')
             OR (SELECT count(*) FROM (SELECT 1 FROM disrupt_private.sweep_change LIMIT disrupt.sweep_change_limit() + 1) c)
                > disrupt.sweep_change_limit();
    -- the rows are taken either way; their ids are gathered only for a read of changed rows (a
    -- '*' or more rows committed since the check above still make it a whole read), except the
    -- inserted breaches and incidents: a whole read counts a record by its created_at, the start
    -- of its transaction, so one begun before its person's plan was opened and committed after
    -- is found only by its id (helper-84; a whole read dropped them, helper-87). A statement of
    -- more than sweep_change_limit() rows records no ids (wake_on_change): such a load racing a
    -- plan's opening is the one case left to the created_at rule.
    WITH taken AS (DELETE FROM disrupt_private.sweep_change c RETURNING c.subject_table, c.subject_id)
    SELECT whole OR coalesce(bool_or(t.subject_table = '*'), false) OR count(*) > disrupt.sweep_change_limit(),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE NOT whole AND t.subject_table = 'action'), '{}'),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE NOT whole AND t.subject_table = 'plan'), '{}'),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE NOT whole AND t.subject_table = 'forum_link'), '{}'),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE NOT whole AND t.subject_table = 'court_order'), '{}'),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE NOT whole AND t.subject_table IN ('breach', 'breach_new')), '{}'),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE NOT whole AND t.subject_table IN ('incident', 'incident_new')), '{}'),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE t.subject_table = 'breach_new'), '{}'),
           coalesce(array_agg(DISTINCT t.subject_id) FILTER (WHERE t.subject_table = 'incident_new'), '{}')
      INTO whole, changed_actions, changed_plans, changed_links, changed_orders, changed_breaches, changed_incidents,
           new_breaches, new_incidents
      FROM taken t;
    changed_people := '{}';
    IF NOT whole AND cardinality(changed_plans) > 0 THEN
        changed_actions := ARRAY(SELECT unnest(changed_actions)
                                 UNION SELECT a.id FROM disrupt.action a WHERE a.plan_id = ANY (changed_plans));
        changed_people := ARRAY(SELECT DISTINCT p.person_id FROM disrupt.plan p WHERE p.id = ANY (changed_plans));
    END IF;
    UPDATE disrupt_private.sweep_state
       SET swept_on = d, windows = sweep_windows, whole_at = CASE WHEN whole THEN now() ELSE whole_at END;

    -- due_soon: live action due within [D, D + due_soon_days]; to its owner (if active), else the SPOC.
    WITH ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'due_soon', coalesce(o.login, p.spoc_login), p.person_id, 'action', a.id, a.due_on,
               format('Action %s (%s: %s, %s) on the plan for %s is due on %s',
                      a.id, a.heading, coalesce(a.tactic, 'custom action'), a.agency, disrupt.reminder_person_ref(p.person_id), a.due_on)
          FROM disrupt.sweep_read_actions(whole, changed_actions) a
          JOIN disrupt.plan p ON p.id = a.plan_id AND p.status = 'open'
          LEFT JOIN disrupt.staff o ON o.login = a.owner_login AND o.active
         WHERE a.status IN ('open', 'in_progress', 'blocked')
           AND a.due_on >= d AND a.due_on <= d + due_soon_days
           AND NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'due_soon' AND x.subject_table = 'action' AND x.subject_id = a.id
                              AND x.due_on = a.due_on AND x.recipient_login = coalesce(o.login, p.spoc_login) OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    kind := 'due_soon'; created := n; total := total + n; RETURN NEXT;

    -- overdue: live action with D >= due_on + 1; to the owner (if active) and the SPOC.
    WITH ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'overdue', r.login, p.person_id, 'action', a.id, a.due_on,
               format('Action %s (%s: %s, %s) on the plan for %s was due on %s and is overdue',
                      a.id, a.heading, coalesce(a.tactic, 'custom action'), a.agency, disrupt.reminder_person_ref(p.person_id), a.due_on)
          FROM disrupt.sweep_read_actions(whole, changed_actions) a
          JOIN disrupt.plan p ON p.id = a.plan_id AND p.status = 'open'
          LEFT JOIN disrupt.staff o ON o.login = a.owner_login AND o.active
          -- the SPOC, and the owner when another login (no per-row UNION: a sort for each action)
          CROSS JOIN LATERAL (VALUES (p.spoc_login), (nullif(o.login, p.spoc_login))) r(login)
         WHERE a.status IN ('open', 'in_progress', 'blocked')
           AND a.due_on < d AND a.due_on >= lo
           AND r.login IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'overdue' AND x.subject_table = 'action' AND x.subject_id = a.id
                              AND x.due_on = a.due_on AND x.recipient_login = r.login OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    kind := 'overdue'; created := n; total := total + n; RETURN NEXT;

    -- escalation: live action with D >= due_on + escalation_days; to the SPOC and every active chair.
    WITH ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'escalation', r.login, p.person_id, 'action', a.id, a.due_on,
               format('Escalation: action %s (%s: %s, %s) on the plan for %s was due on %s and is %s days overdue',
                      a.id, a.heading, coalesce(a.tactic, 'custom action'), a.agency, disrupt.reminder_person_ref(p.person_id), a.due_on, d - a.due_on)
          FROM disrupt.sweep_read_actions(whole, changed_actions) a
          JOIN disrupt.plan p ON p.id = a.plan_id AND p.status = 'open'
          CROSS JOIN LATERAL (SELECT p.spoc_login AS login
                              UNION
                              SELECT c.login FROM disrupt.staff c WHERE c.role = 'chair' AND c.active) r
         WHERE a.status IN ('open', 'in_progress', 'blocked')
           AND a.due_on <= d - escalation_days AND a.due_on >= lo
           AND NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'escalation' AND x.subject_table = 'action' AND x.subject_id = a.id
                              AND x.due_on = a.due_on AND x.recipient_login = r.login OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    kind := 'escalation'; created := n; total := total + n; RETURN NEXT;

    -- plan_review: open plan, review_on within [D, D + plan_review_days] -> due_on = review_on;
    -- review_on < D (review date passed) -> due_on = review_on + 1. Both to the SPOC.
    WITH ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'plan_review', p.spoc_login, p.person_id, 'plan', p.id, p.review_on,
               format('Plan %s for %s is due for review on %s', p.id, disrupt.reminder_person_ref(p.person_id), p.review_on)
          FROM disrupt.sweep_read_plans(whole, changed_plans) p
         WHERE p.status = 'open' AND p.review_on >= d AND p.review_on <= d + plan_review_days
        UNION ALL
        SELECT 'plan_review', p.spoc_login, p.person_id, 'plan', p.id, p.review_on + 1,
               format('Plan %s for %s was due for review on %s and has not been reviewed', p.id, disrupt.reminder_person_ref(p.person_id), p.review_on)
          FROM disrupt.sweep_read_plans(whole, changed_plans) p
         WHERE p.status = 'open' AND p.review_on < d AND p.review_on >= lo
           AND NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'plan_review' AND x.subject_table = 'plan' AND x.subject_id = p.id
                              AND x.due_on = p.review_on + 1 AND x.recipient_login = p.spoc_login OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    kind := 'plan_review'; created := n; total := total + n; RETURN NEXT;

    -- order_ending: a dvpo/dapo/bail/spo/interim_spo/licence ending within [D, D + order_ending_days]
    -- for a person with an open plan; to the SPOC. Only orders the SPOC may see
    -- (reminder_may_see): a reminder must not reveal a restricted record.
    WITH ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'order_ending', p.spoc_login, p.person_id, 'court_order', co.id, co.ends_on,
               format('%s order %s for %s ends on %s', upper(co.order_type), co.source_ref, disrupt.reminder_person_ref(p.person_id), co.ends_on)
          FROM disrupt.sweep_read_orders(whole, changed_orders, changed_people) co
          JOIN disrupt.plan p ON p.person_id = co.person_id AND p.status = 'open'
         WHERE co.order_type IN ('dvpo', 'dapo', 'bail', 'spo', 'interim_spo', 'licence')
           AND co.ends_on >= d AND co.ends_on <= d + order_ending_days
           AND disrupt.reminder_may_see(p.spoc_login, ARRAY[co.sensitivity], ARRAY[co.agency])
           AND NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'order_ending' AND x.subject_table = 'court_order' AND x.subject_id = co.id
                              AND x.due_on = co.ends_on AND x.recipient_login = p.spoc_login OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    kind := 'order_ending'; created := n; total := total + n; RETURN NEXT;

    -- Forum links (DisruptCore's ForumLinkReminders.due, the same rule): only live links count
    -- (status not closed, starts_on <= D, ends_on NULL or D <= ends_on).
    --   mappa_consider_category3: MAPPA category 1 or 2 with licence end L and D >= L - mappa_licence_days;
    --     due_on = L; to probation's lead.
    --   mappa_category3_review: MAPPA category 3 with licence end L and D >= L + 1; due_on = L + 1;
    --     to probation's lead.
    --   link_review_due: next review R with R - link_review_days <= D <= R; due_on = R; to the lead agency's lead.
    --   link_review_overdue: next review R with D >= R + 1; due_on = R + 1; to the lead agency's lead.
    -- Each date is compared as a range on the column (not "d >= column - days") and the links are
    -- the live ones, so the partial indexes on next_review_on and licence_ends_on serve them
    -- (four sequential scans of every link before: about 15 ms per sweep at 100,000 people).
    -- Leads: see reminder_link_leads. A restricted link is seen only by its own agency, so its
    -- reminders go to that agency's lead instead (a reminder must not reveal a restricted record).
    -- Only candidates without their reminder yet get a message (and a person reference); the
    -- leads of each (contact, agency) are worked out once, not once per link.
    WITH live AS (
        -- each kind reads its own index range and every column it needs: no second read of the
        -- link by id (a hash of every live link, about a third of the statement at 100,000
        -- people). The live test and the lead agency (the link's own when it is restricted) are
        -- written once, here; PostgreSQL applies them inside each kind's read.
        SELECT c.kind, c.due_on, c.id, c.person_id, c.contact, c.forum, c.mappa_category, c.source_ref,
               c.licence_ends_on, c.next_review_on,
               CASE WHEN c.sensitivity = 'restricted' THEN c.agency ELSE c.recipient_agency END AS lead_agency_of_reminder
          FROM (SELECT 'mappa_consider_category3' AS kind, f.licence_ends_on AS due_on, 'probation' AS recipient_agency, f.*
                  FROM disrupt.sweep_read_links(whole, changed_links) f
                 WHERE f.forum = 'mappa' AND f.mappa_category IN (1, 2)
                   AND f.licence_ends_on BETWEEN lo AND d + mappa_licence_days AND f.licence_ends_on <= hi AND f.status <> 'closed'
                UNION ALL
                SELECT 'mappa_category3_review', f.licence_ends_on + 1, 'probation', f.*
                  FROM disrupt.sweep_read_links(whole, changed_links) f
                 WHERE f.forum = 'mappa' AND f.mappa_category = 3
                   AND f.licence_ends_on >= lo AND f.licence_ends_on < d AND f.status <> 'closed'
                UNION ALL
                SELECT 'link_review_due', f.next_review_on, f.lead_agency, f.*
                  FROM disrupt.sweep_read_links(whole, changed_links) f
                 WHERE f.next_review_on BETWEEN d AND d + link_review_days AND f.next_review_on <= hi AND f.status <> 'closed'
                UNION ALL
                SELECT 'link_review_overdue', f.next_review_on + 1, f.lead_agency, f.*
                  FROM disrupt.sweep_read_links(whole, changed_links) f
                 WHERE f.next_review_on >= lo AND f.next_review_on < d AND f.status <> 'closed') c
         WHERE c.starts_on <= d AND (c.ends_on IS NULL OR d <= c.ends_on)
    ),
    leads AS MATERIALIZED (
        SELECT k.contact, k.lead_agency_of_reminder, r.login
          FROM (SELECT DISTINCT contact, lead_agency_of_reminder FROM live) k
          CROSS JOIN LATERAL disrupt.reminder_link_leads(k.contact, k.lead_agency_of_reminder) r(login)
    ),
    ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT l.kind, r.login, l.person_id, 'forum_link', l.id, l.due_on,
               CASE l.kind
                 WHEN 'mappa_consider_category3' THEN
                   format('MAPPA category %s link %s for %s: licence %s %s; consider category 3, or he leaves MAPPA when the licence ends',
                          l.mappa_category, l.source_ref, disrupt.reminder_person_ref(l.person_id),
                          CASE WHEN d > l.licence_ends_on THEN 'ended on' ELSE 'ends on' END, l.licence_ends_on)
                 WHEN 'mappa_category3_review' THEN
                   format('MAPPA category 3 link %s for %s: licence ended on %s; review category 3 status',
                          l.source_ref, disrupt.reminder_person_ref(l.person_id), l.licence_ends_on)
                 WHEN 'link_review_due' THEN
                   format('%s link %s for %s is due for review on %s',
                          CASE WHEN l.forum IN ('marac', 'drive') THEN initcap(l.forum) ELSE upper(l.forum) END, l.source_ref, disrupt.reminder_person_ref(l.person_id), l.next_review_on)
                 ELSE
                   format('%s link %s for %s was due for review on %s and has not been reviewed',
                          CASE WHEN l.forum IN ('marac', 'drive') THEN initcap(l.forum) ELSE upper(l.forum) END, l.source_ref, disrupt.reminder_person_ref(l.person_id), l.next_review_on)
               END
          FROM live l
          JOIN leads r ON r.contact IS NOT DISTINCT FROM l.contact
                      AND r.lead_agency_of_reminder IS NOT DISTINCT FROM l.lead_agency_of_reminder
         WHERE NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = l.kind AND x.subject_table = 'forum_link' AND x.subject_id = l.id
                              AND x.due_on = l.due_on AND x.recipient_login = r.login OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING reminder.kind)
    SELECT count(*) FILTER (WHERE ins.kind = 'mappa_consider_category3'),
           count(*) FILTER (WHERE ins.kind = 'mappa_category3_review'),
           count(*) FILTER (WHERE ins.kind = 'link_review_due'),
           count(*) FILTER (WHERE ins.kind = 'link_review_overdue')
      INTO n_consider, n_category3, n_review_due, n_review_overdue
      FROM ins;
    kind := 'mappa_consider_category3'; created := n_consider; total := total + n_consider; RETURN NEXT;
    kind := 'mappa_category3_review'; created := n_category3; total := total + n_category3; RETURN NEXT;
    kind := 'link_review_due'; created := n_review_due; total := total + n_review_due; RETURN NEXT;
    kind := 'link_review_overdue'; created := n_review_overdue; total := total + n_review_overdue; RETURN NEXT;

    -- breach_reported / new_incident: normally created by the write triggers below; the sweep
    -- catches any they missed, for records dated within [D - catch_up_days, D] added while the
    -- plan was open.
    WITH ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'breach_reported', p.spoc_login, p.person_id, 'breach', b.id, b.occurred_on,
               format('Breach %s reported for %s, occurred on %s', b.source_ref, disrupt.reminder_person_ref(p.person_id), b.occurred_on)
          FROM disrupt.sweep_read_breaches(whole, changed_breaches, changed_people) b
          -- a probe of the open plan per record in the window (OFFSET 0): joined the other way the
          -- planner merge-joined every open plan (100,000 at a force) to find none, 20 ms per sweep
          CROSS JOIN LATERAL (SELECT p.* FROM disrupt.plan p
                               WHERE p.person_id = b.person_id AND p.status = 'open' OFFSET 0) p
         WHERE b.occurred_on >= d - catch_up_days AND b.occurred_on <= d
           -- added while the plan was open; a breach inserted since the last sweep counts whenever its
           -- transaction began, as its trigger counts it (one begun before the plan was opened and
           -- committed after could not see the plan, and the plan's sweep could not see it: helper-84)
           AND (b.created_at >= p.opened_at OR b.id = ANY (new_breaches))
           AND disrupt.reminder_may_see(p.spoc_login, ARRAY[b.sensitivity], ARRAY[b.agency])
           AND NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'breach_reported' AND x.subject_table = 'breach' AND x.subject_id = b.id
                              AND x.due_on = b.occurred_on AND x.recipient_login = p.spoc_login OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    kind := 'breach_reported'; created := n; total := total + n; RETURN NEXT;

    WITH ins AS (
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT 'new_incident', p.spoc_login, p.person_id, 'incident', i.id, i.occurred_on,
               format('New incident %s recorded for %s, occurred on %s', i.source_ref, disrupt.reminder_person_ref(p.person_id), i.occurred_on)
          FROM disrupt.sweep_read_incidents(whole, changed_incidents, changed_people) i
          -- a probe of the open plan per record in the window (OFFSET 0): joined the other way the
          -- planner merge-joined every open plan (100,000 at a force) to find none, 20 ms per sweep
          CROSS JOIN LATERAL (SELECT p.* FROM disrupt.plan p
                               WHERE p.person_id = i.person_id AND p.status = 'open' OFFSET 0) p
         WHERE i.occurred_on >= d - catch_up_days AND i.occurred_on <= d
           AND (i.created_at >= p.opened_at OR i.id = ANY (new_incidents))  -- as for breaches
           AND disrupt.reminder_may_see(p.spoc_login, ARRAY[i.sensitivity], ARRAY[i.agency])
           AND NOT EXISTS (SELECT 1 FROM disrupt.reminder x
                            WHERE x.kind = 'new_incident' AND x.subject_table = 'incident' AND x.subject_id = i.id
                              AND x.due_on = i.occurred_on AND x.recipient_login = p.spoc_login OFFSET 0)
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING
        RETURNING 1)
    SELECT count(*) INTO n FROM ins;
    kind := 'new_incident'; created := n; total := total + n; RETURN NEXT;

    -- research_due: invited agencies that have not returned their research for a coming meeting
    -- (forum.sql, defined after this file; resolved when the sweep runs)
    n := disrupt.forum_research_sweep(d);
    kind := 'research_due'; created := n; total := total + n; RETURN NEXT;

    IF total > 0 THEN
        PERFORM disrupt.reminder_wake();
    END IF;

    SELECT (SELECT count(*) FROM disrupt.action a JOIN disrupt.plan p ON p.id = a.plan_id AND p.status = 'open'
             WHERE a.status IN ('open', 'in_progress', 'blocked') AND a.due_on NOT BETWEEN lo AND hi)
         + (SELECT count(*) FROM disrupt.plan p WHERE p.status = 'open' AND p.review_on NOT BETWEEN lo AND hi)
         + (SELECT count(*) FROM disrupt.forum_link f
             WHERE f.status <> 'closed'
               AND (f.licence_ends_on NOT BETWEEN lo AND hi OR f.next_review_on NOT BETWEEN lo AND hi))
      INTO n;
    IF n > 0 THEN
        RAISE LOG 'reminder_sweep as of %: left out % row(s) with an unusable date', d, n;
    END IF;
    kind := 'skipped'; created := n; RETURN NEXT;
    RETURN;
END $$;

-- ---------------------------------------------------------------------------------------------
-- A reminder never names a person its recipient may not see: whatever inserts it (the sweep,
-- the triggers below, another file's reminders), a row whose recipient is staff who may not
-- see its person (disrupt.reminder_may_see, the outbox's one visibility rule) is
-- dropped before it is stored. A row trigger: about 15 us a reminder (the person's row, then
-- the recipient's in reminder_may_see), some 150 ms of a sweep that makes 10,000 reminders.
-- It also cuts an alert's evidence to the column's 2,000 characters: a record with a very long
-- reference must not make its writer's statement fail exactly when an alert is made, for whether
-- one is made depends on records the writer may not see.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.reminder_recipient_may_see() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    person_sensitivity text;
    person_agency text;
BEGIN
    NEW.evidence := left(NEW.evidence, 2000);
    IF NEW.person_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT pe.sensitivity, pe.agency INTO person_sensitivity, person_agency
      FROM disrupt.person pe WHERE pe.id = NEW.person_id;
    IF FOUND AND disrupt.reminder_may_see(NEW.recipient_login, ARRAY[person_sensitivity], ARRAY[person_agency]) THEN
        RETURN NEW;
    END IF;
    -- not for this recipient (nor for anyone, when the person is not there): dropped; a recipient
    -- who is no staff at all is left to the foreign key, which refuses the row
    IF EXISTS (SELECT 1 FROM disrupt.staff s WHERE s.login = NEW.recipient_login) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER reminder_before_insert_visible BEFORE INSERT ON disrupt.reminder
    FOR EACH ROW EXECUTE FUNCTION disrupt.reminder_recipient_may_see();

-- ---------------------------------------------------------------------------------------------
-- Immediate reminders: a breach or incident recorded for a person with an open plan tells the
-- SPOC at once, when the SPOC may see the person and the record (disrupt.reminder_may_see).
-- On UPDATE too: a record recorded while his plan was open (created_at >= opened_at, as the
-- sweep's catch-up requires) that is made shared, moved to him or given another day is news to
-- the SPOC at once, as the catch-up would make it at the next sweep (a new day is a new key); an
-- edit of anything else (a note, a reference) is not. Statement-level, with transition tables,
-- so a bulk import costs one INSERT ... SELECT, not one per row.
-- ---------------------------------------------------------------------------------------------

-- One function for both tables (same columns): the trigger's argument is the reminder's kind,
-- the table written its subject.
CREATE FUNCTION disrupt.reminder_on_record_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_kind constant text := TG_ARGV[0];  -- 'breach_reported' (breach) or 'new_incident' (incident)
    v_changed bigint[];  -- an UPDATE's rows changed where the reminder looks (NULL: an INSERT, every row)
BEGIN
    IF TG_OP = 'UPDATE' THEN
        v_changed := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                            WHERE (n.person_id, n.occurred_on, n.sensitivity, n.agency)
                                  IS DISTINCT FROM (o.person_id, o.occurred_on, o.sensitivity, o.agency));
    END IF;
    INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, message)
        SELECT v_kind, p.spoc_login, p.person_id, TG_TABLE_NAME, r.id, r.occurred_on,
               format(CASE v_kind WHEN 'breach_reported' THEN 'Breach %s reported for %s, occurred on %s'
                                  ELSE 'New incident %s recorded for %s, occurred on %s' END,
                      r.source_ref, pe.person_ref, r.occurred_on)
          FROM (SELECT n.* FROM new_rows n WHERE v_changed IS NULL
                UNION ALL SELECT n.* FROM new_rows n JOIN unnest(v_changed) c(id) ON c.id = n.id) r
          JOIN disrupt.plan p ON p.person_id = r.person_id AND p.status = 'open'
          JOIN disrupt.person pe ON pe.id = p.person_id
         WHERE (v_changed IS NULL OR r.created_at >= p.opened_at)
           AND disrupt.reminder_may_see(p.spoc_login, ARRAY[pe.sensitivity, r.sensitivity], ARRAY[pe.agency, r.agency])
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING;
    PERFORM disrupt.reminder_wake();  -- made or not (Conventions)
    RETURN NULL;
END $$;

CREATE TRIGGER reminder_after_breach_insert AFTER INSERT ON disrupt.breach
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.reminder_on_record_write('breach_reported');
CREATE TRIGGER reminder_after_breach_update AFTER UPDATE ON disrupt.breach
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.reminder_on_record_write('breach_reported');
CREATE TRIGGER reminder_after_incident_insert AFTER INSERT ON disrupt.incident
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.reminder_on_record_write('new_incident');
CREATE TRIGGER reminder_after_incident_update AFTER UPDATE ON disrupt.incident
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.reminder_on_record_write('new_incident');

-- ---------------------------------------------------------------------------------------------
-- Inbox (staff)
-- ---------------------------------------------------------------------------------------------

-- The caller's reminders: unacknowledged only, unless show_all. Overdue-ish first (by due date).
-- Nothing without an open consultation (disrupt.consult, committed, in this session).
-- Alerts (definitions/alerts.sql) show from their shown_on day and stay, acknowledged or not,
-- while they are open (alert_kinds: until dismissed with a reason or answered by a record); an
-- Idva's update goes when she acknowledges it; a closed alert only with show_all.
-- party_ref: the victim of an Idva's alert.
CREATE FUNCTION disrupt.inbox(show_all boolean DEFAULT false)
RETURNS TABLE (id bigint, kind text, person_ref text, subject_table text, subject_id bigint,
               due_on date, message text, created_at timestamptz, acked_at timestamptz,
               delivered_at timestamptz, party_ref text, evidence text, tactic text,
               closed_at timestamptz, close_reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT disrupt.refuse_explain();
    SELECT r.id, r.kind, pe.person_ref, r.subject_table, r.subject_id, r.due_on, r.message,
           r.created_at, r.acked_at, r.delivered_at, pa.party_ref, r.evidence, r.tactic,
           r.closed_at, r.close_reason
      FROM disrupt.reminder r
      LEFT JOIN disrupt.person pe ON pe.id = r.person_id
      LEFT JOIN disrupt.party pa ON pa.id = r.party_id
     WHERE disrupt.consulting()
       AND r.recipient_login = disrupt.caller_login()
       -- never a reminder naming a person or record the caller may not see (now): not its reference, not its text
       AND disrupt.reminder_readable(disrupt.caller_login(), r)
       AND r.shown_on <= disrupt.today()
       AND (inbox.show_all
            OR (r.closed_at IS NULL
                AND (r.acked_at IS NULL OR r.kind = ANY (disrupt.alert_kinds()))))
     ORDER BY r.acked_at IS NOT NULL, r.due_on, r.person_id, r.subject_table, r.subject_id, r.id
$$;

-- The reminders raised about one person on the days [p_from, p_until) (disrupt.day_start: UTC
-- days, as every definition), oldest first, that the caller may read: her own (every
-- recipient's for an administrator), within a consultation, while she may still see every record
-- each names (reminder_readable; a delayed alert counts from the day it was raised, as the
-- table read gave before it was withdrawn). "Since last heard" in the summary and the
-- agenda.
-- A staff login's rows are read by recipient and day alone (reminder_by_recipient) and only then
-- tested for the person, behind OFFSET 0, so no index on the person could serve her call, and
-- one generic plan serves every call (no plan chosen on estimates of the person's rows):
-- EXPLAIN (ANALYZE, BUFFERS) of a function call, or a timer, shows how much it read, and with the
-- person tested first (helper-69) each reminder about him, another recipient's and one about a
-- person hidden from her included, cost her buffers (352 for 40 against 7 for none).
CREATE FUNCTION disrupt.reminders_about(p_person_id bigint, p_from date, p_until date)
RETURNS TABLE (kind text, raised_on date, due_on date, message text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan  -- one plan for every call, as audit_entries (security.sql)
AS $$
DECLARE
    v_login text := disrupt.caller_login();
    v_admin boolean;
BEGIN
    PERFORM disrupt.refuse_explain();
    IF NOT disrupt.consulting() THEN
        RETURN;
    END IF;
    v_admin := coalesce(disrupt.is_admin(), false);
    RETURN QUERY
    SELECT r.kind, disrupt.day_of(r.created_at), r.due_on, r.message
      FROM (SELECT x.* FROM (SELECT m.* FROM disrupt.reminder m  -- hers (not an administrator)
                              WHERE NOT v_admin AND m.recipient_login = v_login
                                AND m.created_at >= disrupt.day_start(p_from) AND m.created_at < disrupt.day_start(p_until)
                             OFFSET 0) x
             WHERE x.person_id = p_person_id
            UNION ALL
            SELECT m.* FROM disrupt.reminder m  -- every recipient's (an administrator)
             WHERE v_admin AND m.person_id = p_person_id
               AND m.created_at >= disrupt.day_start(p_from) AND m.created_at < disrupt.day_start(p_until)) r
     WHERE disrupt.reminder_readable(v_login, r::disrupt.reminder)
     ORDER BY r.created_at, r.id;
END
$$;

-- Acknowledge one of the caller's own reminders, within a consultation. true = acknowledged now,
-- false = it already was. Someone else's reminder, one naming a record he may no longer see
-- (reminder_readable), or none: DR404.
CREATE FUNCTION disrupt.reminder_ack(reminder_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_acked timestamptz;
BEGIN
    IF NOT coalesce(disrupt.is_active_staff(), false) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403', MESSAGE = format('%s is not an active staff member', disrupt.caller_login());
    END IF;
    PERFORM disrupt.require_consultation();
    SELECT r.acked_at INTO v_acked FROM disrupt.reminder r
     WHERE r.id = reminder_ack.reminder_id AND r.recipient_login = disrupt.caller_login()
       AND disrupt.reminder_readable(disrupt.caller_login(), r)  -- one he may no longer read: not found
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no reminder %s in your inbox', reminder_ack.reminder_id);
    END IF;
    IF v_acked IS NOT NULL THEN
        RETURN false;
    END IF;
    UPDATE disrupt.reminder r SET acked_at = now() WHERE r.id = reminder_ack.reminder_id;
    RETURN true;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Delivery through an optional external command (disrupt_service)
-- ---------------------------------------------------------------------------------------------

-- Claim up to max_rows reminders due for delivery (not delivered, not acknowledged,
-- not closed, shown_on reached, next_attempt_at <= now()). Concurrent claimers skip each other's rows (SKIP LOCKED), and a
-- claim is a lease: next_attempt_at moves to now() + lease, so a service that dies mid-delivery
-- loses nothing -- the reminder is offered again when the lease ends (at-least-once delivery).
-- Call reminder_delivered or reminder_delivery_failed for each row claimed.
CREATE FUNCTION disrupt.reminder_claim_for_delivery(max_rows integer DEFAULT 50,
                                                    lease interval DEFAULT interval '5 minutes')
RETURNS TABLE (id bigint, kind text, recipient_login text, subject_table text, subject_id bigint,
               due_on date, message text, delivery_attempts integer, created_at timestamptz)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE disrupt.reminder r
       SET next_attempt_at = now() + reminder_claim_for_delivery.lease
      FROM (SELECT c.id FROM disrupt.reminder c
             WHERE c.delivered_at IS NULL AND c.acked_at IS NULL AND c.next_attempt_at <= now()
               AND c.closed_at IS NULL AND c.shown_on <= disrupt.today()
               AND disrupt.reminder_readable(c.recipient_login, c)  -- waits while a record it names is hidden from him
             ORDER BY c.next_attempt_at, c.id
             LIMIT greatest(coalesce(reminder_claim_for_delivery.max_rows, 50), 0)
             FOR UPDATE SKIP LOCKED) claimed
     WHERE r.id = claimed.id
    RETURNING r.id, r.kind, r.recipient_login, r.subject_table, r.subject_id, r.due_on, r.message,
              r.delivery_attempts, r.created_at
$$;

-- Neither recorder waits for a reminder row another session holds: a recipient who dismissed
-- an alert in a transaction she kept open locked every recipient's copy, and the service's
-- delivery loop waited for her (helper-56). A held row answers 55P03 at once; the service keeps
-- that outcome and records it on a later pass (ReminderService.recordUnrecorded).
CREATE FUNCTION disrupt.reminder_lock_for_delivery(reminder_id bigint) RETURNS disrupt.reminder
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r disrupt.reminder;
BEGIN
    SELECT * INTO r FROM disrupt.reminder x WHERE x.id = reminder_lock_for_delivery.reminder_id FOR NO KEY UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM disrupt.reminder x WHERE x.id = reminder_lock_for_delivery.reminder_id) THEN
            RAISE EXCEPTION USING ERRCODE = '55P03',
                MESSAGE = format('reminder %s is being changed by another session: its delivery is recorded later',
                                 reminder_lock_for_delivery.reminder_id);
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no reminder %s', reminder_lock_for_delivery.reminder_id);
    END IF;
    RETURN r;
END $$;

-- Mark a reminder delivered. true if it was waiting, false if already delivered; DR404 if none.
CREATE FUNCTION disrupt.reminder_delivered(reminder_id bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_delivered timestamptz := (disrupt.reminder_lock_for_delivery(reminder_delivered.reminder_id)).delivered_at;
BEGIN
    IF v_delivered IS NOT NULL THEN
        RETURN false;
    END IF;
    UPDATE disrupt.reminder r
       SET delivered_at = now(), delivery_attempts = r.delivery_attempts + 1, last_error = NULL
     WHERE r.id = reminder_delivered.reminder_id;
    RETURN true;
END $$;

-- Record a failed delivery: attempts + 1, the error kept (first 2000 characters), and the next
-- attempt after an exponential backoff of 1, 2, 4, ... minutes, capped at 6 hours. Never gives
-- up, never deletes. Returns the next attempt time; DR404 if no such reminder.
CREATE FUNCTION disrupt.reminder_delivery_failed(reminder_id bigint, error text) RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_next timestamptz;
BEGIN
    PERFORM disrupt.reminder_lock_for_delivery(reminder_delivery_failed.reminder_id);
    UPDATE disrupt.reminder r
       SET delivery_attempts = r.delivery_attempts + 1,
           last_error = left(coalesce(reminder_delivery_failed.error, 'unknown error'), 2000),
           next_attempt_at = now() + least(interval '1 minute' * power(2, least(r.delivery_attempts, 20)),
                                           interval '6 hours')
     WHERE r.id = reminder_delivery_failed.reminder_id AND r.delivered_at IS NULL
    RETURNING r.next_attempt_at INTO v_next;
    IF NOT FOUND THEN
        IF EXISTS (SELECT 1 FROM disrupt.reminder r WHERE r.id = reminder_delivery_failed.reminder_id) THEN
            RETURN NULL;  -- already delivered (e.g. by another service): nothing to retry
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no reminder %s', reminder_delivery_failed.reminder_id);
    END IF;
    RETURN v_next;
END $$;

-- ---------------------------------------------------------------------------------------------
-- The coordinator's agenda
-- ---------------------------------------------------------------------------------------------

-- One row per candidate person for the meeting on meeting_on (previous_meeting_on exclusive,
-- meeting_on inclusive; previous_meeting_on NULL = 28 days before): everyone with an open plan
-- or a Marac referral since the previous meeting (listed = true), and everyone with an incident
-- or breach since the previous meeting that follows one of their Marac referrals by at most
-- repeat_months + 1 months (listed = false: a superset of the repeat candidates). Repeat is NOT
-- decided here: AgendaStore (Swift) loads the candidates' facts and applies DisruptCore's
-- RepeatRule, keeps the listed people and those with a repeat since the previous meeting, and
-- orders them (overdue actions first, then repeats, then this function's order: by reference).
-- The caller's row-level security decides which records appear: SECURITY DEFINER owned by
-- disrupt_reader (reading.sql), which reads the record tables under the caller's policies.
--
-- entry (jsonb): person_ref, name, plan {id, spoc_login, agency, review_on, version} or null,
--   referrals [{id, ref, referred_on, criterion, dash_score, party_ref}], incidents [{id, ref,
--   occurred_on, offence, gravity, party_ref}], breaches [{id, ref, occurred_on, reported_on,
--   order_type, action_taken}] (since the previous meeting; ref = source_ref),
--   outstanding [{agency, overdue, actions [{id, heading, tactic, owner_login, due_on, status,
--   overdue, days_overdue, needs_safety_check, safety_checked}]}] (agencies with most overdue
--   first; within an agency overdue first, then by due date), left_out (live actions left out
--   because their due date is infinite or BC; a review date like that shows as null).
CREATE FUNCTION disrupt.agenda(meeting_on date, previous_meeting_on date, repeat_months integer)
RETURNS TABLE (person_id bigint, person_ref text, overdue_actions integer, listed boolean, entry jsonb)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
SELECT disrupt.refuse_explain();
WITH bounds AS (
    SELECT agenda.meeting_on AS m, coalesce(agenda.previous_meeting_on, agenda.meeting_on - 28) AS prev,
           make_interval(months => agenda.repeat_months + 1) AS reach
),
events AS (  -- incidents and breaches since the previous meeting
    SELECT i.person_id, i.occurred_on FROM disrupt.incident i, bounds b
     WHERE i.occurred_on > b.prev AND i.occurred_on <= b.m
    UNION ALL
    SELECT br.person_id, br.occurred_on FROM disrupt.breach br, bounds b
     WHERE br.occurred_on > b.prev AND br.occurred_on <= b.m
),
candidates AS (
    SELECT p.person_id, true AS listed FROM disrupt.plan p WHERE p.status = 'open'
    UNION ALL
    SELECT r.person_id, true FROM disrupt.referral r, bounds b WHERE r.referred_on > b.prev AND r.referred_on <= b.m
    UNION ALL
    SELECT e.person_id, false FROM events e, bounds b
     WHERE EXISTS (SELECT 1 FROM disrupt.referral r0
                    WHERE r0.person_id = e.person_id AND r0.referred_on < e.occurred_on
                      AND r0.referred_on >= e.occurred_on - b.reach)
),
people AS (
    SELECT c.person_id, bool_or(c.listed) AS listed FROM candidates c GROUP BY c.person_id
),
referrals AS (
    SELECT r.person_id,
           jsonb_agg(jsonb_build_object('id', r.id, 'ref', r.source_ref, 'referred_on', r.referred_on,
                                        'criterion', r.criterion, 'dash_score', r.dash_score, 'party_ref', pa.party_ref)
                     ORDER BY r.referred_on, r.created_at, r.source_ref, r.id) AS list
      FROM disrupt.referral r
      CROSS JOIN bounds b
      LEFT JOIN disrupt.party pa ON pa.id = r.party_id
     WHERE r.referred_on > b.prev AND r.referred_on <= b.m
     GROUP BY r.person_id
),
incidents AS (
    SELECT i.person_id,
           jsonb_agg(jsonb_build_object('id', i.id, 'ref', i.source_ref, 'occurred_on', i.occurred_on,
                                        'offence', i.offence, 'gravity', i.gravity, 'party_ref', pa.party_ref)
                     ORDER BY i.occurred_on, i.created_at, i.source_ref, i.id) AS list
      FROM disrupt.incident i
      CROSS JOIN bounds b
      LEFT JOIN disrupt.party pa ON pa.id = i.party_id
     WHERE i.occurred_on > b.prev AND i.occurred_on <= b.m
       AND i.person_id IN (SELECT person_id FROM people)
     GROUP BY i.person_id
),
breaches AS (
    SELECT br.person_id,
           jsonb_agg(jsonb_build_object('id', br.id, 'ref', br.source_ref, 'occurred_on', br.occurred_on,
                                        'reported_on', br.reported_on, 'order_type', co.order_type,
                                        'action_taken', br.action_taken)
                     ORDER BY br.occurred_on, br.created_at, br.source_ref, br.id) AS list
      FROM disrupt.breach br
      CROSS JOIN bounds b
      LEFT JOIN disrupt.court_order co ON co.id = br.order_id
     WHERE br.occurred_on > b.prev AND br.occurred_on <= b.m
       AND br.person_id IN (SELECT person_id FROM people)
     GROUP BY br.person_id
),
open_actions AS (
    SELECT p.person_id, a.*, (a.due_on < b.m) AS is_overdue, greatest(b.m - a.due_on, 0) AS days_overdue
      FROM disrupt.plan p
      CROSS JOIN bounds b
      JOIN disrupt.action a ON a.plan_id = p.id AND a.status IN ('open', 'in_progress', 'blocked')
     WHERE p.status = 'open' AND a.due_on BETWEEN DATE '1900-01-01' AND DATE '9999-12-31'
),
unusable AS (  -- live actions whose due date the agenda cannot use (see 012): left out, counted
    SELECT p.person_id, count(*)::integer AS n
      FROM disrupt.plan p
      JOIN disrupt.action a ON a.plan_id = p.id AND a.status IN ('open', 'in_progress', 'blocked')
     WHERE p.status = 'open' AND a.due_on NOT BETWEEN DATE '1900-01-01' AND DATE '9999-12-31'
     GROUP BY p.person_id
),
by_agency AS (
    SELECT oa.person_id, oa.agency, count(*) FILTER (WHERE oa.is_overdue) AS overdue,
           jsonb_agg(jsonb_build_object('id', oa.id, 'heading', oa.heading, 'tactic', oa.tactic, 'label', oa.label,
                                        'owner_login', oa.owner_login, 'due_on', oa.due_on, 'status', oa.status,
                                        'overdue', oa.is_overdue, 'days_overdue', oa.days_overdue,
                                        'needs_safety_check', oa.needs_safety_check,
                                        'safety_checked', oa.safety_checked_by IS NOT NULL)
                     ORDER BY oa.is_overdue DESC, oa.due_on, oa.created_at, oa.id) AS actions
      FROM open_actions oa
     GROUP BY oa.person_id, oa.agency
),
outstanding AS (
    SELECT ba.person_id, sum(ba.overdue)::integer AS overdue,
           jsonb_agg(jsonb_build_object('agency', ba.agency, 'overdue', ba.overdue, 'actions', ba.actions)
                     ORDER BY ba.overdue DESC, ba.agency) AS list
      FROM by_agency ba
     GROUP BY ba.person_id
)
SELECT pp.person_id, pe.person_ref, coalesce(o.overdue, 0), pp.listed,
       jsonb_build_object(
           'person_ref', pe.person_ref,
           'name', nullif(concat_ws(' ', pe.given_name, pe.family_name), ''),
           'plan', (SELECT jsonb_build_object('id', p.id, 'spoc_login', p.spoc_login, 'agency', p.agency,
                                              'version', p.version, 'review_on',
                                              CASE WHEN p.review_on BETWEEN DATE '1900-01-01' AND DATE '9999-12-31' THEN p.review_on END)
                      FROM disrupt.plan p WHERE p.person_id = pp.person_id AND p.status = 'open'),
           'referrals', coalesce(rf.list, '[]'::jsonb),
           'incidents', coalesce(inc.list, '[]'::jsonb),
           'breaches', coalesce(br.list, '[]'::jsonb),
           'outstanding', coalesce(o.list, '[]'::jsonb),
           'left_out', coalesce(u.n, 0))
  FROM people pp
  -- the caller's row-level security applies (run as disrupt_reader): a person the caller may
  -- not see is left out entirely, so neither his plan nor its actions reach the agenda
  JOIN disrupt.person pe ON pe.id = pp.person_id
  LEFT JOIN referrals rf ON rf.person_id = pp.person_id
  LEFT JOIN incidents inc ON inc.person_id = pp.person_id
  LEFT JOIN breaches br ON br.person_id = pp.person_id
  LEFT JOIN outstanding o ON o.person_id = pp.person_id
  LEFT JOIN unusable u ON u.person_id = pp.person_id
 ORDER BY pe.person_ref, pp.person_id
$$;

-- ---------------------------------------------------------------------------------------------
-- Waking the reminder service, and telling the next sweep, when plan data changes.
--
-- `disrupt serve` is woken (reminder_wake, above) by reminders just created and by a new or
-- changed action, plan, order, forum link, breach or incident, or a staff or person change that may make a
-- reminder due today: the service sweeps at once instead of waiting for its interval.
-- Statement-level: a bulk import marks once per statement. The same trigger records what changed
-- for the next sweep (migration 0021; reminder_sweep, "Changed rows"): an action, plan or forum
-- link, court order, breach or incident's id, from the statement's new rows (an update of plans
-- follows merges, SPOC changes and reopenings; of actions, owners, due dates and statuses; of
-- links, reviews, licences, leads and contacts; of orders, their end and type; of breaches and
-- incidents, any update, and an insert as 'breach_new' or 'incident_new'), or '*' for a statement that writes staff
-- logins or a person's sensitivity, agency or merge (recipients, and who may see whom): the next
-- sweep reads the whole backlog. A statement that writes more rows than sweep_change_limit() (a
-- bulk load) is recorded as one '*' too: the next sweep would read the whole backlog for its ids
-- anyway, and the ids it deleted unread stayed in the table as dead rows that every later sweep
-- scanned until a vacuum (after the 1,000,000 actions and 5,400,000 incidents and breaches of
-- the national benchmark's loads, a sweep that found nothing due took 191.7 ms; 5.75 ms with one
-- '*' per load). Insert-only: a writer
-- never waits for another, and records only its own rows. SECURITY DEFINER: it fires as the
-- writer, and only the owner writes the mark and the record.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.wake_on_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF TG_ARGV[0] = '*' THEN
        INSERT INTO disrupt_private.sweep_change (subject_table) VALUES ('*');
    ELSIF TG_ARGV[0] IS NOT NULL THEN
        IF (SELECT count(*) FROM (SELECT 1 FROM new_rows LIMIT disrupt.sweep_change_limit() + 1) n)
           > disrupt.sweep_change_limit() THEN
            INSERT INTO disrupt_private.sweep_change (subject_table) VALUES ('*');
        ELSE
            INSERT INTO disrupt_private.sweep_change (subject_table, subject_id)
            SELECT TG_ARGV[0], n.id FROM new_rows n;
        END IF;
    END IF;
    PERFORM disrupt.reminder_wake();
    RETURN NULL;
END $$;

DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['action', 'plan', 'forum_link', 'court_order', 'breach', 'incident'] LOOP
        -- an inserted breach or incident is recorded as such ('breach_new'): the sweep reminds of it
        -- as its trigger would have, whenever its transaction began
        EXECUTE format('CREATE TRIGGER wake_after_insert AFTER INSERT ON disrupt.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.wake_on_change(%L)',
                       t, CASE WHEN t IN ('breach', 'incident') THEN t || '_new' ELSE t END);
        EXECUTE format('CREATE TRIGGER wake_after_update AFTER UPDATE ON disrupt.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.wake_on_change(%L)', t, t);
    END LOOP;
END
$do$;
CREATE TRIGGER wake_after_staff_write AFTER INSERT OR UPDATE OR DELETE ON disrupt.staff
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.wake_on_change('*');
CREATE TRIGGER wake_after_person_visibility AFTER UPDATE OF sensitivity, agency, merged_into ON disrupt.person
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.wake_on_change('*');

-- new definitions may change any rule: the next sweep reads the whole backlog
UPDATE disrupt_private.sweep_state SET swept_on = NULL;

-- everything above to disrupt_owner (foundation.sql; idempotent)
SELECT disrupt.bound_lock_waits('reminder_ack');
SELECT disrupt.hand_to_owner();
ALTER FUNCTION disrupt.agenda(date, date, integer) OWNER TO disrupt_reader;

-- ---------------------------------------------------------------------------------------------
-- Privileges (EXECUTE is PUBLIC by default: revoke, then grant exactly)
-- ---------------------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION
    disrupt.alert_kinds(),
    disrupt.service_wake_take(),
    disrupt.reminder_wake(),
    disrupt.reminder_link_leads(text, text),
    disrupt.reminder_person_ref(bigint),
    disrupt.reminder_recipient_may_see(),
    disrupt.reminder_may_see(text, text[], text[]),
    disrupt.reminder_readable(text, disrupt.reminder),
    disrupt.reminder_sweep(date, integer, integer, integer, integer, integer, integer, integer),
    disrupt.reminder_on_record_write(),
    disrupt.inbox(boolean),
    disrupt.reminders_about(bigint, date, date),
    disrupt.reminder_ack(bigint),
    disrupt.reminder_claim_for_delivery(integer, interval),
    disrupt.reminder_lock_for_delivery(bigint),
    disrupt.reminder_delivered(bigint),
    disrupt.reminder_delivery_failed(bigint, text),
    disrupt.agenda(date, date, integer),
    disrupt.wake_on_change(),
    disrupt.sweep_change_limit(),
    disrupt.sweep_read_actions(boolean, bigint[]),
    disrupt.sweep_read_plans(boolean, bigint[]),
    disrupt.sweep_read_links(boolean, bigint[]),
    disrupt.sweep_read_orders(boolean, bigint[], bigint[]),
    disrupt.sweep_read_breaches(boolean, bigint[], bigint[]),
    disrupt.sweep_read_incidents(boolean, bigint[], bigint[])
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    disrupt.reminder_sweep(date, integer, integer, integer, integer, integer, integer, integer),
    disrupt.service_wake_take()
TO disrupt_service, disrupt_admin;
-- delivery is the service's alone: claiming returns every recipient's messages, unconsulted
GRANT EXECUTE ON FUNCTION
    disrupt.reminder_claim_for_delivery(integer, interval),
    disrupt.reminder_delivered(bigint),
    disrupt.reminder_delivery_failed(bigint, text)
TO disrupt_service;
GRANT EXECUTE ON FUNCTION
    disrupt.inbox(boolean),
    disrupt.reminders_about(bigint, date, date),
    disrupt.reminder_ack(bigint),
    disrupt.agenda(date, date, integer)
TO disrupt_staff, disrupt_admin;

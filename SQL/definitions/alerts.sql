-- alerts.sql: alerts that follow the perpetrator (issue 15), created by the database the moment
-- the record changes, in the reminder outbox (definitions/reminders.sql).
--
-- Statement triggers with transition tables (like breach_reported), so an import, a command and
-- psql all fire them, one INSERT ... SELECT per statement, in the writer's transaction: an alert
-- commits with its record and is never lost by a restart. The outbox key (kind, subject, due_on,
-- recipient) is unique, so an alert is made exactly once however many imports, sweeps and
-- services run (ON CONFLICT: a record changed since is brought up to date, alert_supersede). disrupt.reminder_wake() wakes `disrupt serve` whenever a trigger runs, made or not
-- (reminders.sql, Conventions).
--
-- Kinds (DisruptCore's AlertKind; each names its evidence and suggests a tactic code):
--   new_partner      a 'partner' relationship with a party not seen before for him (no earlier
--                    incident or relationship that the recipient may see names them together;
--                    alert_saw_any), dated within recent_days
--                    (from_on, else today), for a watched person. Suggests dvds_right_to_know.
--   new_victim       an incident against a party (not a child) not seen before for him, within
--                    recent_days, for a watched person. Suggests dvds_right_to_know.
--                    Watched: risk_current serial or band high/very_high, a live shared MATAC or
--                    MAPPA link, the MATAC cohort, or an open plan.
--   suspected_breach an incident within recent_days, on a day an order is in force whose protected
--                    party is the incident's party (or whose protected address is the incident's
--                    address), with no breach of his that the recipient may see recorded that day.
--                    Closed, for each recipient, when a breach of his dated that day is recorded
--                    that the recipient may see (a shared one: for every recipient), or dismissed.
--                    Of several orders it may breach, each recipient hears of the first he may see.
--                    Suggests positive_action_breach.
--   offending_on_order an incident within recent_days while bail, RUI or a licence is in force; a
--                    licence also to probation's lead (recall to be considered).
--                    Suggests positive_action_breach.
--   breach_no_positive_action a breach within recent_days recorded without positive action
--                    (positive_actions of Config/triggers.json); shown the next working day after
--                    it is recorded (delay_working_days, default 1); to the SPOC, or every chair
--                    without a plan. Closed when positive action is recorded on it.
--   idva_update      every change to the actions of a plan (action_history: added with its safety
--                    check asked for, started, blocked, done, cancelled, reassigned, extended,
--                    safety check given) to the Idva of each victim the plan protects
--                    (plan_victim); party_id is the victim, so her inbox groups by victim.
-- Recipients (alert_recipients): the SPOC of his open plan, else the police lead of his live forum
-- link led by police, else every active police chair -- only those who may see every record the
-- alert names (person, the record that fired it, the party or order it names: reminder_may_see).
-- Nobody left: no alert. restricted_agency holds the agencies of the restricted records among
-- them, so that `disrupt alerts` lists the alert only to whom may see them all.
-- Settings (alert_settings, written from Config/disrupt.json): enabled and delay_working_days per
-- kind, recent_days, positive_actions; the defaults below are DisruptCore's (a test checks).

-- ---------------------------------------------------------------------------------------------
-- Row-level security (enabled and forced in migration 0009)
-- ---------------------------------------------------------------------------------------------
-- plan_victim: a row is seen by staff who may see both the person and the party (the person's
-- subquery runs under the caller's own row-level security; the party, which staff may not
-- SELECT (reading.sql), by the same rule: a consultation and may_see_party, record.sql).
CREATE POLICY plan_victim_read ON disrupt.plan_victim FOR SELECT
    USING (disrupt.not_explaining() AND disrupt.read_scope(true) IS NOT NULL
           AND EXISTS (SELECT 1 FROM disrupt.person pe WHERE pe.id = plan_victim.person_id)
           AND disrupt.may_see_party(plan_victim.party_id));
SELECT disrupt.attach_owner_policy('disrupt.plan_victim');
SELECT disrupt.attach_audit('disrupt.plan_victim');
-- alert_settings: no staff policy; read and written through the functions below only
SELECT disrupt.attach_owner_policy('disrupt.alert_settings');

-- ---------------------------------------------------------------------------------------------
-- Rules mirrored from DisruptCore (WorkingDay, AlertRules, AlertSettings defaults)
-- ---------------------------------------------------------------------------------------------

-- WorkingDay.after: the n-th Monday-to-Friday day after d (n <= 0: d itself).
CREATE FUNCTION disrupt.alert_next_working_day(d date, n integer) RETURNS date
LANGUAGE plpgsql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r date := d;
    left_ integer := n;
BEGIN
    WHILE left_ > 0 LOOP
        r := r + 1;
        IF extract(isodow FROM r) < 6 THEN
            left_ := left_ - 1;
        END IF;
    END LOOP;
    RETURN r;
END $$;

-- AlertRules.inForce
CREATE FUNCTION disrupt.alert_in_force(starts_on date, ends_on date, d date) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT starts_on <= d AND (ends_on IS NULL OR d <= ends_on)
$$;

-- An address as it is compared: lower case, letters and digits only.
CREATE FUNCTION disrupt.alert_address_key(p_address text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT nullif(regexp_replace(lower(p_address), '[^a-z0-9]+', '', 'g'), '')
$$;

-- The settings (AlertSettings defaults when none are written).
CREATE FUNCTION disrupt.alert_enabled(p_kind text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT (s.settings -> 'kinds' -> p_kind ->> 'enabled')::boolean FROM disrupt.alert_settings s), true)
$$;

CREATE FUNCTION disrupt.alert_delay(p_kind text) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT (s.settings -> 'kinds' -> p_kind ->> 'delay_working_days')::integer FROM disrupt.alert_settings s),
                    CASE WHEN p_kind = 'breach_no_positive_action' THEN 1 ELSE 0 END)
$$;

CREATE FUNCTION disrupt.alert_recent_days() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT (s.settings ->> 'recent_days')::integer FROM disrupt.alert_settings s), 28)
$$;

CREATE FUNCTION disrupt.alert_positive_actions() RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT array(SELECT jsonb_array_elements_text(s.settings -> 'positive_actions')) FROM disrupt.alert_settings s),
                    ARRAY['arrest', 'charge', 'summons', 'recall'])
$$;

-- Written by the reminder sweep, `db migrate` and `demo` (service or administrator). Writes only
-- when the settings differ, so an unchanged configuration changes nothing.
CREATE FUNCTION disrupt.alert_settings_write(p_settings jsonb) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    IF NOT (coalesce(disrupt.is_admin(), false) OR coalesce(disrupt.is_service(), false)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403', MESSAGE = 'only the reminder service or an administrator may write the alert settings';
    END IF;
    IF p_settings IS NULL OR jsonb_typeof(p_settings) <> 'object' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'alert settings are a JSON object';
    END IF;
    INSERT INTO disrupt.alert_settings AS s (id, settings) VALUES (true, p_settings)
    ON CONFLICT (id) DO UPDATE SET settings = excluded.settings, written_at = now(), written_by = session_user
     WHERE s.settings IS DISTINCT FROM excluded.settings;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n > 0;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Who hears of an alert. These helpers are SECURITY INVOKER SQL without a SET clause: the
-- set-returning ones are inlined into the triggers' set-based statements, and the others (whose
-- subqueries or aggregates PostgreSQL never inlines) are planned once per statement, for they
-- are called from the statement itself, never from inside another SQL function. They are granted
-- to nobody and run only inside the SECURITY DEFINER functions below (owner, pinned search_path).
-- ---------------------------------------------------------------------------------------------

-- The agencies of the restricted records among those named, sorted (NULL: all shared): stored in
-- reminder.restricted_agency, so that `disrupt alerts` lists the alert only to whom may see every
-- piece of its evidence (reminder_may_see with these agencies).
CREATE FUNCTION disrupt.alert_restricted_agency(p_sensitivities text[], p_agencies text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(DISTINCT u.agency ORDER BY u.agency)
      FROM unnest(p_sensitivities, p_agencies) AS u(sensitivity, agency) WHERE u.sensitivity = 'restricted'
$$;

-- Has p_login seen one of the restricted records whose agencies are listed (one per record; NULL:
-- none)? "Not seen before" and "no breach recorded" are each recipient's own: a restricted record
-- of another agency neither takes his alert away nor shows through its absence, and one he may
-- see counts for him as it would in the CLI. reminder_may_see is the rule.
CREATE FUNCTION disrupt.alert_saw_any(p_login text, p_agencies text[]) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_agencies IS NOT NULL
       AND EXISTS (SELECT 1 FROM unnest(p_agencies) AS a(agency)
                    WHERE disrupt.reminder_may_see(p_login, ARRAY['restricted'], ARRAY[a.agency]))
$$;

-- Is he watched for new partners and victims? Serial, high or very high risk, in the MATAC
-- cohort (an open matac_cohort row: what "in MATAC" means, cohort.sql), an agency's live shared
-- MATAC or MAPPA link (a restricted one would show, by an alert or its absence, to whom may not
-- see it), or an open plan.
CREATE FUNCTION disrupt.alert_watched(p_person bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM disrupt.risk_current rc
                    WHERE rc.person_id = p_person AND (rc.serial OR rc.band IN ('high', 'very_high')))
        OR EXISTS (SELECT 1 FROM disrupt.forum_link f
                    WHERE f.person_id = p_person AND f.forum IN ('matac', 'mappa') AND f.status <> 'closed'
                      AND f.sensitivity = 'shared'
                      AND disrupt.alert_in_force(f.starts_on, f.ends_on, disrupt.today()))
        OR EXISTS (SELECT 1 FROM disrupt.matac_cohort m WHERE m.person_id = p_person AND m.exited_on IS NULL)
        OR EXISTS (SELECT 1 FROM disrupt.plan p WHERE p.person_id = p_person AND p.status = 'open')
$$;

-- His lead: the SPOC of his open plan (tier 1), else the police lead of a live forum link led by
-- police that the lead may see (tier 2), else every active police chair (tier 3); of those who
-- may see every record named, the first tier that has anyone.
CREATE FUNCTION disrupt.alert_recipients(p_person bigint, p_sensitivities text[], p_agencies text[]) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    WITH candidates AS (
        SELECT p.spoc_login AS login, 1 AS tier FROM disrupt.plan p
         WHERE p.person_id = p_person AND p.status = 'open'
        UNION ALL
        SELECT r.login, 2 FROM disrupt.forum_link f
         CROSS JOIN LATERAL disrupt.reminder_link_leads(f.contact, 'police') AS r(login)
         WHERE f.person_id = p_person AND f.lead_agency = 'police' AND f.status <> 'closed'
           AND disrupt.alert_in_force(f.starts_on, f.ends_on, disrupt.today())
           AND disrupt.reminder_may_see(r.login, ARRAY[f.sensitivity], ARRAY[f.agency])
        UNION ALL
        SELECT s.login, 3 FROM disrupt.staff s WHERE s.role = 'chair' AND s.agency = 'police' AND s.active
    ),
    visible AS (
        SELECT c.login, c.tier FROM candidates c WHERE disrupt.reminder_may_see(c.login, p_sensitivities, p_agencies)
    )
    SELECT DISTINCT v.login FROM visible v WHERE v.tier = (SELECT min(tier) FROM visible)
$$;

-- Probation's lead for him: the contact of his live link led by probation (one probation may
-- see), else probation's SPOCs, else all its staff (reminder_link_leads); only those who may see
-- every record named.
CREATE FUNCTION disrupt.alert_probation_leads(p_person bigint, p_sensitivities text[], p_agencies text[]) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT r.login
      FROM (SELECT (SELECT f.contact FROM disrupt.forum_link f
                     WHERE f.person_id = p_person AND f.lead_agency = 'probation' AND f.status <> 'closed'
                       AND (f.sensitivity = 'shared' OR f.agency = 'probation')
                       AND disrupt.alert_in_force(f.starts_on, f.ends_on, disrupt.today())
                     ORDER BY f.created_at, f.id LIMIT 1) AS contact) x
     CROSS JOIN LATERAL disrupt.reminder_link_leads(x.contact, 'probation') AS r(login)
     WHERE disrupt.reminder_may_see(r.login, p_sensitivities, p_agencies)
$$;

-- ---------------------------------------------------------------------------------------------
-- The triggers
-- ---------------------------------------------------------------------------------------------

-- A record changed where the alerts look (UPDATE) is checked again by the statements of its
-- trigger. An alert of the same key (same day and recipient) is brought up to date when it is open
-- and says otherwise, or reopened when a change had superseded it (alert_refreshes and
-- alert_refresh, in the ON CONFLICT clause of each alert's INSERT; acknowledged and delivered
-- again only if its message changed); then an open alert of the record's current day supersedes its open alerts of other
-- days, closed here. An edit never closes an alert otherwise: one that no longer holds stays
-- open (the inbox hides it while it names a record hidden from its recipient), so that no write
-- can put an alert out of anyone's sight.
CREATE FUNCTION disrupt.alert_refreshes(stored disrupt.reminder, made disrupt.reminder) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN stored.closed_at IS NULL
                THEN (stored.message, stored.evidence, stored.person_id, stored.party_id, stored.order_id, stored.restricted_agency)
                     IS DISTINCT FROM (made.message, made.evidence, made.person_id, made.party_id, made.order_id, made.restricted_agency)
                ELSE stored.closed_by IS NULL AND stored.close_reason LIKE 'superseded: %' END
$$;

-- What an alert of the same key becomes when alert_refreshes says so: the content as made now,
-- open, and acknowledged and delivered again only if its message changed.
CREATE FUNCTION disrupt.alert_refresh(stored disrupt.reminder, made disrupt.reminder)
RETURNS TABLE (message text, evidence text, person_id bigint, party_id bigint, order_id bigint, restricted_agency text[],
               closed_at timestamptz, close_reason text, acked_at timestamptz, delivered_at timestamptz,
               next_attempt_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT made.message, made.evidence, made.person_id, made.party_id, made.order_id, made.restricted_agency,
           NULL::timestamptz, NULL::text,
           CASE WHEN stored.message = made.message THEN stored.acked_at END,
           CASE WHEN stored.message = made.message THEN stored.delivered_at END,
           CASE WHEN stored.message = made.message THEN stored.next_attempt_at ELSE now() END
$$;

CREATE FUNCTION disrupt.alert_supersede(p_kinds text[], p_subject_table text, p_ids bigint[], p_reason text) RETURNS void
LANGUAGE sql AS $$
    WITH current AS (  -- each changed record's day, as its alerts date it
        SELECT i.id, i.occurred_on AS day FROM disrupt.incident i
         WHERE p_subject_table = 'incident' AND i.id IN (SELECT unnest(p_ids))
        UNION ALL
        SELECT b.id, b.occurred_on FROM disrupt.breach b
         WHERE p_subject_table = 'breach' AND b.id IN (SELECT unnest(p_ids))
        UNION ALL
        SELECT x.id, coalesce(x.from_on, disrupt.day_of(x.created_at)) FROM disrupt.relationship x
         WHERE p_subject_table = 'relationship' AND x.id IN (SELECT unnest(p_ids))
    )
    UPDATE disrupt.reminder r SET closed_at = now(), close_reason = p_reason
      FROM current c
     WHERE r.kind = ANY (p_kinds) AND r.subject_table = p_subject_table AND r.subject_id = c.id
       AND r.closed_at IS NULL AND r.due_on <> c.day
       AND EXISTS (SELECT 1 FROM disrupt.reminder n
                    WHERE n.kind = r.kind AND n.subject_table = r.subject_table AND n.subject_id = r.subject_id
                      AND n.recipient_login = r.recipient_login AND n.due_on = c.day AND n.closed_at IS NULL)
$$;

-- Is a record's move from one person to another the merge of a duplicate (merge_person: the old
-- person merged into the new)? Not news about him: it raises no alert.
CREATE FUNCTION disrupt.alert_merge_move(p_from bigint, p_to bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_from IS DISTINCT FROM p_to
       AND EXISTS (SELECT 1 FROM disrupt.person pe WHERE pe.id = p_from AND pe.merged_into = p_to)
$$;


-- Cost (an import is one INSERT, so each trigger sees every row of it in new_rows): each
-- statement reads the transition table once (an UPDATE's: only the rows changed where the alerts
-- look, found once by a hash join of old and new rows and joined back by id) and joins it to the
-- few candidates; the
-- checks that call functions run once per distinct person (alert_watched) or per distinct
-- person and visibility of the records named (alert_recipients, alert_restricted_agency), never
-- per row; the day an alert shows is worked out once per statement.

-- new_victim, suspected_breach, offending_on_order. Attached AFTER INSERT and AFTER UPDATE: the
-- incidents an alert may be about are those inserted, or changed where the alerts look (whose,
-- against whom, when, where, and who may see it: an incident made shared, or moved to another
-- day, party or person, is news to whoever may see it now), dated within recent_days; the
-- exactly-once key keeps an alert already made from being made again. "This statement's rows"
-- below are those (written).
CREATE FUNCTION disrupt.alert_on_incident_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_today constant date := disrupt.today();
    v_since constant date := disrupt.today() - disrupt.alert_recent_days();
    v_changed bigint[];  -- UPDATE: the ids changed where the alerts look; INSERT: NULL (every row)
    v_superseded constant text := 'superseded: the incident changed';
    v_shown date;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        v_changed := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                            WHERE (n.person_id, n.party_id, n.occurred_on, n.address, n.sensitivity, n.agency)
                                  IS DISTINCT FROM (o.person_id, o.party_id, o.occurred_on, o.address, o.sensitivity, o.agency)
                              AND NOT disrupt.alert_merge_move(o.person_id, n.person_id));
        IF NOT EXISTS (SELECT 1 FROM new_rows i JOIN unnest(v_changed) c(id) ON c.id = i.id WHERE i.occurred_on >= v_since) THEN
            RETURN NULL;  -- nothing recent changed where the alerts look
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM new_rows i WHERE i.occurred_on >= v_since) THEN
        RETURN NULL;  -- history only: nothing to alert on (the common case of a bulk import)
    END IF;

    IF disrupt.alert_enabled('new_victim') THEN
        v_shown := disrupt.alert_next_working_day(v_today, disrupt.alert_delay('new_victim'));
        WITH written AS MATERIALIZED (  -- this statement's rows (an UPDATE's: those changed), by hash join
            SELECT i.* FROM new_rows i WHERE v_changed IS NULL
            UNION ALL SELECT i.* FROM new_rows i JOIN unnest(v_changed) c(id) ON c.id = i.id),
        counts AS (  -- this statement's incidents per pair and visibility (agency '': shared)
            SELECT i.person_id, i.party_id, CASE WHEN i.sensitivity = 'shared' THEN '' ELSE i.agency END AS agency,
                   count(*) AS n_new
              FROM written i WHERE i.party_id IS NOT NULL
             GROUP BY 1, 2, 3
        ),
        firsts AS (  -- per pair and visibility: each recipient hears of the earliest he may see (ins)
            SELECT DISTINCT ON (i.person_id, i.party_id, i.sensitivity, i.agency) i.*
              FROM written i
             WHERE i.occurred_on >= v_since AND i.party_id IS NOT NULL
             ORDER BY i.person_id, i.party_id, i.sensitivity, i.agency, i.occurred_on, i.created_at, i.source_ref, i.id
        ),
        prior AS MATERIALIZED (  -- one index scan per pair: the pair's stored incidents not of this statement
            SELECT f.id AS first_id,
                   bool_or(o.agency = '' AND o.n > coalesce(c.n_new, 0)) AS seen_shared,
                   array_agg(o.agency) FILTER (WHERE o.agency <> '' AND o.n > coalesce(c.n_new, 0)) AS seen_restricted
              FROM firsts f
             CROSS JOIN LATERAL (SELECT CASE WHEN x.sensitivity = 'shared' THEN '' ELSE x.agency END AS agency, count(*) AS n
                                   FROM disrupt.incident x WHERE x.person_id = f.person_id AND x.party_id = f.party_id
                                  GROUP BY 1) o
              LEFT JOIN counts c ON c.person_id = f.person_id AND c.party_id = f.party_id AND c.agency = o.agency
             GROUP BY f.id
        ),
        unseen AS MATERIALIZED (  -- no shared incident or relationship names them together before
            SELECT f.*, p.seen_restricted
                        || (SELECT array_agg(r.agency) FROM disrupt.relationship r
                             WHERE r.person_id = f.person_id AND r.party_id = f.party_id AND r.sensitivity <> 'shared') AS hidden_before
              FROM firsts f
              JOIN prior p ON p.first_id = f.id AND NOT coalesce(p.seen_shared, false)
             WHERE NOT EXISTS (SELECT 1 FROM disrupt.relationship r
                                WHERE r.person_id = f.person_id AND r.party_id = f.party_id AND r.sensitivity = 'shared')
        ),
        watched AS MATERIALIZED (
            SELECT w.person_id FROM (SELECT DISTINCT u.person_id FROM unseen u) w WHERE disrupt.alert_watched(w.person_id)
        ),
        fresh AS MATERIALIZED (
            SELECT f.*, pe.person_ref, pa.party_ref,
                   ARRAY[pe.sensitivity, f.sensitivity, pa.sensitivity] AS sensitivities, ARRAY[pe.agency, f.agency, pa.agency] AS agencies
              FROM unseen f
              JOIN watched w ON w.person_id = f.person_id
              JOIN disrupt.person pe ON pe.id = f.person_id
              JOIN disrupt.party pa ON pa.id = f.party_id AND pa.kind <> 'child'
        ),
        named AS MATERIALIZED (
            SELECT k.*, disrupt.alert_restricted_agency(k.sensitivities, k.agencies) AS restricted_agency, r.login
              FROM (SELECT DISTINCT f.person_id, f.sensitivities, f.agencies FROM fresh f) k
             CROSS JOIN LATERAL disrupt.alert_recipients(k.person_id, k.sensitivities, k.agencies) AS r(login)
        )
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, shown_on,
                                          message, evidence, tactic, restricted_agency, party_id)
            SELECT DISTINCT ON (f.person_id, f.party_id, r.login)
                   'new_victim', r.login, f.person_id, 'incident', f.id, f.occurred_on,
                   v_shown,
                   format('New victim for %s: incident %s on %s against %s, a party not seen before for him; consider a Clare''s Law right-to-know disclosure',
                          f.person_ref, f.source_ref, f.occurred_on, f.party_ref),
                   format('incident %s (%s) on %s against party %s', f.source_ref, coalesce(f.offence, 'no offence'), f.occurred_on, f.party_ref),
                   'dvds_right_to_know', r.restricted_agency, f.party_id
              FROM fresh f
              JOIN named r ON r.person_id = f.person_id AND r.sensitivities = f.sensitivities AND r.agencies = f.agencies
             WHERE (f.hidden_before IS NULL OR NOT disrupt.alert_saw_any(r.login, f.hidden_before))  -- not new to him
             ORDER BY f.person_id, f.party_id, r.login, f.occurred_on, f.created_at, f.source_ref, f.id
            ON CONFLICT ON CONSTRAINT reminder_key DO UPDATE  -- a changed record's alert of this day (alert_refresh)
                   SET (message, evidence, person_id, party_id, order_id, restricted_agency, closed_at, close_reason, acked_at, delivered_at,
                        next_attempt_at) = (SELECT * FROM disrupt.alert_refresh(reminder, excluded))
                 WHERE disrupt.alert_refreshes(reminder, excluded);
    END IF;

    IF disrupt.alert_enabled('suspected_breach') THEN
        v_shown := disrupt.alert_next_working_day(v_today, disrupt.alert_delay('suspected_breach'));
        WITH written AS MATERIALIZED (  -- this statement's rows (an UPDATE's: those changed), by hash join
            SELECT i.* FROM new_rows i WHERE v_changed IS NULL
            UNION ALL SELECT i.* FROM new_rows i JOIN unnest(v_changed) c(id) ON c.id = i.id),
        hits AS MATERIALIZED (
            -- every order the incident may breach: each recipient hears of the first he may see (ins)
            SELECT i.id, i.person_id, i.source_ref, i.occurred_on, pe.person_ref, co.created_at AS order_created_at,
                   co.id AS order_id, co.source_ref AS order_ref, co.order_type,
                   (co.protected_party_id IS NOT NULL AND co.protected_party_id = i.party_id) AS by_party,
                   ARRAY[pe.sensitivity, i.sensitivity, co.sensitivity] AS sensitivities, ARRAY[pe.agency, i.agency, co.agency] AS agencies,
                   (SELECT array_agg(b.agency) FROM disrupt.breach b
                     WHERE b.person_id = i.person_id AND b.occurred_on = i.occurred_on AND b.sensitivity <> 'shared') AS breaches_hidden
              FROM written i
              JOIN disrupt.court_order co ON co.person_id = i.person_id
               AND disrupt.alert_in_force(co.starts_on, co.ends_on, i.occurred_on)
               AND ((co.protected_party_id IS NOT NULL AND co.protected_party_id = i.party_id)
                    OR disrupt.alert_address_key(co.protected_address) = disrupt.alert_address_key(i.address))
              JOIN disrupt.person pe ON pe.id = i.person_id
             WHERE i.occurred_on >= v_since
               AND NOT EXISTS (SELECT 1 FROM disrupt.breach b
                                WHERE b.person_id = i.person_id AND b.occurred_on = i.occurred_on AND b.sensitivity = 'shared')
        ),
        named AS MATERIALIZED (
            SELECT k.*, disrupt.alert_restricted_agency(k.sensitivities, k.agencies) AS restricted_agency, r.login
              FROM (SELECT DISTINCT h.person_id, h.sensitivities, h.agencies FROM hits h) k
             CROSS JOIN LATERAL disrupt.alert_recipients(k.person_id, k.sensitivities, k.agencies) AS r(login)
        )
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, shown_on,
                                          message, evidence, tactic, restricted_agency, order_id)
            SELECT DISTINCT ON (h.id, r.login)
                   'suspected_breach', r.login, h.person_id, 'incident', h.id, h.occurred_on,
                   v_shown,
                   format('Suspected breach by %s: incident %s on %s %s of %s order %s, in force, and no breach recorded',
                          h.person_ref, h.source_ref, h.occurred_on,
                          CASE WHEN h.by_party THEN 'involves the protected party' ELSE 'was at the protected address' END,
                          upper(h.order_type), h.order_ref),
                   format('incident %s on %s; %s order %s (%s)', h.source_ref, h.occurred_on, upper(h.order_type), h.order_ref,
                          CASE WHEN h.by_party THEN 'protected party' ELSE 'protected address' END),
                   'positive_action_breach', r.restricted_agency, h.order_id
              FROM hits h
              JOIN named r ON r.person_id = h.person_id AND r.sensitivities = h.sensitivities AND r.agencies = h.agencies
             WHERE (h.breaches_hidden IS NULL OR NOT disrupt.alert_saw_any(r.login, h.breaches_hidden))  -- a breach he may see is recorded that day
             ORDER BY h.id, r.login, h.order_created_at, h.order_ref, h.order_id
            ON CONFLICT ON CONSTRAINT reminder_key DO UPDATE  -- a changed record's alert of this day (alert_refresh)
                   SET (message, evidence, person_id, party_id, order_id, restricted_agency, closed_at, close_reason, acked_at, delivered_at,
                        next_attempt_at) = (SELECT * FROM disrupt.alert_refresh(reminder, excluded))
                 WHERE disrupt.alert_refreshes(reminder, excluded);
    END IF;

    IF disrupt.alert_enabled('offending_on_order') THEN
        v_shown := disrupt.alert_next_working_day(v_today, disrupt.alert_delay('offending_on_order'));
        WITH written AS MATERIALIZED (  -- this statement's rows (an UPDATE's: those changed), by hash join
            SELECT i.* FROM new_rows i WHERE v_changed IS NULL
            UNION ALL SELECT i.* FROM new_rows i JOIN unnest(v_changed) c(id) ON c.id = i.id),
        hits AS MATERIALIZED (
            -- every bail, RUI or licence in force: each recipient hears of the first he may see (ins)
            SELECT i.id, i.person_id, i.source_ref, i.occurred_on, pe.person_ref, co.created_at AS order_created_at,
                   co.id AS order_id, co.source_ref AS order_ref, co.order_type,
                   ARRAY[pe.sensitivity, i.sensitivity, co.sensitivity] AS sensitivities, ARRAY[pe.agency, i.agency, co.agency] AS agencies
              FROM written i
              JOIN disrupt.court_order co ON co.person_id = i.person_id AND co.order_type IN ('bail', 'rui', 'licence')
               AND disrupt.alert_in_force(co.starts_on, co.ends_on, i.occurred_on)
              JOIN disrupt.person pe ON pe.id = i.person_id
             WHERE i.occurred_on >= v_since
        ),
        named AS MATERIALIZED (
            SELECT k.*, disrupt.alert_restricted_agency(k.sensitivities, k.agencies) AS restricted_agency, r.login
              FROM (SELECT DISTINCT h.person_id, h.sensitivities, h.agencies, h.order_type = 'licence' AS licence FROM hits h) k
             CROSS JOIN LATERAL (
                 SELECT l.login FROM disrupt.alert_recipients(k.person_id, k.sensitivities, k.agencies) AS l(login)
                 UNION
                 SELECT l.login FROM disrupt.alert_probation_leads(k.person_id, k.sensitivities, k.agencies) AS l(login)
                  WHERE k.licence) AS r
        )
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, shown_on,
                                          message, evidence, tactic, restricted_agency, order_id)
            SELECT DISTINCT ON (x.id, r.login)
                   'offending_on_order', r.login, x.person_id, 'incident', x.id, x.occurred_on,
                   v_shown,
                   format('Offending on %s by %s: incident %s on %s while %s %s is in force%s',
                          CASE x.order_type WHEN 'bail' THEN 'bail' WHEN 'rui' THEN 'RUI' ELSE 'licence' END,
                          x.person_ref, x.source_ref, x.occurred_on, upper(x.order_type), x.order_ref,
                          CASE WHEN x.order_type = 'licence' THEN '; consider recall' ELSE '' END),
                   format('incident %s on %s; %s %s in force', x.source_ref, x.occurred_on, upper(x.order_type), x.order_ref),
                   'positive_action_breach', r.restricted_agency, x.order_id
              FROM hits x
              JOIN named r ON r.person_id = x.person_id AND r.sensitivities = x.sensitivities AND r.agencies = x.agencies
                          AND r.licence = (x.order_type = 'licence')
             ORDER BY x.id, r.login, x.order_type = 'licence' DESC, x.order_created_at, x.order_ref, x.order_id
            ON CONFLICT ON CONSTRAINT reminder_key DO UPDATE  -- a changed record's alert of this day (alert_refresh)
                   SET (message, evidence, person_id, party_id, order_id, restricted_agency, closed_at, close_reason, acked_at, delivered_at,
                        next_attempt_at) = (SELECT * FROM disrupt.alert_refresh(reminder, excluded))
                 WHERE disrupt.alert_refreshes(reminder, excluded);
    END IF;

    IF TG_OP = 'UPDATE' THEN
        PERFORM disrupt.alert_supersede(ARRAY['new_victim', 'suspected_breach', 'offending_on_order'], 'incident', v_changed, v_superseded);
    END IF;
    PERFORM disrupt.reminder_wake();  -- made or not (reminders.sql, Conventions)
    RETURN NULL;
END $$;

-- new_partner. AFTER INSERT and AFTER UPDATE: the relationships inserted, or changed where the
-- alert looks (whose, with whom, what, since when, and who may see it). "This statement's rows"
-- below are those (written).
CREATE FUNCTION disrupt.alert_on_relationship_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_since constant date := disrupt.today() - disrupt.alert_recent_days();
    v_shown constant date := disrupt.alert_next_working_day(disrupt.today(), disrupt.alert_delay('new_partner'));
    v_changed bigint[];  -- UPDATE: the ids changed where the alert looks; INSERT: NULL (every row)
    v_superseded constant text := 'superseded: the relationship changed';
BEGIN
    IF NOT disrupt.alert_enabled('new_partner') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        v_changed := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                            WHERE (n.person_id, n.party_id, n.relationship, n.from_on, n.sensitivity, n.agency)
                                  IS DISTINCT FROM (o.person_id, o.party_id, o.relationship, o.from_on, o.sensitivity, o.agency)
                              AND NOT disrupt.alert_merge_move(o.person_id, n.person_id));
        IF cardinality(v_changed) = 0 THEN
            RETURN NULL;
        END IF;
    END IF;
    WITH written AS MATERIALIZED (  -- this statement's rows (an UPDATE's: those changed), by hash join
        SELECT r.* FROM new_rows r WHERE v_changed IS NULL
        UNION ALL SELECT r.* FROM new_rows r JOIN unnest(v_changed) c(id) ON c.id = r.id),
    counts AS (  -- this statement's relationships per pair and visibility (agency '': shared)
        SELECT r.person_id, r.party_id, CASE WHEN r.sensitivity = 'shared' THEN '' ELSE r.agency END AS agency,
               count(*) AS n_new
          FROM written r GROUP BY 1, 2, 3
    ),
    firsts AS (  -- per pair and visibility: each recipient hears of the earliest he may see (ins)
        SELECT DISTINCT ON (r.person_id, r.party_id, r.sensitivity, r.agency) r.*
          FROM written r
         WHERE r.relationship = 'partner' AND coalesce(r.from_on, disrupt.day_of(r.created_at)) >= v_since
         ORDER BY r.person_id, r.party_id, r.sensitivity, r.agency, r.from_on NULLS LAST, r.created_at, r.id
    ),
    prior AS MATERIALIZED (  -- one index scan per pair: the pair's stored relationships not of this statement
        SELECT f.id AS first_id,
               bool_or(o.agency = '' AND o.n > coalesce(c.n_new, 0)) AS seen_shared,
               array_agg(o.agency) FILTER (WHERE o.agency <> '' AND o.n > coalesce(c.n_new, 0)) AS seen_restricted
          FROM firsts f
         CROSS JOIN LATERAL (SELECT CASE WHEN x.sensitivity = 'shared' THEN '' ELSE x.agency END AS agency, count(*) AS n
                               FROM disrupt.relationship x WHERE x.person_id = f.person_id AND x.party_id = f.party_id
                              GROUP BY 1) o
          LEFT JOIN counts c ON c.person_id = f.person_id AND c.party_id = f.party_id AND c.agency = o.agency
         GROUP BY f.id
    ),
    unseen AS MATERIALIZED (  -- no shared relationship or incident names them together before
        SELECT f.*, p.seen_restricted
                    || (SELECT array_agg(i.agency) FROM disrupt.incident i
                         WHERE i.person_id = f.person_id AND i.party_id = f.party_id AND i.sensitivity <> 'shared') AS hidden_before
          FROM firsts f
          JOIN prior p ON p.first_id = f.id AND NOT coalesce(p.seen_shared, false)
         WHERE NOT EXISTS (SELECT 1 FROM disrupt.incident i
                            WHERE i.person_id = f.person_id AND i.party_id = f.party_id AND i.sensitivity = 'shared')
    ),
    watched AS MATERIALIZED (
        SELECT w.person_id FROM (SELECT DISTINCT u.person_id FROM unseen u) w WHERE disrupt.alert_watched(w.person_id)
    ),
    fresh AS MATERIALIZED (
        SELECT f.*, pe.person_ref, pa.party_ref,
               ARRAY[pe.sensitivity, f.sensitivity, pa.sensitivity] AS sensitivities, ARRAY[pe.agency, f.agency, pa.agency] AS agencies
          FROM unseen f
          JOIN watched w ON w.person_id = f.person_id
          JOIN disrupt.person pe ON pe.id = f.person_id
          JOIN disrupt.party pa ON pa.id = f.party_id
    ),
    named AS MATERIALIZED (
        SELECT k.*, disrupt.alert_restricted_agency(k.sensitivities, k.agencies) AS restricted_agency, rc.login
          FROM (SELECT DISTINCT f.person_id, f.sensitivities, f.agencies FROM fresh f) k
         CROSS JOIN LATERAL disrupt.alert_recipients(k.person_id, k.sensitivities, k.agencies) AS rc(login)
    )
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, shown_on,
                                      message, evidence, tactic, restricted_agency, party_id)
        SELECT DISTINCT ON (f.person_id, f.party_id, rc.login)
               'new_partner', rc.login, f.person_id, 'relationship', f.id, coalesce(f.from_on, disrupt.day_of(f.created_at)),
               v_shown,
               format('New partner for %s: %s, not seen before for him, since %s; consider a Clare''s Law right-to-know disclosure',
                      f.person_ref, f.party_ref, coalesce(f.from_on, disrupt.day_of(f.created_at))),
               format('partner %s of %s from %s', f.party_ref, f.person_ref, coalesce(f.from_on::text, 'an unknown date')),
               'dvds_right_to_know', rc.restricted_agency, f.party_id
          FROM fresh f
          JOIN named rc ON rc.person_id = f.person_id AND rc.sensitivities = f.sensitivities AND rc.agencies = f.agencies
         WHERE (f.hidden_before IS NULL OR NOT disrupt.alert_saw_any(rc.login, f.hidden_before))  -- not new to him
         ORDER BY f.person_id, f.party_id, rc.login, f.from_on NULLS LAST, f.created_at, f.id
        ON CONFLICT ON CONSTRAINT reminder_key DO UPDATE  -- a changed record's alert of this day (alert_refresh)
               SET (message, evidence, person_id, party_id, order_id, restricted_agency, closed_at, close_reason, acked_at, delivered_at,
                    next_attempt_at) = (SELECT * FROM disrupt.alert_refresh(reminder, excluded))
             WHERE disrupt.alert_refreshes(reminder, excluded);
    IF TG_OP = 'UPDATE' THEN
        PERFORM disrupt.alert_supersede(ARRAY['new_partner'], 'relationship', v_changed, v_superseded);
    END IF;
    PERFORM disrupt.reminder_wake();  -- made or not (reminders.sql, Conventions)
    RETURN NULL;
END $$;

-- breach_no_positive_action; a breach also closes the suspected_breach alerts of his incidents that
-- day. AFTER INSERT and AFTER UPDATE: the breaches inserted, or changed where the alerts look
-- (whose, which order, when, the action taken, and who may see it: a breach made shared closes
-- everyone's suspected breach that day); an update that records positive action closes the
-- breach's breach_no_positive_action alerts.
CREATE FUNCTION disrupt.alert_on_breach_write() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_today constant date := disrupt.today();
    v_since constant date := disrupt.today() - disrupt.alert_recent_days();
    v_positive constant text[] := disrupt.alert_positive_actions();
    v_changed bigint[];  -- UPDATE: the ids changed where the alerts look; INSERT: NULL (every row)
    v_superseded constant text := 'superseded: the breach changed';
    v_shown date;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE disrupt.reminder r
           SET closed_at = now(), close_reason = left(format('positive action recorded: %s', b.action_taken), 2000)
          FROM new_rows b
         WHERE b.action_taken = ANY (v_positive)
           AND r.kind = 'breach_no_positive_action' AND r.subject_table = 'breach' AND r.subject_id = b.id AND r.closed_at IS NULL;
        -- moved to another day or person, or restricted: the suspected breaches it closed stand again
        -- where no breach their recipient may see answers them any more
        UPDATE disrupt.reminder r SET closed_at = NULL, close_reason = NULL
          FROM (SELECT DISTINCT o.person_id, o.occurred_on FROM old_rows o) o
          JOIN disrupt.incident i ON i.person_id = o.person_id AND i.occurred_on = o.occurred_on
         WHERE r.kind = 'suspected_breach' AND r.subject_table = 'incident' AND r.subject_id = i.id
           AND r.closed_at IS NOT NULL AND r.closed_by IS NULL AND r.close_reason LIKE 'breach % recorded'  -- a breach's, not a dismissal
           AND NOT EXISTS (SELECT 1 FROM disrupt.breach b
                            WHERE b.person_id = i.person_id AND b.occurred_on = i.occurred_on
                              AND (b.sensitivity = 'shared' OR disrupt.reminder_may_see(r.recipient_login, ARRAY[b.sensitivity], ARRAY[b.agency])));
        v_changed := ARRAY(SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                            WHERE (n.person_id, n.order_id, n.occurred_on, n.action_taken, n.sensitivity, n.agency)
                                  IS DISTINCT FROM (o.person_id, o.order_id, o.occurred_on, o.action_taken, o.sensitivity, o.agency)
                              AND NOT disrupt.alert_merge_move(o.person_id, n.person_id));
        IF cardinality(v_changed) = 0 THEN
            PERFORM disrupt.reminder_wake();  -- made or not (reminders.sql, Conventions)
            RETURN NULL;
        END IF;
    END IF;

    UPDATE disrupt.reminder r
       SET closed_at = now(), close_reason = left(format('breach %s recorded', b.source_ref), 2000)  -- never fails on a long reference
      FROM (SELECT x.* FROM new_rows x WHERE v_changed IS NULL
            UNION ALL SELECT x.* FROM new_rows x JOIN unnest(v_changed) c(id) ON c.id = x.id) b
      JOIN disrupt.incident i ON i.person_id = b.person_id AND i.occurred_on = b.occurred_on
     WHERE r.kind = 'suspected_breach' AND r.subject_table = 'incident' AND r.subject_id = i.id AND r.closed_at IS NULL
       -- a breach its recipient may not see neither closes his alert nor names itself to him
       AND (b.sensitivity = 'shared' OR disrupt.reminder_may_see(r.recipient_login, ARRAY[b.sensitivity], ARRAY[b.agency]));

    IF disrupt.alert_enabled('breach_no_positive_action') THEN
        v_shown := disrupt.alert_next_working_day(v_today, disrupt.alert_delay('breach_no_positive_action'));
        WITH candidates AS MATERIALIZED (
            -- the message names the order, so whoever may not see the order does not get it
            SELECT b.*, pe.person_ref, co.source_ref AS order_ref, co.order_type,
                   ARRAY[pe.sensitivity, b.sensitivity, co.sensitivity] AS sensitivities,
                   ARRAY[pe.agency, b.agency, co.agency] AS agencies
              FROM (SELECT x.* FROM new_rows x WHERE v_changed IS NULL
                    UNION ALL SELECT x.* FROM new_rows x JOIN unnest(v_changed) c(id) ON c.id = x.id) b
              JOIN disrupt.person pe ON pe.id = b.person_id
              LEFT JOIN disrupt.court_order co ON co.id = b.order_id
             WHERE b.occurred_on >= v_since AND (b.action_taken IS NULL OR NOT b.action_taken = ANY (v_positive))
        ),
        named AS MATERIALIZED (
            SELECT k.*, disrupt.alert_restricted_agency(k.sensitivities, k.agencies) AS restricted_agency, r.login
              FROM (SELECT DISTINCT c.person_id, c.sensitivities, c.agencies FROM candidates c) k
             CROSS JOIN LATERAL (
                 WITH tiers AS (
                     SELECT p.spoc_login AS login, 1 AS tier FROM disrupt.plan p WHERE p.person_id = k.person_id AND p.status = 'open'
                     UNION ALL
                     SELECT s.login, 2 FROM disrupt.staff s WHERE s.role = 'chair' AND s.active),
                 visible AS (
                     SELECT t.* FROM tiers t WHERE disrupt.reminder_may_see(t.login, k.sensitivities, k.agencies))
                 SELECT DISTINCT v.login FROM visible v WHERE v.tier = (SELECT min(tier) FROM visible)) AS r
        )
            INSERT INTO disrupt.reminder (kind, recipient_login, person_id, subject_table, subject_id, due_on, shown_on,
                                          message, evidence, tactic, restricted_agency, order_id)
            SELECT 'breach_no_positive_action', r.login, c.person_id, 'breach', c.id, c.occurred_on, v_shown,
                   format('Breach %s by %s on %s%s has no positive action (%s)', c.source_ref, c.person_ref, c.occurred_on,
                          CASE WHEN c.order_ref IS NULL THEN '' ELSE format(' of %s order %s', upper(c.order_type), c.order_ref) END,
                          coalesce(c.action_taken, 'no action recorded')),
                   format('breach %s on %s, action %s; positive action is %s', c.source_ref, c.occurred_on,
                          coalesce(c.action_taken, 'none recorded'), array_to_string(v_positive, ', ')),
                   'positive_action_breach', r.restricted_agency, c.order_id
              FROM candidates c
              JOIN named r ON r.person_id = c.person_id AND r.sensitivities = c.sensitivities AND r.agencies = c.agencies
            ON CONFLICT ON CONSTRAINT reminder_key DO UPDATE  -- a changed record's alert of this day (alert_refresh)
                   SET (message, evidence, person_id, party_id, order_id, restricted_agency, closed_at, close_reason, acked_at, delivered_at,
                        next_attempt_at) = (SELECT * FROM disrupt.alert_refresh(reminder, excluded))
                 WHERE disrupt.alert_refreshes(reminder, excluded);
    END IF;
    IF TG_OP = 'UPDATE' THEN
        PERFORM disrupt.alert_supersede(ARRAY['breach_no_positive_action'], 'breach', v_changed, v_superseded);
    END IF;
    PERFORM disrupt.reminder_wake();  -- made or not (reminders.sql, Conventions)
    RETURN NULL;
END $$;

-- idva_update: one per change and Idva (the outbox key), filed under one victim of hers on the
-- plan: the first by reference of those she may see (party_id, which reminder_readable checks
-- again at every read; the message names no other victim, whom she might no longer be allowed
-- to see by then). The person is the plan's. The message is built from the action as it is
-- now and from the history row's change and date only: nothing a writer stores is cast or
-- parsed, so no value can fail the writer's statement here.
CREATE FUNCTION disrupt.alert_on_action_history_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT disrupt.alert_enabled('idva_update') THEN
        RETURN NULL;
    END IF;
    WITH changes AS (
        SELECT DISTINCT ON (h.id, v.idva_login)
               h.id, h.action_id, h.change, h.login, h.at, h.to_value, v.idva_login, pa.id AS party_id, pa.party_ref,
               a.plan_id, a.tactic, a.needs_safety_check, a.agency, a.owner_login, a.due_on, pe.person_ref, pe.id AS person_id
          FROM new_rows h
          JOIN disrupt.action a ON a.id = h.action_id
          JOIN disrupt.plan pl ON pl.id = a.plan_id
          JOIN disrupt.person pe ON pe.id = pl.person_id
          JOIN disrupt.plan_victim v ON v.plan_id = a.plan_id
          JOIN disrupt.party pa ON pa.id = v.party_id
         WHERE disrupt.idva_may_serve(v.idva_login, pe.id, pa.id)
         ORDER BY h.id, v.idva_login, pa.party_ref, pa.id
    )
        INSERT INTO disrupt.reminder (kind, recipient_login, person_id, party_id, subject_table, subject_id, due_on, shown_on,
                                      message, evidence, tactic)
        SELECT 'idva_update', c.idva_login, c.person_id, c.party_id, 'action_history', c.id, disrupt.day_of(c.at),
               disrupt.alert_next_working_day(disrupt.today(), disrupt.alert_delay('idva_update')),
               format('Plan %s for %s (victim %s): action %s (%s) %s', c.plan_id, c.person_ref, c.party_ref, c.action_id,
                      coalesce(c.tactic, 'custom action'),
                      CASE c.change
                          WHEN 'created' THEN CASE WHEN c.needs_safety_check THEN 'added; your safety check is asked for' ELSE 'added' END
                          WHEN 'start' THEN 'started'
                          WHEN 'block' THEN 'blocked'
                          WHEN 'done' THEN 'done'
                          WHEN 'cancel' THEN 'cancelled'
                          -- a person merged moves his actions to the kept plan (plan_follow_merge: to_value names the plan)
                          WHEN 'reassign' THEN CASE WHEN strpos(coalesce(c.to_value, ''), '"plan_id"') > 0
                                                    THEN 'moved to this plan (a duplicate of him merged)'
                                                    ELSE format('reassigned to %s (%s)', coalesce(c.owner_login, 'no named owner'), c.agency) END
                          WHEN 'extend' THEN format('extended to %s', c.due_on)
                          WHEN 'safety_check' THEN 'safety check given'
                          ELSE c.change END),
               format('action %s change %s by %s at %s', c.action_id, c.change, c.login, to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
               c.tactic
          FROM changes c
        ON CONFLICT ON CONSTRAINT reminder_key DO NOTHING;
    PERFORM disrupt.reminder_wake();  -- made or not (reminders.sql, Conventions)
    RETURN NULL;
END $$;

-- An INSERT trigger may not name an OLD TABLE; each function reads old_rows only when TG_OP is
-- UPDATE (PL/pgSQL plans a statement when it first runs, per trigger).
CREATE TRIGGER alert_after_incident_insert AFTER INSERT ON disrupt.incident
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.alert_on_incident_write();
CREATE TRIGGER alert_after_incident_update AFTER UPDATE ON disrupt.incident
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.alert_on_incident_write();
CREATE TRIGGER alert_after_relationship_insert AFTER INSERT ON disrupt.relationship
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.alert_on_relationship_write();
CREATE TRIGGER alert_after_relationship_update AFTER UPDATE ON disrupt.relationship
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.alert_on_relationship_write();
CREATE TRIGGER alert_after_breach_insert AFTER INSERT ON disrupt.breach
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.alert_on_breach_write();
CREATE TRIGGER alert_after_breach_update AFTER UPDATE ON disrupt.breach
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.alert_on_breach_write();
CREATE TRIGGER alert_after_action_history_insert AFTER INSERT ON disrupt.action_history
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.alert_on_action_history_insert();

-- ---------------------------------------------------------------------------------------------
-- The Idva loop: the victims a plan protects
-- ---------------------------------------------------------------------------------------------

-- May p_login be the Idva of victim p_party on a plan for p_person: an active login with the
-- Idva role who may see both (reminder_may_see). The one rule for naming her (plan_victim_add),
-- carrying her over when the person is merged (plan_follow_merge) and telling her of a change
-- (alert_on_action_history_insert). Granted to nobody. PL/pgSQL, so its statement is planned
-- once per session (a SQL function with a subquery is planned again at every call).
CREATE FUNCTION disrupt.idva_may_serve(p_login text, p_person bigint, p_party bigint) RETURNS boolean
LANGUAGE plpgsql STABLE  -- no SET clause (a settings switch per call; every name is qualified)
AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM disrupt.staff s, disrupt.person pe, disrupt.party pa
                    WHERE s.login = p_login AND s.active AND s.role = 'idva' AND pe.id = p_person AND pa.id = p_party
                      AND disrupt.reminder_may_see(p_login, ARRAY[pe.sensitivity, pa.sensitivity], ARRAY[pe.agency, pa.agency]));
END $$;

-- Name a victim (party reference) the plan protects, and her Idva (an active Idva staff login).
-- The caller must be allowed to change the plan and see the party; the Idva must be allowed to
-- see the person and the party. Naming the victim again changes her Idva. Returns the row id.
CREATE FUNCTION disrupt.plan_victim_add(p_plan_id bigint, p_party_ref text, p_idva_login text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    p disrupt.plan;
    pe disrupt.person;
    pa disrupt.party;
    v_id bigint;
BEGIN
    PERFORM disrupt.plan_require_visible(p_plan_id);
    SELECT * INTO p FROM disrupt.plan WHERE id = p_plan_id FOR KEY SHARE;  -- as action_add: only a close waits
    SELECT * INTO pe FROM disrupt.person WHERE id = p.person_id;
    IF NOT FOUND OR NOT disrupt.may_see_person(pe.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('plan %s not found', p_plan_id);
    END IF;
    IF NOT disrupt.plan_caller_may_edit(p.spoc_login, p.agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403', MESSAGE = format('%s may not change plan %s', v_login, p.id);
    END IF;
    IF p.status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('plan %s is closed', p.id);
    END IF;
    SELECT * INTO pa FROM disrupt.party WHERE party_ref = btrim(p_party_ref)
     ORDER BY disrupt.ref_rank(agency, sensitivity, disrupt.caller_agency()) LIMIT 1;
    IF NOT FOUND OR NOT disrupt.may_see_party(pa.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('party %s not found', p_party_ref);
    END IF;
    IF NOT disrupt.idva_may_serve(p_idva_login, pe.id, pa.id) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('%s is not an active Idva login who may see this plan''s person and party %s, so cannot be her Idva on it',
                             p_idva_login, pa.party_ref);
    END IF;
    INSERT INTO disrupt.plan_victim AS v (plan_id, person_id, party_id, idva_login, added_by)
    VALUES (p.id, p.person_id, pa.id, p_idva_login, v_login)
    ON CONFLICT ON CONSTRAINT plan_victim_once DO UPDATE SET idva_login = excluded.idva_login, added_by = excluded.added_by, added_at = now()
    RETURNING v.id INTO v_id;
    RETURN v_id;
END $$;

-- Remove a victim from an open plan. true if removed; DR404 if the plan does not name her. Locks
-- the plan as plan_victim_add does, so a close (a merge's included, which moves the victims of
-- the plan it closes) and a removal do not cross: the removal waits, then finds the plan closed.
CREATE FUNCTION disrupt.plan_victim_remove(p_plan_id bigint, p_party_ref text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    p disrupt.plan;
    n integer;
BEGIN
    PERFORM disrupt.plan_require_visible(p_plan_id);
    SELECT * INTO p FROM disrupt.plan WHERE id = p_plan_id FOR KEY SHARE;
    IF NOT FOUND OR NOT disrupt.may_see_person(p.person_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('plan %s not found', p_plan_id);
    END IF;
    IF NOT disrupt.plan_caller_may_edit(p.spoc_login, p.agency) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403', MESSAGE = format('%s may not change plan %s', v_login, p.id);
    END IF;
    IF p.status <> 'open' THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = format('plan %s is closed', p.id);
    END IF;
    DELETE FROM disrupt.plan_victim v
     USING disrupt.party pa
     WHERE v.plan_id = p.id AND pa.id = v.party_id AND pa.party_ref = btrim(p_party_ref)
       AND disrupt.may_see_party(pa.id);
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('plan %s names no victim %s', p.id, p_party_ref);
    END IF;
    RETURN true;
END $$;

-- ---------------------------------------------------------------------------------------------
-- Dismissal and the chair's list
-- ---------------------------------------------------------------------------------------------

-- Dismiss an alert in the caller's inbox, with a reason, within a consultation: closes it for
-- every recipient of the same alert (kind, subject, day and the order it names) and writes the
-- audit log. true if closed now, false if it already was; DR404 if it is not an alert in the
-- caller's inbox or names a record he may no longer see, DR422 without a reason.
CREATE FUNCTION disrupt.alert_dismiss(p_reminder_id bigint, p_reason text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_login text := disrupt.plan_require_staff();
    r disrupt.reminder;
    v_reason text := disrupt.clean_reason(p_reason);
BEGIN
    PERFORM disrupt.require_consultation();
    -- an alert naming a record he may no longer see is not his to act on: not found
    SELECT * INTO r FROM disrupt.reminder x
     WHERE x.id = p_reminder_id AND x.recipient_login = v_login
       AND (x.kind = ANY (disrupt.alert_kinds()) OR x.kind = 'idva_update')
       AND disrupt.reminder_readable(v_login, x)
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'DR404', MESSAGE = format('no alert %s in your inbox', p_reminder_id);
    END IF;
    IF v_reason IS NULL OR char_length(v_reason) > 2000 THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422', MESSAGE = 'dismissing an alert needs a reason (at most 2000 characters)';
    END IF;
    IF r.closed_at IS NOT NULL THEN
        RETURN false;
    END IF;
    UPDATE disrupt.reminder x
       SET closed_at = now(), closed_by = v_login, close_reason = v_reason
     WHERE x.kind = r.kind AND x.subject_table = r.subject_table AND x.subject_id = r.subject_id
       AND x.due_on = r.due_on AND x.order_id IS NOT DISTINCT FROM r.order_id  -- the same alert: the same order named
       AND x.closed_at IS NULL;
    INSERT INTO disrupt.audit_log (login, agency, operation, object_table, object_key, person_id, purpose, before, after)
    VALUES (v_login, disrupt.caller_agency(), 'alter', 'reminder', r.id::text, r.person_id, v_reason,
            jsonb_build_object('kind', r.kind, 'subject_table', r.subject_table, 'subject_id', r.subject_id, 'closed_at', NULL),
            jsonb_build_object('kind', r.kind, 'subject_table', r.subject_table, 'subject_id', r.subject_id,
                               'closed_by', v_login, 'close_reason', v_reason));
    RETURN true;
END $$;

-- The open alerts for a chair, coordinator or administrator, one row per alert with its recipients
-- and those of them who acknowledged it. Open means not closed: an alert stays open, acknowledged
-- or not, until it is dismissed with a reason or answered by a record (a breach recorded, positive
-- action taken); acknowledging says only that its recipient has seen it. Idva updates are the
-- Idva's own and are not listed (DR422 when asked for, as for an unknown kind). Only alerts about
-- people the caller may see, and an alert fired by restricted records only to whom may see them
-- all (staff of their one agency, or an administrator).
CREATE FUNCTION disrupt.alerts_open(p_kind text DEFAULT NULL)
RETURNS TABLE (id bigint, kind text, person_ref text, subject_table text, subject_id bigint, due_on date, shown_on date,
               message text, evidence text, tactic text, recipients text[], acknowledged_by text[], created_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
#variable_conflict use_column
BEGIN
    IF NOT (coalesce(disrupt.is_admin(), false) OR coalesce(disrupt.caller_role() IN ('chair', 'coordinator'), false)) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR403', MESSAGE = format('%s is not a chair, coordinator or administrator', disrupt.caller_login());
    END IF;
    PERFORM disrupt.require_consultation();
    IF p_kind IS NOT NULL AND NOT p_kind = ANY (disrupt.alert_kinds()) THEN
        RAISE EXCEPTION USING ERRCODE = 'DR422',
            MESSAGE = format('alerts lists %s (an Idva''s updates are in her inbox)', array_to_string(disrupt.alert_kinds(), ', '));
    END IF;
    RETURN QUERY
    SELECT min(r.id), r.kind, pe.person_ref, r.subject_table, r.subject_id, r.due_on, min(r.shown_on),
           min(r.message), min(r.evidence), min(r.tactic), array_agg(r.recipient_login ORDER BY r.recipient_login),
           coalesce(array_agg(r.recipient_login ORDER BY r.recipient_login) FILTER (WHERE r.acked_at IS NOT NULL), '{}'),
           min(r.created_at)
      FROM disrupt.reminder r
      JOIN disrupt.person pe ON pe.id = r.person_id
     WHERE r.kind = ANY (disrupt.alert_kinds())
       AND (p_kind IS NULL OR r.kind = p_kind)
       AND r.closed_at IS NULL
       AND disrupt.reminder_readable(disrupt.caller_login(), r)  -- every record it names, as it is now
       AND (coalesce(disrupt.is_admin(), false)
            OR disrupt.reminder_may_see(disrupt.caller_login(),
                                     ARRAY[pe.sensitivity] || array_fill('restricted'::text, ARRAY[coalesce(cardinality(r.restricted_agency), 0)]),
                                     ARRAY[pe.agency] || r.restricted_agency))
     GROUP BY r.kind, pe.person_ref, r.subject_table, r.subject_id, r.due_on, r.order_id
     ORDER BY r.kind, min(r.created_at), min(r.id);
END $$;

-- everything above to disrupt_owner (foundation.sql; idempotent)
SELECT disrupt.bound_lock_waits('plan_victim_add', 'plan_victim_remove', 'alert_dismiss');
SELECT disrupt.hand_to_owner();

-- ---------------------------------------------------------------------------------------------
-- Privileges (EXECUTE is PUBLIC by default: revoke, then grant exactly)
-- ---------------------------------------------------------------------------------------------
REVOKE ALL ON disrupt.plan_victim, disrupt.alert_settings FROM PUBLIC;
SELECT disrupt.grant_read('{disrupt_staff,disrupt_admin}', 'disrupt.plan_victim');

REVOKE ALL ON FUNCTION
    disrupt.alert_next_working_day(date, integer),
    disrupt.alert_in_force(date, date, date),
    disrupt.alert_address_key(text),
    disrupt.alert_enabled(text),
    disrupt.alert_delay(text),
    disrupt.alert_recent_days(),
    disrupt.alert_positive_actions(),
    disrupt.alert_settings_write(jsonb),
    disrupt.alert_restricted_agency(text[], text[]),
    disrupt.alert_saw_any(text, text[]),
    disrupt.alert_watched(bigint),
    disrupt.alert_recipients(bigint, text[], text[]),
    disrupt.alert_probation_leads(bigint, text[], text[]),
    disrupt.alert_refreshes(disrupt.reminder, disrupt.reminder),
    disrupt.alert_refresh(disrupt.reminder, disrupt.reminder),
    disrupt.alert_supersede(text[], text, bigint[], text),
    disrupt.alert_merge_move(bigint, bigint),
    disrupt.alert_on_incident_write(),
    disrupt.alert_on_relationship_write(),
    disrupt.alert_on_breach_write(),
    disrupt.alert_on_action_history_insert(),
    disrupt.idva_may_serve(text, bigint, bigint),
    disrupt.plan_victim_add(bigint, text, text),
    disrupt.plan_victim_remove(bigint, text),
    disrupt.alert_dismiss(bigint, text),
    disrupt.alerts_open(text)
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION disrupt.alert_settings_write(jsonb) TO disrupt_service, disrupt_admin;
GRANT EXECUTE ON FUNCTION
    disrupt.plan_victim_add(bigint, text, text),
    disrupt.plan_victim_remove(bigint, text),
    disrupt.alert_dismiss(bigint, text),
    disrupt.alerts_open(text)
TO disrupt_staff, disrupt_admin;

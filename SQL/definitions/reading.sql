-- reading.sql: what staff read of the record tables (alias, party, relationship, incident,
-- marker, court_order, breach, forum_link, referral), as functions.
--
-- Whoever may SELECT a table may EXPLAIN (ANALYZE) a query of it, and PostgreSQL runs a condition
-- on an indexed column (a reference, a person id, a date) before the row-level policy, so "Rows
-- Removed by Filter" counted the rows the policy hid: a staff login learnt, by value and without
-- a consultation, which restricted records another agency held about a person (issue 12). No
-- staff or administrator login may SELECT these tables now (record.sql); disrupt_reader
-- (migration 0022) may, and owns the functions below. Each is SECURITY DEFINER, so EXPLAIN of a
-- call shows a Function Scan and no plan of what it read, and each first calls
-- disrupt.refuse_explain() (foundation.sql), so EXPLAIN (ANALYZE, BUFFERS) of a call, which would
-- still count the buffers it read, is refused. They are not the owner's: the policies apply
-- inside them exactly as to the caller (they name the caller by session_user, the consultation
-- gate included), so what a function returns is what the same query returned in the caller's
-- own session, and the policies stay the one statement of who sees what.
--
-- The person table is still read directly by staff (every command names people by reference);
-- EXPLAIN of a statement on it is refused while the statement is planned (not_explaining,
-- foundation.sql, which every policy calls first).
-- Three other functions that read the record tables for the caller are owned by disrupt_reader
-- as well, in their own files: ref_in_use (record.sql), import_run (import.sql), agenda
-- (reminders.sql).

-- ---------------------------------------------------------------------------------------------
-- person_dossier(person_id) -> jsonb: a live or merged person the caller may see, every section
-- a jsonb sub-select by person_id (each served by that table's (person_id, ...) index);
-- withheld_counts says how much the caller may not see. NULL when the person is not visible.
-- PersonDossierReader (Swift) decodes it; the summary, person show and triggers read it.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.person_dossier(person_id bigint) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT
    jsonb_build_object(
      'person', jsonb_build_object('id', p.id, 'ref', p.person_ref, 'pnc_id', p.pnc_id, 'given_name', p.given_name,
                                   'family_name', p.family_name, 'date_of_birth', p.date_of_birth,
                                   'gender', p.gender, 'agency', p.agency, 'sensitivity', p.sensitivity,
                                   'merged_refs', (SELECT coalesce(jsonb_agg(mp.person_ref ORDER BY mp.person_ref), '[]')
                                                   FROM disrupt.person mp WHERE mp.merged_into = p.id)),
      'aliases', (SELECT coalesce(jsonb_agg(jsonb_build_object('name', a.alias_name, 'date_of_birth', a.date_of_birth,
                                                               'agency', a.agency) ORDER BY a.alias_name), '[]')
                  FROM disrupt.alias a WHERE a.person_id = p.id),
      'parties', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'ref', x.party_ref, 'kind', x.kind,
                                                               'given_name', x.given_name, 'family_name', x.family_name,
                                                               'date_of_birth', x.date_of_birth) ORDER BY x.created_at, x.id), '[]')
                  FROM disrupt.party x
                  WHERE x.id IN (SELECT i.party_id FROM disrupt.incident i WHERE i.person_id = p.id
                                 UNION SELECT r.party_id FROM disrupt.relationship r WHERE r.person_id = p.id
                                 UNION SELECT o.protected_party_id FROM disrupt.court_order o WHERE o.person_id = p.id
                                 UNION SELECT f.party_id FROM disrupt.referral f WHERE f.person_id = p.id)),
      'markers', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'source_ref', m.source_ref, 'kind', m.kind, 'recorded_on', m.recorded_on,
                                                               'expires_on', m.expires_on, 'note', m.note, 'agency', m.agency,
                                                               'sensitivity', m.sensitivity) ORDER BY m.recorded_on, m.created_at, m.source_ref, m.id), '[]')
                  FROM disrupt.marker m WHERE m.person_id = p.id),
      'incidents', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'source_ref', i.source_ref, 'party_id', i.party_id,
                                                                 'occurred_on', i.occurred_on, 'offence', i.offence,
                                                                 'gravity', i.gravity, 'note', i.note, 'agency', i.agency,
                                                                 'separate_event', i.separate_event)
                                              ORDER BY i.occurred_on, i.created_at, i.source_ref, i.id), '[]')
                    FROM disrupt.incident i WHERE i.person_id = p.id),
      'orders', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'source_ref', o.source_ref, 'order_type', o.order_type,
                                                              'protected_party_id', o.protected_party_id,
                                                              'starts_on', o.starts_on, 'ends_on', o.ends_on,
                                                              'conditions', o.conditions, 'agency', o.agency)
                                           ORDER BY o.starts_on, o.created_at, o.source_ref, o.id), '[]')
                 FROM disrupt.court_order o WHERE o.person_id = p.id),
      'breaches', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', b.id, 'source_ref', b.source_ref, 'order_id', b.order_id,
                                                                'order_ref', o.source_ref, 'order_type', o.order_type,
                                                                'occurred_on', b.occurred_on, 'reported_on', b.reported_on,
                                                                'action_taken', b.action_taken, 'note', b.note,
                                                                'agency', b.agency) ORDER BY b.occurred_on, b.created_at, b.source_ref, b.id), '[]')
                   FROM disrupt.breach b LEFT JOIN disrupt.court_order o ON o.id = b.order_id
                   WHERE b.person_id = p.id),
      'relationships', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'party_id', r.party_id,
                                                                     'relationship', r.relationship, 'from_on', r.from_on,
                                                                     'to_on', r.to_on, 'has_contact', r.has_contact,
                                                                     'agency', r.agency) ORDER BY r.created_at, r.id), '[]')
                        FROM disrupt.relationship r WHERE r.person_id = p.id),
      'forum_links', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'source_ref', f.source_ref, 'forum', f.forum, 'reference', f.reference,
                                                                   'status', f.status, 'lead_agency', f.lead_agency,
                                                                   'starts_on', f.starts_on, 'ends_on', f.ends_on,
                                                                   'mappa_category', f.mappa_category, 'mappa_level', f.mappa_level,
                                                                   'iom_cohort', f.iom_cohort, 'licence_ends_on', f.licence_ends_on,
                                                                   'next_review_on', f.next_review_on, 'contact', f.contact,
                                                                   'agency', f.agency) ORDER BY f.starts_on, f.created_at, f.source_ref, f.id), '[]')
                      FROM disrupt.forum_link f WHERE f.person_id = p.id),
      'referrals', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', f.id, 'source_ref', f.source_ref, 'party_id', f.party_id,
                                                                 'referred_on', f.referred_on, 'criterion', f.criterion,
                                                                 'dash_score', f.dash_score, 'agency', f.agency) ORDER BY f.referred_on, f.created_at, f.source_ref, f.id), '[]')
                    FROM disrupt.referral f WHERE f.person_id = p.id),
      'plan', (SELECT jsonb_build_object(
                        'id', pl.id, 'spoc_login', pl.spoc_login, 'spoc_name', s.full_name, 'agency', pl.agency,
                        'review_on', pl.review_on, 'opened_at', extract(epoch FROM pl.opened_at),
                        'actions', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                            'id', ac.id, 'heading', ac.heading, 'tactic', coalesce(ac.tactic, ac.label), 'agency', ac.agency,
                                            'owner_login', ac.owner_login, 'owner_name', ow.full_name,
                                            'due_on', ac.due_on, 'status', ac.status) ORDER BY ac.due_on, ac.created_at, ac.id), '[]')
                                    FROM disrupt.action ac LEFT JOIN disrupt.staff ow ON ow.login = ac.owner_login
                                    WHERE ac.plan_id = pl.id))
               FROM disrupt.plan pl LEFT JOIN disrupt.staff s ON s.login = pl.spoc_login
               WHERE pl.person_id = p.id AND pl.status = 'open'),
      'matac_cohort', (SELECT coalesce(jsonb_agg(jsonb_build_object('entered_on', mc.entered_on, 'exited_on', mc.exited_on)
                                                 ORDER BY mc.entered_on, mc.exited_on NULLS LAST, mc.id), '[]')
                       FROM disrupt.matac_cohort mc WHERE mc.person_id = p.id),
      'withheld', (SELECT coalesce(jsonb_agg(jsonb_build_object('agency', w.agency, 'record_table', w.record_table,
                                                                'count', w.n) ORDER BY w.agency, w.record_table), '[]')
                   FROM disrupt.withheld_counts(p.id) w)
    )
    FROM disrupt.person p WHERE p.id = person_dossier.person_id
$$;

-- ---------------------------------------------------------------------------------------------
-- risk_facts(lo, hi, ids, shared_only): the rule inputs of the live people with ids in lo..hi
-- (and in ids, when not NULL), one row per person (k 'p') and per record: k the section (m
-- marker, i incident, b breach, o order, r relationship, f referral, l forum link), person_id,
-- ref, party_id (the party an incident, relationship, order or referral names, or the party a
-- breach's order protects), then per section t1...t4 (text), d1...d4 (date), n1, n2 (int) and
-- b1 (bool: a relationship's contact, an incident's separate event). shared_only reads the
-- shared rows alone (records and the orders behind breaches): the stored scores' view. Only the
-- records of people the caller may see. Each section is a scan of its table's person index; a
-- breach's order is one probe of its primary key. FactsLoader (Swift) reads it in binary;
-- parties come from risk_parties.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.risk_facts(lo bigint, hi bigint, ids bigint[], shared_only boolean)
RETURNS TABLE (k text, person_id bigint, ref text, party_id bigint, t1 text, t2 text, t3 text, t4 text,
               d1 date, d2 date, d3 date, d4 date, n1 integer, n2 integer, b1 boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan  -- a plan for each batch's range (a generic one: 1.5x slower)
AS $$
#variable_conflict use_column
BEGIN
    PERFORM disrupt.refuse_explain();
    -- nothing is read for people the caller may not see: neither their shared records (the
    -- command could not name them) nor, by its time, whether they have any (helper-77)
    IF NOT EXISTS (SELECT 1 FROM disrupt.person p
                    WHERE p.id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR p.id = ANY (risk_facts.ids))
                      AND p.merged_into IS NULL) THEN
        RETURN;
    END IF;
    -- the sections by range scans of their person indexes, then only the visible people's rows
    -- (one hash of them: a semi-join in each section made each a loop of index probes, 2x slower)
    RETURN QUERY
    SELECT x.* FROM (
        SELECT 'p'::text AS k, p.id AS person_id, p.person_ref AS ref, NULL::bigint AS party_id, NULL::text AS t1,
               NULL::text AS t2, NULL::text AS t3, NULL::text AS t4, NULL::date AS d1, NULL::date AS d2,
               NULL::date AS d3, NULL::date AS d4, NULL::int AS n1, NULL::int AS n2, NULL::bool AS b1
        FROM disrupt.person p
        WHERE p.id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR p.id = ANY (risk_facts.ids)) AND p.merged_into IS NULL
        UNION ALL
        SELECT 'm', m.person_id, m.source_ref, NULL, m.kind, m.agency, m.sensitivity, NULL, m.recorded_on, m.expires_on,
               NULL, NULL, NULL, NULL, NULL
        FROM disrupt.marker m
        WHERE m.person_id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR m.person_id = ANY (risk_facts.ids)) AND (NOT risk_facts.shared_only OR m.sensitivity = 'shared')
        UNION ALL
        SELECT 'i', i.person_id, i.source_ref, i.party_id, i.offence, i.agency, NULL, NULL, i.occurred_on, NULL, NULL, NULL,
               i.gravity, NULL, i.separate_event
        FROM disrupt.incident i
        WHERE i.person_id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR i.person_id = ANY (risk_facts.ids)) AND (NOT risk_facts.shared_only OR i.sensitivity = 'shared')
        UNION ALL
        SELECT 'b', b.person_id, b.source_ref, o.protected_party_id, o.order_type, COALESCE(b.action_taken, 'none'), NULL, NULL,
               b.occurred_on, NULL, NULL, NULL, NULL, NULL, NULL
        FROM disrupt.breach b
        -- LIMIT keeps this a probe of the order's primary key per breach (never a scan of every order)
        LEFT JOIN LATERAL (SELECT o.order_type, o.protected_party_id FROM disrupt.court_order o
                           WHERE o.id = b.order_id AND (NOT risk_facts.shared_only OR o.sensitivity = 'shared') LIMIT 1) o ON true
        WHERE b.person_id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR b.person_id = ANY (risk_facts.ids)) AND (NOT risk_facts.shared_only OR b.sensitivity = 'shared')
        UNION ALL
        SELECT 'o', o.person_id, o.source_ref, o.protected_party_id, o.order_type, NULL, NULL, NULL, o.starts_on, o.ends_on,
               NULL, NULL, NULL, NULL, NULL
        FROM disrupt.court_order o
        WHERE o.person_id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR o.person_id = ANY (risk_facts.ids)) AND (NOT risk_facts.shared_only OR o.sensitivity = 'shared')
        UNION ALL
        SELECT 'r', r.person_id, 'relationship-' || r.id, r.party_id, r.relationship, NULL, NULL, NULL, r.from_on, r.to_on,
               NULL, NULL, NULL, NULL, COALESCE(r.has_contact, false)
        FROM disrupt.relationship r
        WHERE r.person_id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR r.person_id = ANY (risk_facts.ids)) AND (NOT risk_facts.shared_only OR r.sensitivity = 'shared')
        UNION ALL
        SELECT 'f', f.person_id, f.source_ref, f.party_id, f.criterion, NULL, NULL, NULL, f.referred_on, NULL, NULL, NULL,
               NULL, NULL, NULL
        FROM disrupt.referral f
        WHERE f.person_id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR f.person_id = ANY (risk_facts.ids)) AND (NOT risk_facts.shared_only OR f.sensitivity = 'shared')
        UNION ALL
        SELECT 'l', l.person_id, l.source_ref, NULL, l.forum, l.status, l.lead_agency, l.iom_cohort, l.next_review_on,
               l.licence_ends_on, l.starts_on, l.ends_on, l.mappa_category, l.mappa_level, NULL
        FROM disrupt.forum_link l
        WHERE l.person_id BETWEEN risk_facts.lo AND risk_facts.hi AND (risk_facts.ids IS NULL OR l.person_id = ANY (risk_facts.ids)) AND (NOT risk_facts.shared_only OR l.sensitivity = 'shared')
        OFFSET 0) x
    -- an administrator (the recompute) sees every live person: no hash of them to probe
    WHERE (SELECT disrupt.is_admin())
       OR x.person_id IN (SELECT p.id FROM disrupt.person p
                           WHERE p.id BETWEEN risk_facts.lo AND risk_facts.hi
                             AND (risk_facts.ids IS NULL OR p.id = ANY (risk_facts.ids)) AND p.merged_into IS NULL);
END
$$;

-- risk_parties(ids, shared_only): the parties with these ids (every one the caller may see when
-- NULL; shared ones alone with shared_only): id, reference, kind, date of birth.
CREATE FUNCTION disrupt.risk_parties(ids bigint[], shared_only boolean)
RETURNS TABLE (id bigint, party_ref text, kind text, date_of_birth date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT x.id, x.party_ref, x.kind, x.date_of_birth FROM disrupt.party x
     WHERE (risk_parties.ids IS NULL OR x.id = ANY (risk_parties.ids))
       AND (NOT risk_parties.shared_only OR x.sensitivity = 'shared')
$$;

-- ---------------------------------------------------------------------------------------------
-- people_with_records_from(agency): the people the caller may see who have a record of this
-- agency she may see (an alias, relationship, incident, marker, order, breach, forum link or
-- referral), each once. The ranking's agency filter (RankingSQL, Swift): one set, read once per
-- statement (a call per person re-ran each table's policy checks: 1.1 ms a person, helper-78).
-- STRICT: nothing is read for no agency.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.people_with_records_from(agency text) RETURNS SETOF bigint
LANGUAGE sql STABLE STRICT SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT p.id
      FROM (SELECT x.person_id FROM disrupt.incident x WHERE x.agency = people_with_records_from.agency
            UNION SELECT x.person_id FROM disrupt.marker x WHERE x.agency = people_with_records_from.agency
            UNION SELECT x.person_id FROM disrupt.breach x WHERE x.agency = people_with_records_from.agency
            UNION SELECT x.person_id FROM disrupt.court_order x WHERE x.agency = people_with_records_from.agency
            UNION SELECT x.person_id FROM disrupt.forum_link x WHERE x.agency = people_with_records_from.agency
            UNION SELECT x.person_id FROM disrupt.referral x WHERE x.agency = people_with_records_from.agency
            UNION SELECT x.person_id FROM disrupt.relationship x WHERE x.agency = people_with_records_from.agency
            UNION SELECT x.person_id FROM disrupt.alias x WHERE x.agency = people_with_records_from.agency) r
      JOIN disrupt.person p ON p.id = r.person_id
$$;

-- ---------------------------------------------------------------------------------------------
-- referrals_waiting(as_of, limit_days) -> j (jsonb as text): every Marac referral the caller may
-- see that no hearing has answered yet (answered: heard at the hearing listed for it, or at a
-- hearing held after the day it was made), longest waiting first. MeetingReader (Swift).
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.referrals_waiting(as_of date, limit_days integer) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT jsonb_build_object('referral', r.source_ref, 'person_ref', pe.person_ref, 'victim_ref', pa.party_ref,
               'referred_on', r.referred_on, 'criterion', r.criterion, 'dash_score', r.dash_score,
               'case_ref', c.case_ref, 'listed_at', l.meeting_ref, 'listed_on', l.held_on,
               'days_waiting', referrals_waiting.as_of - r.referred_on,
               'over_limit', referrals_waiting.as_of - r.referred_on > referrals_waiting.limit_days)::text
      FROM disrupt.referral r
      JOIN disrupt.person pe ON pe.id = r.person_id
      LEFT JOIN disrupt.party pa ON pa.id = r.party_id
      LEFT JOIN disrupt.case_referral cr ON cr.referral_id = r.id
      LEFT JOIN disrupt.forum_case c ON c.id = cr.case_id
      LEFT JOIN LATERAL (SELECT m.meeting_ref, m.held_on FROM disrupt.hearing h JOIN disrupt.meeting m ON m.id = h.meeting_id
                          WHERE h.case_id = c.id AND h.status = 'listed' AND m.status = 'planned'
                          ORDER BY m.held_on LIMIT 1) l ON true
     WHERE r.referred_on <= referrals_waiting.as_of
       AND NOT EXISTS (SELECT 1 FROM disrupt.hearing h
                        WHERE h.case_id = c.id AND h.status = 'heard'
                          AND (h.referral_id = r.id OR h.heard_on > r.referred_on))
     ORDER BY r.referred_on, r.source_ref
$$;

-- ---------------------------------------------------------------------------------------------
-- The row a reference means, for the entry commands: of the rows the caller sees with that
-- natural key (her agency's and a shared one, migration 0011), the one disrupt.ref_rank
-- prefers. party_meant: a party's id. order_meant: an order's id and person (a breach names
-- it), of a person she may see. marker_to_change / link_to_change: a marker or forum link the caller may also change
-- (disrupt.may_change: her agency's, any for an administrator; marker_end and link_update
-- check again), with what the command checks before it changes it. No row: not found.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.party_meant(ref text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT x.id FROM disrupt.party x WHERE x.party_ref = party_meant.ref
     ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, disrupt.caller_agency()) LIMIT 1
$$;

CREATE FUNCTION disrupt.order_meant(ref text) RETURNS TABLE (id bigint, person_id bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT x.id, x.person_id FROM disrupt.court_order x
     WHERE x.source_ref = order_meant.ref AND EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = x.person_id)
     ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, disrupt.caller_agency()) LIMIT 1
$$;

CREATE FUNCTION disrupt.marker_to_change(ref text) RETURNS TABLE (id bigint, recorded_on date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT x.id, x.recorded_on FROM disrupt.marker x WHERE x.source_ref = marker_to_change.ref AND disrupt.may_change(x.agency)
     ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, disrupt.caller_agency()) LIMIT 1
$$;

CREATE FUNCTION disrupt.link_to_change(ref text) RETURNS TABLE (id bigint, forum text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    SELECT x.id, x.forum FROM disrupt.forum_link x WHERE x.source_ref = link_to_change.ref AND disrupt.may_change(x.agency)
     ORDER BY disrupt.ref_rank(x.agency, x.sensitivity, disrupt.caller_agency()) LIMIT 1
$$;

-- ---------------------------------------------------------------------------------------------
-- person_find(text): `disrupt person find`: people by reference, PNC id, name or alias, ignoring
-- case and accents (disrupt.fold), prefixes of names allowed; exact matches first, at most 50.
-- Merged records are found by their old reference or PNC id and shown as the survivor. rank: 0
-- reference or PNC id, 1 full name, 2 one name or an alias, 3 a prefix.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION disrupt.person_find(search text)
RETURNS TABLE (person_ref text, pnc_id text, given_name text, family_name text, date_of_birth date, matched text, rank integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    WITH q AS (
        SELECT disrupt.fold(person_find.search) AS t,
               replace(replace(replace(disrupt.fold(person_find.search), '\', '\\'), '%', '\%'), '_', '\_') || '%' AS prefix
    ),
    hits AS (
        SELECT COALESCE(p.merged_into, p.id) AS id, 0 AS rank,
               CASE WHEN upper(p.person_ref) = upper(person_find.search) THEN 'reference' ELSE 'pnc' END AS matched
        FROM disrupt.person p WHERE upper(p.person_ref) = upper(person_find.search) OR upper(p.pnc_id) = upper(person_find.search)
        UNION ALL
        SELECT p.id, CASE WHEN disrupt.fold(concat_ws(' ', p.given_name, p.family_name)) = q.t THEN 1
                          WHEN disrupt.fold(p.family_name) = q.t OR disrupt.fold(p.given_name) = q.t THEN 2
                          ELSE 3 END, 'name'
        FROM disrupt.person p, q
        WHERE p.merged_into IS NULL
          AND (disrupt.fold(p.family_name) LIKE q.prefix OR disrupt.fold(p.given_name) LIKE q.prefix
               OR disrupt.fold(concat_ws(' ', p.given_name, p.family_name)) LIKE q.prefix)
        UNION ALL
        SELECT p.id, CASE WHEN disrupt.fold(a.alias_name) = q.t THEN 2 ELSE 3 END, 'alias'
        FROM disrupt.alias a JOIN disrupt.person p ON p.id = a.person_id, q
        WHERE p.merged_into IS NULL AND disrupt.fold(a.alias_name) LIKE q.prefix
    ),
    best AS (
        SELECT DISTINCT ON (id) id, rank, matched FROM hits ORDER BY id, rank, matched DESC
    )
    SELECT p.person_ref, p.pnc_id, p.given_name, p.family_name, p.date_of_birth, b.matched, b.rank
    FROM best b JOIN disrupt.person p ON p.id = b.id
    ORDER BY b.rank, disrupt.fold(p.family_name), disrupt.fold(p.given_name), p.person_ref
    LIMIT 50
$$;

-- person_candidates(text): every live person the text could mean, for a command that names one
-- (PersonResolver, Swift). An exact reference or PNC id wins (merged records lead to their
-- survivor; of two visible rows with one key, the one disrupt.ref_rank prefers); otherwise exact
-- names and aliases. At most 50, by reference.
CREATE FUNCTION disrupt.person_candidates(search text)
RETURNS TABLE (id bigint, person_ref text, given_name text, family_name text, date_of_birth date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT disrupt.refuse_explain();
    WITH RECURSIVE direct AS (
        SELECT x.id, x.merged_into, 0 AS hops FROM (
            (SELECT p.id, p.merged_into FROM disrupt.person p WHERE p.person_ref = person_candidates.search
              ORDER BY disrupt.ref_rank(p.agency, p.sensitivity, disrupt.caller_agency()) LIMIT 1)
            UNION
            (SELECT p.id, p.merged_into FROM disrupt.person p WHERE p.pnc_id = person_candidates.search
              ORDER BY disrupt.ref_rank(p.agency, p.sensitivity, disrupt.caller_agency()) LIMIT 1)) x
        UNION ALL
        SELECT p.id, p.merged_into, d.hops + 1 FROM disrupt.person p JOIN direct d ON p.id = d.merged_into WHERE d.hops < 20
    ),
    by_ref AS (SELECT direct.id FROM direct WHERE direct.merged_into IS NULL),
    by_name AS (
        SELECT p.id FROM disrupt.person p
        WHERE p.merged_into IS NULL
          AND disrupt.fold(p.family_name) = disrupt.fold(regexp_replace(person_candidates.search, '^.*\s', ''))
          AND disrupt.fold(concat_ws(' ', p.given_name, p.family_name)) = disrupt.fold(person_candidates.search)
        UNION
        SELECT p.id FROM disrupt.alias a JOIN disrupt.person p ON p.id = a.person_id
        WHERE p.merged_into IS NULL AND disrupt.fold(a.alias_name) = disrupt.fold(person_candidates.search)
    ),
    chosen AS (
        SELECT by_ref.id FROM by_ref
        UNION
        SELECT by_name.id FROM by_name WHERE NOT EXISTS (SELECT 1 FROM by_ref)
    )
    SELECT p.id, p.person_ref, p.given_name, p.family_name, p.date_of_birth
    FROM disrupt.person p JOIN chosen c ON c.id = p.id
    ORDER BY p.person_ref
    LIMIT 50
$$;

-- ---------------------------------------------------------------------------------------------
-- Ownership and privileges
-- ---------------------------------------------------------------------------------------------
SELECT disrupt.hand_to_owner();
ALTER FUNCTION disrupt.person_dossier(bigint) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.risk_facts(bigint, bigint, bigint[], boolean) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.risk_parties(bigint[], boolean) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.people_with_records_from(text) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.referrals_waiting(date, integer) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.party_meant(text) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.order_meant(text) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.marker_to_change(text) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.link_to_change(text) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.person_find(text) OWNER TO disrupt_reader;
ALTER FUNCTION disrupt.person_candidates(text) OWNER TO disrupt_reader;

REVOKE ALL ON FUNCTION
    disrupt.person_dossier(bigint), disrupt.risk_facts(bigint, bigint, bigint[], boolean),
    disrupt.risk_parties(bigint[], boolean), disrupt.people_with_records_from(text),
    disrupt.referrals_waiting(date, integer), disrupt.party_meant(text), disrupt.order_meant(text),
    disrupt.marker_to_change(text), disrupt.link_to_change(text), disrupt.person_find(text),
    disrupt.person_candidates(text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    disrupt.person_dossier(bigint), disrupt.risk_facts(bigint, bigint, bigint[], boolean),
    disrupt.risk_parties(bigint[], boolean), disrupt.people_with_records_from(text),
    disrupt.referrals_waiting(date, integer), disrupt.party_meant(text), disrupt.order_meant(text),
    disrupt.marker_to_change(text), disrupt.link_to_change(text), disrupt.person_find(text),
    disrupt.person_candidates(text)
TO disrupt_staff;

-- 0001_baseline.sql: the stored structure of disrupt, as it stands after the first eleven
-- migrations of its development (squashed before any release).
--
-- This file and the numbered migrations after it hold only what is STORED: the schema, the
-- cluster-wide roles, tables, columns, constraints, indexes, sequences and reference rows.
-- Everything else -- functions, procedures, views, triggers, row-level-security policies,
-- ownership and grants -- lives in SQL/definitions/, is defined there once, and is applied
-- (dropped and recreated) after the migrations, in the same transaction.
--
-- One exception, on purpose: disrupt.fold() is defined here, because the name-search indexes
-- are built on it (an index cannot outlive the function it calls). Functions that stored
-- structure depends on (index expressions, defaults, checks) belong to the migrations; the
-- definitions step never drops them.
--
-- Conventions
--   * every personal-data table carries the provenance columns
--       agency (owning/source agency), sensitivity (shared|restricted),
--       created_by, created_at, updated_by, updated_at
--     updated_* are set by the touch trigger on UPDATE (created_* cannot be changed).
--   * small fixed sets are text columns with CHECK constraints (no enums), so the
--     import functions can report a bad code as a row reject, not an error.
--   * dates: every "end" is >= its "start".
--   * row-level security is enabled and FORCEd here on every table that holds personal or
--     operational data, so a table is never open while its policies are being recreated;
--     the policies themselves are definitions.
--
-- The migrator creates disrupt.schema_migrations and disrupt.schema_definitions before this runs.

-- ===========================================================================
-- Schema and roles
-- ===========================================================================
CREATE SCHEMA IF NOT EXISTS disrupt;
COMMENT ON SCHEMA disrupt IS 'disrupt: perpetrator disruption and tasking (Marac, MAPPA, MATAC, IOM)';

-- Identity is always session_user (the authenticated login), never a client setting.
--
-- disrupt_owner owns the schema and every object in it (the definitions hand everything
-- to it). It is NOLOGIN, not a superuser, and has CREATEROLE only so that the SECURITY
-- DEFINER functions staff_add / staff_disable can create and disable login roles. It is
-- subject to RLS (tables are FORCEd); the SECURITY DEFINER functions it owns reach other
-- agencies' rows through an explicit "owner_all ... TO disrupt_owner" policy on each table,
-- which is visible in \d+ and auditable, instead of BYPASSRLS.

-- ---------------------------------------------------------------------------
-- Group roles (idempotent, NOLOGIN)
-- ---------------------------------------------------------------------------
-- Several databases of one cluster may run this at the same moment: the existence
-- check cannot see another transaction's uncommitted role, so each statement also
-- absorbs the duplicate (42710) or the unique violation on pg_authid /
-- pg_auth_members (23505) that the loser of that race gets.
DO $do$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY ARRAY[
        'CREATE ROLE disrupt_owner NOLOGIN CREATEROLE',
        'CREATE ROLE disrupt_staff NOLOGIN',
        'CREATE ROLE disrupt_admin NOLOGIN',
        'CREATE ROLE disrupt_service NOLOGIN',
        'GRANT disrupt_staff TO disrupt_admin']
    LOOP
        CONTINUE WHEN statement LIKE 'CREATE ROLE %' AND EXISTS (
            SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = split_part(statement, ' ', 3));
        CONTINUE WHEN statement LIKE 'GRANT %' AND EXISTS (
            SELECT 1 FROM pg_catalog.pg_auth_members m
            JOIN pg_catalog.pg_roles r ON r.oid = m.roleid AND r.rolname = 'disrupt_staff'
            JOIN pg_catalog.pg_roles a ON a.oid = m.member AND a.rolname = 'disrupt_admin');
        BEGIN
            EXECUTE statement;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END LOOP;
END
$do$;

-- ===========================================================================
-- Name folding (used by the name-search indexes below)
-- ===========================================================================
-- Accent- and case-folding for name search.
-- unaccent ships with Debian's postgresql package (contrib); fall back to a
-- translate() table when it is not installed.
-- ---------------------------------------------------------------------------
DO $do$
DECLARE
    body text;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'unaccent') THEN
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA disrupt;
        -- two-argument form with an explicit dictionary: safe to call IMMUTABLE
        body := 'SELECT pg_catalog.lower(disrupt.unaccent(''disrupt.unaccent''::regdictionary, $1))';
    ELSE
        body := $b$SELECT pg_catalog.lower(pg_catalog.translate($1,
                'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ',
                'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy'))$b$;
    END IF;
    EXECUTE format('CREATE FUNCTION disrupt.fold(t text) RETURNS text
                    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS %L', body);
END
$do$;
COMMENT ON FUNCTION disrupt.fold(text) IS 'lower(unaccent(t)): case- and accent-insensitive name matching';

-- ===========================================================================
-- Record: lookups, staff, people and everything known about them
-- ===========================================================================
-- ---------------------------------------------------------------------------
-- Lookup tables
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.agency (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    label text NOT NULL
);
INSERT INTO disrupt.agency (code, label) VALUES
    ('police', 'Police'),
    ('probation', 'Probation'),
    ('health', 'Health'),
    ('mental_health', 'Mental health'),
    ('substance_misuse', 'Substance misuse'),
    ('housing', 'Housing'),
    ('childrens_social_care', 'Children''s social care'),
    ('adult_social_care', 'Adult social care'),
    ('idva', 'Idva service'),
    ('education', 'Education'),
    ('camhs', 'CAMHS'),
    ('other', 'Other');

CREATE TABLE disrupt.marker_kind (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    label text NOT NULL
);
INSERT INTO disrupt.marker_kind (code, label) VALUES
    ('weapons', 'Weapons'),
    ('firearms_access', 'Access to firearms'),
    ('stalking_harassment', 'Stalking or harassment'),
    ('threats_to_kill', 'Threats to kill'),
    ('threats', 'Threats'),
    ('sexual_violence', 'Sexual violence'),
    ('arson', 'Arson'),
    ('extreme_coercive_control', 'Extreme coercive control'),
    ('strangulation', 'Strangulation or choking'),
    ('risk_to_professionals', 'Risk to professionals'),
    ('mental_ill_health', 'Mental ill health'),
    ('substance_misuse', 'Substance misuse'),
    ('self_harm_suicide', 'Self-harm or suicide risk'),
    ('homeless', 'Homeless'),
    ('financial_strain', 'Financial strain'),
    ('animal_abuse', 'Animal abuse'),
    ('new_relationship', 'New relationship'),
    ('access_vehicles', 'Access to vehicles'),
    ('access_premises', 'Access to premises'),
    ('access_it_skills', 'IT skills'),
    ('employment_skills', 'Employment or skills'),
    ('serial_perpetrator', 'Serial perpetrator'),
    ('pdp', 'Potentially dangerous person');

CREATE TABLE disrupt.offence (
    code    text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    label   text NOT NULL,
    gravity integer NOT NULL CHECK (gravity >= 0)
);
INSERT INTO disrupt.offence (code, label, gravity) VALUES
    ('da_incident', 'Domestic abuse incident', 1),
    ('common_assault', 'Common assault', 2),
    ('abh', 'Assault occasioning ABH', 5),
    ('gbh', 'GBH', 10),
    ('gbh_intent', 'GBH with intent', 15),
    ('non_fatal_strangulation', 'Non-fatal strangulation', 8),
    ('threats_to_kill', 'Threats to kill', 5),
    ('stalking', 'Stalking', 4),
    ('harassment', 'Harassment', 2),
    ('coercive_control', 'Controlling or coercive behaviour', 4),
    ('criminal_damage', 'Criminal damage', 1),
    ('arson', 'Arson', 8),
    ('rape', 'Rape', 20),
    ('sexual_assault', 'Sexual assault', 10),
    ('assault_with_weapon', 'Assault with a weapon', 8),
    ('weapon_possession', 'Possession of a weapon', 5),
    ('breach_of_order', 'Breach of order', 2),
    ('malicious_communications', 'Malicious communications', 1),
    ('kidnap', 'Kidnap', 12),
    ('murder_attempt', 'Attempted murder', 25);

CREATE TABLE disrupt.order_type (
    code  text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    label text NOT NULL
);
INSERT INTO disrupt.order_type (code, label) VALUES
    ('bail', 'Bail conditions'),
    ('rui', 'Released under investigation'),
    ('dvpn', 'DVPN'),
    ('dvpo', 'DVPO'),
    ('dapn', 'DAPN'),
    ('dapo', 'DAPO'),
    ('non_molestation', 'Non-molestation order'),
    ('restraining', 'Restraining order'),
    ('interim_spo', 'Interim stalking protection order'),
    ('spo', 'Stalking protection order'),
    ('occupation', 'Occupation order'),
    ('licence', 'Licence conditions'),
    ('community_order', 'Community order');

-- ---------------------------------------------------------------------------
-- Staff: a PostgreSQL login role -> agency and role.  Written only through
-- disrupt.staff_add / disrupt.staff_disable (definitions/security.sql).
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.staff (
    login       text PRIMARY KEY CHECK (length(login) BETWEEN 1 AND 63),
    full_name   text NOT NULL CHECK (btrim(full_name) <> ''),
    agency      text NOT NULL REFERENCES disrupt.agency (code),
    role        text NOT NULL CHECK (role IN ('rep', 'spoc', 'chair', 'coordinator', 'idva', 'admin')),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz NULL,
    disabled_reason text NULL,
    CHECK (active OR disabled_at IS NOT NULL)
);
CREATE INDEX staff_agency_idx ON disrupt.staff (agency);

-- ---------------------------------------------------------------------------
-- People (perpetrators)
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.person (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_ref    text NOT NULL UNIQUE CHECK (btrim(person_ref) <> ''),
    pnc_id        text NULL UNIQUE,
    -- Names are at most 200 characters: they are indexed for search, and btree entries are small.
    given_name    text NULL CHECK (char_length(given_name) <= 200),
    family_name   text NOT NULL CHECK (btrim(family_name) <> '' AND char_length(family_name) <= 200),
    date_of_birth date NULL,
    gender        text NULL CHECK (gender IN ('male', 'female', 'other', 'unknown')),
    merged_into   bigint NULL REFERENCES disrupt.person (id),
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL,
    CHECK (merged_into IS DISTINCT FROM id)
);
CREATE INDEX person_merged_into_idx ON disrupt.person (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX person_agency_idx ON disrupt.person (agency);
CREATE INDEX person_family_fold_idx ON disrupt.person (disrupt.fold(family_name), disrupt.fold(given_name));
CREATE INDEX person_given_fold_idx ON disrupt.person (disrupt.fold(given_name));
CREATE INDEX person_dob_idx ON disrupt.person (date_of_birth);

CREATE TABLE disrupt.alias (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    alias_name    text NOT NULL CHECK (btrim(alias_name) <> '' AND char_length(alias_name) <= 200),
    date_of_birth date NULL,
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL,
    CONSTRAINT alias_person_name_dob_key UNIQUE NULLS NOT DISTINCT (person_id, alias_name, date_of_birth)
);
CREATE INDEX alias_agency_idx ON disrupt.alias (agency);
CREATE INDEX alias_name_fold_idx ON disrupt.alias (disrupt.fold(alias_name));

-- ---------------------------------------------------------------------------
-- Parties: victims, children, new partners, family.
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.party (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    party_ref     text NOT NULL UNIQUE CHECK (btrim(party_ref) <> ''),
    given_name    text NULL CHECK (char_length(given_name) <= 200),
    family_name   text NULL CHECK (char_length(family_name) <= 200),
    date_of_birth date NULL,
    kind          text NOT NULL CHECK (kind IN ('victim', 'child', 'new_partner', 'family', 'other')),
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL,
    CHECK (given_name IS NOT NULL OR family_name IS NOT NULL)
);
CREATE INDEX party_agency_idx ON disrupt.party (agency);
CREATE INDEX party_family_fold_idx ON disrupt.party (disrupt.fold(family_name), disrupt.fold(given_name));

CREATE TABLE disrupt.relationship (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    party_id      bigint NOT NULL REFERENCES disrupt.party (id),
    relationship  text NOT NULL CHECK (relationship IN ('partner', 'ex_partner', 'child', 'step_child', 'family', 'other')),
    from_on       date NULL,
    to_on         date NULL,
    has_contact   boolean NULL,
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL,
    CONSTRAINT relationship_person_party_kind_key UNIQUE (person_id, party_id, relationship),
    CHECK (to_on >= from_on)
);
CREATE INDEX relationship_party_idx ON disrupt.relationship (party_id);
CREATE INDEX relationship_agency_idx ON disrupt.relationship (agency);

-- ---------------------------------------------------------------------------
-- Incidents (with victim, date and gravity).  gravity NULL = the offence's gravity.
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.incident (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_ref    text NOT NULL UNIQUE CHECK (btrim(source_ref) <> ''),
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    party_id      bigint NULL REFERENCES disrupt.party (id),
    occurred_on   date NOT NULL,
    offence       text NULL DEFAULT 'da_incident' REFERENCES disrupt.offence (code) ON UPDATE CASCADE,
    gravity       integer NULL CHECK (gravity >= 0),
    note          text NULL,
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL
);
CREATE INDEX incident_person_date_idx ON disrupt.incident (person_id, occurred_on);
CREATE INDEX incident_party_idx ON disrupt.incident (party_id);
CREATE INDEX incident_offence_idx ON disrupt.incident (offence);
CREATE INDEX incident_agency_idx ON disrupt.incident (agency);
CREATE INDEX incident_occurred_on ON disrupt.incident (occurred_on);

-- ---------------------------------------------------------------------------
-- Markers (risk flags held by an agency)
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.marker (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_ref    text NOT NULL UNIQUE CHECK (btrim(source_ref) <> ''),
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    kind          text NOT NULL REFERENCES disrupt.marker_kind (code) ON UPDATE CASCADE,
    recorded_on   date NOT NULL,
    expires_on    date NULL,
    note          text NULL,
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL,
    CHECK (expires_on >= recorded_on)
);
CREATE INDEX marker_person_date_idx ON disrupt.marker (person_id, recorded_on);
-- No index on kind or agency: no query looks markers up by either (reads go by person
-- or source_ref), and each index cost a btree write per imported row.

-- ---------------------------------------------------------------------------
-- Court orders and conditions
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.court_order (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_ref         text NOT NULL UNIQUE CHECK (btrim(source_ref) <> ''),
    person_id          bigint NOT NULL REFERENCES disrupt.person (id),
    order_type         text NOT NULL REFERENCES disrupt.order_type (code) ON UPDATE CASCADE,
    protected_party_id bigint NULL REFERENCES disrupt.party (id),
    starts_on          date NOT NULL,
    ends_on            date NULL,
    conditions         text NULL,
    agency             text NOT NULL,
    sensitivity        text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by         text NOT NULL DEFAULT session_user,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text NULL,
    updated_at         timestamptz NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX court_order_person_date_idx ON disrupt.court_order (person_id, starts_on);
CREATE INDEX court_order_type_idx ON disrupt.court_order (order_type);
CREATE INDEX court_order_party_idx ON disrupt.court_order (protected_party_id);
CREATE INDEX court_order_agency_idx ON disrupt.court_order (agency);
-- the reminder sweep's order_ending reminders: a small partial index by end date
CREATE INDEX court_order_ending_on ON disrupt.court_order (ends_on)
    WHERE order_type IN ('dvpo', 'dapo', 'bail', 'spo', 'interim_spo', 'licence');

-- ---------------------------------------------------------------------------
-- Breaches: of which order (NULL = offending while on bail/RUI), positive action.
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.breach (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_ref    text NOT NULL UNIQUE CHECK (btrim(source_ref) <> ''),
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    order_id      bigint NULL REFERENCES disrupt.court_order (id),
    occurred_on   date NOT NULL,
    reported_on   date NULL,
    action_taken  text NULL CHECK (action_taken IN ('arrest', 'charge', 'caution', 'warning', 'recall', 'none')),
    note          text NULL,
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL,
    CHECK (reported_on >= occurred_on)
);
CREATE INDEX breach_person_date_idx ON disrupt.breach (person_id, occurred_on);
CREATE INDEX breach_order_idx ON disrupt.breach (order_id);
CREATE INDEX breach_agency_idx ON disrupt.breach (agency);
CREATE INDEX breach_occurred_on ON disrupt.breach (occurred_on);

-- ---------------------------------------------------------------------------
-- Forum links: Marac, MAPPA (category, level), MATAC, IOM (cohort), DAPP, Drive.
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.forum_link (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_ref      text NOT NULL UNIQUE CHECK (btrim(source_ref) <> ''),
    person_id       bigint NOT NULL REFERENCES disrupt.person (id),
    forum           text NOT NULL CHECK (forum IN ('marac', 'mappa', 'matac', 'iom', 'dapp', 'drive')),
    reference       text NULL,
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('referred', 'active', 'closed')),
    lead_agency     text NULL REFERENCES disrupt.agency (code),
    starts_on       date NOT NULL,
    ends_on         date NULL,
    mappa_category  smallint NULL CHECK (mappa_category BETWEEN 1 AND 3),
    mappa_level     smallint NULL CHECK (mappa_level BETWEEN 1 AND 3),
    iom_cohort      text NULL CHECK (iom_cohort IN ('fixed', 'flex', 'free')),
    licence_ends_on date NULL,
    next_review_on  date NULL,
    contact         text NULL,
    agency          text NOT NULL,
    sensitivity     text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by      text NOT NULL DEFAULT session_user,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NULL,
    updated_at      timestamptz NULL,
    CHECK (ends_on >= starts_on),
    CONSTRAINT forum_link_mappa_only CHECK (forum = 'mappa' OR (mappa_category IS NULL AND mappa_level IS NULL)),
    CONSTRAINT forum_link_iom_only CHECK (forum = 'iom' OR iom_cohort IS NULL)
);
CREATE INDEX forum_link_person_date_idx ON disrupt.forum_link (person_id, starts_on);
CREATE INDEX forum_link_lead_agency_idx ON disrupt.forum_link (lead_agency);
CREATE INDEX forum_link_agency_idx ON disrupt.forum_link (agency);
CREATE INDEX forum_link_review_idx ON disrupt.forum_link (next_review_on) WHERE status <> 'closed';
CREATE INDEX forum_link_licence_idx ON disrupt.forum_link (licence_ends_on) WHERE status <> 'closed';
-- the reminder sweep's mappa_review reminders
CREATE INDEX forum_link_mappa3_licence_ends ON disrupt.forum_link (licence_ends_on)
    WHERE forum = 'mappa' AND mappa_category = 3 AND status = 'active';

-- ---------------------------------------------------------------------------
-- Referrals (Marac): criterion, DASH score 0..27.
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.referral (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_ref    text NOT NULL UNIQUE CHECK (btrim(source_ref) <> ''),
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    party_id      bigint NULL REFERENCES disrupt.party (id),
    referred_on   date NOT NULL,
    criterion     text NOT NULL CHECK (criterion IN ('visible_high_risk', 'professional_judgement', 'escalation', 'repeat')),
    dash_score    smallint NULL CHECK (dash_score BETWEEN 0 AND 27),
    note          text NULL,
    agency        text NOT NULL,
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by    text NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NULL,
    updated_at    timestamptz NULL
);
CREATE INDEX referral_person_date_idx ON disrupt.referral (person_id, referred_on);
CREATE INDEX referral_party_idx ON disrupt.referral (party_id);
CREATE INDEX referral_agency_idx ON disrupt.referral (agency);

-- The record tables' agency is checked against the product's fixed list of agencies
-- (DisruptCore Agency = the rows of disrupt.agency, which keeps the labels) by a CHECK,
-- not a foreign key: an FK costs a per-row RI lookup on every imported row (about 5 s
-- per million markers).  The list is read from disrupt.agency here, so it has one
-- source; the agency_codes_fixed trigger (definitions/record.sql) stops a code being
-- renamed or removed under them.
DO $do$
DECLARE t text; codes text;
BEGIN
    SELECT string_agg(quote_literal(code), ', ' ORDER BY code) INTO codes FROM disrupt.agency;
    FOREACH t IN ARRAY ARRAY['person', 'alias', 'party', 'relationship', 'incident', 'marker',
                             'court_order', 'breach', 'forum_link', 'referral'] LOOP
        EXECUTE format('ALTER TABLE disrupt.%I ADD CONSTRAINT %I CHECK (agency IN (%s))', t, t || '_agency_check', codes);
    END LOOP;
END
$do$;

-- ---------------------------------------------------------------------------
-- person_dirty: who needs a risk recompute.  Filled in the same transaction by
-- set-based statement triggers (transition tables), one INSERT per statement.
-- The recompute reads and deletes from it.
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.person_dirty (
    person_id bigint PRIMARY KEY REFERENCES disrupt.person (id) ON DELETE CASCADE,
    marked_at timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------
-- References for records entered by hand (disrupt person add, marker add, ...):
-- one sequence per kind, read by disrupt.next_ref(kind).
-- ---------------------------------------------------------------------------
CREATE SEQUENCE disrupt.person_ref_seq;
CREATE SEQUENCE disrupt.incident_ref_seq;
CREATE SEQUENCE disrupt.marker_ref_seq;
CREATE SEQUENCE disrupt.order_ref_seq;
CREATE SEQUENCE disrupt.breach_ref_seq;
CREATE SEQUENCE disrupt.link_ref_seq;
CREATE SEQUENCE disrupt.referral_ref_seq;

-- ===========================================================================
-- Security: the audit log (DPA 2018 s.62), append-only
-- ===========================================================================
CREATE TABLE disrupt.audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    login        text NOT NULL DEFAULT session_user,
    agency       text NULL,              -- the acting login's agency at the time
    operation    text NOT NULL CHECK (operation IN ('collect', 'alter', 'consult', 'disclose', 'combine', 'erase')),
    object_table text NOT NULL,
    object_key   text NULL,              -- the row's id (staff: login)
    person_id    bigint NULL,            -- person concerned (no FK: the log outlives erasure)
    purpose      text NULL,
    recipient    text NULL,
    before       jsonb NULL,
    after        jsonb NULL,
    detail       jsonb NULL              -- consult/disclose: what was shown
);
CREATE INDEX audit_log_person_idx ON disrupt.audit_log (person_id, at);
CREATE INDEX audit_log_login_idx ON disrupt.audit_log (login, at);
CREATE INDEX audit_log_at_idx ON disrupt.audit_log (at);

-- ===========================================================================
-- Plans: disruption plans, their actions and the actions' history
-- ===========================================================================
CREATE TABLE disrupt.plan (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    spoc_login    text NOT NULL REFERENCES disrupt.staff (login),
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    review_on     date,
    opened_at     timestamptz NOT NULL DEFAULT now(),
    opened_by     text NOT NULL,
    closed_at     timestamptz,
    closed_by     text,
    close_reason  text,
    version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- the SPOC's agency, kept in step by plan_open / plan_update (used for RLS and display)
    agency        text NOT NULL REFERENCES disrupt.agency (code),
    sensitivity   text NOT NULL DEFAULT 'shared' CHECK (sensitivity = 'shared'),
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_by    text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT plan_closed_consistent CHECK (
        (status = 'open' AND closed_at IS NULL AND close_reason IS NULL)
        OR (status = 'closed' AND closed_at IS NOT NULL AND nullif(btrim(close_reason), '') IS NOT NULL))
);
COMMENT ON TABLE disrupt.plan IS 'Disruption plan for one perpetrator, owned by a SPOC. At most one open plan per person.';

CREATE UNIQUE INDEX plan_one_open_per_person ON disrupt.plan (person_id) WHERE status = 'open';
CREATE INDEX plan_open_review_on ON disrupt.plan (review_on) WHERE status = 'open';
CREATE INDEX plan_open_spoc ON disrupt.plan (spoc_login) WHERE status = 'open';
CREATE INDEX plan_person ON disrupt.plan (person_id);

CREATE TABLE disrupt.action (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id            bigint NOT NULL REFERENCES disrupt.plan (id),
    heading            text NOT NULL CHECK (heading IN ('prosecute', 'disrupt', 'divert', 'manage')),
    tactic             text NOT NULL CHECK (btrim(tactic) <> ''),  -- code from Config/tactics.json (validated by the app)
    agency             text NOT NULL REFERENCES disrupt.agency (code),
    owner_login        text REFERENCES disrupt.staff (login),
    due_on             date NOT NULL,
    status             text NOT NULL DEFAULT 'open'
                       CHECK (status IN ('open', 'in_progress', 'done', 'cancelled', 'blocked')),
    outcome            text,
    note               text,
    needs_safety_check boolean NOT NULL DEFAULT false,
    safety_checked_by  text REFERENCES disrupt.staff (login),
    safety_checked_at  timestamptz,
    version            integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    sensitivity        text NOT NULL DEFAULT 'shared' CHECK (sensitivity = 'shared'),
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_by         text NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT action_done_has_outcome CHECK (status <> 'done' OR nullif(btrim(outcome), '') IS NOT NULL),
    CONSTRAINT action_safety_check_pair CHECK ((safety_checked_by IS NULL) = (safety_checked_at IS NULL)),
    -- belt and braces behind action_transition: nothing needing a check runs without one
    CONSTRAINT action_started_only_when_safe CHECK (
        status NOT IN ('in_progress', 'done') OR NOT needs_safety_check OR safety_checked_by IS NOT NULL)
);
COMMENT ON TABLE disrupt.action IS 'An action in a disruption plan, owned by an agency (and optionally a named person).';

CREATE INDEX action_plan ON disrupt.action (plan_id);
-- the reminder sweep reads live actions by due date only: keep this index small and partial
CREATE INDEX action_live_due_on ON disrupt.action (due_on) WHERE status IN ('open', 'in_progress');
CREATE INDEX action_live_owner ON disrupt.action (owner_login) WHERE status IN ('open', 'in_progress', 'blocked');
CREATE INDEX action_live_agency ON disrupt.action (agency, due_on) WHERE status IN ('open', 'in_progress', 'blocked');

CREATE TABLE disrupt.action_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action_id    bigint NOT NULL REFERENCES disrupt.action (id),
    at           timestamptz NOT NULL DEFAULT now(),
    login        text NOT NULL,
    change       text NOT NULL CHECK (change IN ('created', 'start', 'done', 'cancel', 'block',
                                                  'reassign', 'extend', 'safety_check')),
    from_status  text,
    to_status    text,
    from_value   text,
    to_value     text,
    reason       text
);
COMMENT ON TABLE disrupt.action_history IS 'One row per change to an action (append-only; written by the action functions).';
CREATE INDEX action_history_action ON disrupt.action_history (action_id, at);

-- ===========================================================================
-- Reminders: the outbox
-- ===========================================================================
-- The outbox key is UNIQUE (kind, subject_table, subject_id, due_on, recipient_login): every
-- insert is INSERT ... ON CONFLICT DO NOTHING, so sweeps are idempotent and two services
-- sweeping at once never create a reminder twice.
CREATE TABLE disrupt.reminder (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'escalation', 'plan_review',
                                                    'order_ending', 'mappa_review', 'breach_reported',
                                                    'new_incident')),
    recipient_login   text NOT NULL REFERENCES disrupt.staff (login),
    person_id         bigint REFERENCES disrupt.person (id),
    subject_table     text NOT NULL,
    subject_id        bigint NOT NULL,
    due_on            date NOT NULL,
    message           text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    acked_at          timestamptz,
    delivered_at      timestamptz,
    delivery_attempts integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    last_error        text,
    CONSTRAINT reminder_key UNIQUE (kind, subject_table, subject_id, due_on, recipient_login)
);
COMMENT ON TABLE disrupt.reminder IS 'Reminder outbox. One row per (kind, subject, date, recipient); never deleted by the service.';

CREATE INDEX reminder_unacked_by_recipient ON disrupt.reminder (recipient_login, due_on) WHERE acked_at IS NULL;
CREATE INDEX reminder_by_recipient ON disrupt.reminder (recipient_login, created_at);
CREATE INDEX reminder_awaiting_delivery ON disrupt.reminder (next_attempt_at, id)
    WHERE delivered_at IS NULL AND acked_at IS NULL;

-- ===========================================================================
-- Risk: stored scores for ranking, and their history
-- ===========================================================================
-- The rules run in Swift (DisruptCore); `disrupt recompute` writes their results here.
--
-- risk_current   one row per live person: the latest score, band, RFG terms and flags,
--                as of one day.  Used only to rank.  Computed by an administrator from
--                ALL records (restricted ones too), so every active staff member who can
--                see the person sees the same number.  It holds no evidence and no record
--                references: only numbers, the band, the flags and the fired trigger codes.
-- risk_assessment history, for audit and reproducibility: a row is added only when a
--                person's score, band, trigger codes, flags or RFG terms change.  It holds
--                the evidence references, so only administrators may read it.
--
-- What a caller sees with its evidence (`disrupt triggers`) is computed live from the
-- records the caller's row-level security lets it read, never from these tables.

CREATE TABLE disrupt.risk_current (
    person_id          bigint PRIMARY KEY REFERENCES disrupt.person (id) ON DELETE CASCADE,
    as_of              date NOT NULL,
    computed_at        timestamptz NOT NULL DEFAULT now(),
    score              integer NOT NULL,
    band               text NOT NULL CHECK (band IN ('standard', 'medium', 'high', 'very_high')),
    trigger_codes      text[] NOT NULL DEFAULT '{}',
    rfg_recency        integer NOT NULL,
    rfg_frequency      integer NOT NULL,
    rfg_gravity        integer NOT NULL,
    rfg_victims        integer NOT NULL,
    rfg_total          integer NOT NULL,
    victims            integer NOT NULL,
    latest_incident_on date NULL,
    serial             boolean NOT NULL,
    escalating         boolean NOT NULL,
    is_repeat          boolean NOT NULL,
    model_version      text NOT NULL,
    rfg_version        text NOT NULL
);
-- rank --by rfg / --by risk: the leading keys of each order (ties on all three fall back
-- to person_ref, resolved by an incremental sort over the few tied rows)
CREATE INDEX risk_current_rfg_idx
    ON disrupt.risk_current (rfg_total DESC, rfg_gravity DESC, latest_incident_on DESC NULLS LAST);
CREATE INDEX risk_current_score_idx
    ON disrupt.risk_current (score DESC, rfg_gravity DESC, latest_incident_on DESC NULLS LAST);
CREATE INDEX risk_current_as_of_idx ON disrupt.risk_current (as_of);

CREATE TABLE disrupt.risk_assessment (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id         bigint NOT NULL REFERENCES disrupt.person (id) ON DELETE CASCADE,
    as_of             date NOT NULL,
    computed_at       timestamptz NOT NULL DEFAULT now(),
    -- when the inputs last changed (person_dirty.marked_at), NULL when recomputed for another reason
    inputs_changed_at timestamptz NULL,
    model_version     text NOT NULL,
    score             integer NOT NULL,
    band              text NOT NULL CHECK (band IN ('standard', 'medium', 'high', 'very_high')),
    triggers          jsonb NOT NULL,   -- [{code, weight, reason, evidence: [{kind, ref, on}]}]
    flags             jsonb NOT NULL,   -- {serial, escalating, repeat}
    rfg               jsonb NOT NULL,   -- {recency, frequency, gravity, victims, total}
    rfg_version       text NOT NULL,
    serial            boolean NOT NULL,
    escalating        boolean NOT NULL,
    is_repeat         boolean NOT NULL
);
CREATE INDEX risk_assessment_person_idx ON disrupt.risk_assessment (person_id, as_of);

-- ===========================================================================
-- Row-level security: on, and forced (policies are in SQL/definitions/)
-- ===========================================================================
DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['staff', 'person', 'alias', 'party', 'relationship', 'incident', 'marker',
                             'court_order', 'breach', 'forum_link', 'referral', 'audit_log',
                             'plan', 'action', 'action_history', 'reminder', 'risk_current', 'risk_assessment'] LOOP
        EXECUTE format('ALTER TABLE disrupt.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE disrupt.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$do$;

-- 002_record.sql: the perpetrator record.
--
-- Lookup tables (seeded), staff, people and everything known about them, the
-- person_dirty queue for the risk recompute, and merge_person.
-- Roles, row-level security, grants, audit and ownership come in 004_security.sql
-- (which also hands every object here to disrupt_owner).
--
-- Conventions
--   * every personal-data table carries the provenance columns
--       agency (owning/source agency), sensitivity (shared|restricted),
--       created_by, created_at, updated_by, updated_at
--     updated_* are set by disrupt.touch() on UPDATE (created_* cannot be changed).
--   * small fixed sets are text columns with CHECK constraints (no enums), so the
--     import functions can report a bad code as a row reject, not an error.
--   * dates: every "end" is >= its "start".

-- ---------------------------------------------------------------------------
-- Accent- and case-folding for name search.
-- unaccent ships with Debian's postgresql package (contrib); fall back to a
-- translate() table when it is not installed.
-- ---------------------------------------------------------------------------
DO $do$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'unaccent') THEN
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA disrupt;
        -- two-argument form with an explicit dictionary: safe to call IMMUTABLE
        EXECUTE $f$
            CREATE OR REPLACE FUNCTION disrupt.fold(t text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT pg_catalog.lower(disrupt.unaccent(''disrupt.unaccent''::regdictionary, $1))'
        $f$;
    ELSE
        EXECUTE $f$
            CREATE OR REPLACE FUNCTION disrupt.fold(t text) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $b$SELECT pg_catalog.lower(pg_catalog.translate($1,
                'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÝýÿ',
                'AAAAAAaaaaaaCcEEEEeeeeIIIIiiiiNnOOOOOOooooooUUUUuuuuYyy'))$b$
        $f$;
    END IF;
END
$do$;
COMMENT ON FUNCTION disrupt.fold(text) IS 'lower(unaccent(t)): case- and accent-insensitive name matching';

-- ---------------------------------------------------------------------------
-- Safe parsers (never throw): used by the importers.
-- try_date accepts YYYY-MM-DD only (years 1000-9999) and checks the day against
-- the month (leap years included) with integer arithmetic, so make_date cannot
-- fail: no EXCEPTION block / subtransaction per row.  Its body is immutable
-- (make_date, not the STABLE text::date cast), so the planner inlines it.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.try_date(t text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN t ~ '^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
         AND substr(t, 9, 2)::int <=
             CASE substr(t, 6, 2)::int
                 WHEN 2 THEN CASE WHEN (substr(t, 1, 4)::int % 4 = 0 AND substr(t, 1, 4)::int % 100 <> 0)
                                    OR substr(t, 1, 4)::int % 400 = 0 THEN 29 ELSE 28 END
                 WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30
                 ELSE 31
             END
        THEN make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, substr(t, 9, 2)::int)
    END
$$;
COMMENT ON FUNCTION disrupt.try_date(text) IS 'YYYY-MM-DD -> date, NULL if not a real calendar date (never raises)';

CREATE OR REPLACE FUNCTION disrupt.try_int(t text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN t ~ '^[+-]?[0-9]{1,9}$' THEN t::integer END $$;
COMMENT ON FUNCTION disrupt.try_int(text) IS 'integer text -> int, NULL if not an integer (never raises)';

CREATE OR REPLACE FUNCTION disrupt.try_bool(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE lower(t)
        WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true WHEN '1' THEN true
        WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false WHEN 'n' THEN false WHEN '0' THEN false
    END
$$;
COMMENT ON FUNCTION disrupt.try_bool(text) IS 'true/false/yes/no/y/n/t/f/1/0 -> boolean, NULL otherwise (never raises)';

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
-- disrupt.staff_add / disrupt.staff_disable (004).
-- ---------------------------------------------------------------------------
CREATE TABLE disrupt.staff (
    login       text PRIMARY KEY CHECK (length(login) BETWEEN 1 AND 63),
    full_name   text NOT NULL CHECK (btrim(full_name) <> ''),
    agency      text NOT NULL REFERENCES disrupt.agency (code),
    role        text NOT NULL CHECK (role IN ('rep', 'spoc', 'chair', 'coordinator', 'idva', 'admin')),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz NULL,
    CHECK (active OR disabled_at IS NOT NULL)
);
CREATE INDEX staff_agency_idx ON disrupt.staff (agency);

-- ---------------------------------------------------------------------------
-- touch(): BEFORE UPDATE row trigger keeping the provenance columns honest.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.touch() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.created_by := OLD.created_by;
    NEW.created_at := OLD.created_at;
    NEW.updated_by := session_user;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

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
-- source; agency_codes_fixed below stops a code being renamed or removed under them.
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

CREATE OR REPLACE FUNCTION disrupt.agency_codes_fixed() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.code IS DISTINCT FROM OLD.code THEN
        RAISE EXCEPTION 'agency codes are fixed (records are checked against them); only labels may change'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER agency_codes_fixed BEFORE UPDATE OR DELETE ON disrupt.agency
    FOR EACH ROW EXECUTE FUNCTION disrupt.agency_codes_fixed();

-- touch triggers
DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['person', 'alias', 'party', 'relationship', 'incident', 'marker',
                             'court_order', 'breach', 'forum_link', 'referral'] LOOP
        EXECUTE format('CREATE TRIGGER touch BEFORE UPDATE ON disrupt.%I FOR EACH ROW EXECUTE FUNCTION disrupt.touch()', t);
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

-- SECURITY DEFINER (owned by disrupt_owner after 004) so staff need no privilege
-- on person_dirty to write the tables that feed it.
CREATE OR REPLACE FUNCTION disrupt.dirty_after_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT DISTINCT n.person_id FROM new_rows n
    ON CONFLICT (person_id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.dirty_after_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT n.person_id FROM new_rows n
    UNION
    SELECT o.person_id FROM old_rows o
    ON CONFLICT (person_id) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.dirty_after_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    -- a person deleted in the same statement is gone: skip it (FK)
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT DISTINCT o.person_id FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = o.person_id)
    ON CONFLICT (person_id) DO NOTHING;
    RETURN NULL;
END
$$;

-- attach_dirty(tbl): the three statement triggers on a table with a person_id column.
CREATE OR REPLACE FUNCTION disrupt.attach_dirty(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, disrupt
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'dirty_ins') THEN EXECUTE format('DROP TRIGGER dirty_ins ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'dirty_upd') THEN EXECUTE format('DROP TRIGGER dirty_upd ON %s', tbl); END IF;
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'dirty_del') THEN EXECUTE format('DROP TRIGGER dirty_del ON %s', tbl); END IF;
    EXECUTE format('CREATE TRIGGER dirty_ins AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.dirty_after_insert()', tbl);
    EXECUTE format('CREATE TRIGGER dirty_upd AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.dirty_after_update()', tbl);
    EXECUTE format('CREATE TRIGGER dirty_del AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows '
                   'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.dirty_after_delete()', tbl);
END
$$;

SELECT disrupt.attach_dirty(t::regclass)
FROM unnest(ARRAY['disrupt.incident', 'disrupt.marker', 'disrupt.court_order', 'disrupt.breach',
                  'disrupt.forum_link', 'disrupt.referral', 'disrupt.relationship']) AS t;

-- ---------------------------------------------------------------------------
-- merge_person(keep_ref, absorb_ref) -> keep's id
--   Moves every row of absorb to keep.  absorb's own name and date of birth become
--   an alias of keep; alias and relationship duplicates are folded (relationship
--   periods widened, has_contact OR-ed) so nothing is lost; keep's missing
--   pnc_id / given_name / date_of_birth / gender are filled from absorb; people
--   already merged into absorb are re-pointed at keep.  absorb keeps its row with
--   merged_into = keep (lookups filter merged_into IS NULL).
--   SECURITY DEFINER: it must move other agencies' rows too.  Allowed to active
--   staff who can see both people (shared, own agency, or admin).  Logged as a
--   'combine' audit row (the moved rows are also logged as 'alter').
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.merge_person(keep_ref text, absorb_ref text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt
AS $$
DECLARE
    k disrupt.person;
    a disrupt.person;
    v_agency text := disrupt.caller_agency();
    v_admin  boolean := disrupt.is_admin();
BEGIN
    IF NOT disrupt.is_active_staff() THEN
        RAISE EXCEPTION 'merge_person: % is not active staff', session_user USING ERRCODE = '42501';
    END IF;
    IF keep_ref IS NULL OR absorb_ref IS NULL OR keep_ref = absorb_ref THEN
        RAISE EXCEPTION 'merge_person: two different person refs are required' USING ERRCODE = '22023';
    END IF;
    -- lock both rows in a stable order (no deadlock between concurrent merges)
    PERFORM 1 FROM disrupt.person WHERE person_ref IN (keep_ref, absorb_ref) ORDER BY id FOR UPDATE;
    SELECT * INTO k FROM disrupt.person WHERE person_ref = keep_ref;
    SELECT * INTO a FROM disrupt.person WHERE person_ref = absorb_ref;
    IF k.id IS NULL OR NOT (v_admin OR k.sensitivity = 'shared' OR k.agency = v_agency) THEN
        RAISE EXCEPTION 'merge_person: person_ref % not found', keep_ref USING ERRCODE = 'P0002';
    END IF;
    IF a.id IS NULL OR NOT (v_admin OR a.sensitivity = 'shared' OR a.agency = v_agency) THEN
        RAISE EXCEPTION 'merge_person: person_ref % not found', absorb_ref USING ERRCODE = 'P0002';
    END IF;
    IF k.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'merge_person: % was itself merged into person id %', keep_ref, k.merged_into USING ERRCODE = '22023';
    END IF;
    IF a.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'merge_person: % was already merged into person id %', absorb_ref, a.merged_into USING ERRCODE = '22023';
    END IF;

    -- aliases: absorb's own name, then absorb's aliases (duplicates of keep's are dropped)
    INSERT INTO disrupt.alias (person_id, alias_name, date_of_birth, agency, sensitivity)
    VALUES (k.id, concat_ws(' ', a.given_name, a.family_name), a.date_of_birth, a.agency, a.sensitivity)
    ON CONFLICT ON CONSTRAINT alias_person_name_dob_key DO NOTHING;
    UPDATE disrupt.alias x SET person_id = k.id
    WHERE x.person_id = a.id
      AND NOT EXISTS (SELECT 1 FROM disrupt.alias y
                      WHERE y.person_id = k.id AND y.alias_name = x.alias_name
                        AND y.date_of_birth IS NOT DISTINCT FROM x.date_of_birth);
    DELETE FROM disrupt.alias WHERE person_id = a.id;

    -- relationships: fold duplicates into keep's row, move the rest
    UPDATE disrupt.relationship r
    SET from_on = LEAST(r.from_on, x.from_on),
        to_on = CASE WHEN r.to_on IS NULL OR x.to_on IS NULL THEN NULL ELSE GREATEST(r.to_on, x.to_on) END,
        has_contact = CASE WHEN r.has_contact OR x.has_contact THEN true
                           WHEN r.has_contact IS NULL OR x.has_contact IS NULL THEN NULL ELSE false END
    FROM disrupt.relationship x
    WHERE r.person_id = k.id AND x.person_id = a.id
      AND x.party_id = r.party_id AND x.relationship = r.relationship;
    DELETE FROM disrupt.relationship x
    WHERE x.person_id = a.id
      AND EXISTS (SELECT 1 FROM disrupt.relationship r
                  WHERE r.person_id = k.id AND r.party_id = x.party_id AND r.relationship = x.relationship);
    UPDATE disrupt.relationship SET person_id = k.id WHERE person_id = a.id;

    UPDATE disrupt.incident    SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.marker      SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.court_order SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.breach      SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.forum_link  SET person_id = k.id WHERE person_id = a.id;
    UPDATE disrupt.referral    SET person_id = k.id WHERE person_id = a.id;

    -- earlier merges into absorb now point at keep
    UPDATE disrupt.person SET merged_into = k.id WHERE merged_into = a.id;

    -- absorb is retired; its PNC moves to keep when keep has none
    UPDATE disrupt.person SET merged_into = k.id,
           pnc_id = CASE WHEN k.pnc_id IS NULL THEN NULL ELSE pnc_id END
    WHERE id = a.id;
    UPDATE disrupt.person SET
        pnc_id        = COALESCE(pnc_id, a.pnc_id),
        given_name    = COALESCE(given_name, a.given_name),
        date_of_birth = COALESCE(date_of_birth, a.date_of_birth),
        gender        = CASE WHEN gender IS NULL OR gender = 'unknown' THEN COALESCE(a.gender, gender) ELSE gender END
    WHERE id = k.id;

    INSERT INTO disrupt.person_dirty (person_id) VALUES (k.id) ON CONFLICT (person_id) DO NOTHING;
    DELETE FROM disrupt.person_dirty WHERE person_id = a.id;

    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, before, after)
    VALUES (v_agency, 'combine', 'person', k.id::text, k.id,
            jsonb_build_object('absorbed', to_jsonb(a)),
            jsonb_build_object('keep_ref', k.person_ref, 'absorb_ref', a.person_ref, 'absorb_id', a.id));
    RETURN k.id;
END
$$;

-- ---------------------------------------------------------------------------
-- refuse_merged_person(): a record never lands on a person merged away.
--   merge_person locks both people (FOR UPDATE) before it moves their rows, and an
--   insert's foreign-key check (FOR KEY SHARE) waits for that lock.  A record inserted
--   while the merge runs is therefore checked only after the merge has committed; this
--   AFTER INSERT statement trigger, which runs after the foreign-key checks with a fresh
--   snapshot, then sees merged_into and refuses the statement (DR409) instead of
--   leaving the record on the retired person where the survivor would never show it.
--   One join per statement over the transition table (shared with the other statement
--   triggers) against the few merged people: no per-row trigger on the import path.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.refuse_merged_person() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE absorbed text; survivor text;
BEGIN
    SELECT m.person_ref, s.person_ref INTO absorbed, survivor
      FROM new_rows n
      JOIN disrupt.person m ON m.id = n.person_id AND m.merged_into IS NOT NULL
      JOIN disrupt.person s ON s.id = m.merged_into
     LIMIT 1;
    IF absorbed IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'DR409',
            MESSAGE = format('person %s was merged into %s: nothing was recorded', absorbed, survivor),
            HINT = format('Record it for %s.', survivor);
    END IF;
    RETURN NULL;
END
$$;

DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['alias', 'relationship', 'incident', 'marker', 'court_order', 'breach',
                             'forum_link', 'referral'] LOOP
        EXECUTE format('CREATE TRIGGER refuse_merged_person AFTER INSERT ON disrupt.%I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION disrupt.refuse_merged_person()', t);
    END LOOP;
END
$do$;

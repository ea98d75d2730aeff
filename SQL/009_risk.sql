-- 009_risk.sql: stored risk scores for ranking, and their history.
--
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

-- ---------------------------------------------------------------------------
-- person_dirty: a change to a person already queued now refreshes marked_at (DO UPDATE
-- instead of DO NOTHING).  Besides keeping marked_at = the latest input change, the
-- update takes a row lock, so a recompute that deletes the queue row waits for a writer
-- that is still in flight and then reads its committed records: a change can no longer
-- slip between the recompute's read and its delete.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.dirty_after_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT DISTINCT n.person_id FROM new_rows n
    ON CONFLICT (person_id) DO UPDATE SET marked_at = now();
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.dirty_after_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT n.person_id FROM new_rows n
    UNION
    SELECT o.person_id FROM old_rows o
    ON CONFLICT (person_id) DO UPDATE SET marked_at = now();
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION disrupt.dirty_after_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    INSERT INTO disrupt.person_dirty (person_id)
    SELECT DISTINCT o.person_id FROM old_rows o
    WHERE EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = o.person_id)
    ON CONFLICT (person_id) DO UPDATE SET marked_at = now();
    RETURN NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- Row-level security
--   risk_current:    read by active staff for the people they can see (the person's own
--                    policy applies inside the EXISTS); written by administrators (the
--                    recompute).
--   risk_assessment: administrators only.
-- ---------------------------------------------------------------------------
ALTER TABLE disrupt.risk_current ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.risk_current FORCE ROW LEVEL SECURITY;
CREATE POLICY staff_read ON disrupt.risk_current FOR SELECT
    USING ((SELECT disrupt.is_active_staff())
           AND EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = risk_current.person_id));
CREATE POLICY admin_write ON disrupt.risk_current FOR ALL
    USING ((SELECT disrupt.is_admin())) WITH CHECK ((SELECT disrupt.is_admin()));
CREATE POLICY owner_all ON disrupt.risk_current TO disrupt_owner USING (true) WITH CHECK (true);

ALTER TABLE disrupt.risk_assessment ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.risk_assessment FORCE ROW LEVEL SECURITY;
CREATE POLICY admin_all ON disrupt.risk_assessment FOR ALL
    USING ((SELECT disrupt.is_admin())) WITH CHECK ((SELECT disrupt.is_admin()));
CREATE POLICY owner_all ON disrupt.risk_assessment TO disrupt_owner USING (true) WITH CHECK (true);

SELECT disrupt.hand_to_owner();

GRANT SELECT ON disrupt.risk_current TO disrupt_staff;
GRANT INSERT, UPDATE, DELETE ON disrupt.risk_current TO disrupt_admin;
GRANT SELECT, INSERT ON disrupt.risk_assessment TO disrupt_admin;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA disrupt TO disrupt_staff;


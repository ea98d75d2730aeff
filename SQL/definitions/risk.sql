-- risk.sql: who may read and write the stored risk scores (tables in the baseline migration).
--
-- The rules run in Swift (DisruptCore); `disrupt recompute` writes their results.
-- risk_current holds no evidence (only numbers, band, flags and trigger codes) and is read by
-- every active staff member who can see the person (with an open consultation); so it is
-- computed only from what every staff member may read: the shared records of the person
-- (RiskRecompute/FactsLoader, sharedOnly). A restricted record never moves a stored score,
-- band, flag or trigger code; the live `triggers` and `summary` score what the caller sees.
-- risk_assessment holds the evidence references, so only administrators may read it.

-- ---------------------------------------------------------------------------
-- Row-level security
--   risk_current:    read by consulting staff (administrators too) for the people they can
--                    see (the person's own policy applies inside the EXISTS); written by
--                    administrators (the recompute, which consults first). The write policies
--                    are for INSERT, UPDATE and DELETE only: one FOR ALL also served SELECT,
--                    so an administrator read without a consultation, and its is_admin()
--                    initplan ran only when a hidden person's row reached it (helper-89).
--   risk_assessment: administrators only, and read only inside a consultation like every
--                    read of personal data (its FOR ALL policy let an administrator read the
--                    evidence of every score without one).
-- Who is an administrator is read_scope(false) = '*', answered while the statement is planned
-- (security.sql), like every read policy's question.
-- ---------------------------------------------------------------------------
CREATE POLICY risk_current_read ON disrupt.risk_current FOR SELECT
    USING (disrupt.not_explaining() AND disrupt.read_scope(true) IS NOT NULL
           AND EXISTS (SELECT 1 FROM disrupt.person p WHERE p.id = risk_current.person_id));
CREATE POLICY admin_insert ON disrupt.risk_current FOR INSERT
    WITH CHECK (disrupt.not_explaining() AND coalesce(disrupt.read_scope(false) = '*', false));
CREATE POLICY admin_update ON disrupt.risk_current FOR UPDATE
    USING (disrupt.not_explaining() AND coalesce(disrupt.read_scope(false) = '*', false))
    WITH CHECK (disrupt.not_explaining() AND coalesce(disrupt.read_scope(false) = '*', false));
CREATE POLICY admin_delete ON disrupt.risk_current FOR DELETE
    USING (disrupt.not_explaining() AND coalesce(disrupt.read_scope(false) = '*', false));
SELECT disrupt.attach_owner_policy('disrupt.risk_current');

CREATE POLICY admin_read ON disrupt.risk_assessment FOR SELECT
    USING (disrupt.not_explaining() AND coalesce(disrupt.read_scope(true) = '*', false));
CREATE POLICY admin_history_insert ON disrupt.risk_assessment FOR INSERT
    WITH CHECK (disrupt.not_explaining() AND coalesce(disrupt.read_scope(false) = '*', false));
SELECT disrupt.attach_owner_policy('disrupt.risk_assessment');

-- ---------------------------------------------------------------------------
-- Privileges (sequences: record.sql)
-- ---------------------------------------------------------------------------
SELECT disrupt.grant_read('{disrupt_staff}', 'disrupt.risk_current');
GRANT INSERT, UPDATE, DELETE ON disrupt.risk_current TO disrupt_admin;
GRANT INSERT ON disrupt.risk_assessment TO disrupt_admin;
SELECT disrupt.grant_read('{disrupt_admin}', 'disrupt.risk_assessment');

-- ---------------------------------------------------------------------------
-- The recompute's batch table: each connection's pg_temp.risk_batch (RiskRecompute.swift), the
-- results of one batch that differ from the stored rows, COPYed in and merged into risk_current
-- and risk_assessment. Staff
-- may run no schema command (migration 0026, SchemaChangeGuard.swift): disrupt_stager makes it
-- for an administrator's session, and her login may fill and read it. Emptied at each commit.
-- The evidence columns (triggers, flags, rfg) are text: only the rows that become history are
-- read as jsonb.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION disrupt.risk_batch_open() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
BEGIN
    IF NOT disrupt.is_admin() THEN
        RAISE EXCEPTION 'only an administrator can recompute stored risk scores' USING ERRCODE = '42501';
    END IF;
    IF pg_catalog.to_regclass('pg_temp.risk_batch') IS NULL THEN
        CREATE TEMP TABLE risk_batch (
            person_id bigint, as_of date, inputs_changed_at timestamptz, score int, band text,
            trigger_codes text[], rfg_recency int, rfg_frequency int, rfg_gravity int, rfg_victims int,
            rfg_total int, victims int, latest_incident_on date, serial bool, escalating bool, is_repeat bool,
            model_version text, rfg_version text, triggers text, flags text, rfg text
        ) ON COMMIT DELETE ROWS;
        EXECUTE format('GRANT SELECT, INSERT ON TABLE pg_temp.risk_batch TO %I', session_user);
    END IF;
END
$$;
SELECT disrupt.hand_to_owner();
ALTER FUNCTION disrupt.risk_batch_open() OWNER TO disrupt_stager;
REVOKE ALL ON FUNCTION disrupt.risk_batch_open() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disrupt.risk_batch_open() TO disrupt_staff;
GRANT EXECUTE ON FUNCTION disrupt.is_admin() TO disrupt_stager;

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

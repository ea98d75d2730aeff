-- 0013_alert_rules.sql: what the alert rules of issue 15 need beyond 0009.
--
-- Days. disrupt.day_of(t): the product's day of an instant, the civil date in UTC, whatever
-- TimeZone the session has set (the binary's sessions set UTC; a psql user may set another, and
-- current_date or a ::date cast would then give other days). reminder.shown_on defaults to the
-- day of now(); the definitions build today() and day_start() on it (foundation.sql). It lives
-- here, not in a definition file, because a column default depends on it.
--
-- Restricted alerts. reminder.restricted_agency becomes the SET of agencies whose restricted
-- records are the alert's evidence (sorted, distinct; NULL: every record shared). `disrupt
-- alerts` lists an alert only to a caller who may see every piece of its evidence: an
-- administrator, or staff of the one agency in the set. (One agency, chosen by min(), was
-- wrong when restricted records of two agencies were the evidence.)
--
-- Addresses are restricted-grade personal data. court_order.protected_address and
-- incident.address (0009) may only be held on a restricted row, seen by its own agency and
-- administrators only (the row-level security every restricted record has). Rows that hold one
-- already become restricted here, before the CHECK is added.

CREATE FUNCTION disrupt.day_of(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (t AT TIME ZONE 'UTC')::date
$$;
COMMENT ON FUNCTION disrupt.day_of(timestamptz) IS 'The product''s day of an instant: its UTC date, whatever the session''s TimeZone.';

ALTER TABLE disrupt.reminder ALTER COLUMN shown_on SET DEFAULT disrupt.day_of(now());

ALTER TABLE disrupt.reminder DROP CONSTRAINT reminder_restricted_agency_fkey;
ALTER TABLE disrupt.reminder
    ALTER COLUMN restricted_agency TYPE text[] USING CASE WHEN restricted_agency IS NULL THEN NULL ELSE ARRAY[restricted_agency] END,
    ADD CONSTRAINT reminder_restricted_agency_nonempty CHECK (cardinality(restricted_agency) > 0);
COMMENT ON COLUMN disrupt.reminder.restricted_agency IS
    'The agencies whose restricted records are the alert''s evidence (NULL: all shared); listed only to whom may see them all.';

UPDATE disrupt.court_order SET sensitivity = 'restricted' WHERE protected_address IS NOT NULL AND sensitivity <> 'restricted';
UPDATE disrupt.incident SET sensitivity = 'restricted' WHERE address IS NOT NULL AND sensitivity <> 'restricted';
ALTER TABLE disrupt.court_order
    ADD CONSTRAINT court_order_address_restricted CHECK (protected_address IS NULL OR sensitivity = 'restricted');
ALTER TABLE disrupt.incident
    ADD CONSTRAINT incident_address_restricted CHECK (address IS NULL OR sensitivity = 'restricted');

-- 010_plans_extras.sql: wake the reminder service when plan data changes; let staff and
-- service logins check the migration state.
--
-- `disrupt serve` LISTENs on 'disrupt_reminder' (reminders just created, 006) and on
-- 'disrupt_changed' (this file): a new or changed action, plan, order or forum link may make a
-- reminder due today, so the service sweeps at once instead of waiting for its interval.
-- Statement-level: a bulk import sends one notification per statement, and PostgreSQL folds
-- identical notifications of one transaction into one. The payload is the table name only
-- (no ids, no personal data).

CREATE FUNCTION disrupt.notify_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_notify('disrupt_changed', TG_TABLE_NAME);
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION disrupt.notify_changed() FROM PUBLIC;

CREATE TRIGGER notify_changed AFTER INSERT OR UPDATE ON disrupt.action
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.notify_changed();
CREATE TRIGGER notify_changed AFTER INSERT OR UPDATE ON disrupt.plan
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.notify_changed();
CREATE TRIGGER notify_changed AFTER INSERT OR UPDATE ON disrupt.court_order
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.notify_changed();
CREATE TRIGGER notify_changed AFTER INSERT OR UPDATE ON disrupt.forum_link
    FOR EACH STATEMENT EXECUTE FUNCTION disrupt.notify_changed();

-- everything above to disrupt_owner (004's convention; idempotent)
SELECT disrupt.hand_to_owner();

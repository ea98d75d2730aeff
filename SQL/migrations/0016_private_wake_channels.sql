-- 0016_private_wake_channels.sql: `disrupt serve` is woken on channels whose names only the
-- database and the service know.
--
-- The alert triggers and the sweep wake the service with NOTIFY. On the fixed channels
-- 'disrupt_reminder' and 'disrupt_changed' any login could LISTEN too, and every notification
-- carries the sending backend's process id, which pg_stat_activity maps to a login: a member of
-- staff learnt who wrote a record, and when, even a record hidden from her. Each database now
-- draws its own two names once, at random (122 random bits each); they are read only by the
-- database's own functions and by the service (disrupt.wake_channels(), definitions/reminders.sql).
-- No grant on this table: staff cannot read the names, and LISTEN on any other name hears nothing.
CREATE TABLE disrupt.wake_channel (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id),
    reminder text NOT NULL CHECK (reminder ~ '^disrupt_reminder_[0-9a-f]{32}$'),
    changed  text NOT NULL CHECK (changed ~ '^disrupt_changed_[0-9a-f]{32}$')
);
COMMENT ON TABLE disrupt.wake_channel IS
    'The LISTEN channels that wake disrupt serve: new reminders (reminder) and changed actions, plans, orders or links (changed); secret to the service.';
INSERT INTO disrupt.wake_channel (reminder, changed)
VALUES ('disrupt_reminder_' || replace(gen_random_uuid()::text, '-', ''),
        'disrupt_changed_' || replace(gen_random_uuid()::text, '-', ''));
REVOKE ALL ON disrupt.wake_channel FROM PUBLIC;
ALTER TABLE disrupt.wake_channel ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.wake_channel FORCE ROW LEVEL SECURITY;

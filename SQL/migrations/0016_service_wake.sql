-- 0016_service_wake.sql: `disrupt serve` is woken through a table that only the database's own
-- functions and the service read, not by NOTIFY; sweeps take turns on a lock no staff may take.
--
-- The alert triggers and the sweep used to wake the service with NOTIFY on fixed channels. Any
-- login may LISTEN to any channel, and every notification carries the sending backend's process
-- id, which pg_stat_activity maps to a login: a member of staff learnt who wrote a record, and
-- when, even a record hidden from her. A secret channel name does not help: the NOTIFY is sent
-- from the writer's own session, and `SET trace_notify = on` (a setting every login may change)
-- prints the channel's name to her. So each write that may make a reminder marks this table
-- instead (disrupt.reminder_wake: one row per writing backend, its pid, updated in place), and
-- the service takes the committed marks every 0.2 s (disrupt.service_wake_take; rows still
-- locked by a writer that has not committed are left for the next look). No grant: staff can
-- neither read nor write it.
CREATE TABLE disrupt.service_wake (
    woken_by integer PRIMARY KEY,
    woken_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE disrupt.service_wake IS
    'Marks that wake disrupt serve: a write by backend woken_by may have made a reminder or changed what one is due for; taken (deleted) by the service.';
REVOKE ALL ON disrupt.service_wake FROM PUBLIC;
ALTER TABLE disrupt.service_wake ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.service_wake FORCE ROW LEVEL SECURITY;

-- Sweeps take turns on a lock of this empty table (reminder_sweep: LOCK TABLE ... IN SHARE
-- UPDATE EXCLUSIVE MODE, which conflicts with itself only): two sweeps inserting the same outbox
-- keys in different orders could otherwise deadlock. It was an advisory lock with a fixed key,
-- which any login may take: a member of staff held it to stop every reminder for as long as she
-- liked, and polled it to see each sweep, so when a hidden record woke the service (helper-48).
-- No grant: no staff login may lock this table in any mode.
CREATE TABLE disrupt.sweep_turn ();
COMMENT ON TABLE disrupt.sweep_turn IS 'Empty: reminder sweeps take turns on its lock.';
REVOKE ALL ON disrupt.sweep_turn FROM PUBLIC;
ALTER TABLE disrupt.sweep_turn ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.sweep_turn FORCE ROW LEVEL SECURITY;

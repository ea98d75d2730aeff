-- 0016_service_wake.sql: `disrupt serve` is woken through a table that only the database's own
-- functions and the service read, not by NOTIFY; sweeps take turns on a lock no staff may take.
-- Both tables live in disrupt_private, a schema no other role may use: PostgreSQL locks a table
-- before it checks some privileges (COMMENT ON, CREATE TRIGGER), so a staff login could queue
-- behind, or probe, a lock on a table of the disrupt schema; on this schema's tables she is
-- refused before any lock is asked for (helper-50).
--
-- Waking. The alert triggers and the sweep used to NOTIFY fixed channels. Any login may LISTEN
-- to any channel, and every notification carries the sending backend's process id, which
-- pg_stat_activity mapped to a login: a member of staff learnt who wrote a record, and when,
-- even a record hidden from her. A secret channel name does not help: the NOTIFY is sent from the
-- writer's own session, and `SET trace_notify = on` prints its channel to her (helper-46). So
-- each write transaction that may make a reminder leaves one mark here instead
-- (disrupt.reminder_wake), visible once it commits, and the service takes the committed marks
-- every 0.2 s (disrupt.service_wake_take). A writer only ever inserts its own transaction's mark:
-- it never waits for, nor holds back, anyone else's.
--
-- Taking turns. Two sweeps inserting the same outbox keys in different orders could deadlock,
-- so sweeps take turns on a lock of sweep_turn (reminder_sweep). It was an advisory lock with a
-- fixed key, which any login may take: a member of staff held it to stop every reminder for as
-- long as she liked, and polled it to see each sweep, so when a hidden record woke the service
-- (helper-48).
CREATE SCHEMA disrupt_private;
REVOKE ALL ON SCHEMA disrupt_private FROM PUBLIC;

CREATE TABLE disrupt_private.service_wake (
    woken_in xid8 PRIMARY KEY,
    woken_by integer NOT NULL,
    woken_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
COMMENT ON TABLE disrupt_private.service_wake IS
    'Marks that wake disrupt serve: transaction woken_in of backend woken_by wrote something that may make a reminder or change one''s day; taken (deleted) by the service.';

CREATE TABLE disrupt_private.sweep_turn ();
COMMENT ON TABLE disrupt_private.sweep_turn IS 'Empty: reminder sweeps take turns on its lock.';

ALTER TABLE disrupt_private.service_wake ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt_private.service_wake FORCE ROW LEVEL SECURITY;
ALTER TABLE disrupt_private.sweep_turn ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt_private.sweep_turn FORCE ROW LEVEL SECURITY;
ALTER SCHEMA disrupt_private OWNER TO disrupt_owner;
ALTER TABLE disrupt_private.service_wake OWNER TO disrupt_owner;
ALTER TABLE disrupt_private.sweep_turn OWNER TO disrupt_owner;

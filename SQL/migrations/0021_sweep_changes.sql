-- 0021_sweep_changes.sql: the reminder sweep remembers the day it last swept and learns what
-- changed since, so a sweep later the same day reads only the rows that changed.
--
-- Every sweep read the whole backlog of the open-ended kinds (overdue and escalated actions,
-- plan reviews passed, MAPPA licence ends and link reviews passed) and probed the outbox key of
-- each candidate for each recipient: the backlog grows with the force (6,040 links overdue for
-- review at 100,000 generated people; 388 ms a sweep with nothing due at 1,000,000), and
-- `disrupt serve` sweeps on every write. On one day those kinds can only become due for a row that changed: the day's
-- first sweep reads the whole backlog, later ones mostly the changed rows (reminder_sweep).
--
-- sweep_change: one row per action, plan or forum link written (subject_table, subject_id), and
-- one row with subject_table '*' for a statement that may alter any reminder's recipients (one
-- writing staff logins; a person's sensitivity, agency or merge), written by the trigger that
-- wakes `disrupt serve` (reminders.sql). Insert-only for writers (no writer waits for another);
-- the sweep takes (deletes) the rows it saw.
-- sweep_state: its one row holds the day of the last sweep that committed, the windows it used
-- (due soon, escalation, plan review, order ending, catch-up, MAPPA licence, link review days,
-- in reminder_sweep's argument order: a sweep with other windows reads everything) and when a
-- sweep last read the whole backlog (at most 15 minutes before a sweep that reads less).
CREATE TABLE disrupt_private.sweep_change (
    subject_table text NOT NULL CHECK (subject_table IN ('action', 'plan', 'forum_link', '*')),
    subject_id bigint,
    CHECK ((subject_table = '*') = (subject_id IS NULL))
);
COMMENT ON TABLE disrupt_private.sweep_change IS
    'Rows written since the last reminder sweep that may make a reminder due; ''*'': anything may (a whole read).';

CREATE TABLE disrupt_private.sweep_state (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    swept_on date,
    windows integer[],
    whole_at timestamptz
);
COMMENT ON TABLE disrupt_private.sweep_state IS
    'The day and windows of the last reminder sweep that committed: a sweep of another day or with other windows reads the whole backlog.';
INSERT INTO disrupt_private.sweep_state (swept_on) VALUES (NULL);

ALTER TABLE disrupt_private.sweep_change ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt_private.sweep_change FORCE ROW LEVEL SECURITY;
ALTER TABLE disrupt_private.sweep_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt_private.sweep_state FORCE ROW LEVEL SECURITY;
ALTER TABLE disrupt_private.sweep_change OWNER TO disrupt_owner;
ALTER TABLE disrupt_private.sweep_state OWNER TO disrupt_owner;

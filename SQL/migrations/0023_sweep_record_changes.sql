-- 0023_sweep_record_changes.sql: the reminder sweep also learns which court orders, breaches and
-- incidents changed, so a sweep later the same day reads orders ending and the catch-up of
-- breaches and incidents only for the rows written since (and for the people whose plans
-- changed), not the whole window of every order and record.
--
-- Orders ending, and the catch-up of breaches and incidents, were read in their window of dates
-- by every sweep: at 1,000,000 generated people they were most of a sweep that found nothing due
-- (203.9 ms against 23.0 ms at 100,000). The trigger that wakes `disrupt serve` on a write of
-- these tables now records the row's id (reminders.sql), as it does for actions, plans and
-- links. A breach written while another transaction opened the person's plan made no reminder
-- (its trigger saw no plan) and must still be read by the sweep after it commits (helper-83),
-- whichever transaction began first: an insert is recorded as 'breach_new' or 'incident_new',
-- which the sweep reminds of as the trigger would have (helper-84).
ALTER TABLE disrupt_private.sweep_change DROP CONSTRAINT sweep_change_subject_table_check;
ALTER TABLE disrupt_private.sweep_change ADD CONSTRAINT sweep_change_subject_table_check
    CHECK (subject_table IN ('action', 'plan', 'forum_link', 'court_order', 'breach', 'breach_new',
                             'incident', 'incident_new', '*'));

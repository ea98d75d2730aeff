-- 0015_reminder_named_order.sql: the order an alert names is stored with it, so that the alert is
-- read only while its reader may still see that order.
--
-- An alert's text names records: the person, the record that fired it (subject_table /
-- subject_id), the victim or partner (party_id) and, for a suspected breach, offending on an
-- order or a breach without positive action, the order. Visibility was checked once, when the
-- alert was made; an order made restricted afterwards stayed named in the inbox, `disrupt
-- alerts` and the delivered message of whom may no longer see it. With order_id stored, every
-- read checks every named record as it is now (definitions/reminders.sql, reminder_readable).
-- Not a foreign key: reminders are written only by the database's own triggers and sweep, and
-- an order is never deleted (refuse_referenced_change); alerts made before this migration name
-- no order_id and are checked on the rest.
ALTER TABLE disrupt.reminder ADD COLUMN order_id bigint NULL;
COMMENT ON COLUMN disrupt.reminder.order_id IS
    'the order the alert names (suspected breach, offending on order, breach without positive action), checked on every read';

-- 0025_staff_change_marks.sql: two marks, kept outside any transaction, of the changes of what
-- staff logins may read.
--
-- A transaction whose snapshot was taken while a change of her access was being made (an
-- administrator's transaction kept open after SET CONSTRAINTS ALL IMMEDIATE) saw her old staff
-- row after the change had committed, read with her old scope and, disabled, still wrote
-- (helper-96, helper-97). Her staff row cannot tell that transaction, which sees only what its
-- snapshot shows; a sequence's value can, because setval is never rolled back. Each change
-- (staff_read_scope_changing, definitions/security.sql) sets staff_change_last to its own
-- transaction id, having first copied the previous one to staff_change_committed if that one
-- committed (changes take turns, so the previous one has ended); caller_identity refuses a
-- snapshot that does not see a committed mark (caller_identity, definitions/foundation.sql).
CREATE SEQUENCE disrupt.staff_change_last AS bigint MINVALUE 0 START 0 NO CYCLE;
CREATE SEQUENCE disrupt.staff_change_committed AS bigint MINVALUE 0 START 0 NO CYCLE;
REVOKE ALL ON SEQUENCE disrupt.staff_change_last, disrupt.staff_change_committed FROM PUBLIC;

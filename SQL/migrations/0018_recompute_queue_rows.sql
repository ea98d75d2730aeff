-- 0018_recompute_queue_rows.sql: the recompute queue holds one row per write, not one per person.
--
-- Every record written queues its person for a recompute (the dirty_after_* statement
-- triggers). With one row per person, kept by INSERT ... ON CONFLICT DO UPDATE, two writers
-- about the same person shared that row: a staff login who wrote a record about her agency's
-- person and kept her transaction open made another agency's record about him wait (8 s in
-- helper-54's test, a restricted one hidden from her included), and with a lock_timeout her own
-- insert failed while such a record was in flight, which told her one was being written. Now
-- each write statement adds rows of its own, so no writer waits for another. The recompute
-- deletes the committed rows of the people it takes (several rows of one person are one person
-- to recompute); a writer still in flight keeps its row for the next recompute.
ALTER TABLE disrupt.person_dirty DROP CONSTRAINT person_dirty_pkey;
CREATE INDEX person_dirty_person_idx ON disrupt.person_dirty (person_id);

-- 0027_risk_current_redated_in_place.sql: a stored score whose result has not changed is
-- re-dated in place.
--
-- A recompute on a new day whose result for a person is what is stored changes only the row's
-- as_of and computed_at (RiskRecompute.swift). With an index on as_of and full pages, each such
-- UPDATE wrote a new row version elsewhere and an entry in every index of the table: 20 µs a
-- person, 2 s of a nightly recompute of 100,000 people. Without the index (no query searches by
-- as_of: the freshness check asks for any row of another day, which the index never served) and
-- with room left on each page, the new version is a heap-only tuple on the same page, and no
-- index changes. The room applies to pages written from now on: a database that already holds
-- scores moves each row to such a page at its next change, once.
DROP INDEX disrupt.risk_current_as_of_idx;
ALTER TABLE disrupt.risk_current SET (fillfactor = 50);

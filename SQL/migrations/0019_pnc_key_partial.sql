-- 0019_pnc_key_partial.sql: a PNC id changed by an import no longer locks the person against
-- other agencies' records about him.
--
-- PostgreSQL locks a row it updates FOR UPDATE, not FOR NO KEY UPDATE, when the update changes
-- a column of a unique index with neither predicate nor expressions (a key a foreign key could
-- reference), and FOR UPDATE conflicts with the FOR KEY SHARE that every record written about
-- the person takes (check_references, the outbox's foreign keys). person_pnc_agency_key was such
-- an index, so a staff login who imported her agency's people with a changed PNC id and kept her
-- transaction open made every record naming one of them wait, another agency's hidden one and
-- the sweep's reminders included, and a lock timeout told her of one in flight (helper-54:
-- `disrupt remind` waited 10.1 s). The same index with WHERE pnc_id IS NOT NULL keeps exactly
-- the same uniqueness (NULLs never collided) and is not such a key.
DROP INDEX disrupt.person_pnc_agency_key;
CREATE UNIQUE INDEX person_pnc_agency_key ON disrupt.person (agency, pnc_id) WHERE pnc_id IS NOT NULL;

-- 0006_consultation.sql: owner-only state that the database's own functions set and its
-- policies and audit triggers trust, so that no session setting can forge it (issue 12).
--
--   consultation    an open consultation: disrupt.consult(purpose, scope) wrote audit row
--                   audit_id in transaction xact of the session (backend pid, backend start);
--                   once that transaction has COMMITTED, the session may read personal data
--                   (disrupt.consulting() asks). A consultation rolled back, or one of another
--                   session, opens nothing, so no read goes unrecorded. Staff have no privilege on it.
--   import_context  an import statement in flight: disrupt.import_run marks it (through
--                   disrupt.import_mark) so the audit triggers log imported rows by key and
--                   file instead of the whole row image. Staff have no privilege on it.
--
-- UNLOGGED: the rows matter only while their session lasts (a crash ends every session).
-- The lookup tables get row-level security too, so a disabled login's open session reads
-- nothing from them either (policies in SQL/definitions/).

CREATE UNLOGGED TABLE disrupt.consultation (
    backend_pid   integer NOT NULL,
    backend_start timestamptz NOT NULL,
    xact          xid8 NOT NULL,
    audit_id      bigint NOT NULL,
    PRIMARY KEY (backend_pid, backend_start, audit_id)
);

-- consulting() runs as disrupt_owner and must read the caller's own backend start time, which
-- PostgreSQL shows only to members of the session's role or of pg_read_all_stats
GRANT pg_read_all_stats TO disrupt_owner;

CREATE UNLOGGED TABLE disrupt.import_context (
    backend_pid integer NOT NULL,
    xact        xid8 NOT NULL,
    file        text NOT NULL,
    PRIMARY KEY (backend_pid, xact)
);

DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agency', 'marker_kind', 'offence', 'order_type'] LOOP
        EXECUTE format('ALTER TABLE disrupt.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE disrupt.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$do$;

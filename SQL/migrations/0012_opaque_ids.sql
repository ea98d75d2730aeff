-- 0012_opaque_ids.sql: row ids that count nothing (issue 12, "sequence values reveal how many
-- rows are hidden").
--
-- An identity column hands out 1, 2, 3, ...: a member of staff who sees the ids of the rows
-- they can see, or gets ids back from their own inserts, learns from the gaps how many rows
-- they cannot see were made in between (another agency's restricted people and records, the
-- plans, reminders and forum cases about them, other logins' audit rows). So every table
-- whose rows some staff cannot see now takes its ids from disrupt.new_id(): a private counter
-- put through a keyed permutation, so an id says nothing about how many rows came before it.
--
--   row_id_counter        the counter of every such table but the audit log: 0 .. 2^47 - 1
--   audit_log_id_counter  the audit log's own counter: 2^47 .. 2^48 - 1 (so the audit log,
--                         which every consultation writes to, spends no value of the other)
--   id_key                not a counter: its value is this database's random permutation key
--                         (60 bits from gen_random_uuid, which PostgreSQL draws from a strong
--                         source), read with pg_sequence_last_value, which makes new_id()
--                         about 2.5 times cheaper than reading a one-row table (issue 18)
--   new_id(for_audit)     SECURITY DEFINER (staff may call it, as every column default is
--                         evaluated as the inserting login; it only gives more ids): takes the
--                         next value of its counter and puts it through four Feistel rounds on
--                         two 24-bit halves, (l, r) -> (r, l xor F(r)), whose round function F
--                         is PostgreSQL's hashint8extended(r, round key), the hash of hash
--                         partitioning (which pg_upgrade keeps, so the permutation survives an
--                         upgrade), then adds 2^48.
--
-- A Feistel network is a bijection whatever its round function, so two counter values never
-- give one id, and the two counters have disjoint ranges: new ids never collide with each
-- other, and as they are all in [2^48, 2^49) they never collide with the ids identity columns
-- gave before this migration (all far below 2^48). They stay below 2^53, so JSON numbers keep
-- them exact, and bigint, so nothing that reads an id changes.
--
-- Existing rows keep their ids: only rows made from now on get permuted ids (the old ids
-- reveal only how many rows there were before this migration, in the order they came).
-- Nothing may read order from an id any more: the code orders by created_at / at (and uses
-- the id only to break ties).
--
-- Left as identity columns: meeting and tactic (every member of staff sees every row) and
-- risk_assessment (no member of staff sees any row). Staff have no privilege on any sequence
-- (SQL/definitions/ revokes them all); the identity sequences of the tables below go with
-- their identity.
--
-- new_id() lives here, not in SQL/definitions/, because the column defaults depend on it (as
-- disrupt.fold's indexes do); its EXECUTE grant is in definitions/foundation.sql.

CREATE SEQUENCE disrupt.row_id_counter AS bigint MINVALUE 0 MAXVALUE 140737488355327 START 0 NO CYCLE;
CREATE SEQUENCE disrupt.audit_log_id_counter AS bigint
    MINVALUE 140737488355328 MAXVALUE 281474976710655 START 140737488355328 NO CYCLE;
CREATE SEQUENCE disrupt.id_key AS bigint;
SELECT setval('disrupt.id_key', ('x' || right(md5(gen_random_uuid()::text), 15))::bit(60)::bigint + 1, true);

CREATE FUNCTION disrupt.new_id(for_audit boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    k bigint := pg_sequence_last_value('disrupt.id_key');
    s bigint := nextval(CASE WHEN for_audit THEN 'disrupt.audit_log_id_counter'::regclass
                             ELSE 'disrupt.row_id_counter'::regclass END);
BEGIN
    -- s holds l << 24 | r; each round is (l, r) -> (r, l # F(r)) with its own round key
    s := (s & 16777215) << 24 | ((s >> 24) # (hashint8extended(s & 16777215, k) & 16777215));
    s := (s & 16777215) << 24 | ((s >> 24) # (hashint8extended(s & 16777215, k # 1) & 16777215));
    s := (s & 16777215) << 24 | ((s >> 24) # (hashint8extended(s & 16777215, k # 2) & 16777215));
    s := (s & 16777215) << 24 | ((s >> 24) # (hashint8extended(s & 16777215, k # 3) & 16777215));
    RETURN 281474976710656 + s;
END
$$;
COMMENT ON FUNCTION disrupt.new_id(boolean) IS
    'A new row id: the next value of a private counter under a keyed permutation, so it counts nothing';

DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['person', 'alias', 'party', 'relationship', 'incident', 'marker', 'court_order', 'breach',
                             'forum_link', 'referral', 'plan', 'action', 'action_history', 'reminder', 'plan_victim',
                             'forum_case', 'hearing', 'decision', 'matac_cohort', 'audit_log'] LOOP
        EXECUTE format('ALTER TABLE disrupt.%I ALTER COLUMN id DROP IDENTITY', t);
        EXECUTE format('ALTER TABLE disrupt.%I ALTER COLUMN id SET DEFAULT disrupt.new_id(%s)', t,
                       CASE t WHEN 'audit_log' THEN 'true' ELSE '' END);
    END LOOP;
END
$do$;

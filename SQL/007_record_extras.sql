-- 007_record_extras.sql: references for records entered by hand (disrupt person add,
-- disrupt marker add, ...).
--
-- next_ref(kind) -> a new, unused reference such as P-000123 or M-0000042, from one sequence
-- per kind.  When the sequence meets a reference that already exists (an import used the same
-- pattern) it jumps past the highest reference of that pattern, so it scans at most once.
-- SECURITY DEFINER: it must see restricted rows of other agencies to avoid their references;
-- it reveals nothing but a free reference.

CREATE SEQUENCE disrupt.person_ref_seq;
CREATE SEQUENCE disrupt.incident_ref_seq;
CREATE SEQUENCE disrupt.marker_ref_seq;
CREATE SEQUENCE disrupt.order_ref_seq;
CREATE SEQUENCE disrupt.breach_ref_seq;
CREATE SEQUENCE disrupt.link_ref_seq;
CREATE SEQUENCE disrupt.referral_ref_seq;

CREATE OR REPLACE FUNCTION disrupt.next_ref(kind text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE
    prefix text; width int; tbl text; col text; seq text; v text; n bigint; top bigint; free boolean;
BEGIN
    SELECT x.prefix, x.width, x.tbl, x.col INTO prefix, width, tbl, col
    FROM (VALUES ('person',   'P', 6, 'person',      'person_ref'),
                 ('incident', 'I', 7, 'incident',    'source_ref'),
                 ('marker',   'M', 7, 'marker',      'source_ref'),
                 ('order',    'O', 6, 'court_order', 'source_ref'),
                 ('breach',   'B', 6, 'breach',      'source_ref'),
                 ('link',     'L', 6, 'forum_link',  'source_ref'),
                 ('referral', 'R', 6, 'referral',    'source_ref')) AS x(kind, prefix, width, tbl, col)
    WHERE x.kind = next_ref.kind;
    IF prefix IS NULL THEN
        RAISE EXCEPTION 'next_ref: unknown kind %', quote_literal(kind) USING ERRCODE = '22023';
    END IF;
    seq := 'disrupt.' || next_ref.kind || '_ref_seq';
    LOOP
        n := nextval(seq);
        v := prefix || '-' || lpad(n::text, width, '0');
        EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM disrupt.%I WHERE %I = $1)', tbl, col) INTO STRICT free USING v;
        EXIT WHEN free;
        EXECUTE format('SELECT max(substr(%I, 3)::bigint) FROM disrupt.%I WHERE %I ~ $1', col, tbl, col)
            INTO top USING '^' || prefix || '-[0-9]{1,18}$';
        IF top > n THEN PERFORM setval(seq, top); END IF;
    END LOOP;
    RETURN v;
END
$$;
COMMENT ON FUNCTION disrupt.next_ref(text) IS 'a new unused reference (P-000123, M-0000042, ...) for person, incident, marker, order, breach, link or referral';


-- merge_person(keep_ref, absorb_ref, reason): merge_person(keep_ref, absorb_ref) with the
-- reason for the merge, which is required and logged as the purpose of a second 'combine'
-- audit row (the first, written by merge_person, carries the absorbed record).
CREATE OR REPLACE FUNCTION disrupt.merge_person(keep_ref text, absorb_ref text, reason text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, disrupt, pg_temp
AS $$
DECLARE v_keep bigint;
BEGIN
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'merge_person: a reason is required' USING ERRCODE = '22023';
    END IF;
    v_keep := disrupt.merge_person(keep_ref, absorb_ref);
    INSERT INTO disrupt.audit_log (agency, operation, object_table, object_key, person_id, purpose, detail)
    VALUES (disrupt.caller_agency(), 'combine', 'person', v_keep::text, v_keep, btrim(reason),
            jsonb_build_object('keep_ref', keep_ref, 'absorb_ref', absorb_ref));
    RETURN v_keep;
END
$$;

SELECT disrupt.hand_to_owner();
REVOKE ALL ON FUNCTION disrupt.next_ref(text), disrupt.merge_person(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION disrupt.next_ref(text), disrupt.merge_person(text, text, text) TO disrupt_staff;

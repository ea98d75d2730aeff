-- 0004_actions_and_link_reminders.sql: custom actions, the database's own refusal of joint work,
-- summons as positive action, the forum-link reminder kinds, and blocked counted as live
-- (issue 14, points 5 to 7).
--
-- Actions. An action is either a catalogue tactic (`tactic`) or a custom action: a free-text
-- `label` under a heading (the guidance asks representatives to be creative). Exactly one of the
-- two is present. A custom action always needs the Idva safety check. Neither a tactic code nor
-- a label may describe joint work with the victim (mediation, couples or joint counselling,
-- family therapy, restorative justice): DisruptCore's `JointWorkRule` refuses them in the
-- client, and the CHECK `action_no_joint_work` below refuses them here too, so a member of staff
-- calling `action_add` from psql cannot store one. `disrupt.joint_work_phrase` is that rule in
-- SQL; it lives here, not in definitions/, because a CHECK depends on it (definitions are
-- dropped and re-created; functions a CHECK uses belong to the migrations, like disrupt.fold).
--
-- Live actions. Core's `ActionStatus.live` is open, in progress or blocked; the sweep's partial
-- index on due dates now covers blocked actions as well.
--
-- Breaches. `summons` joins the actions that may be recorded on a breach (positive action by
-- default, with arrest, charge and recall: `positive_actions` in Config/triggers.json).
--
-- Reminders. The sweep's `mappa_review` (category 3 only) is replaced by the four forum-link
-- kinds of DisruptCore's `ForumLinkReminders` (definitions/reminders.sql); `mappa_review`
-- stays allowed for the rows earlier sweeps created.

-- joint_work_fold(text): the text as the joint-work rule reads it, DisruptCore's
-- JointWorkRule.fold: compatibility-decomposed (NFKD: full-width letters become ASCII, "İ"
-- becomes "I" and a dot), lower-cased, with combining marks, invisible format characters
-- (zero-width spaces and joiners, soft hyphens, bidirectional marks) and apostrophes removed,
-- so "me<ZWSP>diation", "ｍｅｄｉａｔｉｏｎ", "médiation" and "couple's" read as "mediation"
-- and "couples". A custom label must fold to printable ASCII (CHECK action_label_plain), so
-- look-alike letters of other scripts (Cyrillic "а") cannot hide a phrase either.
CREATE FUNCTION disrupt.joint_work_fold(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    SELECT regexp_replace(lower(normalize(p_text, NFKD)),
                          '[\u0300-\u036f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff''\u2019]',
                          '', 'g')
$$;

-- The name of the joint work a text describes, or NULL: DisruptCore's JointWorkRule.forbiddenPhrase.
-- The folded text is split into words at anything but an ASCII letter or digit; a pattern
-- matches when each of its word prefixes starts some word, in any order ("mediat" matches
-- "mediation", not "immediate"; "counselling for the couple" is couples counselling), or when a
-- word starts with "joint" and another with a word for the victim.
CREATE FUNCTION disrupt.joint_work_phrase(p_text text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
    WITH patterns (ord, prefixes, name) AS (VALUES
        (1, ARRAY['mediat'], 'mediation'),
        (2, ARRAY['couples'], 'couples counselling'),
        (3, ARRAY['couple', 'counsel'], 'couples counselling'),
        (4, ARRAY['couple', 'therap'], 'couples counselling'),
        (5, ARRAY['relationship', 'counsel'], 'couples counselling'),
        (6, ARRAY['marriage', 'counsel'], 'couples counselling'),
        (7, ARRAY['marital', 'counsel'], 'couples counselling'),
        (8, ARRAY['joint', 'counsel'], 'joint counselling'),
        (9, ARRAY['joint', 'therap'], 'joint counselling'),
        (10, ARRAY['conjoint'], 'joint counselling'),
        (11, ARRAY['family', 'therap'], 'family therapy'),
        (12, ARRAY['restorative'], 'restorative justice'),
        (13, ARRAY['rj'], 'restorative justice')
    ),
    words (list) AS (
        SELECT array_remove(regexp_split_to_array(disrupt.joint_work_fold(p_text), '[^a-z0-9]+'), '')
    ),
    hits (ord, name) AS (
        SELECT p.ord, p.name
          FROM words w, patterns p
         WHERE NOT EXISTS (SELECT 1 FROM unnest(p.prefixes) AS pre
                            WHERE NOT EXISTS (SELECT 1 FROM unnest(w.list) AS word WHERE starts_with(word, pre)))
        UNION ALL
        SELECT 14, 'joint work with the victim'
          FROM words w
         WHERE EXISTS (SELECT 1 FROM unnest(w.list) word WHERE starts_with(word, 'joint'))
           AND EXISTS (SELECT 1 FROM unnest(w.list) word, unnest(ARRAY['victim', 'survivor', 'partner', 'wife', 'husband',
                                                                        'girlfriend', 'boyfriend', 'spouse']) v
                        WHERE starts_with(word, v))
    )
    SELECT name FROM hits ORDER BY ord LIMIT 1
$$;
-- (definitions/foundation.sql hands them to disrupt_owner and takes EXECUTE back from PUBLIC.)

ALTER TABLE disrupt.action
    ADD COLUMN label text NULL,
    ALTER COLUMN tactic DROP NOT NULL,
    ADD CONSTRAINT action_tactic_or_label CHECK ((tactic IS NULL) <> (label IS NULL)),
    ADD CONSTRAINT action_label_text CHECK (btrim(label, E' \t\r\n') <> '' AND char_length(label) <= 200),
    ADD CONSTRAINT action_label_plain CHECK (disrupt.joint_work_fold(label) ~ '^[ -~]+$' AND btrim(disrupt.joint_work_fold(label)) <> ''),
    ADD CONSTRAINT action_tactic_code CHECK (tactic ~ '^[a-z0-9_]{1,100}$'),
    ADD CONSTRAINT action_custom_needs_safety_check CHECK (label IS NULL OR needs_safety_check),
    ADD CONSTRAINT action_no_joint_work CHECK (
        disrupt.joint_work_phrase(coalesce(tactic, '')) IS NULL AND disrupt.joint_work_phrase(coalesce(label, '')) IS NULL);
COMMENT ON COLUMN disrupt.action.label IS 'A custom action''s free-text label (NULL for a catalogue tactic).';

DROP INDEX disrupt.action_live_due_on;
CREATE INDEX action_live_due_on ON disrupt.action (due_on) WHERE status IN ('open', 'in_progress', 'blocked');

ALTER TABLE disrupt.breach DROP CONSTRAINT breach_action_taken_check;
ALTER TABLE disrupt.breach ADD CONSTRAINT breach_action_taken_check
    CHECK (action_taken IN ('arrest', 'charge', 'summons', 'caution', 'warning', 'recall', 'none'));

ALTER TABLE disrupt.reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE disrupt.reminder ADD CONSTRAINT reminder_kind_check
    CHECK (kind IN ('due_soon', 'overdue', 'escalation', 'plan_review', 'order_ending',
                    'mappa_consider_category3', 'mappa_category3_review', 'link_review_due', 'link_review_overdue',
                    'mappa_review', 'breach_reported', 'new_incident'));

-- mappa_review's index; the link reminders read forum_link_review_idx and forum_link_licence_idx
DROP INDEX disrupt.forum_link_mappa3_licence_ends;

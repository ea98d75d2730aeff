-- 0005_forum_cycle.sql: the forum's own cycle (issue 16) — meetings and who attended, cases and
-- their hearings, research returns, decisions, the actions a hearing agreed, and the MATAC
-- cohort — the facts the outcome reports (issue 17) count.
--
-- Shape:
--   meeting          one sitting of a forum (Marac, MATAC, or a MAPPA level 2/3 meeting) in an
--                    area on a day, with its chair and length; planned -> closed (a closed
--                    meeting never changes).
--   meeting_agency   the agencies invited to a meeting and their attendance.
--   forum_case       a case: at Marac the victim's (victim_party_id, one or more perpetrators in
--                    case_perpetrator); at MATAC (and MAPPA) the perpetrator's (person_id).
--   case_referral    the referral rows (existing `referral`) that brought a case, each to one case.
--   hearing          a case listed at a meeting; `heard` once the meeting heard it. The first
--                    hearing of a case answers its earliest unheard referral (the clock).
--   research_return  for each hearing, each invited agency's research: requested, submitted,
--                    nothing held, not submitted.
--   decision         what the meeting decided about a case (free text, per hearing).
--   action.agreed_at_hearing_id   the hearing at which a plan action was agreed.
--   matac_cohort     MATAC membership: entry (date, RFG, why) and exit (date, reason, RFG).
--
-- Every table is personal data: row-level security is on and forced here; the policies and
-- grants are in SQL/definitions/. Dates are calendar days (date); instants are timestamptz (UTC).

CREATE TABLE disrupt.meeting (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_ref     text NOT NULL UNIQUE CHECK (btrim(meeting_ref) <> ''),
    forum           text NOT NULL CHECK (forum IN ('marac', 'matac', 'mappa')),
    mappa_level     smallint NULL CHECK (mappa_level IN (2, 3)),
    area            text NOT NULL CHECK (btrim(area) <> '' AND char_length(area) <= 100),
    held_on         date NOT NULL CHECK (held_on > '1900-01-01' AND held_on < '2200-01-01'),
    length_minutes  integer NOT NULL DEFAULT 120 CHECK (length_minutes BETWEEN 15 AND 720),
    chair_login     text NOT NULL REFERENCES disrupt.staff (login),
    status          text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'closed')),
    closed_at       timestamptz NULL,
    closed_by       text NULL,
    version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_by      text NOT NULL DEFAULT session_user,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_by      text NULL,
    updated_at      timestamptz NULL,
    CONSTRAINT meeting_mappa_level CHECK ((forum = 'mappa') = (mappa_level IS NOT NULL)),
    CONSTRAINT meeting_closed_consistent CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX meeting_forum_day_idx ON disrupt.meeting (forum, held_on);

CREATE TABLE disrupt.meeting_agency (
    meeting_id      bigint NOT NULL REFERENCES disrupt.meeting (id),
    agency          text NOT NULL REFERENCES disrupt.agency (code),
    -- NULL until recorded at the meeting
    attendance      text NULL CHECK (attendance IN ('present', 'apologies_sent', 'absent')),
    representative  text NULL CHECK (char_length(representative) <= 200),
    recorded_by     text NULL,
    recorded_at     timestamptz NULL,
    PRIMARY KEY (meeting_id, agency)
);

CREATE TABLE disrupt.forum_case (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_ref         text NOT NULL UNIQUE CHECK (btrim(case_ref) <> ''),
    forum            text NOT NULL CHECK (forum IN ('marac', 'matac', 'mappa')),
    victim_party_id  bigint NULL REFERENCES disrupt.party (id),
    person_id        bigint NULL REFERENCES disrupt.person (id),
    idva_login       text NULL REFERENCES disrupt.staff (login),
    opened_on        date NOT NULL CHECK (opened_on > '1900-01-01' AND opened_on < '2200-01-01'),
    closed_on        date NULL,
    agency           text NOT NULL REFERENCES disrupt.agency (code),
    sensitivity      text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    created_by       text NOT NULL DEFAULT session_user,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       text NULL,
    updated_at       timestamptz NULL,
    -- a Marac case is the victim's; a MATAC or MAPPA case is the perpetrator's
    CONSTRAINT forum_case_subject CHECK (
        (forum = 'marac' AND victim_party_id IS NOT NULL AND person_id IS NULL)
        OR (forum <> 'marac' AND person_id IS NOT NULL AND victim_party_id IS NULL)),
    CHECK (closed_on >= opened_on)
);
CREATE INDEX forum_case_victim_idx ON disrupt.forum_case (victim_party_id) WHERE victim_party_id IS NOT NULL;
CREATE INDEX forum_case_person_idx ON disrupt.forum_case (person_id) WHERE person_id IS NOT NULL;
-- one open case per victim (Marac) or per perpetrator (MATAC, MAPPA) and forum
CREATE UNIQUE INDEX forum_case_one_open_victim ON disrupt.forum_case (forum, victim_party_id)
    WHERE closed_on IS NULL AND victim_party_id IS NOT NULL;
CREATE UNIQUE INDEX forum_case_one_open_person ON disrupt.forum_case (forum, person_id)
    WHERE closed_on IS NULL AND person_id IS NOT NULL;

-- the perpetrators of a Marac case (the guidance warns there may be more than one);
-- a MATAC or MAPPA case's perpetrator is forum_case.person_id
CREATE TABLE disrupt.case_perpetrator (
    case_id    bigint NOT NULL REFERENCES disrupt.forum_case (id),
    person_id  bigint NOT NULL REFERENCES disrupt.person (id),
    PRIMARY KEY (case_id, person_id)
);
CREATE INDEX case_perpetrator_person_idx ON disrupt.case_perpetrator (person_id);

CREATE TABLE disrupt.case_referral (
    case_id      bigint NOT NULL REFERENCES disrupt.forum_case (id),
    referral_id  bigint NOT NULL UNIQUE REFERENCES disrupt.referral (id),
    PRIMARY KEY (case_id, referral_id)
);

CREATE TABLE disrupt.hearing (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      bigint NOT NULL REFERENCES disrupt.forum_case (id),
    meeting_id   bigint NOT NULL REFERENCES disrupt.meeting (id),
    -- the referral whose clock this hearing stops (NULL for a review or MATAC hearing)
    referral_id  bigint NULL REFERENCES disrupt.referral (id),
    -- 1 for the case's first hearing, 2 for its first repeat, ...
    hearing_number integer NOT NULL CHECK (hearing_number >= 1),
    status       text NOT NULL DEFAULT 'listed' CHECK (status IN ('listed', 'heard', 'deferred')),
    heard_on     date NULL,
    created_by   text NOT NULL DEFAULT session_user,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT hearing_once_per_meeting UNIQUE (case_id, meeting_id),
    CONSTRAINT hearing_heard_consistent CHECK ((status = 'heard') = (heard_on IS NOT NULL))
);
CREATE INDEX hearing_meeting_idx ON disrupt.hearing (meeting_id);
CREATE INDEX hearing_referral_idx ON disrupt.hearing (referral_id) WHERE referral_id IS NOT NULL;

CREATE TABLE disrupt.research_return (
    hearing_id    bigint NOT NULL REFERENCES disrupt.hearing (id),
    agency        text NOT NULL REFERENCES disrupt.agency (code),
    status        text NOT NULL DEFAULT 'requested'
                  CHECK (status IN ('requested', 'submitted', 'nothing_held', 'not_submitted')),
    note          text NULL CHECK (char_length(note) <= 4000),
    returned_by   text NULL,
    returned_at   timestamptz NULL,
    PRIMARY KEY (hearing_id, agency),
    CONSTRAINT research_return_answered CHECK ((status IN ('submitted', 'nothing_held')) = (returned_at IS NOT NULL))
);

CREATE TABLE disrupt.decision (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hearing_id  bigint NOT NULL REFERENCES disrupt.hearing (id),
    text        text NOT NULL CHECK (btrim(text) <> '' AND char_length(text) <= 4000),
    created_by  text NOT NULL DEFAULT session_user,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decision_hearing_idx ON disrupt.decision (hearing_id);

ALTER TABLE disrupt.action ADD COLUMN agreed_at_hearing_id bigint NULL REFERENCES disrupt.hearing (id);
CREATE INDEX action_agreed_at_hearing_idx ON disrupt.action (agreed_at_hearing_id) WHERE agreed_at_hearing_id IS NOT NULL;

CREATE TABLE disrupt.matac_cohort (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id     bigint NOT NULL REFERENCES disrupt.person (id),
    entered_on    date NOT NULL CHECK (entered_on > '1900-01-01' AND entered_on < '2200-01-01'),
    rfg_at_entry  integer NOT NULL,
    entry_reason  text NOT NULL CHECK (btrim(entry_reason) <> '' AND char_length(entry_reason) <= 2000),
    entered_by    text NOT NULL DEFAULT session_user,
    exited_on     date NULL,
    exit_reason   text NULL CHECK (char_length(exit_reason) <= 2000),
    rfg_at_exit   integer NULL,
    exited_by     text NULL,
    CONSTRAINT matac_cohort_exit_consistent CHECK (
        (exited_on IS NULL AND exit_reason IS NULL AND rfg_at_exit IS NULL AND exited_by IS NULL)
        OR (exited_on IS NOT NULL AND nullif(btrim(exit_reason), '') IS NOT NULL
            AND rfg_at_exit IS NOT NULL AND exited_by IS NOT NULL)),
    CHECK (exited_on >= entered_on)
);
CREATE UNIQUE INDEX matac_cohort_one_open ON disrupt.matac_cohort (person_id) WHERE exited_on IS NULL;
CREATE INDEX matac_cohort_entered_idx ON disrupt.matac_cohort (entered_on);

-- the research-return chase joins the reminder kinds
ALTER TABLE disrupt.reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE disrupt.reminder ADD CONSTRAINT reminder_kind_check CHECK (kind IN (
    'due_soon', 'overdue', 'escalation', 'plan_review', 'order_ending',
    'mappa_consider_category3', 'mappa_category3_review', 'link_review_due', 'link_review_overdue',
    'mappa_review', 'breach_reported', 'new_incident', 'research_due'));

DO $do$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['meeting', 'meeting_agency', 'forum_case', 'case_perpetrator', 'case_referral',
                             'hearing', 'research_return', 'decision', 'matac_cohort'] LOOP
        EXECUTE format('ALTER TABLE disrupt.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE disrupt.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$do$;

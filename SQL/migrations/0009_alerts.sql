-- 0009_alerts.sql: alerts that follow the perpetrator (issue 15), kept in the reminder outbox.
--
-- Reminder kinds. Six alert kinds join the outbox (every earlier kind, 0005's 'research_due'
-- included, stays allowed): new_partner, new_victim, suspected_breach, offending_on_order,
-- breach_no_positive_action and idva_update. They are created by statement triggers
-- (definitions/alerts.sql) in the transaction that writes the record, so imports, commands and
-- psql all fire them, and they commit (or roll back) with it.
--
-- Reminder columns. evidence: which records fired the alert (references and dates only);
-- tactic: a suggested tactic code from Config/tactics.json (DisruptCore's AlertKind);
-- party_id: the victim an Idva's alert is about (her inbox groups by it); shown_on: the day the
-- alert first shows in the inbox and may be delivered (the next working day for a breach without
-- positive action; today for everything else); restricted_agency: set when a restricted record
-- fired the alert, so it is listed only to that agency; closed_*: an alert closed by a
-- dismissal (with its reason, audited) or by the record that answers it (a breach recorded,
-- positive action taken).
--
-- Addresses. court_order.protected_address (the address an order protects, when one is held)
-- and incident.address (where an incident happened): a suspected breach is an incident at the
-- protected address as well as against the protected party.
--
-- plan_victim: the victims a plan protects, each with her Idva (an active Idva staff login).
-- alert_settings: the alert settings of Config/disrupt.json as the database reads them
-- (written by the reminder sweep, `db migrate` and `demo`; one row).

ALTER TABLE disrupt.reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE disrupt.reminder ADD CONSTRAINT reminder_kind_check CHECK (kind IN (
    'due_soon', 'overdue', 'escalation', 'plan_review', 'order_ending',
    'mappa_consider_category3', 'mappa_category3_review', 'link_review_due', 'link_review_overdue',
    'mappa_review', 'breach_reported', 'new_incident', 'research_due',
    'new_partner', 'new_victim', 'suspected_breach', 'offending_on_order', 'breach_no_positive_action',
    'idva_update'));

ALTER TABLE disrupt.reminder
    ADD COLUMN party_id bigint NULL REFERENCES disrupt.party (id),
    ADD COLUMN evidence text NULL CHECK (char_length(evidence) <= 2000),
    ADD COLUMN tactic text NULL CHECK (tactic ~ '^[a-z0-9_]{1,100}$'),
    ADD COLUMN shown_on date NOT NULL DEFAULT current_date,
    ADD COLUMN restricted_agency text NULL REFERENCES disrupt.agency (code),
    ADD COLUMN closed_at timestamptz NULL,
    ADD COLUMN closed_by text NULL,
    ADD COLUMN close_reason text NULL CHECK (char_length(close_reason) <= 2000),
    ADD CONSTRAINT reminder_closed_consistent CHECK (
        (closed_at IS NULL AND closed_by IS NULL AND close_reason IS NULL)
        OR (closed_at IS NOT NULL AND nullif(btrim(close_reason), '') IS NOT NULL));
COMMENT ON COLUMN disrupt.reminder.shown_on IS 'First day the reminder shows in the inbox and may be delivered.';
COMMENT ON COLUMN disrupt.reminder.closed_by IS 'Who dismissed the alert; NULL when the record that answers it closed it.';

-- the open alerts of one subject (closing on a breach, listing for a chair)
CREATE INDEX reminder_open_alerts ON disrupt.reminder (subject_table, subject_id)
    WHERE closed_at IS NULL AND kind IN ('new_partner', 'new_victim', 'suspected_breach', 'offending_on_order',
                                         'breach_no_positive_action', 'idva_update');

ALTER TABLE disrupt.court_order
    ADD COLUMN protected_address text NULL CHECK (btrim(protected_address) <> '' AND char_length(protected_address) <= 500);
ALTER TABLE disrupt.incident
    ADD COLUMN address text NULL CHECK (btrim(address) <> '' AND char_length(address) <= 500);

-- "not seen before for him": earlier incidents and relationships of (person, party)
CREATE INDEX IF NOT EXISTS incident_person_party_idx ON disrupt.incident (person_id, party_id);

CREATE TABLE disrupt.plan_victim (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id     bigint NOT NULL REFERENCES disrupt.plan (id),
    person_id   bigint NOT NULL REFERENCES disrupt.person (id),
    party_id    bigint NOT NULL REFERENCES disrupt.party (id),
    idva_login  text NOT NULL REFERENCES disrupt.staff (login),
    added_by    text NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT plan_victim_once UNIQUE (plan_id, party_id)
);
COMMENT ON TABLE disrupt.plan_victim IS 'The victims a plan protects and each one''s Idva (issue 15, the Idva loop).';
CREATE INDEX plan_victim_idva_idx ON disrupt.plan_victim (idva_login);

CREATE TABLE disrupt.alert_settings (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    settings   jsonb NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    written_by text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE disrupt.alert_settings IS 'Config/disrupt.json alerts.* and triggers positive_actions, as the alert triggers read them.';

ALTER TABLE disrupt.plan_victim ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.plan_victim FORCE ROW LEVEL SECURITY;
ALTER TABLE disrupt.alert_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.alert_settings FORCE ROW LEVEL SECURITY;

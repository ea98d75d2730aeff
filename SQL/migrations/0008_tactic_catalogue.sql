-- 0008_tactic_catalogue.sql: the tactic catalogue in the database, and who recorded an Idva's
-- safety check (issue 12, point 3).
--
-- disrupt.tactic is the catalogue actions are chosen from (the SafeLives guidance's actions to
-- prosecute, disrupt, divert or manage). It is the authority: `action_add` refuses a tactic code
-- that is not here (or is retired) and takes the Idva safety check from the row (needed unless
-- an administrator exempted the tactic with a recorded `safety_check_exempt_reason`). The rows
-- below are the shipped Config/tactics.json, in file order (a test compares the two); after that
-- only administrators change it, through `disrupt.tactic_set` / `disrupt.tactic_retire`
-- (definitions/plans.sql; `disrupt tactics import`), and every change is audited. A tactic is
-- never deleted, only retired: old actions keep their code. Joint work with the victim can never
-- be a tactic (CHECK tactic_no_joint_work, the same word rule as action_no_joint_work of 0004).
--
-- Actions. `action.tactic` now references the catalogue (NOT VALID: rows written before this
-- migration were checked by the client only and stay as they are; every new or changed row is
-- checked). A safety check names the Idva who agreed (`safety_checked_by`, as before), who
-- recorded it (`safety_check_recorded_by`) and how (`safety_check_via`):
--   idva     the Idva recorded her own agreement;
--   meeting  a chair recorded the agreement the named Idva gave at the meeting;
--   legacy   recorded before this migration by someone who could change the action (no longer
--            allowed; kept so history is not rewritten).

CREATE TABLE disrupt.tactic (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- the audit log's object key
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_]{0,99}$'),
    heading     text NOT NULL CHECK (heading IN ('prosecute', 'disrupt', 'divert', 'manage')),
    agency      text NOT NULL REFERENCES disrupt.agency (code),
    label       text NOT NULL CHECK (btrim(label) <> ''),
    description text NULL,
    safety_check_exempt_reason text NULL CHECK (btrim(safety_check_exempt_reason) <> ''),
    position    integer NOT NULL,  -- listing order (the file's order)
    retired_at  timestamptz NULL,
    updated_by  text NOT NULL DEFAULT session_user,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tactic_no_joint_work CHECK (
        disrupt.joint_work_phrase(code) IS NULL AND disrupt.joint_work_phrase(label) IS NULL)
);
COMMENT ON TABLE disrupt.tactic IS 'The tactic catalogue (seeded from Config/tactics.json; changed by administrators only).';
ALTER TABLE disrupt.tactic ENABLE ROW LEVEL SECURITY;
ALTER TABLE disrupt.tactic FORCE ROW LEVEL SECURITY;

INSERT INTO disrupt.tactic (code, heading, agency, label, description, safety_check_exempt_reason, position) VALUES
    ('arrest_charge', 'prosecute', 'police', 'Arrest and charge for a criminal offence', NULL, NULL, 1),
    ('evidence_led_prosecution', 'prosecute', 'police', 'Proactive evidence gathering so prosecution does not rely on a victim statement', NULL, NULL, 2),
    ('positive_action_breach', 'prosecute', 'police', 'Positive action on any reported breach of an order or bail', 'Do not look at every incident in isolation: understand the bigger picture', NULL, 3),
    ('disruption_plan', 'disrupt', 'police', 'Disruption plan managed by a police or probation single point of contact', NULL, NULL, 4),
    ('surveillance_overt_targeting', 'disrupt', 'police', 'Surveillance and overt targeting', NULL, NULL, 5),
    ('anpr_flagging', 'disrupt', 'police', 'ANPR and vehicle flagging', NULL, NULL, 6),
    ('address_flagging', 'disrupt', 'police', 'Flag addresses and the perpetrator on police systems', NULL, NULL, 7),
    ('uniform_patrols', 'disrupt', 'police', 'Uniform patrols at locations of concern', NULL, NULL, 8),
    ('pdp_status', 'manage', 'police', 'Consider Potentially Dangerous Person status (no previous conviction)', NULL, NULL, 9),
    ('bail_conditions', 'disrupt', 'police', 'Proportionate use of bail conditions', NULL, NULL, 10),
    ('dvpn_dvpo', 'disrupt', 'police', 'Domestic Violence / Abuse Protection Notice and Order (DVPN/DVPO, DAPN/DAPO)', NULL, NULL, 11),
    ('dvds_right_to_ask', 'disrupt', 'police', 'Clare''s Law (DVDS) right to ask: process the application promptly', NULL, NULL, 12),
    ('dvds_right_to_know', 'disrupt', 'police', 'Clare''s Law (DVDS) right to know: proactive disclosure', NULL, NULL, 13),
    ('stalking_protection_order', 'disrupt', 'police', 'Apply for a stalking protection order', NULL, NULL, 14),
    ('asb_civil_order', 'disrupt', 'other', 'Anti-social behaviour or other civil order to manage, restrict and monitor behaviour', NULL, NULL, 15),
    ('mappa_referral', 'manage', 'probation', 'Refer for MAPPA management', NULL, NULL, 16),
    ('iom_referral', 'manage', 'police', 'Refer to Integrated Offender Management', NULL, NULL, 17),
    ('matac_referral', 'manage', 'police', 'Refer to MATAC or other local perpetrator management', NULL, NULL, 18),
    ('mappa3_review_after_licence', 'manage', 'probation', 'Review MAPPA category 3 status after licence conditions expire', NULL, NULL, 19),
    ('serial_perpetrator_procedure', 'manage', 'police', 'Address as a serial perpetrator under local procedures', NULL, NULL, 20),
    ('mental_health_assessment', 'divert', 'mental_health', 'Community mental health assessment, or flag to assess in custody', NULL, NULL, 21),
    ('inform_gp', 'manage', 'health', 'Inform the perpetrator''s GP of relevant, proportionate risk information', NULL, NULL, 22),
    ('housing_eviction', 'disrupt', 'housing', 'Housing: consider eviction as part of safety management', NULL, NULL, 23),
    ('housing_not_evicting', 'manage', 'housing', 'Housing: consider not evicting as part of safety management', NULL, NULL, 24),
    ('occupation_order', 'disrupt', 'housing', 'Housing: occupation order or other order to restrict the perpetrator', NULL, NULL, 25),
    ('rehouse_tenancy_support', 'manage', 'housing', 'Housing: house the perpetrator and provide tenancy support', NULL, NULL, 26),
    ('substance_misuse_referral', 'divert', 'substance_misuse', 'Safe referral to substance misuse services, or proactive contact from a previous service', NULL, NULL, 27),
    ('child_protection_family_court', 'manage', 'childrens_social_care', 'Link with child protection work and Family Court hearings', NULL, NULL, 28),
    ('separate_cp_meetings', 'manage', 'childrens_social_care', 'Safeguards for child protection conferences and core groups (separate meetings)', NULL, NULL, 29),
    ('perpetrator_programme', 'divert', 'probation', 'Offer a community perpetrator programme', NULL, NULL, 30),
    ('respect_phoneline', 'divert', 'other', 'Refer to the Respect phoneline, Samaritans or other support', NULL, NULL, 31),
    ('csc_engage_perpetrator', 'manage', 'childrens_social_care', 'Children''s social care engage the perpetrator and hold them accountable', NULL, NULL, 32),
    ('csc_support_young_person', 'manage', 'childrens_social_care', 'Children''s social care support a victim under 18 (child in need / child protection)', NULL, NULL, 33),
    ('carers_assessment', 'manage', 'adult_social_care', 'Adult social care carer''s assessment where the perpetrator cares for the victim', NULL, NULL, 34),
    ('camhs_offer', 'divert', 'camhs', 'CAMHS offer a service to the young person', NULL, NULL, 35),
    ('engage_persistently', 'divert', 'other', 'Persistent, creative engagement using motivators (licence, tenancy, parenting)', NULL, NULL, 36);

ALTER TABLE disrupt.action
    ADD CONSTRAINT action_tactic_catalogued FOREIGN KEY (tactic) REFERENCES disrupt.tactic (code) NOT VALID,
    ADD COLUMN safety_check_recorded_by text NULL REFERENCES disrupt.staff (login),
    ADD COLUMN safety_check_via text NULL CHECK (safety_check_via IN ('idva', 'meeting', 'legacy'));
COMMENT ON COLUMN disrupt.action.safety_check_recorded_by IS 'Who recorded the safety check: the Idva herself, or the chair at the meeting.';
COMMENT ON COLUMN disrupt.action.safety_check_via IS 'idva (her own record), meeting (a chair recorded her agreement at the meeting), legacy (before 0008).';

-- existing checks: who recorded one is the last safety_check history row's login (when that login
-- is staff; else the Idva named); it was the Idva's own record only when that login is hers
UPDATE disrupt.action a
   SET safety_check_recorded_by = CASE WHEN EXISTS (SELECT 1 FROM disrupt.staff s WHERE s.login = h.login)
                                       THEN h.login ELSE a.safety_checked_by END,
       safety_check_via = CASE WHEN coalesce(h.login, a.safety_checked_by) = a.safety_checked_by THEN 'idva' ELSE 'legacy' END
  FROM (SELECT a2.id,
               (SELECT hh.login FROM disrupt.action_history hh
                 WHERE hh.action_id = a2.id AND hh.change = 'safety_check' ORDER BY hh.at DESC, hh.id DESC LIMIT 1) AS login
          FROM disrupt.action a2 WHERE a2.safety_checked_by IS NOT NULL) h
 WHERE h.id = a.id;

ALTER TABLE disrupt.action
    ADD CONSTRAINT action_safety_check_recorded CHECK (
        (safety_checked_by IS NULL) = (safety_check_recorded_by IS NULL)
        AND (safety_checked_by IS NULL) = (safety_check_via IS NULL));

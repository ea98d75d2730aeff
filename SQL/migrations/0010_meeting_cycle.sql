-- 0010_meeting_cycle.sql: what the meeting commands (issue 16) need beyond 0005's tables.
--
--   meeting.research_due_on   the day the invited agencies' research returns are due; from it
--                             until the meeting the reminder sweep chases agencies that have not
--                             returned (kind 'research_due'). Set when the meeting is planned
--                             (Config/disrupt.json forum.research_due_days before it).
--   decision.agency / sensitivity   a decision may be restricted to the recording agency: it
--                             then appears only in that agency's copy of the minutes.
--   Case references are random (disrupt.next_ref: MARAC-7KQ2M9XD), so none counts the cases.

ALTER TABLE disrupt.meeting
    ADD COLUMN research_due_on date NULL,
    ADD CONSTRAINT meeting_research_before_meeting CHECK (research_due_on <= held_on);

ALTER TABLE disrupt.decision
    ADD COLUMN agency text NULL REFERENCES disrupt.agency (code),
    ADD COLUMN sensitivity text NOT NULL DEFAULT 'shared' CHECK (sensitivity IN ('shared', 'restricted')),
    ADD CONSTRAINT decision_restricted_has_agency CHECK (sensitivity = 'shared' OR agency IS NOT NULL);


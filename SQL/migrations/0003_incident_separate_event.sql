-- 0003_incident_separate_event.sql: a record may say it is a separate event (issue 14).
--
-- Records of the same person against the same victim on the same day are one incident (police,
-- health and the Idva each recording one assault); `separate_event` marks a record that is a
-- different event on that day (two assaults), so the rules never merge it with the others
-- (DisruptCore `Incident.consolidate`). Existing records are not separate events.
ALTER TABLE disrupt.incident ADD COLUMN separate_event boolean NOT NULL DEFAULT false;

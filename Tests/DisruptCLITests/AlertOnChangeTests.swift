import DisruptCore
import Postgres
import Testing

/// Alerts follow a record that changes, not only one that is inserted: a record made shared, or
/// moved to another day or party (by an import's merge, or by hand by a database administrator:
/// staff update records only through an import or a command, so these edits are the
/// superuser's, and the triggers fire for any writer) is news to whoever may see it now; an
/// alert it had made is brought up to date or superseded by the new day's, never put out of sight
/// by an edit (nor by a breach recorded and moved away); an edit the alerts do not look at (a note)
/// makes none, nor does anything outside the window or a merge of duplicates; and no reference is
/// long enough to make the writer's statement fail where an alert is made (which would tell him
/// of records he may not see).
extension AlertCommandTests {
    private func messages(_ login: String, kind: String) throws -> [String] {
        try inbox(login).filter { $0["kind"] as? String == kind }.compactMap { $0["message"] as? String }
    }

    @Test func anIncidentMadeSharedOrMovedByUpdateAlertsWhomMayNowSeeItAndANoteDoesNot() throws {
        // before any plan: not watched, so no alert when recorded
        try party("V-late")
        try incident("I-late", on: today.adding(days: -2), party: "V-late")
        _ = try fx.openPlan()
        try party("V-prob")
        try party("V-old")
        try incident("I-prob", on: today, party: "V-prob", agency: "probation", sensitivity: "restricted")
        try incident("I-prob-old", on: today.adding(days: -29), party: "V-old", agency: "probation", sensitivity: "restricted")
        #expect(try count("new_victim") == 0, "nobody who leads on him may see probation's restricted incidents")

        try db.execute("UPDATE disrupt.incident SET sensitivity = 'shared' WHERE source_ref IN ('I-prob', 'I-prob-old')")
        #expect(try messages(fx.spoc, kind: "new_victim").filter { $0.contains("incident I-prob on") }.count == 1,
                "made shared: the SPOC hears of the one inside recent_days, once")
        #expect(try !messages(fx.spoc, kind: "new_victim").contains { $0.contains("I-prob-old") }, "the day before the window: no alert")

        try db.execute("UPDATE disrupt.incident SET note = 'read again' WHERE source_ref = 'I-late'")
        #expect(try !messages(fx.spoc, kind: "new_victim").contains { $0.contains("I-late") }, "a note is not news")
        try db.execute("UPDATE disrupt.incident SET occurred_on = occurred_on + 1 WHERE source_ref = 'I-late'")
        #expect(try messages(fx.spoc, kind: "new_victim").contains { $0.contains("I-late") && $0.contains(today.adding(days: -1).iso) },
                "moved to another day: news, dated the new day")

        // moved to another party: a victim not seen before (an incident already alerted on is not
        // alerted on again that day: the outbox key is the incident, not the party)
        try party("V-other")
        try incident("I-first", on: today, party: victimRef)
        try incident("I-seen", on: today, party: victimRef)
        let before = try count("new_victim")
        #expect(try !messages(fx.spoc, kind: "new_victim").contains { $0.contains("I-seen") }, "the victim was seen before")
        try db.execute("UPDATE disrupt.incident SET party_id = (SELECT id FROM disrupt.party WHERE party_ref = 'V-other') WHERE source_ref = 'I-seen'")
        #expect(try count("new_victim") == before + 1)
        #expect(try messages(fx.spoc, kind: "new_victim").contains { $0.contains("I-seen") && $0.contains("V-other") })
    }

    @Test func anIncidentOrBreachMadeSharedMovedOrRedatedByUpdateReachesTheSpocAtOnceAndANoteOrOlderRecordDoesNot() throws {
        // recorded before his plan opened (the plan's research covers it), and another person's
        try incident("I-before", on: today.adding(days: -3), party: nil)
        let other = "Q-" + fx.personRef
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(other), 'Other', 'police')")
        _ = try fx.openPlan()
        try incident("I-elsewhere", on: today.adding(days: -2), party: nil, person: other)
        // probation's restricted incident and breach of his: the police SPOC may not see them
        try incident("I-hidden", on: today.adding(days: -1), party: nil, agency: "probation", sensitivity: "restricted")
        try breach("B-hidden", on: today.adding(days: -1), agency: "probation", sensitivity: "restricted")
        #expect(try messages(fx.spoc, kind: "new_incident").isEmpty)
        #expect(try messages(fx.spoc, kind: "breach_reported").isEmpty)

        // made shared through psql: he hears of each at once (no sweep runs in this test)
        try db.execute("UPDATE disrupt.incident SET sensitivity = 'shared' WHERE source_ref = 'I-hidden'")
        try db.execute("UPDATE disrupt.breach SET sensitivity = 'shared' WHERE source_ref = 'B-hidden'")
        #expect(try messages(fx.spoc, kind: "new_incident").filter { $0.hasPrefix("New incident I-hidden recorded") }.count == 1)
        #expect(try messages(fx.spoc, kind: "breach_reported").filter { $0.hasPrefix("Breach B-hidden reported") }.count == 1)

        // moved from another person to him: news to his SPOC
        try db.execute("""
            UPDATE disrupt.incident SET person_id = (SELECT id FROM disrupt.person WHERE person_ref = \(fx.personRef))
             WHERE source_ref = 'I-elsewhere'
            """)
        #expect(try messages(fx.spoc, kind: "new_incident").contains { $0.hasPrefix("New incident I-elsewhere recorded for \(fx.personRef),") })

        // re-dated: news of the new day; a note, or any edit of a record older than the plan, is not
        try db.execute("UPDATE disrupt.breach SET occurred_on = occurred_on - 1 WHERE source_ref = 'B-hidden'")
        #expect(try messages(fx.spoc, kind: "breach_reported").filter { $0.hasPrefix("Breach B-hidden reported") }.sorted()
                == ["Breach B-hidden reported for \(fx.personRef), occurred on \(today.adding(days: -2).iso)",
                    "Breach B-hidden reported for \(fx.personRef), occurred on \(today.adding(days: -1).iso)"])
        let made = try count("new_incident") + count("breach_reported")
        try db.execute("UPDATE disrupt.incident SET note = 'read again' WHERE source_ref IN ('I-hidden', 'I-elsewhere')")
        try db.execute("UPDATE disrupt.incident SET occurred_on = occurred_on - 1 WHERE source_ref = 'I-before'")
        #expect(try count("new_incident") + count("breach_reported") == made)
        #expect(try !messages(fx.spoc, kind: "new_incident").contains { $0.contains("I-before") })
    }

    @Test func aPartnerMadeSharedByUpdateAlertsTheSpoc() throws {
        _ = try fx.openPlan()
        try party("V-rel")
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        // (he names the party as the entry commands do: staff read no record table)
        try officer.execute("""
            INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, agency, sensitivity)
            SELECT pe.id, disrupt.party_meant('V-rel'), 'partner', \(today.adding(days: -3))::date, 'probation', 'restricted'
              FROM disrupt.person pe WHERE pe.person_ref = \(fx.personRef)
            """)
        #expect(try db.query("SELECT 1 FROM disrupt.relationship r JOIN disrupt.party pa ON pa.id = r.party_id WHERE pa.party_ref = 'V-rel'").count == 1)
        #expect(try count("new_partner") == 0)
        try db.execute("UPDATE disrupt.relationship SET sensitivity = 'shared' WHERE agency = 'probation'")
        #expect(try messages(fx.spoc, kind: "new_partner").contains { $0.contains("V-rel") })
    }

    @Test func aBreachMadeSharedByUpdateClosesTheSuspectedBreachItAnswers() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-shared", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot")
        try incident("I-near", on: today, party: "V-prot")
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        try breach("B-secret", on: today, agency: "probation", sensitivity: "restricted", via: officer)
        #expect(try kinds(fx.spoc).contains("suspected_breach"), "a breach he may not see does not answer it")
        try db.execute("UPDATE disrupt.breach SET sensitivity = 'shared' WHERE source_ref = 'B-secret'")
        #expect(try !kinds(fx.spoc).contains("suspected_breach"))
        #expect(try inbox(fx.spoc, all: true).contains { ($0["close_reason"] as? String) == "breach B-secret recorded" })
    }

    @Test func anAlertedIncidentChangedIsSupersededNotDuplicatedAndAMergeRaisesNothing() throws {
        _ = try fx.openPlan()
        try party("V-a")
        try party("V-b")
        try incident("I-move", on: today.adding(days: -3), party: "V-a")
        func open() throws -> [[String: Any]] {
            try inbox(fx.spoc).filter { $0["kind"] as? String == "new_victim" && ($0["message"] as? String)?.contains("incident I-move on") == true }
        }
        #expect(try open().count == 1)
        try db.execute("UPDATE disrupt.incident SET occurred_on = \(today.adding(days: -2))::date WHERE source_ref = 'I-move'")
        #expect(try open().count == 1, "re-dated: one alert, not two")
        #expect((try open().first?["message"] as? String ?? "").contains(today.adding(days: -2).iso), "dated the new day")
        #expect(try inbox(fx.spoc, all: true).contains { ($0["close_reason"] as? String) == "superseded: the incident changed" })

        try db.execute("UPDATE disrupt.incident SET party_id = (SELECT id FROM disrupt.party WHERE party_ref = 'V-b') WHERE source_ref = 'I-move'")
        let moved = try open()
        #expect(moved.count == 1)
        #expect((moved.first?["message"] as? String ?? "").contains("V-b") && !(moved.first?["message"] as? String ?? "").contains("V-a"),
                "the same day's alert, reopened as the incident now is")

        // a duplicate of him, merged: his incidents move to the survivor, which is not news
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES ('P-dup-' || \(fx.personRef), 'Dup', 'police')")
        try party("V-m")
        try incident("I-dup", on: today, party: "V-m", person: "P-dup-\(fx.personRef)")
        let before = try count("new_victim")
        _ = try db.query("SELECT disrupt.merge_person(\(fx.personRef), 'P-dup-' || \(fx.personRef), 'the same man') AS id")
        #expect(try count("new_victim") == before)
    }

    @Test func aVeryLongReferenceNeverFailsTheWriteWhereAnAlertIsMade() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-hidden", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot", sensitivity: "restricted")
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        // the police's restricted order makes a suspected breach for the police SPOC; probation's
        // statement succeeds all the same, however long the reference it writes (he names the
        // party as the entry commands do: staff read no record table)
        try officer.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, agency)
            SELECT repeat('X', 3000), pe.id, disrupt.party_meant('V-prot'), \(today)::date, 'probation'
              FROM disrupt.person pe WHERE pe.person_ref = \(fx.personRef)
            """)
        let evidence = try db.query("SELECT evidence FROM disrupt.reminder WHERE kind = 'suspected_breach'")
        #expect(evidence.count == 1)
        #expect(try (evidence.first?.decode("evidence", as: String.self).count ?? 0) == 2000)
        try breach(String(repeating: "B", count: 3000), on: today, agency: "probation", via: officer)
        #expect(try count("suspected_breach") == 1)
        #expect(try db.query("SELECT 1 FROM disrupt.reminder WHERE kind = 'suspected_breach' AND closed_at IS NOT NULL").count == 1)
    }

    @Test func anEditAndItsUndoOrABreachRecordedAndMovedAwayPutsNoAlertOutOfSight() throws {
        _ = try fx.openPlan()
        try party("V-new")
        try incident("I-one", on: today.adding(days: -2), party: "V-new", agency: "probation")
        try incident("I-two", on: today.adding(days: -1), party: "V-new", agency: "probation")
        func newVictim() throws -> Bool { try messages(fx.spoc, kind: "new_victim").contains { $0.contains("incident I-one on") } }
        #expect(try newVictim())
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        try db.execute("UPDATE disrupt.incident SET sensitivity = 'restricted' WHERE source_ref = 'I-one'")
        #expect(try !newVictim(), "hidden from him while it names a record he may not see")
        try db.execute("UPDATE disrupt.incident SET sensitivity = 'shared' WHERE source_ref = 'I-one'")
        #expect(try newVictim(), "the same record again: the same alert, still open")

        // a shared breach that day answers the suspected breach; moved away, it answers nothing
        try party("V-prot")
        try order("O-dvpo", type: "dvpo", starts: today.adding(days: -5), ends: nil, party: "V-prot")
        try incident("I-near", on: today.adding(days: -1), party: "V-prot")
        #expect(try kinds(fx.spoc).contains("suspected_breach"))
        try breach("B-decoy", on: today.adding(days: -1), action: "arrest", agency: "probation", via: officer)
        #expect(try !kinds(fx.spoc).contains("suspected_breach"))
        try db.execute("UPDATE disrupt.breach SET occurred_on = occurred_on - 400 WHERE source_ref = 'B-decoy'")
        #expect(try kinds(fx.spoc).contains("suspected_breach"), "no breach answers it now")
        try breach("B-real", on: today.adding(days: -1), action: "arrest", agency: "probation", via: officer)
        try db.execute("UPDATE disrupt.breach SET sensitivity = 'restricted' WHERE source_ref = 'B-real'")
        #expect(try kinds(fx.spoc).contains("suspected_breach"), "a breach he may no longer see answers nothing for him")
    }

    @Test func aRenameFirstOrADismissalDoesNotStopTheReopenAndAnUndoneRedateLeavesOneAlert() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-dvpo", type: "dvpo", starts: today.adding(days: -5), ends: nil, party: "V-prot")
        try incident("I-near", on: today.adding(days: -1), party: "V-prot")
        try incident("I-near-2", on: today.adding(days: -2), party: "V-prot")
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        // renamed before it is moved away: the alert it closed stands again all the same
        try breach("B-one", on: today.adding(days: -1), action: "arrest", agency: "probation", via: officer)
        try db.execute("UPDATE disrupt.breach SET source_ref = 'B-renamed' WHERE source_ref = 'B-one'")
        try db.execute("UPDATE disrupt.breach SET occurred_on = occurred_on - 400 WHERE source_ref = 'B-renamed'")
        func open(_ ref: String) throws -> Bool {
            try messages(fx.spoc, kind: "suspected_breach").contains { $0.contains("incident \(ref) on") }
        }
        #expect(try open("I-near"))
        // a chair's dismissal is a decision, not a breach's answer: it stands, and the write succeeds
        let id = try #require(inbox(fx.spoc).first { ($0["message"] as? String)?.contains("incident I-near-2 on") == true }?["reminder_id"] as? Int)
        let spoc = try staffSession(fx.spoc)
        defer { spoc.close() }
        _ = try spoc.query("SELECT disrupt.alert_dismiss(\(id), 'breach B-two recorded')")
        try breach("B-two", on: today.adding(days: -2), action: "arrest", agency: "probation", via: officer)
        try db.execute("UPDATE disrupt.breach SET occurred_on = occurred_on - 400 WHERE source_ref = 'B-two'")
        #expect(try !open("I-near-2"), "dismissed by a person: not reopened")

        // re-dated and back: one open alert, of the day it is now
        try party("V-r")
        try incident("I-r", on: today.adding(days: -3), party: "V-r")
        try db.execute("UPDATE disrupt.incident SET occurred_on = occurred_on + 1 WHERE source_ref = 'I-r'")
        try db.execute("UPDATE disrupt.incident SET occurred_on = occurred_on - 1 WHERE source_ref = 'I-r'")
        let mine = try messages(fx.spoc, kind: "new_victim").filter { $0.contains("incident I-r on") }
        #expect(mine.count == 1 && mine.first?.contains(today.adding(days: -3).iso) == true, "\(mine)")

        // a partner with no start date keeps his day when edited: no second alert
        try party("V-p")
        try db.execute("""
            INSERT INTO disrupt.relationship (person_id, party_id, relationship, agency)
            SELECT pe.id, pa.id, 'partner', 'police' FROM disrupt.person pe, disrupt.party pa
             WHERE pe.person_ref = \(fx.personRef) AND pa.party_ref = 'V-p'
            """)
        #expect(try count("new_partner") == 1)
        try db.execute("UPDATE disrupt.relationship SET sensitivity = 'restricted' WHERE party_id = (SELECT id FROM disrupt.party WHERE party_ref = 'V-p')")
        #expect(try count("new_partner") == 1)
    }
}

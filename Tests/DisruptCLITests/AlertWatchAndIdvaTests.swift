import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 15 at the edges of its rules: who is watched for new partners (each way of being
/// watched, and just outside it), an acknowledged alert staying open until it is answered or
/// dismissed, every change of action reaching the Idva (and nothing reaching an Idva who may not
/// see the victim), and a re-timed kind showing on its configured day.
extension AlertCommandTests {
    /// One way a person is, or just fails to be, watched for new partners and victims.
    struct Watch: Sendable, CustomTestStringConvertible {
        let name: String
        let setup: @Sendable (_ personRef: String, _ today: Day) -> String
        let watched: Bool
        var testDescription: String { name }

        static func risk(band: String, serial: Bool) -> @Sendable (String, Day) -> String {
            { person, today in
                """
                INSERT INTO disrupt.risk_current (person_id, as_of, score, band, rfg_recency, rfg_frequency, rfg_gravity, rfg_victims,
                                                  rfg_total, victims, serial, escalating, is_repeat, model_version, rfg_version)
                SELECT id, '\(today.iso)', 10, '\(band)', 0, 0, 0, 0, 0, 1, \(serial), false, false, 'test', 'test'
                  FROM disrupt.person WHERE person_ref = '\(person)'
                """
            }
        }

        static func link(_ forum: String, starts: Int, ends: Int?, sensitivity: String = "shared") -> @Sendable (String, Day) -> String {
            { person, today in
                """
                INSERT INTO disrupt.forum_link (source_ref, person_id, forum, lead_agency, starts_on, ends_on, agency, sensitivity,
                                                mappa_category, mappa_level)
                SELECT 'L-\(forum)', id, '\(forum)', 'probation', '\(today.adding(days: starts).iso)',
                       \(ends.map { "'\(today.adding(days: $0).iso)'" } ?? "NULL"), 'probation', '\(sensitivity)',
                       \(forum == "mappa" ? "1, 2" : "NULL, NULL")
                  FROM disrupt.person WHERE person_ref = '\(person)'
                """
            }
        }

        static func mappa(starts: Int, ends: Int?) -> @Sendable (String, Day) -> String { link("mappa", starts: starts, ends: ends) }

        static func cohort(exitedDaysAgo: Int?) -> @Sendable (String, Day) -> String {
            { person, today in
                let exit = exitedDaysAgo.map { "'\(today.adding(days: -$0).iso)', 'left the area', 3, 'test'" } ?? "NULL, NULL, NULL, NULL"
                return """
                    INSERT INTO disrupt.matac_cohort (person_id, entered_on, rfg_at_entry, entry_reason, exited_on, exit_reason, rfg_at_exit, exited_by)
                    SELECT id, '\(today.adding(days: -30).iso)', 5, 'top of the RFG ranking', \(exit) FROM disrupt.person WHERE person_ref = '\(person)'
                    """
            }
        }

        static let all: [Watch] = [
            Watch(name: "serial, standard risk", setup: risk(band: "standard", serial: true), watched: true),
            Watch(name: "high risk", setup: risk(band: "high", serial: false), watched: true),
            Watch(name: "very high risk", setup: risk(band: "very_high", serial: false), watched: true),
            Watch(name: "medium risk, not serial", setup: risk(band: "medium", serial: false), watched: false),
            Watch(name: "MAPPA link from today", setup: mappa(starts: 0, ends: nil), watched: true),
            Watch(name: "MAPPA link ending today", setup: mappa(starts: -90, ends: 0), watched: true),
            Watch(name: "MAPPA link ended yesterday", setup: mappa(starts: -90, ends: -1), watched: false),
            Watch(name: "MAPPA link from tomorrow", setup: mappa(starts: 1, ends: nil), watched: false),
            Watch(name: "restricted MAPPA link (another agency's)", setup: link("mappa", starts: -5, ends: nil, sensitivity: "restricted"), watched: false),
            Watch(name: "MATAC link", setup: link("matac", starts: -5, ends: nil), watched: true),
            Watch(name: "IOM link only", setup: link("iom", starts: -5, ends: nil), watched: false),
            Watch(name: "in the MATAC cohort", setup: cohort(exitedDaysAgo: nil), watched: true),
            Watch(name: "left the MATAC cohort today", setup: cohort(exitedDaysAgo: 0), watched: false),
        ]
    }

    @Test(arguments: Watch.all)
    func aNewPartnerAlertsWhenHeIsWatchedAndNotJustOutside(_ watch: Watch) throws {
        #expect(try db.execute(PostgresQuery(unsafeSQL: watch.setup(fx.personRef, today))) == 1, "the setup wrote its row")
        try party("V-partner")
        try db.execute("""
            INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, agency)
            SELECT pe.id, pa.id, 'partner', \(today)::date, 'police' FROM disrupt.person pe, disrupt.party pa
             WHERE pe.person_ref = \(fx.personRef) AND pa.party_ref = 'V-partner'
            """)
        let alerts = try db.query("SELECT recipient_login, tactic FROM disrupt.reminder WHERE kind = 'new_partner'")
        #expect(alerts.count == (watch.watched ? 1 : 0), "\(watch.name)")
        if watch.watched {
            // no plan and no police-led link: every active police chair, suggesting Clare's Law
            #expect(try alerts.first?.decode("recipient_login", as: String.self) == fx.chair)
            #expect(try alerts.first?.decode("tactic", as: String.self) == "dvds_right_to_know")
            #expect(try kinds(fx.chair) == ["new_partner"])
        }
        #expect(try kinds(fx.probation).isEmpty && kinds(fx.spoc).isEmpty)
    }

    @Test func anAcknowledgedAlertStaysOpenUntilItIsDismissedWithAReason() throws {
        try order("O-nmo", type: "non_molestation", starts: today.adding(days: -20), ends: nil, party: victimRef)
        try incident("I-contact", on: today, party: victimRef)
        let id = try #require(inbox(fx.chair).first { $0["kind"] as? String == "suspected_breach" }?["reminder_id"] as? Int)
        let acked = try fx.run(["inbox", "ack", "\(id)"], as: fx.chair)
        #expect(acked.status == 0, "\(acked.stderr)")
        // seen, not answered: still in her inbox (marked) and in the chair's list, naming who has seen it
        let mine = try inbox(fx.chair).filter { $0["kind"] as? String == "suspected_breach" }
        #expect(mine.count == 1 && mine.first?["acked_at"] is String, "\(mine)")
        #expect(try fx.run(["inbox"], as: fx.chair).stdout.contains("\(id) (ack)"))
        let listed = try DisruptBinary.json(try fx.run(["alerts", "--format", "json"], as: fx.chair)) as? [[String: Any]] ?? []
        #expect(listed.count == 1 && listed.first?["acknowledged_by"] as? [String] == [fx.chair], "\(listed)")
        #expect(try fx.run(["alerts"], as: fx.chair).stdout.contains("ACK"))
        // a seen alert is not delivered again
        let claimed = try db.query("SELECT count(*)::int AS n FROM disrupt.reminder_claim_for_delivery(50) WHERE id = \(id)")
        #expect(try claimed[0].decode("n", as: Int.self) == 0)
        #expect(try fx.run(["alerts", "dismiss", "\(id)", "--reason", "Contact arranged by the family court"], as: fx.chair).status == 0)
        #expect(try inbox(fx.chair).isEmpty)
        #expect((try DisruptBinary.json(try fx.run(["alerts", "--format", "json"], as: fx.chair)) as? [[String: Any]])?.isEmpty == true)
        // an Idva's update, which asks nothing of her, goes when acknowledged
        let plan = try fx.openPlan()
        #expect(try fx.run(["plan", "victim", "add", "\(plan)", victimRef, "--idva", fx.idva], as: fx.spoc).status == 0)
        _ = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: today.adding(days: 10).iso)
        let update = try #require(inbox(fx.idva).first?["reminder_id"] as? Int)
        #expect(try fx.run(["inbox", "ack", "\(update)"], as: fx.idva).status == 0)
        #expect(try inbox(fx.idva).isEmpty)
    }

    /// helper-56: `alert_dismiss` closes every recipient's copy, so a recipient who kept her
    /// dismissal open in psql made the others' acknowledgements wait for as long as she liked.
    /// They now wait at most 5 s (`bound_lock_waits`) and are told to try again (exit 5).
    @Test func aDismissalKeptOpenHoldsUpAnotherRecipientsAcknowledgementForFiveSecondsAtMost() throws {
        _ = try fx.openPlan()
        try order("O-licence", type: "licence", starts: today.adding(days: -1), ends: today.adding(days: 300))
        try incident("I-on-licence", on: today, party: nil)
        func alert(_ login: String) throws -> Int {
            try #require(inbox(login).first { $0["kind"] as? String == "offending_on_order" }?["reminder_id"] as? Int)
        }
        let (mine, theirs) = (try alert(fx.spoc), try alert(fx.probation))
        let probation = try staffSession(fx.probation)
        defer { probation.close() }
        let spoc = try staffSession(fx.spoc)
        defer { spoc.close() }
        try spoc.execute("SET statement_timeout = '30s'")  // a wait without bound fails the test instead of hanging it
        try probation.execute("BEGIN")
        _ = try probation.query("SELECT disrupt.alert_dismiss(\(theirs), 'Recall requested')")
        let started = Date()
        let state = sqlState { _ = try spoc.query("SELECT disrupt.reminder_ack(\(mine))") }
        let waited = Date().timeIntervalSince(started)
        #expect(state == "55P03" && waited >= 4.5 && waited < 20, "\(state ?? "no error") after \(waited) s")
        guard state == "55P03" else {  // unbounded: the command below would wait for ever
            try probation.execute("ROLLBACK")
            return
        }
        let refused = try fx.run(["inbox", "ack", "\(mine)"], as: fx.spoc)
        #expect(refused.status == 5 && refused.stderr.contains("try again"), "\(refused.status) \(refused.stderr)")
        try probation.execute("ROLLBACK")
        #expect(try fx.run(["inbox", "ack", "\(mine)"], as: fx.spoc).status == 0)
    }

    @Test func theChairsListRefusesAKindItDoesNotList() throws {
        let result = try fx.run(["alerts", "--kind", "idva_update"], as: fx.chair)
        #expect(result.status == 2, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("an Idva's updates are in her inbox"))
        let staff = try staffSession(fx.chair)
        defer { staff.close() }
        #expect(sqlState { _ = try staff.query("SELECT * FROM disrupt.alerts_open('no_such_kind')") } == "DR422")
        #expect(sqlState { _ = try staff.query("SELECT * FROM disrupt.alerts_open('idva_update')") } == "DR422")
    }

    @Test func theIdvaHearsOfEachKindOfChangeUnderHerVictimsAndNothingOfAVictimSheMayNotSee() throws {
        let plan = try fx.openPlan()
        try party("V-second")
        #expect(try fx.run(["plan", "victim", "add", "\(plan)", victimRef, "--idva", fx.idva], as: fx.spoc).status == 0)
        #expect(try fx.run(["plan", "victim", "add", "\(plan)", "V-second", "--idva", fx.idva], as: fx.spoc).status == 0)
        let due = today.adding(days: 10).iso
        func action(_ tactic: String) throws -> String {
            "\(try fx.addAction(plan: plan, tactic: tactic, heading: "disrupt", due: due)["action_id"] as? Int ?? 0)"
        }
        func step(_ arguments: [String], as login: String) throws {
            let result = try fx.run(arguments, as: login)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let checked = try action("anpr_flagging")            // added; safety check asked
        try step(["action", "extend", checked, "--due", today.adding(days: 12).iso, "--reason", "awaiting ANPR"], as: fx.spoc)
        try step(["action", "safety-check", checked], as: fx.idva)
        try step(["action", "start", checked], as: fx.spoc)
        try step(["action", "block", checked, "--reason", "Awaiting CPS advice"], as: fx.spoc)
        try step(["action", "start", checked], as: fx.spoc)
        try step(["action", "done", checked, "--outcome", "Vehicle flagged"], as: fx.spoc)
        let moved = try action("anpr_flagging")
        try step(["action", "reassign", moved, "--agency", "probation", "--owner", fx.probation, "--reason", "Now on licence"], as: fx.spoc)
        try step(["action", "cancel", moved, "--reason", "Licence revoked"], as: fx.probation)
        let open = try action("anpr_flagging")
        try step(["plan", "close", "\(plan)", "--reason", "Sentenced; managed by MAPPA"], as: fx.spoc)
        let items = try inbox(fx.idva)
        let messages = items.compactMap { $0["message"] as? String }
        for expected in ["action \(checked) (anpr_flagging) added; your safety check is asked for", "action \(checked) (anpr_flagging) safety check given",
                         "action \(checked) (anpr_flagging) extended to \(today.adding(days: 12).iso)",
                         "action \(checked) (anpr_flagging) started", "action \(checked) (anpr_flagging) blocked",
                         "action \(checked) (anpr_flagging) done", "action \(moved) (anpr_flagging) reassigned to \(fx.probation) (probation)",
                         "action \(moved) (anpr_flagging) cancelled", "action \(open) (anpr_flagging) cancelled"] {
            #expect(messages.contains { $0.contains(expected) }, "no \(expected) in \(messages)")
        }
        #expect(messages.count == 12, "\(messages)")
        // each change once, filed under the first of her victims (by reference), naming no other:
        // only that one is checked again each time she reads it
        let victims = [victimRef, "V-second"].sorted()
        #expect(messages.allSatisfy { $0.contains("(victim \(victims[0])):") && !$0.contains(victims[1]) }, "\(messages)")
        #expect(items.allSatisfy { $0["party_ref"] as? String == victims[0] })
        #expect(try fx.run(["inbox"], as: fx.idva).stdout.contains("Victim \(victims[0]):"))

        // a victim the Idva may not see: not nameable with her, and a victim made hidden from her
        // since tells her nothing more
        let other = try fx.openPlan()  // the first is closed: a new plan for him
        try party("V-hidden", agency: "probation", sensitivity: "restricted")
        let refused = try fx.run(["plan", "victim", "add", "\(other)", "V-hidden", "--idva", fx.idva], as: fx.spoc)
        #expect(refused.status == 3, "the SPOC may not see the party: \(refused.stderr)")
        try party("V-later")
        #expect(try fx.run(["plan", "victim", "add", "\(other)", "V-later", "--idva", fx.idva], as: fx.spoc).status == 0)
        let before = try count("idva_update")
        _ = try fx.addAction(plan: other, tactic: "anpr_flagging", heading: "disrupt", due: due)
        #expect(try count("idva_update") == before + 1, "she hears of the plan while she may see the victim")
        try db.execute("UPDATE disrupt.party SET sensitivity = 'restricted', agency = 'probation' WHERE party_ref = 'V-later'")
        _ = try fx.addAction(plan: other, tactic: "mappa_referral", heading: "manage", agency: "probation", due: due)
        #expect(try count("idva_update") == before + 1, "and nothing once she may no longer see her")
        #expect(try inbox(fx.idva).allSatisfy { !"\($0)".contains("V-later") }, "nor is the earlier update shown")
    }

    @Test func offendingWhileReleasedUnderInvestigationFiresOnItsLastDayNotTheDayAfter() throws {
        _ = try fx.openPlan()
        try order("O-rui", type: "rui", starts: today.adding(days: -10), ends: today.adding(days: -2))
        try incident("I-day-after", on: today.adding(days: -1), party: nil)
        #expect(try count("offending_on_order") == 0)
        try incident("I-last-day", on: today.adding(days: -2), party: nil)
        let items = try inbox(fx.spoc).filter { $0["kind"] as? String == "offending_on_order" }
        #expect(items.count == 1 && (items.first?["message"] as? String)?.contains("RUI") == true, "\(items)")
        #expect((items.first?["message"] as? String)?.contains("I-last-day") == true)
        #expect(try inbox(fx.probation).isEmpty, "probation hears only of a licence")
    }

    @Test func aKindReTimedInDisruptJsonShowsOnItsConfiguredWorkingDay() throws {
        try remind(withAlerts: #"{"recent_days": 7, "kinds": {"suspected_breach": {"enabled": true, "delay_working_days": 2}}}"#)
        try order("O-nmo", type: "non_molestation", starts: today.adding(days: -20), ends: nil, party: victimRef)
        try incident("I-8-days", on: today.adding(days: -8), party: victimRef)   // a day outside recent_days (7)
        try incident("I-7-days", on: today.adding(days: -7), party: victimRef)   // the last day inside
        let rows = try db.query("SELECT message, shown_on, recipient_login FROM disrupt.reminder WHERE kind = 'suspected_breach'")
        #expect(rows.count == 1)
        #expect(try rows.first?.decode("recipient_login", as: String.self) == fx.chair)
        #expect(try rows.first?.decode("message", as: String.self).contains("I-7-days") == true)
        #expect(try rows.first?.decode("shown_on", as: Day.self) == WorkingDay.after(today, count: 2))
        #expect(try kinds(fx.chair).isEmpty, "not before its second working day")
    }
    @Test func aMergedDuplicatesPlanBringsItsVictimsAndTheirIdvaToTheKeptPlan() throws {
        let kept = try fx.openPlan()
        let duplicate = "G-\(fx.personRef)"
        let otherIdva = "idva2_\(fx.personRef.lowercased().dropFirst(2))"
        try db.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\(duplicate), 'Adam', 'Testperson', 'police')")
        let goneIdva = "idva3_\(fx.personRef.lowercased().dropFirst(2))"
        try db.execute("SELECT disrupt.staff_add(\(otherIdva), 'Iris Idva', 'idva', 'idva')")
        try db.execute("SELECT disrupt.staff_add(\(goneIdva), 'Gill Idva', 'idva', 'idva')")
        try party("V-both")
        try party("V-third")
        let other = try fx.json(["plan", "open", duplicate, "--spoc", fx.spoc], as: fx.spoc)["plan_id"] as! Int
        for (plan, party, idva) in [(other, victimRef, fx.idva), (other, "V-both", fx.idva), (kept, "V-both", otherIdva),
                                    (other, "V-third", goneIdva)] {
            let added = try fx.run(["plan", "victim", "add", "\(plan)", party, "--idva", idva], as: fx.spoc)
            #expect(added.status == 0, "\(added.stderr)")
        }
        // an Idva who has left is not carried over (plan_victim_add's rule: an active Idva login)
        try db.execute("SELECT disrupt.staff_disable(\(goneIdva), 'left the service')")
        let action = try fx.addAction(plan: other, tactic: "anpr_flagging", heading: "disrupt", due: today.adding(days: 10).iso)["action_id"] as? Int ?? 0
        let merged = try fx.run(["person", "merge", fx.personRef, duplicate, "--reason", "same man, PNC confirmed"], as: nil)
        #expect(merged.status == 0, "\(merged.stderr)")

        // her victim now stands on the kept plan, named under the kept person; a victim already
        // there keeps the Idva named there
        let victims = try db.query("""
            SELECT pa.party_ref, v.idva_login, pe.person_ref FROM disrupt.plan_victim v
              JOIN disrupt.party pa ON pa.id = v.party_id JOIN disrupt.person pe ON pe.id = v.person_id
             WHERE v.plan_id = \(kept) ORDER BY pa.party_ref
            """).map { "\(try $0.decode("party_ref", as: String.self))/\(try $0.decode("idva_login", as: String.self))/\(try $0.decode("person_ref", as: String.self))" }
        #expect(victims == ["V-both/\(otherIdva)/\(fx.personRef)", "\(victimRef)/\(fx.idva)/\(fx.personRef)"].sorted(), "\(victims)")
        #expect(try db.query("SELECT 1 FROM disrupt.plan_victim v JOIN disrupt.person pe ON pe.id = v.person_id WHERE pe.person_ref = \(duplicate)").isEmpty)
        // the closed plan says how many of its victims are on no live plan (not who)
        let reason: String = try db.query("SELECT close_reason FROM disrupt.plan WHERE id = \(other)")[0].decode("close_reason")
        #expect(reason == "person merged: live actions and victims moved to plan \(kept); 1 victim(s) not moved (no active Idva named who may see him): name them on plan \(kept)",
                "\(reason)")
        // the closed plan's victims can no longer be changed there
        let removed = try fx.run(["plan", "victim", "remove", "\(other)", victimRef], as: fx.spoc)
        #expect(removed.status != 0 && removed.stderr.contains("plan \(other) is closed"), "\(removed.status): \(removed.stderr)")

        // the move reaches both Idvas, each under her victim on the kept plan, and so does what follows
        let moved = "Plan \(kept) for \(fx.personRef) (victim %@): action \(action) (anpr_flagging) moved to this plan (a duplicate of him merged)"
        for (idva, victim) in [(fx.idva, victimRef), (otherIdva, "V-both")] {
            let messages = try inbox(idva).compactMap { $0["message"] as? String }
            #expect(messages.contains(moved.replacingOccurrences(of: "%@", with: victim)), "\(idva): \(messages)")
        }
        #expect(try fx.run(["action", "safety-check", "\(action)"], as: fx.idva).status == 0)
        #expect(try fx.run(["action", "start", "\(action)"], as: fx.spoc).status == 0)
        let messages = try inbox(fx.idva).compactMap { $0["message"] as? String }
        for change in ["safety check given", "started"] {
            #expect(messages.contains("Plan \(kept) for \(fx.personRef) (victim \(victimRef)): action \(action) (anpr_flagging) \(change)"), "\(messages)")
        }
        #expect(try inbox(otherIdva).contains { ($0["message"] as? String)?.hasSuffix("action \(action) (anpr_flagging) started") == true })
    }

    @Test func aDuplicatesOnlyPlanMovesToTheKeptPersonWithItsVictims() throws {
        let duplicate = "G-\(fx.personRef)"
        try db.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES (\(duplicate), 'Adam', 'Testperson', 'police')")
        let plan = try fx.json(["plan", "open", duplicate, "--spoc", fx.spoc], as: fx.spoc)["plan_id"] as! Int
        #expect(try fx.run(["plan", "victim", "add", "\(plan)", victimRef, "--idva", fx.idva], as: fx.spoc).status == 0)
        let merged = try fx.run(["person", "merge", fx.personRef, duplicate, "--reason", "same man, PNC confirmed"], as: nil)
        #expect(merged.status == 0, "\(merged.stderr)")
        let named = try db.query("""
            SELECT pe.person_ref FROM disrupt.plan_victim v JOIN disrupt.person pe ON pe.id = v.person_id WHERE v.plan_id = \(plan)
            """).map { try $0.decode("person_ref", as: String.self) }
        #expect(named == [fx.personRef], "the victim row names the plan's person, the kept one")
        let action = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: today.adding(days: 10).iso)["action_id"] as? Int ?? 0
        let messages = try inbox(fx.idva).compactMap { $0["message"] as? String }
        #expect(messages.contains("Plan \(plan) for \(fx.personRef) (victim \(victimRef)): action \(action) (anpr_flagging) added; your safety check is asked for"),
                "\(messages)")
    }

    @Test func offendingOnLicenceReachesTheProbationContactOfHisLinkAndAllProbationWithoutAnOpenLinkSheMaySee() throws {
        _ = try fx.openPlan()
        let officer = "prob2_\(fx.personRef.lowercased().dropFirst(2))"
        try db.execute("SELECT disrupt.staff_add(\(officer), 'Olu Officer', 'probation', 'rep')")
        func link(_ ref: String, agency: String, sensitivity: String) throws {
            try db.execute("""
                INSERT INTO disrupt.forum_link (source_ref, person_id, forum, lead_agency, starts_on, contact, agency, sensitivity)
                SELECT \(ref), id, 'iom', 'probation', \(today.adding(days: -30))::date, \(officer), \(agency), \(sensitivity)
                  FROM disrupt.person WHERE person_ref = \(fx.personRef)
                """)
        }
        func recipients(_ incident: String) throws -> [String] {
            try db.query("""
                SELECT r.recipient_login FROM disrupt.reminder r JOIN disrupt.incident i ON i.id = r.subject_id AND r.subject_table = 'incident'
                 WHERE r.kind = 'offending_on_order' AND i.source_ref = \(incident) ORDER BY 1
                """).map { try $0.decode("recipient_login", as: String.self) }
        }
        try order("O-licence", type: "licence", starts: today.adding(days: -10), ends: nil)
        try link("L-iom", agency: "probation", sensitivity: "shared")
        try incident("I-with-link", on: today, party: nil)
        #expect(try recipients("I-with-link") == [fx.spoc, officer].sorted(), "the link's contact, not all probation")
        #expect((try inbox(officer).first { $0["kind"] as? String == "offending_on_order" }?["message"] as? String)?.contains("consider recall") == true)

        try db.execute("UPDATE disrupt.forum_link SET status = 'closed' WHERE source_ref = 'L-iom'")
        try incident("I-link-closed", on: today, party: nil)
        #expect(try recipients("I-link-closed") == [fx.spoc, officer, fx.probation].sorted(), "a closed link names no lead: all probation")

        // police hold a link naming the officer, restricted: probation may not see it, so it names no one
        try link("L-police-only", agency: "police", sensitivity: "restricted")
        try incident("I-hidden-link", on: today, party: nil)
        #expect(try recipients("I-hidden-link") == [fx.spoc, officer, fx.probation].sorted(), "a link probation may not see names no lead")
    }
}

import DisruptCore
import DisruptStore
import DisruptTestSupport
import Dispatch
import Foundation
import Postgres
import Testing

/// The alerts of issue 15 through the real binary and real staff logins: each fires, does not
/// fire just outside its rule, reaches the right person, and nobody who may not see the person
/// learns of it. Records are written with psql-equivalent SQL as the superuser (the triggers fire
/// for any writer), with the binary, or in a staff login's own session where who writes matters
/// (staff INSERT records but read them only through the functions of reading.sql).
@Suite("Alerts: new partner or victim, suspected breach, offending on order, no positive action, the Idva loop")
struct AlertCommandTests {
    let fx: PlanFixture
    let db: PostgresConnection
    let today = Day.today()

    init() throws {
        fx = try PlanFixture("alerts")
        db = try fx.superuser()
        try db.execute("INSERT INTO disrupt.party (party_ref, family_name, kind, agency) VALUES ('V-' || \(fx.personRef), 'Victim', 'victim', 'police')")
    }

    var victimRef: String { "V-\(fx.personRef)" }

    /// The caller's inbox as JSON objects.
    func inbox(_ login: String, all: Bool = false) throws -> [[String: Any]] {
        let result = try fx.run(["inbox", "--format", "json"] + (all ? ["--all"] : []), as: login)
        #expect(result.status == 0, "\(result.stderr)")
        return try DisruptBinary.json(result) as? [[String: Any]] ?? []
    }

    func kinds(_ login: String) throws -> [String] {
        try inbox(login).compactMap { $0["kind"] as? String }.sorted()
    }

    func party(_ ref: String, agency: String = "police", sensitivity: String = "shared") throws {
        try db.execute("INSERT INTO disrupt.party (party_ref, family_name, kind, agency, sensitivity) VALUES (\(ref), 'Party', 'victim', \(agency), \(sensitivity))")
    }

    func incident(_ ref: String, on day: Day, party: String?, address: String? = nil, agency: String = "police",
                          sensitivity: String = "shared", person: String? = nil) throws {
        try db.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, address, agency, sensitivity)
            SELECT \(ref), pe.id, (SELECT id FROM disrupt.party WHERE party_ref = \(party)), \(day)::date, \(address), \(agency), \(sensitivity)
              FROM disrupt.person pe WHERE pe.person_ref = \(person ?? fx.personRef)
            """)
    }

    func order(_ ref: String, type: String, starts: Day, ends: Day?, party: String? = nil, address: String? = nil,
                       agency: String = "police", sensitivity: String = "shared") throws {
        try db.execute("""
            INSERT INTO disrupt.court_order (source_ref, person_id, order_type, protected_party_id, protected_address, starts_on, ends_on, agency, sensitivity)
            SELECT \(ref), pe.id, \(type), (SELECT id FROM disrupt.party WHERE party_ref = \(party)), \(address), \(starts)::date, \(ends)::date,
                   \(agency), \(sensitivity)
              FROM disrupt.person pe WHERE pe.person_ref = \(fx.personRef)
            """)
    }

    /// Records a breach of his, with no order, as `session` (a staff login's psql) or the superuser.
    func breach(_ ref: String, on day: Day, action: String = "charge", agency: String = "police", sensitivity: String = "shared",
                via session: PostgresConnection? = nil) throws {
        try (session ?? db).execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, action_taken, agency, sensitivity)
            SELECT \(ref), pe.id, \(day)::date, \(action), \(agency), \(sensitivity) FROM disrupt.person pe WHERE pe.person_ref = \(fx.personRef)
            """)
    }

    func count(_ kind: String) throws -> Int {
        try db.query("SELECT count(*)::int AS n FROM disrupt.reminder WHERE kind = \(kind)")[0].decode("n")
    }

    @Test func aNewVictimOfAWatchedPersonReachesHisSpocOnceAndOldHistoryDoesNot() throws {
        // not watched yet (no plan, no risk, no MATAC/MAPPA link): nothing
        try incident("I-unwatched", on: today, party: victimRef)
        #expect(try count("new_victim") == 0)
        _ = try fx.openPlan()
        try party("V-new")
        try party("V-old")
        try incident("I-old", on: today.adding(days: -29), party: "V-old")   // a day outside recent_days (28)
        try incident("I-new", on: today.adding(days: -28), party: "V-new")   // the last day inside
        try incident("I-new-again", on: today, party: "V-new")              // seen now: not new
        try incident("I-seen", on: today, party: victimRef)                 // seen before the plan
        let items = try inbox(fx.spoc).filter { $0["kind"] as? String == "new_victim" }
        #expect(items.count == 1)
        #expect((items.first?["message"] as? String)?.contains("I-new") == true)
        #expect(items.first?["tactic"] as? String == "dvds_right_to_know")
        #expect((items.first?["evidence"] as? String)?.contains("party V-new") == true)
        #expect(try kinds(fx.probation).isEmpty)
        #expect(try kinds(fx.idva).isEmpty)
    }

    @Test func aNewPartnerOfAMatacNomineeReachesThePoliceLeadOnly() throws {
        try party("V-partner")
        let relate: PostgresQuery = """
            INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, agency)
            SELECT pe.id, pa.id, 'partner', \(today)::date, 'police' FROM disrupt.person pe, disrupt.party pa
             WHERE pe.person_ref = \(fx.personRef) AND pa.party_ref = 'V-partner'
            """
        try db.execute(relate)
        #expect(try count("new_partner") == 0)  // not watched: no alert
        try db.execute("DELETE FROM disrupt.relationship")
        try db.execute("""
            INSERT INTO disrupt.forum_link (source_ref, person_id, forum, lead_agency, starts_on, contact, agency)
            SELECT 'L-matac', id, 'matac', 'police', \(today.adding(days: -5))::date, \(fx.spoc), 'police' FROM disrupt.person WHERE person_ref = \(fx.personRef)
            """)
        try db.execute(relate)
        let items = try inbox(fx.spoc).filter { $0["kind"] as? String == "new_partner" }
        #expect(items.count == 1)
        #expect((items.first?["message"] as? String)?.contains("V-partner") == true)
        #expect(items.first?["tactic"] as? String == "dvds_right_to_know")
        #expect(try kinds(fx.chair).isEmpty)  // the lead, not every chair
        let alerts = try DisruptBinary.json(try fx.run(["alerts", "--format", "json"], as: fx.chair)) as? [[String: Any]] ?? []
        #expect(alerts.map { $0["kind"] as? String } == ["new_partner"])
        #expect(alerts.first?["recipients"] as? [String] == [fx.spoc])
    }

    @Test func aSuspectedBreachFiresOnTheOrdersLastDayNotAfterAndClosesWhenABreachIsRecorded() throws {
        try order("O-nmo", type: "non_molestation", starts: today.adding(days: -20), ends: today.adding(days: -3), party: victimRef)
        try incident("I-last-day", on: today.adding(days: -3), party: victimRef)
        try incident("I-day-after", on: today.adding(days: -2), party: victimRef)
        try order("O-home", type: "restraining", starts: today.adding(days: -20), ends: nil, address: "12 Rose Street, Leeds", sensitivity: "restricted")
        try incident("I-at-home", on: today.adding(days: -1), party: nil, address: "12 rose street leeds", sensitivity: "restricted")
        let items = try inbox(fx.chair).filter { $0["kind"] as? String == "suspected_breach" }  // no plan, no link: the police chair
        let messages = items.compactMap { $0["message"] as? String }.sorted()
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.contains { $0.contains("I-last-day") && $0.contains("protected party") })
        #expect(messages.contains { $0.contains("I-at-home") && $0.contains("protected address") })
        #expect(!messages.contains { $0.contains("I-day-after") })
        try db.execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, action_taken, agency)
            SELECT 'B-nmo', pe.id, co.id, \(today.adding(days: -3))::date, 'arrest', 'police'
              FROM disrupt.person pe JOIN disrupt.court_order co ON co.person_id = pe.id AND co.source_ref = 'O-nmo'
             WHERE pe.person_ref = \(fx.personRef)
            """)
        let open = try inbox(fx.chair).filter { $0["kind"] as? String == "suspected_breach" }
        #expect(open.count == 1)
        let closed = try inbox(fx.chair, all: true).filter { $0["close_reason"] as? String == "breach B-nmo recorded" }
        #expect(closed.count == 1)
    }

    @Test func offendingOnLicenceReachesTheSpocAndProbationButNotBeforeTheLicenceStarts() throws {
        _ = try fx.openPlan()
        try order("O-bail", type: "bail", starts: today, ends: nil)
        try incident("I-before-bail", on: today.adding(days: -1), party: nil)
        #expect(try count("offending_on_order") == 0)
        try order("O-licence", type: "licence", starts: today.adding(days: -1), ends: today.adding(days: 300))
        try incident("I-on-licence", on: today.adding(days: -1), party: nil)
        let spoc = try inbox(fx.spoc).filter { $0["kind"] as? String == "offending_on_order" }
        let probation = try inbox(fx.probation).filter { $0["kind"] as? String == "offending_on_order" }
        #expect(spoc.count == 1 && probation.count == 1)
        #expect((probation.first?["message"] as? String)?.contains("consider recall") == true)
        #expect(try kinds(fx.idva).isEmpty)
    }

    @Test func aBreachWithoutPositiveActionShowsTheNextWorkingDayAndPositiveActionClosesIt() throws {
        try db.execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, occurred_on, action_taken, agency)
            SELECT r, id, \(today)::date, a, 'police' FROM disrupt.person, (VALUES ('B-warning', 'warning'), ('B-arrest', 'arrest')) v(r, a)
             WHERE person_ref = \(fx.personRef)
            """)
        let rows = try db.query("SELECT recipient_login, shown_on, message FROM disrupt.reminder WHERE kind = 'breach_no_positive_action'")
        #expect(rows.count == 1)  // the arrest is positive action; no plan: every chair (one)
        #expect(try rows.first?.decode("recipient_login", as: String.self) == fx.chair)
        #expect(try rows.first?.decode("shown_on", as: Day.self) == WorkingDay.after(today, count: 1))
        #expect(try rows.first?.decode("message", as: String.self).contains("B-warning") == true)
        #expect(try kinds(fx.chair).isEmpty)  // not before the next working day
        try db.execute("UPDATE disrupt.reminder SET shown_on = current_date WHERE kind = 'breach_no_positive_action'")
        #expect(try kinds(fx.chair) == ["breach_no_positive_action"])
        try db.execute("UPDATE disrupt.breach SET action_taken = 'charge' WHERE source_ref = 'B-warning'")
        #expect(try kinds(fx.chair).isEmpty)
    }

    @Test func aRestrictedRecordAlertsOnlyItsOwnAgency() throws {
        _ = try fx.openPlan()
        try party("V-health", agency: "health", sensitivity: "restricted")
        try incident("I-health", on: today, party: "V-health", agency: "health", sensitivity: "restricted")
        // the SPOC (police) and the police chair may not see the health record: no alert at all,
        // nor the immediate reminder, nor the sweep's catch-up of it
        #expect(try count("new_victim") == 0)
        #expect(try fx.run(["remind"], as: nil).status == 0)
        #expect(try db.query("SELECT count(*)::int AS n FROM disrupt.reminder r JOIN disrupt.incident i ON r.subject_table = 'incident' AND r.subject_id = i.id WHERE i.source_ref = 'I-health'")[0]
                    .decode("n", as: Int.self) == 0)
        for login in [fx.spoc, fx.chair, fx.probation, fx.idva] {
            let texts = try inbox(login, all: true).map { "\($0)" }.joined()
            #expect(!texts.contains("I-health") && !texts.contains("V-health"), "\(login)")
        }
        // a police-restricted record alerts the police SPOC, and only police chairs list it
        try party("V-police", agency: "police", sensitivity: "restricted")
        try incident("I-police", on: today, party: "V-police", agency: "police", sensitivity: "restricted")
        #expect(try inbox(fx.spoc).contains { ($0["message"] as? String)?.contains("I-police") == true })
        // the immediate reminder names the incident by its reference, not by its opaque id
        #expect(try inbox(fx.spoc).contains {
            $0["kind"] as? String == "new_incident" && ($0["message"] as? String)?.hasPrefix("New incident I-police recorded for") == true
        })
        let healthChair = "hchair_\(UUID().uuidString.prefix(6).lowercased())"
        try db.execute("SELECT disrupt.staff_add(\(healthChair), 'Hilary Chair', 'health', 'chair')")
        let listed = try fx.run(["alerts", "--format", "json"], as: healthChair)
        #expect(listed.status == 0 && !listed.stdout.contains("I-police") && !listed.stdout.contains("V-police"))
        let police = try fx.run(["alerts", "--format", "json"], as: fx.chair)
        #expect(police.stdout.contains("I-police"))
        #expect(try fx.run(["alerts"], as: fx.spoc).status == 4)  // a SPOC is not a chair
    }

    @Test func aBreachOfARestrictedOrderIsNamedOnlyToWhomMaySeeTheOrder() throws {
        // probation holds the DVPO restricted (it names where she lives) and its officer, with
        // his own login, records a shared breach of it with no positive action (he names the order
        // as the breach command does: disrupt.order_meant, as staff read no record table)
        try order("O-prob", type: "dvpo", starts: today.adding(days: -10), ends: nil, address: "1 Hidden Row",
                  agency: "probation", sensitivity: "restricted")
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        try officer.execute("""
            INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, action_taken, agency)
            SELECT 'B-prob', pe.id, co.id, \(today)::date, 'warning', 'probation'
              FROM disrupt.person pe JOIN disrupt.order_meant('O-prob') co ON co.person_id = pe.id
             WHERE pe.person_ref = \(fx.personRef)
            """)
        try db.execute("UPDATE disrupt.reminder SET shown_on = current_date WHERE kind = 'breach_no_positive_action'")
        // the police chair may not see the order: no alert names it to her (a probation chair would get it)
        let listed = try fx.run(["alerts", "--format", "json"], as: fx.chair)
        #expect(listed.status == 0 && !listed.stdout.contains("O-prob"), "\(listed.stdout)")
        #expect(try !inbox(fx.chair, all: true).map { "\($0)" }.joined().contains("O-prob"))
        let rows = try db.query("SELECT recipient_login, restricted_agency FROM disrupt.reminder WHERE kind = 'breach_no_positive_action'")
        #expect(try rows.allSatisfy { try $0.decode("recipient_login", as: String.self) != fx.chair })
    }

    @Test func aRestrictedBreachNeitherClosesNorNamesItselfInAnAlertOfWhomMayNotSeeIt() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-shared", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot")
        try incident("I-near", on: today, party: "V-prot")
        #expect(try kinds(fx.spoc).contains("suspected_breach"))
        // probation records, restricted, a breach of his that day: the police SPOC may not see it
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        try breach("B-secret", on: today, agency: "probation", sensitivity: "restricted", via: officer)
        #expect(try kinds(fx.spoc).contains("suspected_breach"), "his alert stands")
        let everything = try fx.run(["inbox", "--all", "--format", "json"], as: fx.spoc)
        #expect(everything.status == 0 && !everything.stdout.contains("B-secret"), "\(everything.stdout)")
        // a breach he may see closes it, and says which
        try breach("B-police", on: today)
        #expect(try !kinds(fx.spoc).contains("suspected_breach"))
        #expect(try inbox(fx.spoc, all: true).contains { ($0["close_reason"] as? String) == "breach B-police recorded" })
    }

    @Test func aRestrictedBreachAlreadyRecordedDoesNotHideASuspectedBreachFromWhomMayNotSeeIt() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-shared", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot")
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        try breach("B-secret", on: today, agency: "probation", sensitivity: "restricted", via: officer)
        try incident("I-near", on: today, party: "V-prot")
        #expect(try kinds(fx.spoc).contains("suspected_breach"))
        // one recorded by his own agency, restricted, he may see: no alert for the next incident
        try breach("B-own", on: today.adding(days: -1), sensitivity: "restricted")
        try incident("I-near-2", on: today.adding(days: -1), party: "V-prot")
        #expect(try !inbox(fx.spoc).contains {
            $0["kind"] as? String == "suspected_breach" && ($0["message"] as? String)?.contains("I-near-2") == true
        })
    }

    @Test func whatAnotherAgencyHoldsRestrictedNeitherTakesAwayANewVictimAlertNorShowsThroughIt() throws {
        _ = try fx.openPlan()
        // probation holds, restricted, a relationship with V-rel and an incident against V-inc:
        // to the police SPOC both are still parties not seen before for him
        try party("V-rel")
        try party("V-inc")
        try party("V-own")
        try db.execute("""
            INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, agency, sensitivity)
            SELECT pe.id, pa.id, 'ex_partner', \(today.adding(days: -400))::date, 'probation', 'restricted'
              FROM disrupt.person pe, disrupt.party pa WHERE pe.person_ref = \(fx.personRef) AND pa.party_ref = 'V-rel'
            """)
        try incident("I-old-prob", on: today.adding(days: -200), party: "V-inc", agency: "probation", sensitivity: "restricted")
        try incident("I-old-own", on: today.adding(days: -200), party: "V-own", agency: "police", sensitivity: "restricted")
        // a probation officer records new incidents against each (naming the party as the entry
        // commands do: disrupt.party_meant, as staff read no record table)
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        _ = try takeWakes()
        for party in ["V-rel", "V-inc", "V-own"] {
            try officer.execute("""
                INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, agency)
                SELECT \("I-now-" + party), pe.id, disrupt.party_meant(\(party)), \(today)::date, 'probation'
                  FROM disrupt.person pe WHERE pe.person_ref = \(fx.personRef)
                """)
            // every insert wakes the service, alert or not, and says nothing of how many
            #expect(try takeWakes() == [try pid(officer)], "\(party)")
        }
        #expect(try db.query("""
            SELECT count(*)::int AS n FROM disrupt.incident i JOIN disrupt.party pa ON pa.id = i.party_id
             WHERE i.source_ref = 'I-now-' || pa.party_ref AND pa.party_ref IN ('V-rel', 'V-inc', 'V-own')
            """)[0].decode("n", as: Int.self) == 3, "each names the party he meant")
        let victims = try inbox(fx.spoc).filter { $0["kind"] as? String == "new_victim" }.compactMap { $0["message"] as? String }
        #expect(victims.contains { $0.contains("I-now-V-rel ") } && victims.contains { $0.contains("I-now-V-inc ") }, "\(victims)")
        // his own agency's restricted incident he may see: not new to him
        #expect(!victims.contains { $0.contains("I-now-V-own ") }, "\(victims)")
    }

    @Test func anAlertIsReadOnlyWhileItsReaderMayStillSeeTheOrderItNames() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-later", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot", agency: "probation")
        try incident("I-near", on: today, party: "V-prot")
        func named(_ text: String) -> Bool { text.contains("O-later") }
        #expect(try inbox(fx.spoc).contains { $0["kind"] as? String == "suspected_breach" && named("\($0)") })
        // probation restricts its order afterwards (its import's merge, here by hand): nothing
        // that police read names it any more
        try db.execute("UPDATE disrupt.court_order SET sensitivity = 'restricted' WHERE source_ref = 'O-later'")
        let everything = try fx.run(["inbox", "--all", "--format", "json"], as: fx.spoc)
        #expect(everything.status == 0 && !named(everything.stdout), "\(everything.stdout)")
        let listed = try fx.run(["alerts", "--format", "json"], as: fx.chair)
        #expect(listed.status == 0 && !named(listed.stdout), "\(listed.stdout)")
        let spoc = try staffSession(fx.spoc)
        defer { spoc.close() }
        // in psql: the table is not hers to read (EXPLAIN would count what its policy hides), and
        // the reminders about each person she may see do not name it
        #expect(sqlState { _ = try spoc.query("SELECT message FROM disrupt.reminder") } == "42501")
        let read = try spoc.query("""
            SELECT r.message AS t FROM disrupt.person p
            CROSS JOIN LATERAL disrupt.reminders_about(p.id, '1900-01-01', '2100-01-01') r
            """).map { try $0.decode("t", as: String.self) }
        #expect(!read.isEmpty && !read.contains(where: named), "\(read)")
        let delivered = try db.query("SELECT message FROM disrupt.reminder_claim_for_delivery(1000, interval '1 second')")
            .map { try $0.decode("message", as: String.self) }
        #expect(!delivered.isEmpty && !delivered.contains(where: named), "\(delivered)")
        // shared again: the alert is his again
        try db.execute("UPDATE disrupt.court_order SET sensitivity = 'shared' WHERE source_ref = 'O-later'")
        #expect(try inbox(fx.spoc).contains { $0["kind"] as? String == "suspected_breach" && named("\($0)") })
    }

    /// helper-56: a recipient who dismissed an alert in a transaction she kept open locked every
    /// recipient's copy, and the service's `reminder_delivered` waited for her, and with it the
    /// whole delivery loop. A held row now answers 55P03 at once (the service records it later).
    @Test func aReminderRowHeldByAnotherSessionNeverHoldsUpDelivery() throws {
        _ = try fx.openPlan()
        try incident("I-held", on: today, party: victimRef)
        let id: Int64 = try #require(try db.query("SELECT id FROM disrupt.reminder ORDER BY created_at DESC LIMIT 1").first?.decode("id"))
        let holder = try fx.superuser()
        defer { holder.close() }
        try holder.execute("BEGIN")
        _ = try holder.query("SELECT 1 FROM disrupt.reminder WHERE id = \(id) FOR UPDATE")  // as alert_dismiss does
        let service = try fx.superuser()
        defer { service.close() }
        try service.execute("SET lock_timeout = '2s'")
        var refusal: PostgresError?
        do { _ = try service.query("SELECT disrupt.reminder_delivered(\(id))") } catch let error as PostgresError { refusal = error }
        #expect(refusal?.sqlState == "55P03" && refusal?.message.contains("being changed by another session") == true, "\(String(describing: refusal))")
        refusal = nil
        do { _ = try service.query("SELECT disrupt.reminder_delivery_failed(\(id), 'x')") } catch let error as PostgresError { refusal = error }
        #expect(refusal?.message.contains("being changed by another session") == true)
        try holder.execute("ROLLBACK")
        #expect(try service.query("SELECT disrupt.reminder_delivered(\(id)) AS done")[0].decode("done", as: Bool.self))
    }

    @Test func anOrderHiddenFromHimNeitherTakesAwayNorChangesHisAlert() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        // probation's restricted order and licence came first; police's shared order and bail after
        try order("O-hidden", type: "dvpo", starts: today.adding(days: -9), ends: nil, party: "V-prot",
                  agency: "probation", sensitivity: "restricted")
        try order("L-hidden", type: "licence", starts: today.adding(days: -9), ends: nil, agency: "probation", sensitivity: "restricted")
        try order("O-shared", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot")
        try order("B-shared", type: "bail", starts: today.adding(days: -3), ends: nil)
        try incident("I-near", on: today, party: "V-prot")
        let items = try inbox(fx.spoc)
        let breach = items.filter { $0["kind"] as? String == "suspected_breach" }.compactMap { $0["message"] as? String }
        let offending = items.filter { $0["kind"] as? String == "offending_on_order" }.compactMap { $0["message"] as? String }
        #expect(breach.count == 1 && breach.first?.contains("O-shared") == true, "\(breach)")
        #expect(offending.count == 1 && offending.first?.contains("B-shared") == true, "\(offending)")
        #expect(!"\(items)".contains("O-hidden") && !"\(items)".contains("L-hidden"))
    }

    @Test func aForumLinkHiddenFromHimNeitherWatchesNorRoutesHisAlerts() throws {
        // probation's restricted MATAC link: not watched as far as police know, so no new-partner alert
        let link: (String, String, String, String, String) -> PostgresQuery = { ref, forum, lead, agency, sensitivity in
            """
            INSERT INTO disrupt.forum_link (source_ref, person_id, forum, lead_agency, starts_on, contact, agency, sensitivity)
            SELECT \(ref), id, \(forum), \(lead), \(self.today.adding(days: -5))::date, \(self.fx.spoc), \(agency), \(sensitivity)
              FROM disrupt.person WHERE person_ref = \(self.fx.personRef)
            """
        }
        try db.execute(link("L-matac-hidden", "matac", "probation", "probation", "restricted"))
        try party("V-partner-1")
        try partner("V-partner-1", from: today)
        #expect(try count("new_partner") == 0)
        // a restricted IOM link led by police and naming the SPOC: not his to see, so the chairs hear
        try db.execute(link("L-iom-hidden", "iom", "police", "probation", "restricted"))
        try db.execute(link("L-matac-shared", "matac", "probation", "probation", "shared"))
        try party("V-partner-2")
        try partner("V-partner-2", from: today)
        #expect(try kinds(fx.spoc).isEmpty)
        #expect(try kinds(fx.chair) == ["new_partner"])
    }

    @Test func oneStatementOfAHiddenAndASharedIncidentStillTellsHimOfTheShared() throws {
        _ = try fx.openPlan()
        try party("V-both")
        try db.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, agency, sensitivity)
            SELECT s.ref, pe.id, pa.id, s.d::date, s.agency, s.sensitivity
              FROM (VALUES ('I-hidden', \(today.adding(days: -2)), 'probation', 'restricted'),
                           ('I-shared', \(today), 'police', 'shared')) AS s (ref, d, agency, sensitivity),
                   disrupt.person pe, disrupt.party pa
             WHERE pe.person_ref = \(fx.personRef) AND pa.party_ref = 'V-both'
            """)
        let victims = try inbox(fx.spoc).filter { $0["kind"] as? String == "new_victim" }.compactMap { $0["message"] as? String }
        #expect(victims.count == 1 && victims.first?.contains("I-shared") == true, "\(victims)")
        #expect(!"\(victims)".contains("I-hidden"))
    }

    @Test func aSharedBreachClosesTheAlertOfARecipientNoLongerActive() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-shared", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot")
        try incident("I-near", on: today, party: "V-prot")
        #expect(try count("suspected_breach") == 1)
        try db.execute("SELECT disrupt.staff_disable(\(fx.spoc), 'left the force')")
        try breach("B-shared", on: today)
        let open: Int = try db.query("SELECT count(*)::int AS n FROM disrupt.reminder WHERE kind = 'suspected_breach' AND closed_at IS NULL")[0].decode("n")
        #expect(open == 0)
    }

    @Test func aWriteWakesTheServiceWithoutTellingAnyStaffLoginWhoWrote() throws {
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        // the marks are the service's: neither the table nor taking them is open to staff
        for probe in ["SELECT * FROM disrupt_private.service_wake", "SELECT disrupt.service_wake_take()",
                      "INSERT INTO disrupt_private.service_wake (woken_in, woken_by) VALUES ('1', 1)", "SELECT disrupt.reminder_wake()"] {
            #expect(sqlState { _ = try officer.query(PostgresQuery(unsafeSQL: probe)) } == "42501", "\(probe)")
        }
        // no NOTIFY at all: nothing to LISTEN to, nor to read with trace_notify (which prints the
        // channel of every NOTIFY its own session sends)
        let writer = try staffSession(fx.spoc)
        defer { writer.close() }
        _ = try takeWakes()
        try writer.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, agency)
            SELECT 'I-listened', id, \(today)::date, 'police' FROM disrupt.person WHERE person_ref = \(fx.personRef)
            """)
        _ = try fx.openPlan()
        #expect(try takeWakes().contains(try pid(writer)), "the incident marked a wake")
        let notifying: Int = try db.query("""
            SELECT count(*)::int AS n FROM pg_proc
             WHERE pronamespace = 'disrupt'::regnamespace AND prosrc ~* '(pg_notify|\\mnotify\\M)'
            """)[0].decode("n")
        #expect(notifying == 0, "a function of disrupt's sends a NOTIFY")
        // a mark is taken once its writer commits, not before, and a committed one is taken even
        // while the same connection has a later transaction open (helper-50)
        func record(_ ref: String) throws {
            try writer.execute("""
                INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, agency)
                SELECT \(ref), id, \(today)::date, 'police' FROM disrupt.person WHERE person_ref = \(fx.personRef)
                """)
        }
        try record("I-listened-2")
        try writer.execute("BEGIN")
        try record("I-listened-3")
        let service = try fx.superuser()
        defer { service.close() }
        #expect(try service.query("SELECT disrupt.service_wake_take() AS woken")[0].decode("woken", as: Bool.self) == true)
        #expect(try service.query("SELECT disrupt.service_wake_take() AS woken")[0].decode("woken", as: Bool.self) == false)
        try writer.execute("COMMIT")
        #expect(try service.query("SELECT disrupt.service_wake_take() AS woken")[0].decode("woken", as: Bool.self) == true)
        #expect(try service.query("SELECT disrupt.service_wake_take() AS woken")[0].decode("woken", as: Bool.self) == false)
        // with no service to take them, a sweep drops marks a day old, not newer ones
        try db.execute("""
            INSERT INTO disrupt_private.service_wake (woken_in, woken_by, woken_at)
            VALUES ('1', -1, now() - interval '1 day 1 second'), ('2', -2, now() - interval '23 hours')
            """)
        _ = try service.query("SELECT * FROM disrupt.reminder_sweep(current_date)")
        #expect(try db.query("SELECT array_agg(woken_by ORDER BY woken_by)::text AS left FROM disrupt_private.service_wake WHERE woken_by < 0")[0]
                    .decode("left", as: String.self) == "{-2}")
        // a take does not wait for a sweep that is still clearing day-old marks (helper-51)
        try db.execute("INSERT INTO disrupt_private.service_wake (woken_in, woken_by, woken_at) VALUES ('3', -3, now() - interval '2 days')")
        let sweeper = try fx.superuser()
        defer { sweeper.close() }
        try sweeper.execute("BEGIN")
        _ = try sweeper.query("SELECT * FROM disrupt.reminder_sweep(current_date)")
        try service.execute("SET lock_timeout = '500ms'")
        #expect(sqlState { _ = try service.query("SELECT disrupt.service_wake_take() AS woken") } == nil)
        try sweeper.execute("COMMIT")
    }

    @Test func everyIncidentWakesTheServiceEvenWhenNothingIsMade() throws {
        // a second person: no plan, not watched; an incident of his makes no reminder of any kind
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\("Q-" + fx.personRef), 'Quiet', 'police')")
        let officer = try staffSession(fx.probation)
        defer { officer.close() }
        _ = try takeWakes()
        try officer.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, occurred_on, agency)
            SELECT 'I-quiet', id, \(today)::date, 'probation' FROM disrupt.person WHERE person_ref = \("Q-" + fx.personRef)
            """)
        #expect(try takeWakes() == [try pid(officer)])
        #expect(try db.query("""
            SELECT count(*)::int AS n FROM disrupt.reminder r JOIN disrupt.person pe ON pe.id = r.person_id
             WHERE pe.person_ref = \("Q-" + fx.personRef)
            """)[0].decode("n", as: Int.self) == 0)
    }

    @Test func anAlertHeMayNoLongerSeeIsNotHisToAcknowledgeOrDismiss() throws {
        _ = try fx.openPlan()
        try party("V-prot")
        try order("O-later", type: "dvpo", starts: today.adding(days: -3), ends: nil, party: "V-prot", agency: "probation")
        try incident("I-near", on: today, party: "V-prot")
        let id: Int64 = try db.query("SELECT id FROM disrupt.reminder WHERE kind = 'suspected_breach' AND recipient_login = \(fx.spoc)")[0].decode("id")
        let spoc = try staffSession(fx.spoc)
        defer { spoc.close() }
        let unconsulted = try PostgresConnection(fx.location.asUser(fx.spoc).configuration)
        defer { unconsulted.close() }
        #expect(sqlState { _ = try unconsulted.query("SELECT disrupt.alert_dismiss(\(id), 'no purpose given')") } == "42501")
        #expect(sqlState { _ = try unconsulted.query("SELECT disrupt.reminder_ack(\(id))") } == "42501")
        try db.execute("UPDATE disrupt.court_order SET sensitivity = 'restricted' WHERE source_ref = 'O-later'")
        #expect(sqlState { _ = try spoc.query("SELECT disrupt.alert_dismiss(\(id), 'closing what I cannot see')") } == "DR404")
        #expect(sqlState { _ = try spoc.query("SELECT disrupt.reminder_ack(\(id))") } == "DR404")
        let row = try db.query("SELECT closed_at IS NULL AND acked_at IS NULL AS open FROM disrupt.reminder WHERE id = \(id)")[0]
        #expect(try row.decode("open", as: Bool.self))
    }

    @Test func dismissingAnAlertLeavesOpenTheSameIncidentsAlertAboutAnotherOrder() throws {
        // no plan: police chairs hear of the shared bail, probation of its restricted licence
        try party("V-any")
        try order("B-shared", type: "bail", starts: today.adding(days: -3), ends: nil)
        try order("L-hidden", type: "licence", starts: today.adding(days: -3), ends: nil, agency: "probation", sensitivity: "restricted")
        try incident("I-on-bail", on: today, party: "V-any")
        let chairs = try inbox(fx.chair).filter { $0["kind"] as? String == "offending_on_order" }
        let probation = try inbox(fx.probation).filter { $0["kind"] as? String == "offending_on_order" }
        #expect(chairs.count == 1 && "\(chairs)".contains("B-shared") && !"\(chairs)".contains("L-hidden"), "\(chairs)")
        #expect(probation.count == 1 && "\(probation)".contains("L-hidden"), "\(probation)")
        let id = try #require(chairs.first?["reminder_id"] as? Int)
        #expect(try fx.run(["alerts", "dismiss", "\(id)", "--reason", "bail already varied"], as: fx.chair).status == 0)
        #expect(try inbox(fx.chair).filter { $0["kind"] as? String == "offending_on_order" }.isEmpty)
        #expect(try inbox(fx.probation).filter { $0["kind"] as? String == "offending_on_order" }.count == 1)
    }

    @Test func theIdvaHearsOfEveryChangeToThePlansActionsGroupedByVictim() throws {
        let plan = try fx.openPlan()
        let help = try fx.run(["plan", "victim", "add", "--help"], as: fx.spoc)
        #expect(help.status == 0 && help.stdout.contains("disrupt plan victim add 12 V-000045 --idva idva_jones"))
        let notIdva = try fx.run(["plan", "victim", "add", "\(plan)", victimRef, "--idva", fx.probation], as: fx.spoc)
        #expect(notIdva.status == 1 && notIdva.stderr.contains("is not an active Idva login"))
        #expect(try fx.run(["plan", "victim", "add", "\(plan)", "V-nobody", "--idva", fx.idva], as: fx.spoc).status == 3)
        let added = try fx.run(["plan", "victim", "add", "\(plan)", victimRef, "--idva", fx.idva], as: fx.spoc)
        #expect(added.status == 0, "\(added.stderr)")
        let action = try fx.addAction(plan: plan, tactic: "anpr_flagging", heading: "disrupt", due: today.adding(days: 10).iso)
        let id = action["action_id"] as? Int ?? 0
        let extended = try fx.run(["action", "extend", "\(id)", "--due", today.adding(days: 20).iso, "--reason", "awaiting ANPR"], as: fx.spoc)
        #expect(extended.status == 0, "\(extended.stderr)")
        let items = try inbox(fx.idva)
        #expect(items.count == 2)
        #expect(items.allSatisfy { $0["kind"] as? String == "idva_update" && $0["party_ref"] as? String == victimRef })
        let messages = items.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("added; your safety check is asked for") })
        #expect(messages.contains { $0.contains("extended to \(today.adding(days: 20).iso)") })
        let text = try fx.run(["inbox"], as: fx.idva)
        #expect(text.stdout.contains("Victim \(victimRef):"))
        #expect(try fx.run(["plan", "victim", "remove", "\(plan)", victimRef], as: fx.spoc).status == 0)
        _ = try fx.addAction(plan: plan, tactic: "mappa_referral", heading: "manage", agency: "probation", due: today.adding(days: 10).iso)
        #expect(try inbox(fx.idva).count == 2)
    }

    @Test func dismissingAnAlertNeedsAReasonClosesItForEveryoneAndIsAudited() throws {
        try order("O-nmo", type: "non_molestation", starts: today.adding(days: -20), ends: nil, party: victimRef)
        try incident("I-contact", on: today, party: victimRef)
        let item = try inbox(fx.chair).first { $0["kind"] as? String == "suspected_breach" }
        let id = item?["reminder_id"] as? Int ?? 0
        #expect(try fx.run(["alerts", "dismiss", "\(id)"], as: fx.chair).status == 2)
        #expect(try fx.run(["alerts", "dismiss", "\(id)", "--reason", "not mine"], as: fx.spoc).status == 3)
        let done = try fx.run(["alerts", "dismiss", "\(id)", "--reason", "Contact was at the family court, permitted"], as: fx.chair)
        #expect(done.status == 0 && done.stdout.contains("Alert \(id) dismissed."))
        #expect(try kinds(fx.chair).isEmpty)
        let audit = try db.query("SELECT login, purpose FROM disrupt.audit_log WHERE object_table = 'reminder' AND object_key = \(String(id))")
        #expect(audit.count == 1)
        #expect(try audit.first?.decode("purpose", as: String.self) == "Contact was at the family court, permitted")
        #expect(try audit.first?.decode("login", as: String.self) == fx.chair)
    }

    /// Runs `disrupt remind` with a disrupt.json whose `alerts` object is `alerts`, so the database
    /// reads those alert settings until the next `remind` with the shipped ones.
    func remind(withAlerts alerts: String) throws {
        let directory = try ScratchDirectory("alerts-config")
        try Data("""
            {"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3},
             "alerts": \(alerts)}
            """.utf8).write(to: directory.url.appendingPathComponent("disrupt.json"))
        let result = try fx.run(["remind"], as: nil, environment: ["DISRUPT_CONFIG_DIR": directory.path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aKindSwitchedOffInDisruptJsonCreatesNothing() throws {
        try remind(withAlerts: #"{"kinds": {"suspected_breach": {"enabled": false}}}"#)
        try order("O-nmo", type: "non_molestation", starts: today.adding(days: -20), ends: nil, party: victimRef)
        try incident("I-off", on: today, party: victimRef)
        #expect(try count("suspected_breach") == 0)
        #expect(try fx.run(["remind"], as: nil).status == 0)  // the shipped settings again: on
        try incident("I-on", on: today, party: victimRef)
        #expect(try count("suspected_breach") == 1)
    }

    @Test func importsRunTwiceAndAtOnceMakeEachAlertOnce() throws {
        try order("O-nmo", type: "non_molestation", starts: today.adding(days: -20), ends: nil, party: victimRef)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("alert-import-\(UUID().uuidString.prefix(8)).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("""
            source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event,sensitivity,address
            I-imp-1,\(fx.personRef),\(victimRef),\(today.iso),da_incident,,police,,,
            I-imp-2,\(fx.personRef),\(victimRef),\(today.adding(days: -1).iso),da_incident,,police,,,

            """.utf8).write(to: file)
        let url = fx.url(as: nil)
        let runs = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            runs.append(try? DisruptBinary.run(["import", "incidents", file.path], databaseURL: url))
        }
        // two imports of one file at once: one inserts, the other finds the rows (or waits and retries)
        #expect(runs.all.contains { $0?.status == 0 }, "\(runs.all.map { $0?.stderr ?? "no run" })")
        #expect(try fx.run(["import", "incidents", file.path], as: nil).status == 0)
        #expect(try count("suspected_breach") == 2)  // two incidents, one recipient (the police chair), once each
        #expect(try inbox(fx.chair).filter { $0["kind"] as? String == "suspected_breach" }.count == 2)
    }

    func partner(_ party: String, from day: Day) throws {
        try db.execute("""
            INSERT INTO disrupt.relationship (person_id, party_id, relationship, from_on, agency)
            SELECT pe.id, pa.id, 'partner', \(day)::date, 'police' FROM disrupt.person pe, disrupt.party pa
             WHERE pe.person_ref = \(fx.personRef) AND pa.party_ref = \(party)
            """)
    }

    /// Takes the marks that wake `disrupt serve` (as the service does): the process ids that wrote.
    func takeWakes() throws -> [Int32] {
        try db.query("DELETE FROM disrupt_private.service_wake RETURNING woken_by").map { try $0.decode("woken_by", as: Int32.self) }
    }

    /// The server process id of a session.
    func pid(_ session: PostgresConnection) throws -> Int32 {
        try session.query("SELECT pg_backend_pid() AS pid")[0].decode("pid")
    }

    /// A connection as a staff login, as psql would make it, with its consultation committed.
    func staffSession(_ login: String, timeZone: String? = nil) throws -> PostgresConnection {
        let session = try PostgresConnection(fx.location.asUser(login).configuration)
        if let timeZone { try session.execute("SELECT set_config('TimeZone', \(timeZone), false)") }
        try session.execute("SELECT disrupt.consult('alert tests', 'psql')")
        return session
    }

    @Test func newVictimAndNewPartnerFireFromTheWindowsFirstDayNotTheDayBeforeAndOnlyForAPartyNotSeenBefore() throws {
        _ = try fx.openPlan()
        // recent_days 28: the day before the window, its first day, the day after
        let edges = [(29, false), (28, true), (27, true)]
        for (days, _) in edges {
            try party("V-inc\(days)")
            try incident("I-edge\(days)", on: today.adding(days: -days), party: "V-inc\(days)")
            try party("V-rel\(days)")
            try partner("V-rel\(days)", from: today.adding(days: -days))
        }
        let items = try inbox(fx.spoc)
        for (days, fires) in edges {
            #expect(AlertRules.isRecent(today.adding(days: -days), today: today, withinDays: AlertSettings().recentDays) == fires)  // Core agrees
            #expect(items.contains { $0["kind"] as? String == "new_victim" && ($0["message"] as? String)?.contains("I-edge\(days) ") == true } == fires, "\(days)")
            #expect(items.contains { $0["kind"] as? String == "new_partner" && ($0["message"] as? String)?.contains("V-rel\(days),") == true } == fires, "\(days)")
        }
        // seen before: an earlier incident or relationship names the two together, however old
        let before = try count("new_victim") + count("new_partner")
        try incident("I-again", on: today, party: "V-inc28")
        try incident("I-partner-seen", on: today, party: "V-rel29")
        try partner("V-inc29", from: today)
        #expect(try count("new_victim") + count("new_partner") == before)
    }

    @Test func aProtectedAddressIsImportedRestrictedMatchedOnTheOrdersLastDayOnlyAndShownToNoOtherAgency() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alert-address-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let orders = directory.appendingPathComponent("orders.csv"), incidents = directory.appendingPathComponent("incidents.csv")
        try Data("""
            source_ref,person_ref,order_type,protected_party_ref,starts_on,ends_on,conditions,sensitivity,protected_address
            O-addr,\(fx.personRef),restraining,,\(today.adding(days: -20).iso),\(today.adding(days: -2).iso),Not to attend the address,restricted,"Flat 2, 7 Heron Walk, Dunmere"
            O-open,\(fx.personRef),restraining,,\(today.adding(days: -20).iso),,,,1 Open Street

            """.utf8).write(to: orders)
        try Data("""
            source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event,sensitivity,address
            I-on-end,\(fx.personRef),,\(today.adding(days: -2).iso),da_incident,,police,,restricted,flat 2 7 heron walk dunmere
            I-after-end,\(fx.personRef),,\(today.adding(days: -1).iso),da_incident,,police,,restricted,"Flat 2, 7 Heron Walk, Dunmere"
            I-elsewhere,\(fx.personRef),,\(today.adding(days: -3).iso),da_incident,,police,,restricted,"Flat 3, 7 Heron Walk, Dunmere"

            """.utf8).write(to: incidents)
        let importedOrders = try fx.run(["import", "orders", orders.path], as: fx.spoc)
        #expect(importedOrders.status == 1 && importedOrders.stdout == "inserted 1, updated 0, unchanged 0, rejected 1\n", "\(importedOrders.stdout)\(importedOrders.stderr)")
        #expect(importedOrders.stderr.contains("line 3, column protected_address: protected_address is only for sensitivity restricted"), "\(importedOrders.stderr)")
        let importedIncidents = try fx.run(["import", "incidents", incidents.path], as: fx.spoc)
        #expect(importedIncidents.stdout == "inserted 3, updated 0, unchanged 0, rejected 0\n", "\(importedIncidents.stdout)\(importedIncidents.stderr)")
        // the same files again change nothing
        #expect(try fx.run(["import", "orders", orders.path], as: fx.spoc).stdout == "inserted 0, updated 0, unchanged 1, rejected 1\n")
        #expect(try fx.run(["import", "incidents", incidents.path], as: fx.spoc).stdout == "inserted 0, updated 0, unchanged 3, rejected 0\n")

        let items = try inbox(fx.chair).filter { $0["kind"] as? String == "suspected_breach" }  // no plan: the police chair
        #expect(items.count == 1, "\(items)")
        #expect((items.first?["message"] as? String)?.contains("I-on-end") == true)
        #expect((items.first?["message"] as? String)?.contains("protected address") == true)
        #expect(!"\(try inbox(fx.chair, all: true))".contains("Heron"))  // the address itself is named nowhere

        // stored as imported: the police's, restricted, the address whole
        let stored = try db.query("SELECT protected_address, agency, sensitivity FROM disrupt.court_order WHERE source_ref = 'O-addr'")
        #expect(stored.count == 1)
        #expect(try stored.first?.decode("protected_address", as: String.self) == "Flat 2, 7 Heron Walk, Dunmere")
        #expect(try stored.first?.decode("agency", as: String.self) == "police")
        #expect(try stored.first?.decode("sensitivity", as: String.self) == "restricted")

        // another agency neither reads the address nor hears of the alert: no staff login reads
        // the record tables in psql (reading.sql), and its dossier shows neither the order nor the incidents
        let probation = try staffSession(fx.probation)
        defer { probation.close() }
        #expect(sqlState { _ = try probation.query("SELECT count(*)::int AS n FROM disrupt.court_order WHERE protected_address IS NOT NULL") } == "42501")
        #expect(sqlState { _ = try probation.query("SELECT count(*)::int AS n FROM disrupt.incident WHERE address IS NOT NULL") } == "42501")
        let dossier = try probation.query("SELECT disrupt.person_dossier(id)::text AS d FROM disrupt.person WHERE person_ref = \(fx.personRef)")[0]
            .decode("d", as: String.self)
        #expect(!dossier.contains("Heron") && !dossier.contains("O-addr") && !dossier.contains("I-on-end"), "\(dossier)")
        let shown = try fx.run(["person", "show", fx.personRef, "--purpose", "address test", "--format", "json"], as: fx.probation)
        #expect(shown.status == 0 && !shown.stdout.contains("Heron") && !shown.stdout.contains("O-addr"), "\(shown.stderr)")
        let healthChair = "hchair_\(UUID().uuidString.prefix(6).lowercased())"
        try db.execute("SELECT disrupt.staff_add(\(healthChair), 'Hilary Chair', 'health', 'chair')")
        let listed = try fx.run(["alerts", "--format", "json"], as: healthChair)
        #expect(listed.status == 0 && !listed.stdout.contains("I-on-end"))
        // its own agency sees the order and the incidents (the address itself no command shows,
        // and no staff login reads the table it is in)
        let police = try staffSession(fx.spoc)
        defer { police.close() }
        #expect(sqlState { _ = try police.query("SELECT protected_address FROM disrupt.court_order WHERE source_ref = 'O-addr'") } == "42501")
        let own = try police.query("SELECT disrupt.person_dossier(id)::text AS d FROM disrupt.person WHERE person_ref = \(fx.personRef)")[0]
            .decode("d", as: String.self)
        #expect(own.contains("O-addr") && own.contains("I-on-end") && !own.contains("Heron"), "\(own)")
    }

    @Test func anAlertOnRestrictedRecordsOfTwoAgenciesIsListedOnlyToWhomMaySeeThemAll() throws {
        let token = UUID().uuidString.prefix(6).lowercased()
        let admin = "adm_\(token)", healthChair = "hchair_\(token)"
        try db.execute("SELECT disrupt.staff_add(\(admin), 'Ada Admin', 'police', 'admin')")
        try db.execute("SELECT disrupt.staff_add(\(healthChair), 'Hilary Chair', 'health', 'chair')")
        // his MATAC link is led by police with the administrator as its contact: watched, and she is his lead
        try db.execute("""
            INSERT INTO disrupt.forum_link (source_ref, person_id, forum, lead_agency, starts_on, contact, agency)
            SELECT 'L-matac', id, 'matac', 'police', \(today.adding(days: -5))::date, \(admin), 'police' FROM disrupt.person WHERE person_ref = \(fx.personRef)
            """)
        try party("V-both", agency: "police", sensitivity: "restricted")
        try incident("I-both", on: today, party: "V-both", agency: "health", sensitivity: "restricted")
        let rows = try db.query("SELECT recipient_login, restricted_agency FROM disrupt.reminder WHERE kind = 'new_victim'")
        #expect(rows.count == 1)
        #expect(try rows.first?.decode("recipient_login", as: String.self) == admin)
        #expect(try rows.first?.decode("restricted_agency", as: [String].self) == ["health", "police"])
        for login in [fx.chair, healthChair] {  // each may see one of the two records, not both
            let listed = try fx.run(["alerts", "--format", "json"], as: login)
            #expect(listed.status == 0 && !listed.stdout.contains("I-both") && !listed.stdout.contains("V-both"), "\(login)")
        }
        #expect(try fx.run(["alerts", "--format", "json"], as: admin).stdout.contains("I-both"))
    }

    @Test func dayBoundariesAreTheProductsUTCDaysWhateverTheSessionsTimeZone() throws {
        let utcToday = Day.today(in: TimeZone(identifier: "UTC")!)
        _ = try fx.openPlan()
        try order("O-nmo", type: "non_molestation", starts: today.adding(days: -20), ends: nil, party: victimRef)
        try incident("I-long-ago", on: today.adding(days: -400), party: victimRef)  // she is not a new victim
        // UTC+14 and UTC-12: at any hour at least one of them is on another day than UTC
        for (n, zone) in ["Etc/GMT-14", "Etc/GMT+12"].enumerated() {
            let writer = try fx.superuser()
            defer { writer.close() }
            try writer.execute("SELECT set_config('TimeZone', \(zone), false)")
            try writer.execute("""
                INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, agency)
                SELECT \("I-zone\(n)"), pe.id, pa.id, \(utcToday)::date, 'police' FROM disrupt.person pe, disrupt.party pa
                 WHERE pe.person_ref = \(fx.personRef) AND pa.party_ref = \(victimRef)
                """)
            let shownOn: [Day] = try writer.query("""
                SELECT r.shown_on FROM disrupt.reminder r JOIN disrupt.incident i ON r.subject_table = 'incident' AND r.subject_id = i.id
                 WHERE i.source_ref = \("I-zone\(n)")
                """).map { try $0.decode("shown_on") }
            #expect(shownOn.count == 2 && shownOn.allSatisfy { $0 == utcToday }, "\(zone) \(shownOn)")  // new_incident and suspected_breach
            #expect(try writer.query("SELECT disrupt.today() AS d")[0].decode("d", as: Day.self) == utcToday, "\(zone)")
            #expect(try writer.query("SELECT to_char(disrupt.day_start(\(utcToday)::date) AT TIME ZONE 'UTC', 'HH24:MI') AS t")[0]
                        .decode("t", as: String.self) == "00:00", "\(zone)")
            // the SPOC, reading in that zone, sees what is shown from today (UTC) and not what is shown from tomorrow
            try writer.execute("""
                UPDATE disrupt.reminder r SET shown_on = \(utcToday.adding(days: 1))::date
                  FROM disrupt.incident i WHERE r.kind = 'suspected_breach' AND r.subject_id = i.id AND i.source_ref = \("I-zone\(n)")
                """)
            // (the incident's id read here: staff read no record table)
            let incidentID: Int64 = try writer.query("SELECT id FROM disrupt.incident WHERE source_ref = \("I-zone\(n)")")[0].decode("id")
            let reader = try staffSession(fx.spoc, timeZone: zone)
            defer { reader.close() }
            let kinds: [String] = try reader.query("""
                SELECT x.kind FROM disrupt.inbox() x WHERE x.subject_table = 'incident' AND x.subject_id = \(incidentID)
                """).map { try $0.decode("kind") }
            #expect(kinds == ["new_incident"], "\(zone) \(kinds)")
        }
    }

    @Test func anIncidentThatFiresSeveralAlertsShowsThemTogetherInTheInbox() throws {
        _ = try fx.openPlan()
        try party("V-new")
        try party("V-also")
        try order("O-bail", type: "bail", starts: today.adding(days: -5), ends: nil, party: "V-new")
        // one statement, two incidents: the triggers write each kind for both before the next kind
        try db.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, agency)
            SELECT v.r, pe.id, pa.id, \(today.adding(days: -1))::date, 'police'
              FROM disrupt.person pe, (VALUES ('I-three', 'V-new'), ('I-two', 'V-also')) v(r, p) JOIN disrupt.party pa ON pa.party_ref = v.p
             WHERE pe.person_ref = \(fx.personRef)
            """)
        let ids: [String: Int] = Dictionary(uniqueKeysWithValues: try db.query("SELECT source_ref, id FROM disrupt.incident WHERE source_ref IN ('I-three', 'I-two')")
            .map { (try $0.decode("source_ref", as: String.self), try $0.decode("id", as: Int.self)) })
        let items = try inbox(fx.spoc)
        let three = items.indices.filter { items[$0]["subject_id"] as? Int == ids["I-three"] }
        let two = items.indices.filter { items[$0]["subject_id"] as? Int == ids["I-two"] }
        #expect(three.map { items[$0]["kind"] as? String ?? "" }.sorted() == ["new_incident", "new_victim", "offending_on_order", "suspected_breach"])
        #expect(two.map { items[$0]["kind"] as? String ?? "" }.sorted() == ["new_incident", "new_victim", "offending_on_order"])
        #expect(three.last! - three.first! == three.count - 1 && two.last! - two.first! == two.count - 1, "\(items.map { $0["kind"] ?? "" })")
    }

    @Test func theDatabaseAgreesWithCoreOnWorkingDaysInForceAndDefaults() throws {
        let start = Day(iso: "2026-11-23")!  // a Monday
        for offset in 0..<21 {
            let day = start.adding(days: offset)
            for count in 0...3 {
                let sql: Day = try db.query("SELECT disrupt.alert_next_working_day(\(day)::date, \(count)) AS d")[0].decode("d")
                #expect(sql == WorkingDay.after(day, count: count), "\(day.iso) + \(count)")
            }
            let starts = start.adding(days: 7), ends = start.adding(days: 13)
            let inForce: Bool = try db.query("SELECT disrupt.alert_in_force(\(starts)::date, \(ends)::date, \(day)::date) AS f")[0].decode("f")
            #expect(inForce == AlertRules.inForce(startsOn: starts, endsOn: ends, on: day), "\(day.iso)")
        }
        try db.execute("DELETE FROM disrupt.alert_settings")
        let defaults = AlertSettings()
        for kind in AlertKind.allCases {
            let row = try db.query("SELECT disrupt.alert_enabled(\(kind.rawValue)) AS e, disrupt.alert_delay(\(kind.rawValue)) AS d")[0]
            #expect(try row.decode("e", as: Bool.self) == defaults[kind].enabled)
            #expect(try row.decode("d", as: Int.self) == defaults[kind].delayWorkingDays)
        }
        #expect(try db.query("SELECT disrupt.alert_recent_days() AS n")[0].decode("n", as: Int.self) == defaults.recentDays)
        let positive: [String] = try db.query("SELECT disrupt.alert_positive_actions() AS p")[0].decode("p")
        #expect(positive == TriggerConfiguration.defaultPositiveActions.map(\.rawValue))
    }
}

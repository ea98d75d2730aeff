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
/// for any writer) or with the binary.
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

    private var victimRef: String { "V-\(fx.personRef)" }

    /// The caller's inbox as JSON objects.
    private func inbox(_ login: String, all: Bool = false) throws -> [[String: Any]] {
        let result = try fx.run(["inbox", "--format", "json"] + (all ? ["--all"] : []), as: login)
        #expect(result.status == 0, "\(result.stderr)")
        return try DisruptBinary.json(result) as? [[String: Any]] ?? []
    }

    private func kinds(_ login: String) throws -> [String] {
        try inbox(login).compactMap { $0["kind"] as? String }.sorted()
    }

    private func party(_ ref: String, agency: String = "police", sensitivity: String = "shared") throws {
        try db.execute("INSERT INTO disrupt.party (party_ref, family_name, kind, agency, sensitivity) VALUES (\(ref), 'Party', 'victim', \(agency), \(sensitivity))")
    }

    private func incident(_ ref: String, on day: Day, party: String?, address: String? = nil, agency: String = "police",
                          sensitivity: String = "shared", person: String? = nil) throws {
        try db.execute("""
            INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, address, agency, sensitivity)
            SELECT \(ref), pe.id, (SELECT id FROM disrupt.party WHERE party_ref = \(party)), \(day)::date, \(address), \(agency), \(sensitivity)
              FROM disrupt.person pe WHERE pe.person_ref = \(person ?? fx.personRef)
            """)
    }

    private func order(_ ref: String, type: String, starts: Day, ends: Day?, party: String? = nil, address: String? = nil) throws {
        try db.execute("""
            INSERT INTO disrupt.court_order (source_ref, person_id, order_type, protected_party_id, protected_address, starts_on, ends_on, agency)
            SELECT \(ref), pe.id, \(type), (SELECT id FROM disrupt.party WHERE party_ref = \(party)), \(address), \(starts)::date, \(ends)::date, 'police'
              FROM disrupt.person pe WHERE pe.person_ref = \(fx.personRef)
            """)
    }

    private func count(_ kind: String) throws -> Int {
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
        try order("O-home", type: "restraining", starts: today.adding(days: -20), ends: nil, address: "12 Rose Street, Leeds")
        try incident("I-at-home", on: today.adding(days: -1), party: nil, address: "12 rose street leeds")
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
        // the SPOC (police) and the police chair may not see the health record: no alert at all
        #expect(try count("new_victim") == 0)
        for login in [fx.spoc, fx.chair, fx.probation, fx.idva] {
            let texts = try inbox(login, all: true).map { "\($0)" }.joined()
            #expect(!texts.contains("I-health") && !texts.contains("V-health"), "\(login)")
        }
        // a police-restricted record alerts the police SPOC, and only police chairs list it
        try party("V-police", agency: "police", sensitivity: "restricted")
        try incident("I-police", on: today, party: "V-police", agency: "police", sensitivity: "restricted")
        #expect(try inbox(fx.spoc).contains { ($0["message"] as? String)?.contains("I-police") == true })
        let healthChair = "hchair_\(UUID().uuidString.prefix(6).lowercased())"
        try db.execute("SELECT disrupt.staff_add(\(healthChair), 'Hilary Chair', 'health', 'chair')")
        let listed = try fx.run(["alerts", "--format", "json"], as: healthChair)
        #expect(listed.status == 0 && !listed.stdout.contains("I-police") && !listed.stdout.contains("V-police"))
        let police = try fx.run(["alerts", "--format", "json"], as: fx.chair)
        #expect(police.stdout.contains("I-police"))
        #expect(try fx.run(["alerts"], as: fx.spoc).status == 4)  // a SPOC is not a chair
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

    @Test func aKindSwitchedOffInDisruptJsonCreatesNothing() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-config-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("""
            {"reminders": {"interval_seconds": 60, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7, "order_ending_days": 3},
             "alerts": {"kinds": {"suspected_breach": {"enabled": false}}}}
            """.utf8).write(to: directory.appendingPathComponent("disrupt.json"))
        #expect(try fx.run(["remind"], as: nil, environment: ["DISRUPT_CONFIG_DIR": directory.path]).status == 0)
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
            source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event
            I-imp-1,\(fx.personRef),\(victimRef),\(today.iso),da_incident,,police,
            I-imp-2,\(fx.personRef),\(victimRef),\(today.adding(days: -1).iso),da_incident,,police,

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

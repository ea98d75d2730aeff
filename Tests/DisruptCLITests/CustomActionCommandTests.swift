import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Custom actions (a free-text label under a heading), the Idva check on every action, and the
/// database refusing joint work with the victim on its own (issue 14, point 7).
@Suite("disrupt action add --label, and joint work refused by the database (the real binary)")
struct CustomActionCommandTests {
    let fx: PlanFixture
    let due = Day.today().adding(days: 30)

    init() throws {
        fx = try PlanFixture("custom")
    }

    private func staff(_ login: String) throws -> PostgresConnection {
        try PostgresConnection(fx.location.asUser(login).configuration)
    }

    /// The SQLSTATE and constraint of a refused statement (nil when it succeeded).
    private func refusal(_ db: PostgresConnection, _ sql: PostgresQuery) -> (state: String?, constraint: String?) {
        do {
            try db.execute(sql)
            return (nil, nil)
        } catch let error as PostgresError {
            return (error.sqlState, error.constraintName)
        } catch {
            return ("other", nil)
        }
    }

    @Test func aCustomActionIsStoredWithItsLabelAndAlwaysNeedsTheIdvaCheck() throws {
        let plan = try fx.openPlan()
        let label = "Ask the GP to offer alcohol treatment"
        let added = try fx.json(["action", "add", "\(plan)", "--heading", "divert", "--label", label, "--agency", "police", "--due", due.iso],
                                as: fx.spoc)
        #expect(added["tactic"] is NSNull)
        #expect(added["label"] as? String == label)
        #expect(added["heading"] as? String == "divert")
        #expect(added["needs_safety_check"] as? Bool == true)
        let id = added["action_id"] as! Int

        let refused = try fx.run(["action", "start", "\(id)"], as: fx.spoc)
        #expect(refused.status == 1 && refused.stderr.contains("Idva"), "\(refused.stderr)")

        let show = try fx.run(["action", "show", "\(id)"], as: fx.spoc)
        #expect(show.stdout.contains("custom:    \(label)"), "\(show.stdout)")
        let list = try fx.run(["action", "list", "--plan", "\(plan)"], as: fx.spoc)
        #expect(list.stdout.contains("Ask the GP"), "\(list.stdout)")
        let planText = try fx.run(["plan", "show", "\(plan)"], as: fx.spoc)
        #expect(planText.stdout.contains("Ask the GP"), "\(planText.stdout)")
        let summary = try fx.run(["summary", fx.personRef, "--purpose", "test", "--format", "json"], as: fx.spoc)
        #expect(summary.status == 0 && summary.stdout.contains(label), "\(summary.stderr)")
    }

    @Test func aTacticActionNeedsTheIdvaCheckAndItsHeadingMayBeLeftOut() throws {
        let plan = try fx.openPlan()
        let added = try fx.json(["action", "add", "\(plan)", "--tactic", "mappa_referral", "--agency", "probation", "--due", due.iso],
                                as: fx.spoc)
        #expect(added["heading"] as? String == "manage")
        #expect(added["tactic"] as? String == "mappa_referral")
        #expect(added["label"] is NSNull)
        #expect(added["needs_safety_check"] as? Bool == true)
    }

    @Test("joint work is refused by the client", arguments: [
        "Couples counselling for both", "Refer to mediation", "family therapy sessions", "Restorative justice conference",
        "Joint session with the victim",
    ])
    func jointWorkLabelsAreRefused(_ label: String) throws {
        let plan = try fx.openPlan()
        let result = try fx.run(["action", "add", "\(plan)", "--heading", "divert", "--label", label, "--agency", "police", "--due", due.iso],
                                as: fx.spoc)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("not safe where there is domestic abuse"), "\(result.stderr)")
    }

    @Test("a tactic or a label, and a heading for a label", arguments: [
        ["--heading", "divert", "--tactic", "mappa_referral", "--label", "Something"],
        ["--heading", "divert"],
        ["--label", "Something to do"],
    ])
    func usageErrors(_ extra: [String]) throws {
        let plan = try fx.openPlan()
        let result = try fx.run(["action", "add", "\(plan)", "--agency", "police", "--due", due.iso] + extra, as: fx.spoc)
        #expect(result.status == 2, "\(result.stderr)")
    }

    /// A SPOC with psql: action_add refuses joint work and sets the Idva check itself.
    @Test func theDatabaseRefusesJointWorkFromPsql() throws {
        let plan = try fx.openPlan()
        let db = try staff(fx.spoc)
        for label in ["Arrange mediation with his partner", "COUPLES-COUNSELLING", "joint work with survivor", "family_therapy"]
            + Self.disguisedJointWork {
            #expect(refusal(db, "SELECT disrupt.action_add(\(plan), 'divert', NULL, 'police', NULL, \(due)::date, NULL, \(label))").state == "DR422",
                    "\(label)")
        }
        for tactic in ["victim_offender_mediation", "family_therapy", "restorative_justice", "MEDI\u{200B}ATION", "totally made up"] {
            #expect(refusal(db, "SELECT disrupt.action_add(\(plan), 'divert', \(tactic), 'police', NULL, \(due)::date, NULL)").state == "DR422",
                    "\(tactic)")
        }
        #expect(refusal(db, "SELECT disrupt.action_add(\(plan), 'divert', 'anpr_flagging', 'police', NULL, \(due)::date, NULL, 'Both')").state == "DR422")
        #expect(refusal(db, "SELECT disrupt.action_add(\(plan), 'divert', NULL, 'police', NULL, \(due)::date, NULL, '  ')").state == "DR422")
        #expect(refusal(db, "SELECT disrupt.action_add(\(plan), 'divert', NULL, 'police', NULL, \(due)::date, NULL, \(String(repeating: "x", count: 201)))").state == "DR422")
        // the old client-supplied argument is gone: nobody can ask for an action without the check
        #expect(refusal(db, "SELECT disrupt.action_add(\(plan), 'disrupt', 'anpr_flagging', 'police', NULL, \(due)::date, NULL, false)").state != nil)
        let id: Int64 = try db.query("SELECT disrupt.action_add(\(plan), 'disrupt', 'anpr_flagging', 'police', NULL, \(due)::date, NULL) AS id")[0].decode("id")
        let needs: Bool = try db.asConsulting { try db.query("SELECT needs_safety_check FROM disrupt.action WHERE id = \(id)")[0].decode("needs_safety_check") }
        #expect(needs)
        // "immediate" is not mediation
        #expect(refusal(db, "SELECT disrupt.action_add(\(plan), 'disrupt', NULL, 'police', NULL, \(due)::date, NULL, 'Immediate arrest on sight')").state == nil)
    }

    /// Behind the function, the table's CHECKs hold even for the owner writing rows directly.
    @Test func theTableRefusesJointWorkAndUncheckedCustomActions() throws {
        let plan = try fx.openPlan()
        let db = try fx.superuser()
        func insert(tactic: String?, label: String?, needsCheck: Bool) -> String? {
            refusal(db, """
                INSERT INTO disrupt.action (plan_id, heading, tactic, label, agency, due_on, needs_safety_check, created_by, updated_by)
                VALUES (\(plan), 'divert', \(tactic)::text, \(label)::text, 'police', \(due)::date, \(needsCheck), 'test', 'test')
                """).constraint
        }
        #expect(insert(tactic: nil, label: "Restorative justice meeting", needsCheck: true) == "action_no_joint_work")
        #expect(insert(tactic: "couples_counselling", label: nil, needsCheck: true) == "action_no_joint_work")
        #expect(insert(tactic: nil, label: "Housing referral", needsCheck: false) == "action_custom_needs_safety_check")
        #expect(insert(tactic: nil, label: nil, needsCheck: true) == "action_tactic_or_label")
        #expect(insert(tactic: "anpr_flagging", label: "Housing referral", needsCheck: true) == "action_tactic_or_label")
        #expect(insert(tactic: nil, label: "Housing referral", needsCheck: true) == nil)
    }

    /// Joint work disguised as a staff login with psql tried it (a review of this change):
    /// invisible characters, look-alike letters, accents, other word orders and abbreviations.
    static let disguisedJointWork = [
        "me\u{200B}diation", "medi\u{00AD}ation", "restora\u{200D}tive justice", "\u{FF4D}\u{FF45}\u{FF44}\u{FF49}\u{FF41}\u{FF54}\u{FF49}\u{FF4F}\u{FF4E}",
        "medi\u{0430}tion", "MED\u{0130}AT\u{0130}ON", "me\u{0301}diation", "médiation familiale", "couple's counselling",
        "counselling for the couple", "family-systems therapy", "joint session with his ex-wife", "RJ conference with the victim",
        "\u{200B}\u{200B}\u{200B}", "\u{00A0}\u{00A0}",
    ]

    /// Core refuses every disguised label too, and still accepts ordinary ones.
    @Test func coreRefusesDisguisedJointWork() throws {
        let catalogue = try ConfigurationLoader.riskModel(environment: [:]).tactics
        for label in Self.disguisedJointWork {
            guard case .failure = catalogue.validate(.custom(label: label, heading: .divert)) else {
                Issue.record("accepted: \(label)")
                continue
            }
        }
        for label in ["Housing referral for the victim's safety", "Immediate ANPR marker", "Café licence check", "Joint visit by police and probation"] {
            guard case .success = catalogue.validate(.custom(label: label, heading: .divert)) else {
                Issue.record("refused: \(label)")
                continue
            }
        }
    }

    /// SQL's joint_work_phrase gives Core's JointWorkRule answer on every tactic and on texts
    /// built from the rule's own words.
    @Test func theSQLRuleAgreesWithCore() throws {
        let db = try fx.superuser()
        let texts = [
            "mediation", "immediate", "Mediator", "couples", "couple counselling", "couple-therapy", "relationship counsel",
            "marriage counselling", "marital counselling", "joint counselling", "joint therapy", "conjoint", "family therapy",
            "family_therapy", "restorative", "joint with victim", "jointly with partner", "joint survivor", "joint agency work",
            "family support", "counselling for couple", "therapy family", "victim support", "partner notification",
            "Éviter la médiation", "mediação", "family–therapy", "", "x",
        ] + Self.disguisedJointWork
        let tactics = try ConfigurationLoader.riskModel(environment: [:]).tactics.tactics.map(\.code)
        for text in texts + tactics {
            let sql: String? = try db.query("SELECT disrupt.joint_work_phrase(\(text)) AS phrase")[0].decode("phrase")
            #expect(sql == JointWorkRule.forbiddenPhrase(in: text), "\(text)")
        }
    }

    @Test func aBreachMayRecordASummons() throws {
        let result = try fx.run(["breach", "add", fx.personRef, "--on", Day.today().adding(days: -3).iso, "--action", "summons",
                                 "--agency", "police"], as: nil)
        #expect(result.status == 0, "\(result.stderr)")
        let db = try fx.superuser()
        let taken: String = try db.query("SELECT action_taken FROM disrupt.breach")[0].decode("action_taken")
        #expect(taken == "summons")
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// One database with the staff the victim-safety gate is about (a police SPOC, a police rep,
/// two Idvas, a chair, a coordinator, an admin) and one open plan, made by the superuser.
final class SafetyGateFixture: Sendable {
    let location: DatabaseLocation
    let token: String
    let planID: Int64
    var spoc: String { "gspoc_\(token)" }
    var police: String { "gpol_\(token)" }
    var idva: String { "gidva_\(token)" }
    var otherIdva: String { "gidvb_\(token)" }
    var chair: String { "gchair_\(token)" }
    var coordinator: String { "gcoord_\(token)" }
    var admin: String { "gadm_\(token)" }

    /// Shared by the suite: one cluster database is enough.
    static let shared = Result { try SafetyGateFixture() }

    init() throws {
        location = try TestCluster.freshDatabase("safetygate")
        token = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8))
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        for (login, agency, role) in [("gspoc_\(token)", "police", "spoc"), ("gpol_\(token)", "police", "rep"),
                                      ("gidva_\(token)", "idva", "idva"), ("gidvb_\(token)", "idva", "idva"),
                                      ("gchair_\(token)", "police", "chair"), ("gcoord_\(token)", "other", "coordinator"),
                                      ("gadm_\(token)", "other", "admin")] {
            try db.execute("SELECT disrupt.staff_add(\(login), 'Test Person', \(agency), \(role))")
        }
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\("P-\(token)"), 'Gate', 'police')")
        let spoc = "gspoc_\(token)"
        let spocDB = try PostgresConnection(location.asUser(spoc).configuration)
        defer { spocDB.close() }
        planID = try spocDB.query("SELECT disrupt.plan_open(\("P-\(token)"), \(spoc), NULL::date) AS id")[0].decode("id")
    }

    /// A connection authenticated as `login` through libpq, as psql would make it.
    func connect(as login: String) throws -> PostgresConnection {
        try PostgresConnection(location.asUser(login).configuration)
    }

    func superuser() throws -> PostgresConnection {
        try TestCluster.superuserConnection(database: location.testDatabaseName)
    }

    /// Adds a staff login of its own for a test that changes it.
    func addStaff(_ prefix: String, agency: String, role: String) throws -> String {
        let login = "\(prefix)_\(token)"
        let db = try superuser()
        defer { db.close() }
        try db.execute("SELECT disrupt.staff_add(\(login), 'Test Person', \(agency), \(role))")
        return login
    }

    /// Adds a police action for `tactic` (or a custom `label`) as the SPOC, straight through `action_add`.
    func addAction(tactic: String?, heading: String, label: String? = nil) throws -> Int64 {
        let db = try connect(as: spoc)
        defer { db.close() }
        return try db.query("""
            SELECT disrupt.action_add(\(planID), \(heading), \(tactic)::text, 'police', NULL::text,
                                      current_date + 10, NULL::text, \(label)::text) AS id
            """)[0].decode("id")
    }

    /// needs_safety_check, safety_checked_by, safety_check_recorded_by and safety_check_via of an action.
    func safety(_ action: Int64) throws -> (needs: Bool, by: String?, recordedBy: String?, via: String?) {
        let db = try superuser()
        defer { db.close() }
        let row = try db.query("""
            SELECT needs_safety_check, safety_checked_by, safety_check_recorded_by, safety_check_via
              FROM disrupt.action WHERE id = \(action)
            """)[0]
        return (try row.decode("needs_safety_check"), try row.decode("safety_checked_by"),
                try row.decode("safety_check_recorded_by"), try row.decode("safety_check_via"))
    }
}

/// The victim-safety gate tried the way a member of staff with psql would: every call goes
/// through libpq as a real staff login, with whatever arguments they like.
@Suite("Security: the tactic catalogue and the Idva safety gate, tried from psql")
struct SafetyGateAttackTests {
    let fx: SafetyGateFixture

    init() throws {
        fx = try SafetyGateFixture.shared.get()
    }

    /// The SQLSTATE and message of what `statement` raised as `login` (nil when it ran).
    func refusal(as login: String, _ statement: PostgresQuery) throws -> (state: String, message: String)? {
        let db = try fx.connect(as: login)
        defer { db.close() }
        do {
            _ = try db.query(statement)
            return nil
        } catch let error as PostgresError {
            return (error.sqlState ?? "client", error.message)
        }
    }

    @Test func aTacticCodeTheCatalogueDoesNotHoldIsRefused() throws {
        let failure = try refusal(as: fx.spoc, """
            SELECT disrupt.action_add(\(fx.planID), 'disrupt', 'made_up_tactic', 'police', NULL, current_date + 10, NULL, NULL)
            """)
        #expect(failure?.state == "DR422")
        #expect(failure?.message.contains("'made_up_tactic' is not a tactic in the catalogue") == true)
    }

    @Test func aTacticFiledUnderAnotherHeadingIsRefused() throws {
        let failure = try refusal(as: fx.spoc, """
            SELECT disrupt.action_add(\(fx.planID), 'prosecute', 'anpr_flagging', 'police', NULL, current_date + 10, NULL, NULL)
            """)
        #expect(failure?.state == "DR422")
        #expect(failure?.message.contains("is under disrupt, not prosecute") == true)
    }

    @Test func jointWorkIsRefusedAsACodeAndAsALabel() throws {
        for (tactic, label) in [("family_mediation", nil), (nil, "Couples counselling for the pair"), ("restorative_justice", nil)] as [(String?, String?)] {
            let failure = try refusal(as: fx.spoc, """
                SELECT disrupt.action_add(\(fx.planID), 'divert', \(tactic)::text, 'police', NULL, current_date + 10, NULL, \(label)::text)
                """)
            #expect(failure?.state == "DR422", "\(tactic ?? label ?? "")")
        }
    }

    @Test func theDatabaseDecidesWhetherAnActionNeedsTheCheck() throws {
        let checked = try fx.addAction(tactic: "address_flagging", heading: "disrupt")
        #expect(try fx.safety(checked).needs)
        let custom = try fx.addAction(tactic: nil, heading: "divert", label: "Ask the GP to offer alcohol treatment")
        #expect(try fx.safety(custom).needs)
        // only an administrator exempts a tactic, with a reason; the next action for it needs no check
        let admin = try fx.connect(as: fx.admin)
        defer { admin.close() }
        _ = try admin.query("""
            SELECT disrupt.tactic_set('inform_gp', 'manage', 'health', 'Inform the perpetrator''s GP of relevant, proportionate risk information',
                                      NULL, 'Information to the GP only; agreed by the steering group', NULL)
            """)
        let exempt = try fx.addAction(tactic: "inform_gp", heading: "manage")
        #expect(try fx.safety(exempt).needs == false)
        _ = try admin.query("""
            SELECT disrupt.tactic_set('inform_gp', 'manage', 'health', 'Inform the perpetrator''s GP of relevant, proportionate risk information',
                                      NULL, NULL, NULL)
            """)
        #expect(try fx.safety(try fx.addAction(tactic: "inform_gp", heading: "manage")).needs)
    }

    @Test func onlyAnAdministratorChangesTheCatalogueAndEveryChangeIsAudited() throws {
        for login in [fx.spoc, fx.chair, fx.idva] {
            let failure = try refusal(as: login, """
                SELECT disrupt.tactic_set('anpr_flagging', 'disrupt', 'police', 'ANPR', NULL, 'no reason', NULL)
                """)
            #expect(failure?.state == "DR403", "\(login)")
            #expect(try refusal(as: login, "SELECT disrupt.tactic_retire('anpr_flagging')")?.state == "DR403")
            #expect(try refusal(as: login, "UPDATE disrupt.tactic SET safety_check_exempt_reason = 'x'")?.state == "42501")
            #expect(try refusal(as: login, """
                INSERT INTO disrupt.tactic (code, heading, agency, label, position) VALUES ('mine', 'disrupt', 'police', 'Mine', 99)
                """)?.state == "42501")
            #expect(try refusal(as: login, "DELETE FROM disrupt.tactic")?.state == "42501")
        }
        let admin = try fx.connect(as: fx.admin)
        defer { admin.close() }
        let added: String = try admin.query("""
            SELECT disrupt.tactic_set('gate_test_tactic', 'disrupt', 'police', 'Visit the perpetrator at home', NULL, NULL, NULL) AS r
            """)[0].decode("r")
        #expect(added == "added")
        let again: String = try admin.query("""
            SELECT disrupt.tactic_set('gate_test_tactic', 'disrupt', 'police', 'Visit the perpetrator at home', NULL, NULL, NULL) AS r
            """)[0].decode("r")
        #expect(again == "unchanged")
        #expect(try admin.query("SELECT disrupt.tactic_retire('gate_test_tactic') AS r")[0].decode("r", as: Bool.self))
        let su = try fx.superuser()
        defer { su.close() }
        let audit = try su.query("""
            SELECT operation, login FROM disrupt.audit_log
             WHERE object_table = 'tactic' AND object_key = (SELECT id::text FROM disrupt.tactic WHERE code = 'gate_test_tactic')
             ORDER BY at, id
            """)
        #expect(try audit.map { try $0.decode("operation", as: String.self) } == ["collect", "alter"])
        #expect(try audit.allSatisfy { try $0.decode("login", as: String.self) == fx.admin })
        // a retired tactic starts no new action
        #expect(try refusal(as: fx.spoc, """
            SELECT disrupt.action_add(\(fx.planID), 'disrupt', 'gate_test_tactic', 'police', NULL, current_date + 10, NULL, NULL)
            """)?.state == "DR422")
    }

    @Test func anAdministratorCannotCatalogueJointWorkEither() throws {
        for (code, label) in [("victim_mediation", "Meet with the victim"), ("joint_session", "Joint counselling with his partner"),
                              ("family_work", "Family therapy"), ("rj_conference", "Conference")] {
            let failure = try refusal(as: fx.admin, """
                SELECT disrupt.tactic_set(\(code), 'divert', 'other', \(label), NULL, NULL, NULL)
                """)
            #expect(failure?.state == "DR422", "\(code)")
        }
        // the table's CHECK stands behind the function, even for the superuser
        let su = try fx.superuser()
        defer { su.close() }
        #expect(sqlState {
            _ = try su.execute("INSERT INTO disrupt.tactic (code, heading, agency, label, position) VALUES ('x_y', 'divert', 'other', 'Mediation', 99)")
        } == "23514")
        #expect(sqlState { _ = try su.execute("UPDATE disrupt.tactic SET label = 'Restorative justice' WHERE code = 'respect_phoneline'") } == "23514")
    }

    @Test func theActionsOwnAgencyCannotRecordTheIdvasAgreementInHerName() throws {
        let action = try fx.addAction(tactic: "uniform_patrols", heading: "disrupt")
        for login in [fx.spoc, fx.police, fx.admin, fx.coordinator] {
            let failure = try refusal(as: login, "SELECT disrupt.action_safety_check(\(action), 1, \(fx.idva))")
            #expect(failure?.state == "DR403", "\(login)")
            #expect(try refusal(as: login, "SELECT disrupt.action_safety_check(\(action), 1, \(fx.idva), true)")?.state == "DR403", "\(login)")
        }
        // nor can another Idva, and a chair only at the meeting
        #expect(try refusal(as: fx.otherIdva, "SELECT disrupt.action_safety_check(\(action), 1, \(fx.idva))")?.state == "DR403")
        #expect(try refusal(as: fx.chair, "SELECT disrupt.action_safety_check(\(action), 1, \(fx.idva))")?.state == "DR403")
        #expect(try fx.safety(action).by == nil)
        // so it cannot start
        #expect(try refusal(as: fx.spoc, "SELECT disrupt.action_transition(\(action), 1, 'in_progress', NULL)")?.state == "DR422")
    }

    @Test func anIdvaRecordsHerOwnAgreement() throws {
        let action = try fx.addAction(tactic: "anpr_flagging", heading: "disrupt")
        let db = try fx.connect(as: fx.idva)
        defer { db.close() }
        let version: Int = try db.query("SELECT disrupt.action_safety_check(\(action), 1, NULL::text) AS v")[0].decode("v")
        #expect(version == 2)
        let safety = try fx.safety(action)
        #expect(safety.by == fx.idva && safety.recordedBy == fx.idva && safety.via == "idva")
        let history = try db.asConsulting { try db.query("SELECT login, to_value FROM disrupt.action_history WHERE action_id = \(action) AND change = 'safety_check'") }
        #expect(try history.map { try $0.decode("login", as: String.self) } == [fx.idva])
        #expect(try history.map { try $0.decode("to_value", as: String.self) } == [fx.idva])
    }

    @Test func aChairRecordsTheAgreementTheNamedIdvaGaveAtTheMeeting() throws {
        let action = try fx.addAction(tactic: "bail_conditions", heading: "disrupt")
        // an Idva does not use the meeting form for herself, and the meeting form names the Idva
        #expect(try refusal(as: fx.idva, "SELECT disrupt.action_safety_check(\(action), 1, \(fx.idva), true)")?.state == "DR403")
        #expect(try refusal(as: fx.chair, "SELECT disrupt.action_safety_check(\(action), 1, NULL::text, true)")?.state == "DR422")
        let db = try fx.connect(as: fx.chair)
        defer { db.close() }
        _ = try db.query("SELECT disrupt.action_safety_check(\(action), 1, \(fx.idva), true)")
        let safety = try fx.safety(action)
        #expect(safety.by == fx.idva && safety.recordedBy == fx.chair && safety.via == "meeting")
        let row = try db.asConsulting { try db.query("SELECT login, to_value, reason FROM disrupt.action_history WHERE action_id = \(action) AND change = 'safety_check'") }[0]
        #expect(try row.decode("login", as: String.self) == fx.chair)
        #expect(try row.decode("to_value", as: String.self) == fx.idva)
        #expect(try row.decode("reason", as: String.self).contains("at the meeting"))
        let spoc = try fx.connect(as: fx.spoc)
        defer { spoc.close() }
        #expect(try spoc.query("SELECT disrupt.action_transition(\(action), 2, 'in_progress', NULL) AS v")[0].decode("v", as: Int.self) == 3)
    }

    @Test func aChairCannotNameADisabledIdvaOrSomeoneWhoIsNotAnIdva() throws {
        let action = try fx.addAction(tactic: "address_flagging", heading: "disrupt")
        let gone = try fx.addStaff("gidvgone", agency: "idva", role: "idva")
        let su = try fx.superuser()
        defer { su.close() }
        try su.execute("SELECT disrupt.staff_disable(\(gone), 'left the service')")
        #expect(try refusal(as: fx.chair, "SELECT disrupt.action_safety_check(\(action), 1, \(gone), true)")?.state == "DR422")
        #expect(try refusal(as: fx.chair, "SELECT disrupt.action_safety_check(\(action), 1, \(fx.police), true)")?.state == "DR422")
        #expect(try refusal(as: fx.chair, "SELECT disrupt.action_safety_check(\(action), 1, \(fx.chair), true)")?.state == "DR422")
        #expect(try fx.safety(action).by == nil)
    }

    /// Her own sessions end when the disable commits (StaffChangeSessionTests); one that the
    /// disable does not end (a superuser's, authorised as her, as one she opened in the moment
    /// before the commit would be) is refused too.
    @Test func aDisabledIdvasOpenSessionCannotRecordAnAgreement() throws {
        let action = try fx.addAction(tactic: "uniform_patrols", heading: "disrupt")
        let leaving = try fx.addStaff("gidvleave", agency: "idva", role: "idva")
        let open = try fx.superuser()
        defer { open.close() }
        try open.execute("SET SESSION AUTHORIZATION \(identifier: leaving)")
        let su = try fx.superuser()
        defer { su.close() }
        try su.execute("SELECT disrupt.staff_disable(\(leaving), 'left the service')")
        #expect(sqlState { _ = try open.query("SELECT disrupt.action_safety_check(\(action), 1, NULL::text)") } == "DR403")
        #expect(try fx.safety(action).by == nil)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// What a staff login must not be able to do to widen its own rights, and the shape of the
/// privileges that guarantees it.
@Suite("Security: no escalation")
struct SecurityEscalationTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    @Test func aStaffMemberCannotMakeThemselvesMore() throws {
        let f = fixture
        let db = try f.connect(as: f.probation)
        defer { db.close() }
        #expect(sqlState { try db.execute("SELECT disrupt.staff_add(\("sneaky_" + f.token), 'Sneaky', 'police', 'admin')") } == "42501")
        #expect(sqlState { try db.execute("SELECT disrupt.staff_disable(\(f.police), 'no')") } == "42501")
        #expect(sqlState { try db.execute("UPDATE disrupt.staff SET role = 'admin' WHERE login = \(f.probation)") } == "42501")
        #expect(sqlState { try db.execute("INSERT INTO disrupt.staff (login, full_name, agency, role) VALUES (\("x_" + f.token), 'X', 'police', 'admin')") } == "42501")
        #expect(sqlState { try db.execute("SET ROLE disrupt_admin") } == "42501")
        #expect(sqlState { try db.execute("SET ROLE disrupt_owner") } == "42501")
        #expect(sqlState { try db.execute("SET SESSION AUTHORIZATION \(identifier: f.admin)") } == "42501")
        #expect(sqlState { try db.execute("ALTER ROLE \(identifier: f.probation) CREATEROLE") } == "42501")
        #expect(sqlState { try db.execute("GRANT disrupt_admin TO \(identifier: f.probation)") } == "42501")
        #expect(sqlState { try db.execute("INSERT INTO disrupt.agency (code, label) VALUES ('x', 'X')") } == "42501")
        #expect(sqlState { try db.execute("CREATE TABLE disrupt.mine (v int)") } == "42501")
        #expect(sqlState { try db.execute("CREATE FUNCTION disrupt.is_admin(x int) RETURNS boolean LANGUAGE sql AS 'SELECT true'") } == "42501")
        let me = try Identity.current(on: db)
        #expect(me.role == "rep" && me.agency == "probation" && !me.admin && !me.installAdmin)
        // an admin staff login administers staff but is not the owner
        let admin = try f.connect(as: f.admin)
        defer { admin.close() }
        #expect(sqlState { try admin.execute("SET ROLE disrupt_owner") } == "42501")
        #expect(sqlState { try admin.execute("UPDATE disrupt.staff SET role = 'admin' WHERE login = \(f.probation)") } == "42501")
    }

    @Test func theAuditLogIsAppendOnlyForStaffAndAdmins() throws {
        let f = fixture
        for login in [f.probation, f.admin] {
            let db = try f.connect(as: login)
            defer { db.close() }
            #expect(sqlState { try db.execute("UPDATE disrupt.audit_log SET login = 'nobody'") } == "42501")
            #expect(sqlState { try db.execute("DELETE FROM disrupt.audit_log") } == "42501")
            #expect(sqlState { try db.execute("TRUNCATE disrupt.audit_log") } == "42501")
            #expect(sqlState { try db.execute("INSERT INTO disrupt.audit_log (operation, object_table) VALUES ('erase', 'person')") } == "42501")
        }
        // not even the owner (whose SECURITY DEFINER functions write it) may change a row
        let owner = try f.superuser()
        defer { owner.close() }
        try owner.execute("SET ROLE disrupt_owner")
        #expect(sqlState { try owner.execute("UPDATE disrupt.audit_log SET login = 'nobody'") } == "42501")
        #expect(sqlState { try owner.execute("DELETE FROM disrupt.audit_log") } == "42501")
    }

    /// The functions disrupt_reader owns: SQL/definitions/reading.sql, and the three that read the
    /// record tables as the caller sees them in their own files.
    static let readers = ["person_dossier", "risk_facts", "risk_parties", "people_with_records_from", "referrals_waiting", "party_meant",
                          "order_meant", "marker_to_change", "link_to_change", "person_find", "person_candidates",
                          "ref_in_use", "import_run", "agenda"]

    /// The functions disrupt_stager owns (migration 0026): they make a staff session's temporary tables.
    static let stagers = ["import_stage", "import_stage_analyze", "risk_batch_open"]

    @Test func everySecurityDefinerFunctionPinsItsSearchPathWithTempLast() throws {
        let db = try fixture.superuser()
        defer { db.close() }
        let rows = try db.query("""
            SELECT p.oid::regprocedure::text AS name,
                   (SELECT substr(c, 13) FROM unnest(p.proconfig) c WHERE c LIKE 'search\\_path=%') AS path,
                   r.rolname AS owner, r.rolsuper AS super, r.rolbypassrls AS bypass
            FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
            WHERE p.pronamespace = 'disrupt'::regnamespace AND p.prosecdef
            """)
        #expect(rows.count >= 20)
        for row in rows {
            let name: String = try row.decode("name")
            let path: String? = try row.decode("path")
            #expect(path?.hasSuffix("pg_temp") == true, "\(name): search_path \(path ?? "not set")")
            #expect(path?.hasPrefix("pg_catalog") == true, "\(name): search_path \(path ?? "not set")")
            // the login functions run as disrupt_role_admin (CREATEROLE, pg_signal_backend); the readers of
            // the record tables under the caller's policies, as disrupt_reader; the makers of temporary
            // tables as disrupt_stager, the one role the schema guard lets make them (issue 12)
            let bare = String(name.prefix { $0 != "(" }).replacingOccurrences(of: "disrupt.", with: "")
            let owner = name.contains("staff_login_") ? "disrupt_role_admin"
                : Self.stagers.contains(bare) ? "disrupt_stager"
                : Self.readers.contains(String(name.prefix { $0 != "(" }).replacingOccurrences(of: "disrupt.", with: "")) ? "disrupt_reader" : "disrupt_owner"
            #expect(try row.decode("owner", as: String.self) == owner, "\(name)")
            #expect(try row.decode("super", as: Bool.self) == false && row.decode("bypass", as: Bool.self) == false, "\(name)")
        }
    }

    @Test func theReminderServiceCanRunItsFunctionsAndNothingElse() throws {
        let f = fixture
        let service = "svc_\(f.token)"
        let admin = try f.superuser()
        defer { admin.close() }
        try admin.execute("CREATE ROLE \(identifier: service) LOGIN IN ROLE disrupt_service")
        let functions = try admin.query("""
            SELECT p.proname::text AS name FROM pg_proc p
            WHERE p.pronamespace = 'disrupt'::regnamespace
              AND has_function_privilege(\(service), p.oid, 'EXECUTE')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            ORDER BY 1
            """).map { try $0.decode("name", as: String.self) }
        #expect(functions == ["alert_settings_write", "reminder_claim_for_delivery", "reminder_delivered", "reminder_delivery_failed", "reminder_sweep",
                              "service_wake_take"])
        let tables = try admin.query("""
            SELECT c.relname::text AS name FROM pg_class c
            WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind IN ('r', 'v', 'm', 'S', 'p')
              AND (has_table_privilege(\(service), c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                   OR (c.relkind <> 'S' AND has_any_column_privilege(\(service), c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))
                   OR (c.relkind = 'S' AND has_sequence_privilege(\(service), c.oid, 'USAGE, SELECT, UPDATE')))
            ORDER BY 1
            """).map { try $0.decode("name", as: String.self) }
        #expect(tables == ["schema_definitions", "schema_migrations"])
        let db = try f.connect(as: service)
        defer { db.close() }
        #expect(sqlState { _ = try db.query("SELECT * FROM disrupt.person") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT * FROM disrupt.staff") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT * FROM disrupt.audit_log") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT * FROM disrupt_private.service_wake") } == "42501")  // only through service_wake_take
        #expect(sqlState { _ = try db.query("SELECT disrupt.merge_person('a', 'b', 'duplicate')") } == "42501")
        #expect(sqlState { _ = try db.query("SELECT disrupt.staff_add('a_b', 'A', 'police', 'admin')") } == "42501")
        #expect(try Migrator().isCurrent(db))
    }
}

import CLibPQ
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 12: the person table and the shared work (plans, actions, the forum tables, the MATAC
/// cohort, stored scores) stay SELECT-able by staff, and whoever may SELECT a table may EXPLAIN
/// (ANALYZE) a query of it: "Rows Removed by Filter" counted the people another agency keeps
/// restricted, by reference, PNC id or date of birth (helper-77 read a hidden reference and PNC
/// id that way, by bisection). Every policy a login meets now starts with `not_explaining()`
/// (foundation.sql), which the planner runs once while it plans the statement: the refusal comes
/// before any row is read. Each attack connects as a real staff login, as psql would.
@Suite("Security: no table a policy guards can be explained by a staff login")
struct PolicyPlanGuardTests {
    let fixture: SecurityFixture

    init() throws {
        fixture = try SecurityFixture.shared.get()
    }

    /// The tables of the schema with row-level security that `login` may SELECT: each behind a
    /// policy the login meets.
    func guardedTables(_ login: String) throws -> [String] {
        let su = try fixture.superuser()
        defer { su.close() }
        return try su.query("""
            SELECT c.relname::text AS name FROM pg_class c
             WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind = 'r' AND c.relrowsecurity
               AND has_any_column_privilege(\(login), c.oid, 'SELECT')
             ORDER BY 1
            """).map { try $0.decode("name", as: String.self) }
    }

    @Test func everyPolicyALoginMeetsCallsNotExplainingFirst() throws {
        let su = try fixture.superuser()
        defer { su.close() }
        // IMMUTABLE is what makes the planner call it once, before any row (a STABLE guard runs per row)
        #expect(try su.query("SELECT provolatile::text AS v FROM pg_proc WHERE oid = 'disrupt.not_explaining()'::regprocedure")[0]
            .decode("v", as: String.self) == "i")
        let rows = try su.query("""
            SELECT p.polrelid::regclass::text AS tbl, p.polname::text AS name,
                   coalesce(pg_get_expr(p.polqual, p.polrelid) ~ '^\\(*(disrupt\\.)?not_explaining\\(\\) AND ', true)
                   AND coalesce(pg_get_expr(p.polwithcheck, p.polrelid) ~ '^\\(*(disrupt\\.)?not_explaining\\(\\) AND ', true) AS guarded
              FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             WHERE c.relnamespace = 'disrupt'::regnamespace
               AND p.polroles <> ARRAY['disrupt_owner'::regrole]::oid[]
            """)
        #expect(rows.count > 50)
        for row in rows {
            let table: String = try row.decode("tbl")
            let name: String = try row.decode("name")
            #expect(try row.decode("guarded") as Bool, "\(table) \(name) does not start with disrupt.not_explaining()")
        }
    }

    /// A read policy's scope is `read_scope(...)`, folded to a constant while the statement is
    /// planned. PostgreSQL lists a function among the objects a kept plan depends on (and plans it
    /// again when the function's catalog row changes: StaffChangeSessionTests) only when the
    /// rewritten statement names it, that is when the policy names it itself: a call from inside
    /// another function's body, folded away while planning, would leave a kept plan with an old
    /// scope nothing announces. So every policy that asks may_read_row passes it read_scope
    /// directly, and no function of the schema calls read_scope.
    @Test func everyReadPolicyNamesReadScopeItself() throws {
        let su = try fixture.superuser()
        defer { su.close() }
        try su.execute("SET search_path = pg_catalog")  // pg_get_expr names the schema
        let policies = try su.query("""
            SELECT p.polrelid::regclass::text || ' ' || p.polname::text AS name,
                   concat_ws(' ', pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)) AS expr
              FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             WHERE c.relnamespace = 'disrupt'::regnamespace
               AND p.polroles <> ARRAY['disrupt_owner'::regrole]::oid[]
            """).map { (try $0.decode("name", as: String.self), try $0.decode("expr", as: String.self)) }
        let naming = policies.filter { $0.1.contains("disrupt.read_scope(") }
        #expect(naming.count >= 15, "\(naming.map(\.0))")
        for (name, expression) in policies where expression.contains("may_read_row(") {
            let calls = expression.components(separatedBy: "may_read_row(").count - 1
            let direct = expression.components(separatedBy: "sensitivity, disrupt.read_scope(").count - 1
            #expect(calls == direct, "\(name): \(expression)")
        }
        let callers = try su.query("""
            SELECT p.oid::regprocedure::text AS name FROM pg_proc p
             WHERE p.pronamespace = 'disrupt'::regnamespace
               -- itself; the one that writes the policies; the one that alters it (its cost again)
               AND p.proname NOT IN ('read_scope', 'attach_rls', 'staff_read_scope_changed')
               AND p.prosrc ~ '(^|[^_[:alnum:]])read_scope[[:space:]]*\\('
            """).map { try $0.decode("name", as: String.self) }
        #expect(callers.isEmpty, "\(callers)")
    }

    @Test func noStaffLoginMayExplainATableAPolicyGuards() throws {
        let f = fixture
        let tables = try Dictionary(uniqueKeysWithValues: [f.police, f.health, f.admin].map { ($0, try guardedTables($0)) })
        #expect(tables[f.police]?.contains("person") == true && tables[f.police]?.contains("matac_cohort") == true)
        #expect(tables[f.admin]?.contains("risk_assessment") == true)
        try f.asEachLoginConsultedOrNot { db, login in
            for table in tables[login] ?? [] {
                // she may read it (so the refusal below is EXPLAIN's, not a missing grant)
                _ = try db.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM disrupt.\(table)"))
                for statement in [
                    "EXPLAIN (ANALYZE) SELECT * FROM disrupt.\(table)",
                    "EXPLAIN SELECT 1 FROM disrupt.\(table)",
                    "/* x */ eXpLaIn (ANALYZE, BUFFERS) SELECT count(*) FROM disrupt.\(table)",
                ] {
                    let refusal = failure { _ = try db.query(PostgresQuery(unsafeSQL: statement)) }
                    #expect(refusal?.sqlState == "42501", "\(login): \(statement)")
                    #expect(refusal?.message.contains("EXPLAIN is not available to staff") == true, "\(login): \(statement)")
                }
            }
        }
    }

    /// The refusal comes at planning, before a row is read: a hidden person's reference, PNC id,
    /// date of birth and id, and values nobody holds, are refused alike, under EXPLAIN or with
    /// "explain" in a comment.
    @Test func theRefusalIsTheSameForAHiddenPersonAndForNobody() throws {
        let f = fixture
        let hidden = try f.addHiddenHealthPerson("pg")
        let db = try f.connect(as: f.police)
        defer { db.close() }
        _ = try db.query("SELECT disrupt.consult('attack test', 'psql')")
        var refusals: Set<String> = []
        for (column, value) in [("person_ref", hidden.ref), ("person_ref", "P-\(f.token)-nobody"),
                                ("pnc_id", hidden.pnc), ("pnc_id", "PNC-\(f.token)-nobody"),
                                ("date_of_birth", "1980-02-03"), ("date_of_birth", "1901-02-03"),
                                ("id", "\(hidden.id)"), ("id", "\(hidden.id + 1)")] {
            // what she sees without EXPLAIN: nothing, for both
            #expect(try db.query(PostgresQuery(unsafeSQL: "SELECT 1 FROM disrupt.person WHERE \(column) = '\(value)'")).isEmpty)
            for statement in [
                "EXPLAIN (ANALYZE) SELECT 1 FROM disrupt.person WHERE \(column) = '\(value)'",
                "EXPLAIN (ANALYZE) SELECT 1 FROM disrupt.plan pl JOIN disrupt.person p ON p.id = pl.person_id WHERE p.\(column) = '\(value)'",
                "SELECT 1 FROM disrupt.person WHERE \(column) = '\(value)' /* explain */",
            ] {
                let refusal = failure { _ = try db.query(PostgresQuery(unsafeSQL: statement)) }
                #expect(refusal?.sqlState == "42501", "\(statement)")
                refusals.insert("\(refusal?.message ?? "none")|\(refusal?.hint ?? "")")
            }
        }
        #expect(refusals.count == 1)
    }

    /// A named prepared statement keeps its plan, and `EXPLAIN EXECUTE s` runs a kept (generic)
    /// plan without planning again: no statement a policy guards is planned while the session
    /// holds one, whether prepared in SQL or by libpq at the protocol level.
    @Test func aPlanKeptByANamedStatementCannotBeExplained() throws {
        let f = fixture
        let hidden = try f.addHiddenHealthPerson("np")
        let db = try f.connect(as: f.police)
        defer { db.close() }
        _ = try db.query("SELECT disrupt.consult('attack test', 'psql')")
        try db.execute("SET plan_cache_mode = force_generic_plan")
        try db.executeScript(unsafeSQL: "PREPARE s(text) AS SELECT count(*) FROM disrupt.person WHERE person_ref = $1")
        let kept = failure { _ = try db.query(PostgresQuery(unsafeSQL: "EXECUTE s('\(hidden.ref)')")) }
        #expect(kept?.sqlState == "42501")
        #expect(kept?.message.contains("named prepared statements") == true)
        #expect(kept?.hint?.contains("DEALLOCATE") == true)
        #expect(sqlState { _ = try db.query(PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE) EXECUTE s('\(hidden.ref)')")) } == "42501")
        // nor any other statement on a guarded table while it is held
        #expect(sqlState { _ = try db.query("SELECT count(*) FROM disrupt.plan") } == "42501")
        try db.execute("DEALLOCATE ALL")
        #expect(try db.query("SELECT count(*)::int AS n FROM disrupt.person WHERE person_ref = \(hidden.ref)")[0].decode("n") as Int == 0)

        // plain libpq: a protocol-level named statement
        let conn = try plainLibpqConnection(f, as: f.police)
        defer { PQfinish(conn) }
        let state = sqlState(ofLibpqResult:)
        #expect(state(PQexec(conn, "SELECT disrupt.consult('attack test', 'psql')")) == "")
        #expect(state(PQexec(conn, "SET plan_cache_mode = force_generic_plan")) == "")
        #expect(state(PQprepare(conn, "p", "SELECT count(*) FROM disrupt.person WHERE person_ref = $1", 1, nil)) == "")
        hidden.ref.withCString { value in
            var values: [UnsafePointer<CChar>?] = [value]
            let refused = outcome(ofLibpqResult: PQexecPrepared(conn, "p", 1, &values, nil, nil, 0))
            #expect(refused.state == "42501")
            #expect(refused.message.contains("named prepared statements"))
        }
        #expect(state(PQexec(conn, "EXPLAIN (ANALYZE) EXECUTE p('\(hidden.ref)')")) == "42501")
        #expect(state(PQexec(conn, "DEALLOCATE p")) == "")
        // unnamed, as psql and the CLI send every statement: read as usual
        "SELECT count(*) FROM disrupt.person WHERE person_ref = $1".withCString { sql in
            hidden.ref.withCString { value in
                var values: [UnsafePointer<CChar>?] = [value]
                #expect(state(PQexecParams(conn, sql, 1, nil, &values, nil, nil, 0)) == "")
            }
        }
    }

    /// The guard trusts only the two roles that own SECURITY DEFINER functions: no login may
    /// become either (nor disrupt_stager, which the schema guard trusts), and a login that sets a
    /// group role of hers is still checked. (The migrate tests make a database owner of their own,
    /// `own_*`, a member of disrupt_owner as a DBA's set-up would: not counted.)
    @Test func noLoginCanBeTheRolesTheGuardTrusts() throws {
        let f = fixture
        let su = try f.superuser()
        defer { su.close() }
        let members = try su.query("""
            SELECT r.rolname::text AS name FROM pg_roles r
             WHERE NOT r.rolsuper AND r.rolname NOT IN ('disrupt_owner', 'disrupt_reader', 'disrupt_stager')
               AND r.rolname !~ '^own_[a-z]{8}$'
               AND (pg_has_role(r.oid, 'disrupt_owner', 'MEMBER') OR pg_has_role(r.oid, 'disrupt_reader', 'MEMBER')
                    OR pg_has_role(r.oid, 'disrupt_stager', 'MEMBER'))
            """).map { try $0.decode("name", as: String.self) }
        #expect(members.isEmpty, "\(members)")
        #expect(try su.query("SELECT 1 FROM pg_roles WHERE rolname IN ('disrupt_owner', 'disrupt_reader', 'disrupt_stager') AND rolcanlogin").isEmpty)
        let db = try f.connect(as: f.police)
        defer { db.close() }
        try db.execute("SET ROLE disrupt_staff")
        #expect(sqlState { _ = try db.query("EXPLAIN (ANALYZE) SELECT 1 FROM disrupt.person") } == "42501")
        try db.execute("RESET ROLE")
        #expect(sqlState { try db.execute("SET ROLE disrupt_reader") } == "42501")
        #expect(sqlState { try db.execute("SET ROLE disrupt_owner") } == "42501")
    }
}

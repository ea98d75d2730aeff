import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt.reminder_may_see`, the outbox's one visibility rule, is PL/pgSQL for speed (a SQL
/// function with a subquery is planned again at every call from a row trigger). These tests hold
/// it to the rule as a statement says it: an active login, an administrator sees everything,
/// anyone else every record that is shared or of its own agency; the arrays read in step as
/// `unnest(a, b)` pairs them (the shorter padded with NULLs, a NULL sensitivity ignored, whatever
/// index each starts at); an array of two dimensions hides (no caller makes one).
@Suite("The outbox visibility rule")
struct ReminderMaySeeRuleTests {
    @Test func answersAsTheSetBasedStatementOfTheRuleForEveryCase() throws {
        let location = try TestCluster.freshDatabase("mayseerule")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        try db.execute("SELECT disrupt.staff_add('rule_police', 'Police SPOC', 'police', 'spoc')")
        try db.execute("SELECT disrupt.staff_add('rule_housing', 'Housing rep', 'housing', 'rep')")
        try db.execute("SELECT disrupt.staff_add('rule_admin', 'Administrator', 'police', 'admin')")
        try db.execute("SELECT disrupt.staff_add('rule_gone', 'Left the force', 'police', 'spoc')")
        try db.execute("SELECT disrupt.staff_disable('rule_gone', 'left the force')")
        try db.execute("SELECT disrupt.staff_add('rule_admin_gone', 'Former administrator', 'police', 'admin')")
        try db.execute("SELECT disrupt.staff_disable('rule_admin_gone', 'left the force')")
        // the rule as one statement (its definition before it became PL/pgSQL)
        try db.execute("""
            CREATE FUNCTION pg_temp.statement_rule(p_login text, p_sensitivities text[], p_agencies text[]) RETURNS boolean
            LANGUAGE sql STABLE AS $$
                SELECT EXISTS (
                    SELECT 1 FROM disrupt.staff s
                     WHERE s.login = p_login AND s.active
                       AND (s.role = 'admin'
                            OR NOT EXISTS (SELECT 1 FROM unnest(p_sensitivities, p_agencies) AS u(sensitivity, agency)
                                            WHERE u.sensitivity = 'restricted' AND u.agency IS DISTINCT FROM s.agency)))
            $$
            """)
        try db.execute("CREATE TEMP TABLE named (label text, sensitivities text[], agencies text[])")
        try db.execute("""
            INSERT INTO named VALUES
              ('nothing named', ARRAY[]::text[], ARRAY[]::text[]),
              ('NULL arrays', NULL, NULL),
              ('one shared record', ARRAY['shared'], ARRAY['housing']),
              ('police restricted', ARRAY['restricted'], ARRAY['police']),
              ('housing restricted', ARRAY['restricted'], ARRAY['housing']),
              ('shared and police restricted', ARRAY['shared', 'restricted'], ARRAY['housing', 'police']),
              ('police and housing restricted', ARRAY['restricted', 'restricted'], ARRAY['police', 'housing']),
              ('a record not there (NULLs)', ARRAY[NULL, 'shared'], ARRAY[NULL, 'police']),
              ('restricted with no agency', ARRAY['restricted'], ARRAY[NULL]),
              ('more sensitivities than agencies', ARRAY['shared', 'restricted'], ARRAY['police']),
              ('more agencies than sensitivities', ARRAY['restricted'], ARRAY['police', 'housing']),
              ('arrays from index 0', '[0:1]={shared,restricted}'::text[], '[0:1]={police,housing}'::text[]),
              ('sensitivities from index 0', '[0:1]={restricted,shared}'::text[], ARRAY['police', 'housing']),
              ('restricted, NULL agencies', ARRAY['restricted'], NULL),
              ('NULL sensitivities', NULL, ARRAY['housing'])
            """)
        try db.execute("CREATE TEMP TABLE viewer (login text)")
        try db.execute("INSERT INTO viewer VALUES ('rule_police'), ('rule_housing'), ('rule_admin'), ('rule_gone'), ('rule_admin_gone'), ('nobody'), (NULL)")
        let rows = try db.query("""
            SELECT coalesce(v.login, '(NULL)') || ' / ' || n.label AS label,
                   disrupt.reminder_may_see(v.login, n.sensitivities, n.agencies) AS rule,
                   pg_temp.statement_rule(v.login, n.sensitivities, n.agencies) AS statement
              FROM viewer v CROSS JOIN named n ORDER BY 1
            """)
        #expect(rows.count == 105)
        var seen: [String: Bool] = [:]
        for row in rows {
            let label: String = try row["label"]
            let rule: Bool = try row["rule"]
            #expect(rule == (try row["statement"] as Bool), "\(label)")
            seen[label] = rule
        }
        // the cases a practitioner would name, answered outright
        #expect(seen["rule_police / police restricted"] == true)
        #expect(seen["rule_housing / police restricted"] == false)
        #expect(seen["rule_housing / shared and police restricted"] == false)
        #expect(seen["rule_admin / police and housing restricted"] == true)
        #expect(seen["rule_gone / one shared record"] == false)
        #expect(seen["rule_admin_gone / one shared record"] == false, "a disabled administrator sees nothing")
        #expect(seen["rule_police / restricted, NULL agencies"] == false && seen["rule_housing / NULL sensitivities"] == true)
        #expect(seen["nobody / nothing named"] == false)
        #expect(seen["rule_housing / nothing named"] == true)
        #expect(seen["rule_police / restricted with no agency"] == false)
        #expect(seen["rule_police / more sensitivities than agencies"] == false)
        #expect(seen["rule_police / arrays from index 0"] == false && seen["rule_housing / arrays from index 0"] == true)
        // an array of two dimensions names nothing the rule can read: hidden, even from an administrator
        let twoDimensional = try db.query("""
            SELECT disrupt.reminder_may_see('rule_admin', '{{shared}}'::text[], '{{police}}'::text[]) AS admin,
                   disrupt.reminder_may_see('rule_police', ARRAY['shared'], '{{police}}'::text[]) AS police
            """)[0]
        #expect(try twoDimensional.decode("admin", as: Bool.self) == false && twoDimensional.decode("police", as: Bool.self) == false)
    }
}

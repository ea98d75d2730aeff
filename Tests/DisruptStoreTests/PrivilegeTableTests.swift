import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The README's table of the roles' privileges is the catalog's, not a description of it: this
/// test runs the query the README shows and compares its rows with the table.
@Suite("README: the roles' privileges table is the catalog's")
struct PrivilegeTableTests {
    /// The query shown in the README (Security model, "The roles' privileges").
    static let query = """
        SELECT c.relname::text AS relation, r.rolname::text AS role,
               coalesce((SELECT string_agg(p, ',' ORDER BY p) FROM (
                   SELECT a.privilege_type AS p FROM aclexplode(c.relacl) a WHERE a.grantee = r.oid
                   UNION
                   SELECT a.privilege_type || '(cols)' FROM pg_attribute t, aclexplode(t.attacl) a
                   WHERE t.attrelid = c.oid AND a.grantee = r.oid) x), '-') AS privileges
        FROM pg_class c CROSS JOIN pg_roles r
        WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'S')
          AND r.rolname IN ('disrupt_staff', 'disrupt_admin', 'disrupt_service', 'disrupt_reader')
        ORDER BY 1, 2
        """

    @Test func theReadmeTableIsWhatTheCatalogSays() throws {
        let location = try SecurityFixture.shared.get().location
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        var byRelation: [String: [String: String]] = [:]
        var order: [String] = []
        for row in try db.query(PostgresQuery(unsafeSQL: Self.query)) {
            let relation: String = try row["relation"]
            if byRelation[relation] == nil { order.append(relation) }
            byRelation[relation, default: [:]][try row["role"]] = try row["privileges"]
        }
        let expected = order.map { name in
            let p = byRelation[name]!
            return "| \(name) | \(p["disrupt_staff"]!) | \(p["disrupt_admin"]!) | \(p["disrupt_service"]!) | \(p["disrupt_reader"]!) |"
        }
        let readme = try String(contentsOfFile: Self.readmePath, encoding: .utf8)
        guard let begin = readme.range(of: "<!-- privileges:begin -->"), let end = readme.range(of: "<!-- privileges:end -->") else {
            Issue.record("README lacks the privileges table; it should be:\n\(expected.joined(separator: "\n"))")
            return
        }
        let rows = readme[begin.upperBound..<end.lowerBound].split(separator: "\n")
            .map(String.init).filter { $0.hasPrefix("| ") && !$0.hasPrefix("| relation | ") }
        #expect(rows == expected, "README table should be:\n\(expected.joined(separator: "\n"))")
    }

    static var readmePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md").path
    }
}

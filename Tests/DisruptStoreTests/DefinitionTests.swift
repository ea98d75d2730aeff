import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The definition files: each object defined once, applied again when a file changes.
@Suite("Definitions")
struct DefinitionTests {
    /// Every `CREATE [OR REPLACE] [CONSTRAINT] FUNCTION|PROCEDURE|VIEW|TRIGGER|POLICY name [... ON table]`
    /// statement of the embedded SQL files (comments left out), by the file it is in.
    static let created: [(file: String, kind: String, name: String, table: String?)] = {
        let pattern = try! NSRegularExpression(
            pattern: #"CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?(FUNCTION|PROCEDURE|VIEW|TRIGGER|POLICY)\s+([A-Za-z0-9_."]+)(?:[^;']*?\sON\s+([A-Za-z0-9_.%"]+))?"#,
            options: [.caseInsensitive])
        var found: [(String, String, String, String?)] = []
        for path in Resources.paths(under: "SQL") where path.hasSuffix(".sql") {
            let text = (Resources.text(path) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                .map { line in line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line) }
                .joined(separator: "\n") as NSString
            for match in pattern.matches(in: text as String, range: NSRange(location: 0, length: text.length)) {
                let kind = text.substring(with: match.range(at: 1)).uppercased()
                let name = String(text.substring(with: match.range(at: 2)).split(separator: ".").last ?? "").lowercased()
                let hasTable = match.range(at: 3).location != NSNotFound && (kind == "TRIGGER" || kind == "POLICY")
                found.append((path, kind, name, hasTable ? text.substring(with: match.range(at: 3)).lowercased() : nil))
            }
        }
        return found
    }()

    @Test func noObjectIsCreatedInTwoPlaces() {
        #expect(Self.created.count > 100, "the parser finds the definitions")
        var places: [String: [String]] = [:]
        for object in Self.created {
            let key = "\(object.kind) \(object.name)" + (object.table.map { " ON \($0)" } ?? "")
            places[key, default: []].append(object.file)
        }
        let twice = places.filter { $0.value.count > 1 }
        #expect(twice.isEmpty, "created more than once: \(twice)")
    }

    @Test func everyFunctionViewTriggerAndPolicyOfAMigratedDatabaseComesFromOneFile() throws {
        let location = try TestCluster.freshDatabase("defs")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let objects = try db.query("""
            SELECT 'FUNCTION' AS kind, p.proname::text AS name FROM pg_proc p
            WHERE p.pronamespace = 'disrupt'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL
            SELECT 'VIEW', c.relname::text FROM pg_class c WHERE c.relnamespace = 'disrupt'::regnamespace AND c.relkind = 'v'
            UNION ALL
            SELECT 'TRIGGER', t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE c.relnamespace = 'disrupt'::regnamespace AND NOT t.tgisinternal
            UNION ALL
            SELECT 'POLICY', p.polname::text FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace = 'disrupt'::regnamespace
            """).map { (kind: try $0.decode("kind", as: String.self), name: try $0.decode("name", as: String.self)) }
        #expect(objects.count > 150)
        for object in objects {
            let files = Set(Self.created.filter { $0.kind == object.kind && $0.name == object.name }.map(\.file))
            #expect(files.count == 1, "\(object.kind) \(object.name) is created in \(files.sorted())")
        }
        #expect(try db.query("SELECT 1 FROM pg_proc WHERE proname = 'merge_person'").count == 1, "one merge_person, no stale overload")
        let unpinned = try db.query("""
            SELECT p.oid::regprocedure::text AS name FROM pg_proc p
            WHERE p.pronamespace = 'disrupt'::regnamespace AND p.prosecdef
              AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\\_path=%pg\\_temp')
            """).map { try $0.decode("name", as: String.self) }
        #expect(unpinned.isEmpty, "SECURITY DEFINER without pg_temp last: \(unpinned)")
    }

    @Test func theOrderListsEveryDefinitionFileOnce() {
        #expect(Definition.order.count == Set(Definition.order).count)
        #expect(Set(Definition.order) == Set(Definition.embeddedNames))
        #expect(Definition.embedded.map(\.name) == Definition.order)
    }

    @Test func checksumsAreSHA256AsPostgreSQLComputesThem() throws {
        let db = try TestCluster.superuserConnection(database: "postgres")
        defer { db.close() }
        let texts = ["", "abc", String(repeating: "a", count: 55), String(repeating: "b", count: 56), String(repeating: "c", count: 64), "Zoë Brontë"]
            + Migration.embedded.map(\.sql) + Definition.embedded.map(\.sql)
        let expected = try db.query("""
            SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex') AS sum FROM unnest(\(texts)::text[]) WITH ORDINALITY AS x(t, n) ORDER BY n
            """).map { try $0.decode("sum", as: String.self) }
        #expect(texts.map { Definition(name: "x", sql: $0).checksum } == expected)
        // and the embedded files' checksums, computed when they were embedded, are the same
        #expect(Array(expected.suffix(Migration.embedded.count + Definition.embedded.count))
                == Migration.embedded.map(\.checksum) + Definition.embedded.map(\.checksum))
    }

    @Test func aChangedFileIsAppliedAgainAndWhatItNoLongerDefinesIsGone() throws {
        let location = try TestCluster.freshDatabase("redefine")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        #expect(try Migrator().definitionStatus(db).allSatisfy { $0.state == .applied })
        let probe = Definition(name: "probe", sql: """
            CREATE FUNCTION disrupt.probe() RETURNS integer LANGUAGE sql AS 'SELECT 1';
            GRANT EXECUTE ON FUNCTION disrupt.probe() TO disrupt_staff;
            """)
        let withProbe = Migrator(definitions: Definition.embedded + [probe])
        #expect(try !withProbe.isCurrent(db))
        let dry = try withProbe.migrate(db, dryRun: true)
        #expect(dry.definitionsApplied && dry.definitionChanges == [DefinitionStatus(name: "probe", state: .pending)])
        #expect(try db.query("SELECT to_regproc('disrupt.probe') IS NULL AS absent")[0].decode("absent", as: Bool.self))
        let report = try withProbe.migrate(db)
        #expect(report.applied.isEmpty && report.definitionsApplied)
        #expect(try withProbe.isCurrent(db))
        #expect(try db.query("SELECT has_function_privilege('disrupt_staff', 'disrupt.probe()', 'EXECUTE') AS granted")[0].decode("granted", as: Bool.self))
        // this disrupt no longer has the file: the function and its grant go, everything else is back
        #expect(try Migrator().definitionStatus(db).contains(DefinitionStatus(name: "probe", state: .removed)))
        #expect(try !Migrator.embeddedSchemaIsCurrent(db), "the probe's row is still recorded")
        #expect(try Migrator().migrate(db).definitionsApplied)
        #expect(try Migrator().isCurrent(db))
        #expect(try Migrator.embeddedSchemaIsCurrent(db), "the start-up check, from names and build-time checksums alone")
        #expect(try db.query("SELECT to_regproc('disrupt.probe') IS NULL AS absent")[0].decode("absent", as: Bool.self))
        #expect(try db.query("SELECT has_function_privilege('disrupt_staff', 'disrupt.inbox(boolean)', 'EXECUTE') AS granted")[0].decode("granted", as: Bool.self))
        #expect(try db.query("SELECT 1 FROM pg_policy WHERE polname = 'owner_all'").count >= 16)
        // nothing changed: nothing is done
        #expect(try !Migrator().migrate(db).definitionsApplied)
    }

    @Test func aDatabaseOfTheOldMigrationListIsRefusedWithHowToRecreateIt() throws {
        let name = "legacy_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try TestCluster.superuserConnection(database: "postgres")
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(identifier: name)")
        let db = try TestCluster.superuserConnection(database: name)
        defer { db.close() }
        try db.executeScript(unsafeSQL: """
            CREATE SCHEMA disrupt;
            CREATE TABLE disrupt.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT session_user);
            INSERT INTO disrupt.schema_migrations (version, name, checksum) VALUES (1, 'foundation', 'x'), (2, 'record', 'y');
            CREATE TABLE disrupt.person (id bigint);
            """)
        #expect(try !Migrator().isCurrent(db) && !Migrator.embeddedSchemaIsCurrent(db))
        #expect(throws: LegacyDatabase.self) { try Migrator().migrate(db) }
        #expect(throws: LegacyDatabase.self) { try Migrator().migrate(db, dryRun: true) }
        #expect(try Migrator().appliedMigrations(db).map(\.label) == ["0001_foundation", "0002_record"], "nothing was applied")
        #expect(try db.query("SELECT to_regclass('disrupt.schema_definitions') IS NULL AS absent")[0].decode("absent", as: Bool.self))

        let external = Database(location: .url(TestCluster.url(database: name)))
        #expect { try external.connect() } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.message.contains("cannot be upgraded in place") && error.hint?.contains("DROP DATABASE") == true
        }
        let cluster = EmbeddedCluster(home: URL(fileURLWithPath: "/srv/disrupt-home"))
        let embedded = Database(location: .embedded(cluster))
        #expect(embedded.recreateAdvice.contains("rm -rf '/srv/disrupt-home/data'"))
        #expect { try embedded.migrate(db) } throws: { error in
            (error as? StoreError)?.hint?.contains("/srv/disrupt-home/data") == true
        }
        let status = try DatabaseStatus.read(.url(TestCluster.url(database: name)))
        #expect(status.problem?.contains("cannot be upgraded in place") == true)
    }
}

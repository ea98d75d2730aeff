import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Roles are cluster-wide: databases of one cluster migrating at the same moment must not
/// trip over each other creating them.
@Suite("Security: concurrent migrations")
struct SecurityMigrationTests {
    @Test func threeFreshDatabasesOfANewClusterMigrateAtOnce() throws {
        // A cluster of its own, so that the roles do not exist yet when the race starts.
        let home = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("disrupt-race-\(UUID().uuidString.prefix(8))")
        let cluster = EmbeddedCluster(home: home, durable: false)
        try cluster.start()
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(at: home)
        }
        @Sendable func connect(_ database: String) throws -> PostgresConnection {
            try PostgresConnection(PostgresConfiguration(defaults: ["host": cluster.socketDirectory.path, "dbname": database]))
        }
        let admin = try connect("postgres")
        defer { admin.close() }
        // Three rounds from no roles at all: the window is wide (the winner's roles stay
        // uncommitted until its whole migration commits) but the threads must overlap in it.
        for round in 1...3 {
            let names = ["race_a\(round)", "race_b\(round)", "race_c\(round)"]
            #expect(try admin.query("SELECT 1 FROM pg_roles WHERE rolname LIKE 'disrupt\\_%'").isEmpty)
            for name in names { try admin.execute("CREATE DATABASE \(identifier: name)") }
            let connections = try names.map(connect)
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: names.count) { index in
                do {
                    try Migrator().migrate(connections[index])
                } catch {
                    failures.append("\(names[index]): \(error)")
                }
            }
            #expect(failures.all.isEmpty, "round \(round)")
            for connection in connections { #expect(try Migrator().isCurrent(connection)) }
            let roles = try admin.query("SELECT rolname::text AS name FROM pg_roles WHERE rolname LIKE 'disrupt\\_%' ORDER BY 1").map { try $0.decode("name", as: String.self) }
            // disrupt_login and disrupt_role_admin: migration 0007; disrupt_reader: 0022, disrupt_stager: 0026 (issue 12)
            #expect(roles == ["disrupt_admin", "disrupt_login", "disrupt_owner", "disrupt_reader", "disrupt_role_admin", "disrupt_service",
                              "disrupt_staff", "disrupt_stager"])
            #expect(try admin.query("SELECT pg_has_role('disrupt_reader', 'disrupt_staff', 'MEMBER') AS member")[0].decode("member", as: Bool.self))
            #expect(try admin.query("SELECT rolcreaterole FROM pg_roles WHERE rolname = 'disrupt_owner'")[0].decode("rolcreaterole", as: Bool.self) == false)
            #expect(try admin.query("SELECT pg_has_role('disrupt_admin', 'disrupt_staff', 'MEMBER') AS member")[0].decode("member", as: Bool.self))
            // disrupt_role_admin ends the sessions of a login whose access changed (0024)
            #expect(try admin.query("SELECT pg_has_role('disrupt_role_admin', 'pg_signal_backend', 'MEMBER') AS member")[0].decode("member", as: Bool.self))
            for connection in connections {
                #expect(try connection.query("""
                    SELECT has_table_privilege('disrupt_role_admin', 'pg_catalog.pg_stat_activity', 'SELECT')
                       AND has_function_privilege('disrupt_role_admin', 'pg_catalog.pg_stat_get_activity(integer)', 'EXECUTE')
                       AND NOT has_table_privilege('disrupt_staff', 'pg_catalog.pg_stat_activity', 'SELECT') AS ok
                    """)[0].decode("ok", as: Bool.self))
                // each database has its schema guard (SchemaChangeGuard), made by the superuser's migrate
                #expect(try connection.query("SELECT count(*)::int AS n FROM pg_event_trigger WHERE evtname = 'disrupt_schema_guard'")[0].decode("n", as: Int.self) == 1)
            }
            connections.forEach { $0.close() }
            for name in names { try admin.execute("DROP DATABASE \(identifier: name) WITH (FORCE)") }
            try admin.execute("DROP ROLE disrupt_admin, disrupt_staff, disrupt_service, disrupt_owner, disrupt_login, disrupt_role_admin, disrupt_reader, disrupt_stager")
        }
    }
}

/// Errors collected from concurrent work.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func append(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}

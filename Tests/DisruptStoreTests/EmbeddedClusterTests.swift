@testable import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("Embedded cluster")
struct EmbeddedClusterTests {
    @Test func theTestClusterRunsOnASocketOnly() throws {
        let cluster = TestCluster.shared
        guard case .running = try cluster.status() else {
            Issue.record("the test cluster is not running")
            return
        }
        let db = try TestCluster.superuserConnection(database: "postgres")
        #expect(try db.query("SELECT current_setting('listen_addresses') AS l")[0].decode("l", as: String.self) == "")
        let socket = try FileManager.default.attributesOfItem(atPath: cluster.socketDirectory.path)
        #expect((socket[.posixPermissions] as? Int) == 0o700, "the socket directory is private to the server's user")
    }

    /// PostgreSQL's views of other sessions are locked in disrupt's databases only: no login but
    /// the superuser may connect to the cluster's maintenance databases (helper-98), and a
    /// cluster that allowed it (made before the rule, or by hand) is closed again at its next
    /// start or migrate.
    @Test func onlyTheSuperuserMayConnectToTheMaintenanceDatabases() throws {
        let db = try TestCluster.superuserConnection(database: "postgres")
        defer { db.close() }
        func open() throws -> [Bool] {
            try db.query("""
                SELECT has_database_privilege('public', datname, 'CONNECT') AS open FROM pg_database
                 WHERE datname IN ('postgres', 'template1') ORDER BY datname
                """).map { try $0.decode("open", as: Bool.self) }
        }
        #expect(try open() == [false, false])
        try db.execute("GRANT CONNECT ON DATABASE template1 TO PUBLIC")
        #expect(try open() == [false, true])
        try EmbeddedCluster.closeMaintenanceDatabases(db)
        #expect(try open() == [false, false])
    }

    @Test func locationFollowsTheDocumentedOrder() {
        if case .url(let url) = DatabaseLocation.resolve(flag: "postgresql://flag", environment: ["DISRUPT_DATABASE_URL": "postgresql://env"]) {
            #expect(url == "postgresql://flag")
        } else { Issue.record("--db must win") }
        if case .url(let url) = DatabaseLocation.resolve(flag: nil, environment: ["DISRUPT_DATABASE_URL": "postgresql://env", "PGHOST": "h"]) {
            #expect(url == "postgresql://env")
        } else { Issue.record("DISRUPT_DATABASE_URL must come before the libpq environment") }
        if case .libpqEnvironment = DatabaseLocation.resolve(flag: nil, environment: ["PGDATABASE": "d"]) {} else {
            Issue.record("PGDATABASE selects the libpq environment")
        }
        if case .embedded(let cluster) = DatabaseLocation.resolve(flag: nil, environment: ["DISRUPT_HOME": "/srv/d", "PGUSER": "x"]) {
            #expect(cluster.home.path == "/srv/d")
        } else { Issue.record("without configuration the embedded cluster is used") }
    }

    @Test func concurrentFirstStartsMakeOneCluster() async throws {
        let home = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("disrupt-race-\(UUID().uuidString.prefix(8))")
        defer {
            try? EmbeddedCluster(home: home, durable: false).stop()
            try? FileManager.default.removeItem(at: home)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { try EmbeddedCluster(home: home, durable: false).start() }
            }
            try await group.waitForAll()
        }
        let cluster = EmbeddedCluster(home: home, durable: false)
        guard case .running = try cluster.status() else {
            Issue.record("the cluster should be running")
            return
        }
        let db = try PostgresConnection(PostgresConfiguration(defaults: cluster.connectionDefaults))
        #expect(try db.query("SELECT current_database() AS d")[0].decode("d", as: String.self) == "disrupt")
        db.close()
        try cluster.stop()
        #expect(try cluster.status() == .stopped)
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

@Suite("Migrations")
struct MigratorTests {
    /// A database migrated once, so that the cluster-wide roles the migrator grants to exist
    /// even when this suite runs alone (the sample migrations create none).
    static let roles = Result { try TestCluster.freshDatabase("migrator_roles") }

    /// An empty database (no migrations applied).
    func emptyDatabase() throws -> PostgresConnection {
        _ = try Self.roles.get()
        let name = "mig_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try TestCluster.superuserConnection(database: "postgres")
        try admin.execute("CREATE DATABASE \(identifier: name)")
        return try PostgresConnection(PostgresConfiguration(connectionString: TestCluster.url(database: name)))
    }

    let sample = [
        Migration(version: 1, name: "one", sql: "CREATE TABLE disrupt.one (v int);"),
        Migration(version: 2, name: "two", sql: "CREATE TABLE disrupt.two (v int); INSERT INTO disrupt.two VALUES (1), (2);"),
    ]

    @Test func appliesInOrderOnceEach() throws {
        let db = try emptyDatabase()
        let first = try Migrator(migrations: sample, definitions: []).migrate(db)
        #expect(first.applied.map(\.version) == [1, 2])
        let second = try Migrator(migrations: sample, definitions: []).migrate(db)
        #expect(second.applied.isEmpty)
        #expect(second.alreadyApplied == 2)
        #expect(try db.query("SELECT count(*) AS n FROM disrupt.two")[0].decode("n", as: Int.self) == 2)
        #expect(try Migrator(migrations: sample, definitions: []).isCurrent(db))
    }

    @Test func dryRunChangesNothing() throws {
        let db = try emptyDatabase()
        let report = try Migrator(migrations: sample, definitions: []).migrate(db, dryRun: true)
        #expect(report.pending.map(\.version) == [1, 2])
        #expect(try db.query("SELECT to_regclass('disrupt.one') IS NULL AS absent")[0].decode("absent", as: Bool.self))
    }

    @Test func aFailingMigrationLeavesNothingBehind() throws {
        let db = try emptyDatabase()
        try Migrator(migrations: sample, definitions: []).migrate(db)
        let broken = sample + [Migration(version: 3, name: "broken", sql: "CREATE TABLE disrupt.three (v int); SELECT 1/0;")]
        #expect(throws: PostgresError.self) { try Migrator(migrations: broken, definitions: []).migrate(db) }
        #expect(try db.query("SELECT to_regclass('disrupt.three') IS NULL AS absent")[0].decode("absent", as: Bool.self))
        #expect(try Migrator(migrations: broken, definitions: []).appliedMigrations(db).map(\.version) == [1, 2])
    }

    @Test func anEditedAppliedMigrationIsAnError() throws {
        let db = try emptyDatabase()
        try Migrator(migrations: sample, definitions: []).migrate(db)
        var edited = sample
        edited[0] = Migration(version: 1, name: "one", sql: "CREATE TABLE disrupt.one (v bigint);")
        #expect { try Migrator(migrations: edited, definitions: []).migrate(db) } throws: { error in
            (error as? StoreError)?.message.contains("was edited after it was applied") == true
        }
    }

    @Test func aDatabaseAheadOfThisBinaryIsAnError() throws {
        let db = try emptyDatabase()
        try Migrator(migrations: sample, definitions: []).migrate(db)
        #expect { try Migrator(migrations: Array(sample.prefix(1)), definitions: []).migrate(db) } throws: { error in
            (error as? StoreError)?.message.contains("does not know") == true
        }
    }

    @Test func concurrentMigratorsTakeTurns() async throws {
        let name = "mig_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.superuserConnection(database: "postgres").execute("CREATE DATABASE \(identifier: name)")
        let url = TestCluster.url(database: name)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let db = try PostgresConnection(PostgresConfiguration(connectionString: url))
                    return try Migrator().migrate(db).applied.count
                }
            }
            var counts: [Int] = []
            for try await count in group { counts.append(count) }
            return counts
        }
        #expect(results.reduce(0, +) == Migration.embedded.count, "every migration applied exactly once across processes")
    }

    @Test func theEmbeddedMigrationsAreNumberedWithoutGaps() {
        let versions = Migration.embedded.map(\.version)
        #expect(versions == Array(1...versions.count))
    }
}

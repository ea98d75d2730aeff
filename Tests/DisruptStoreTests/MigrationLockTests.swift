import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// A migration changes tables, and a change waiting for its lock makes every later read and write
/// of the table wait behind it; a session that will not let go of a lock (a client that never
/// reads the error it was sent keeps its locks past `pg_terminate_backend`, helper-106) would stop
/// everyone. A migration waits a bounded time for each lock and gives up, changing nothing; a
/// superuser's migrate leaves a schema guard that is in place alone, so a lock held on it holds up
/// nothing.
@Suite("Migrations: no lock waited for without end")
struct MigrationLockTests {
    /// A fresh database and two superuser sessions on it: one to hold a lock, one to migrate.
    static func database(_ label: String) throws -> (DatabaseLocation, holder: PostgresConnection, migrating: PostgresConnection) {
        let location = try TestCluster.freshDatabase(label)
        return (location, try TestCluster.superuserConnection(database: location.testDatabaseName),
                try TestCluster.superuserConnection(database: location.testDatabaseName))
    }

    @Test func aMigrationHeldUpByALockGivesUpAndChangesNothing() throws {
        let (_, holder, su) = try Self.database("migrationlock")
        defer { holder.close(); su.close() }
        // a definition file to apply again: every policy is dropped and made again, which needs
        // each table's ACCESS EXCLUSIVE lock
        try su.execute("UPDATE disrupt.schema_definitions SET checksum = 'stale' WHERE name = 'risk'")
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE disrupt.person IN ACCESS SHARE MODE")
        let started = Date()
        let error = #expect(throws: StoreError.self) { try Migrator(lockTimeoutMilliseconds: 300).migrate(su) }
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(error?.message.contains("the migration was held up") == true)
        #expect(error?.hint?.contains("pg_locks") == true)
        #expect(try su.query("SELECT checksum FROM disrupt.schema_definitions WHERE name = 'risk'")[0].decode("checksum", as: String.self) == "stale",
                "nothing was changed")
        try holder.execute("ROLLBACK")
        let report = try Migrator(lockTimeoutMilliseconds: 300).migrate(su)
        #expect(report.definitionsApplied)
        #expect(try Migrator().isCurrent(su))
    }

    /// `DROP EVENT TRIGGER` locks the trigger before it checks the caller (helper-106): a migrate
    /// that made the guard again on every run waited for such a lock without end.
    @Test func aSuperusersMigrateLeavesAGuardInPlaceAloneAndRemakesOneThatIsNot() throws {
        let (location, holder, su) = try Self.database("guardlock")
        defer { holder.close(); su.close() }
        try su.execute("SET statement_timeout = '20s'")
        try holder.execute("BEGIN")
        try holder.execute("COMMENT ON EVENT TRIGGER disrupt_schema_guard IS 'held'")
        let started = Date()
        #expect(try Migrator().migrate(su).schemaChangesGuarded == true)
        #expect(Date().timeIntervalSince(started) < 5, "it waited for the lock held on the guard")
        try holder.execute("ROLLBACK")

        // a guard whose function is not this binary's is made again
        try su.execute("CREATE OR REPLACE FUNCTION disrupt_guard.refuse_schema_change() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END'")
        #expect(try DatabaseStatus.read(location).schemaChangesGuarded == false)
        #expect(try Migrator().migrate(su).schemaChangesGuarded == true)
        #expect(try su.query("SELECT prosrc FROM pg_proc WHERE proname = 'refuse_schema_change'")[0].decode("prosrc", as: String.self)
            .contains("schema commands are refused"))
        // and so is the second wall
        try su.execute("GRANT TEMPORARY ON DATABASE \(identifier: location.testDatabaseName) TO PUBLIC")
        #expect(try DatabaseStatus.read(location).schemaChangesGuarded == false)
        #expect(try Migrator().migrate(su).schemaChangesGuarded == true)
        #expect(try su.query("SELECT has_database_privilege('public', current_database(), 'TEMPORARY') AS t")[0].decode("t", as: Bool.self) == false)
    }

    /// The guard trusts disrupt_stager by name, and staff_add did not reserve the name before
    /// migration 0026: a login of that name, in other roles, with members, is made a bare role
    /// (in a transaction that is rolled back, so no other test sees the change).
    @Test func migration0026MakesAnExistingRoleOfThatNameBare() throws {
        let location = try TestCluster.freshDatabase("stagerbare")
        let su = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { su.close() }
        let sql = try #require(Migration.embedded.first { $0.version == 26 }).sql
        let member = "stm_\(UUID().uuidString.prefix(8).lowercased())"
        try su.execute("BEGIN")
        try su.execute("ALTER ROLE disrupt_stager LOGIN CREATEDB")
        try su.execute("CREATE ROLE \(identifier: member) LOGIN")
        try su.execute("GRANT disrupt_stager TO \(identifier: member) WITH ADMIN OPTION")
        try su.execute("GRANT disrupt_staff, disrupt_owner TO disrupt_stager")
        #expect(try DatabaseStatus.read(location).schemaChangesGuarded == true, "(another session does not see the uncommitted change)")
        try su.executeScript(unsafeSQL: sql)
        let row = try su.query("""
            SELECT rolcanlogin, rolcreatedb,
                   (SELECT count(*)::int FROM pg_auth_members m WHERE m.roleid = r.oid OR m.member = r.oid) AS links
            FROM pg_roles r WHERE rolname = 'disrupt_stager'
            """)[0]
        #expect(try row.decode("rolcanlogin", as: Bool.self) == false)
        #expect(try row.decode("rolcreatedb", as: Bool.self) == false)
        #expect(try row.decode("links", as: Int.self) == 0)
        try su.execute("ROLLBACK")
    }
}

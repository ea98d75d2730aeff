import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The statistics lock-down is on pg_catalog, which only a superuser may change, and it is not
/// part of the definitions that are re-applied when they change: `migrate` checks it on every run,
/// locks it when a superuser runs it, and says (a warning; `statistics_locked` in JSON) when a
/// database owner's run leaves it open.
@Suite("Statistics: locked by every superuser migrate, reported by any other")
struct StatisticsLockTests {
    @Test func aMigrateWithNothingToDoLocksStatisticsLeftOpenAndAnOwnersRunSaysTheyAreOpen() throws {
        // a DBA's set-up: the database owned by a login that is not a superuser
        let set = try DatabaseOwnedByLogin("statistics")
        defer { set.close() }
        let (location, su) = (set.location, set.superuser)
        let staff = "stat_\(set.token)"
        try su.execute("SELECT disrupt.staff_add(\(staff), 'Stat Staff', 'police', 'rep')")

        func staffMayCount() throws -> Bool {
            let db = try PostgresConnection(location.asUser(staff).configuration)
            defer { db.close() }
            do {
                _ = try db.query("SELECT pg_stat_get_live_tuples('disrupt.person'::regclass)")
                return true
            } catch let error as PostgresError where error.sqlState == "42501" {
                return false
            }
        }
        #expect(try !staffMayCount(), "a superuser made this database")

        // what a database whose definitions were applied by a non-superuser owner looks like
        try su.execute("GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_get_live_tuples(oid) TO PUBLIC")
        #expect(try staffMayCount())

        let byOwner = try DisruptBinary.run(["db", "migrate", "--format", "json"], databaseURL: set.ownerURL)
        #expect(byOwner.status == 0, "\(byOwner.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(byOwner.stdout.utf8)) as? [String: Any]
        #expect(report?["statistics_locked"] as? Bool == false, "the owner may not lock them, and says so")
        #expect(byOwner.stderr.contains("warning: PostgreSQL's statistics and views of other sessions are still open"))
        #expect(try staffMayCount())

        let bySuperuser = try Migrator().migrate(su)
        #expect(!bySuperuser.definitionsApplied && bySuperuser.statisticsLocked == true, "nothing else to do, yet locked")
        #expect(try !staffMayCount())
        let again = try DisruptBinary.run(["db", "migrate"], databaseURL: set.ownerURL)
        #expect(again.status == 0 && !again.stderr.contains("warning: PostgreSQL's statistics"), "\(again.stderr)")
    }

    /// The lock is each database's: connected to another database of the cluster, staff read
    /// pg_locks and pg_stat_activity there (helper-98). `migrate` names the other databases every
    /// login may connect to; the embedded cluster's maintenance databases are not among them.
    @Test func aMigrateNamesTheOtherDatabasesEveryLoginMayConnectTo() throws {
        let location = try TestCluster.freshDatabase("opendb")
        let open = "open_\(String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(8)))"
        let su = try TestCluster.superuserConnection(database: "postgres")
        defer { su.close() }
        try su.execute("CREATE DATABASE \(identifier: open)")
        defer { _ = try? su.execute("DROP DATABASE \(identifier: open)") }
        let result = try DisruptBinary.run(["db", "migrate", "--format", "json"], databaseURL: location.testURL)
        #expect(result.status == 0, "\(result.stderr)")
        let names = try (JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["open_databases"] as? [String]
        #expect(names?.contains(open) == true)
        #expect(names?.contains("postgres") == false && names?.contains("template1") == false)
        #expect(names?.contains(location.testDatabaseName) == false)
        #expect(result.stderr.contains("warning: every login may connect to this cluster's other databases"))
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The schema guard (`SchemaChangeGuard`) is an event trigger, which only a superuser may make:
/// `migrate` makes it on a superuser's run whenever it is not as this binary makes it, in a schema of the superuser's own (one
/// of that name someone else made is replaced), and a run by anyone else says whether it is in
/// place (a warning; `schema_changes_guarded` in JSON).
@Suite("Schema guard: made by a superuser's migrate, reported by any other")
struct SchemaChangeGuardMigrateTests {
    @Test func anOwnersMigrateSaysTheGuardIsMissingAndASuperusersReplacesAnyLookAlike() throws {
        let set = try DatabaseOwnedByLogin("guard")
        defer { set.close() }
        let (location, su, owner) = (set.location, set.superuser, set.owner)
        // a database whose guard was never made, and a look-alike of the owner's in its place
        try su.execute("DROP EVENT TRIGGER disrupt_schema_guard")
        try su.execute("DROP SCHEMA disrupt_guard CASCADE")
        let own = try PostgresConnection(location.asUser(owner).configuration)
        defer { own.close() }
        try own.execute("CREATE SCHEMA disrupt_guard")
        try own.execute("CREATE FUNCTION disrupt_guard.refuse_schema_change() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END'")

        let missing = try DisruptBinary.run(["db", "status", "--format", "json"], databaseURL: location.testURL)
        #expect((try JSONSerialization.jsonObject(with: Data(missing.stdout.utf8)) as? [String: Any])?["schema_changes_guarded"] as? Bool == false)
        #expect(try DisruptBinary.run(["db", "status"], databaseURL: location.testURL).stdout.contains("schema guard: not in place"))

        let byOwner = try DisruptBinary.run(["db", "migrate", "--format", "json"], databaseURL: set.ownerURL)
        #expect(byOwner.status == 0, "\(byOwner.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(byOwner.stdout.utf8)) as? [String: Any]
        #expect(report?["schema_changes_guarded"] as? Bool == false, "the owner may not make it, and says so")
        #expect(byOwner.stderr.contains("warning: staff may still run schema commands or make tables here"))

        let bySuperuser = try Migrator().migrate(su)
        #expect(bySuperuser.schemaChangesGuarded == true)
        let made = try su.query("""
            SELECT n.nspowner::regrole::text AS schema_owner, p.proowner::regrole::text AS function_owner,
                   p.prosrc LIKE '%schema commands are refused%' AS ours
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'disrupt_guard'
            """)
        #expect(made.count == 1)
        let superuserName: String = try su.query("SELECT current_user::text AS u")[0].decode("u")
        #expect(try made.first?.decode("schema_owner", as: String.self) == superuserName)
        #expect(try made.first?.decode("function_owner", as: String.self) == superuserName)
        #expect(try made.first?.decode("ours", as: Bool.self) == true)

        let status = try DisruptBinary.run(["db", "status", "--format", "json"], databaseURL: location.testURL)
        #expect((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["schema_changes_guarded"] as? Bool == true)

        let again = try DisruptBinary.run(["db", "migrate"], databaseURL: set.ownerURL)
        #expect(again.status == 0 && !again.stderr.contains("schema commands"), "\(again.stderr)")
        #expect(sqlState { try own.execute("CREATE TEMP TABLE t (x int)") } == nil, "the owner's own commands pass")
    }
}

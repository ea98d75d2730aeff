import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The record tables' references are checked once per statement (`disrupt.check_references`,
/// migration 0014) instead of by per-row foreign keys; these tests hold them to what the
/// foreign keys guaranteed, for writes that do not go through an import.
@Suite("Reference checks")
struct ReferenceCheckTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("refcheck")
    }

    func person(_ ref: String, on db: PostgresConnection) throws -> Int64 {
        try db.query("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES (\(ref), 'Test', 'police') RETURNING id")[0]
            .decode("id", as: Int64.self)
    }

    /// A missing person, party, order or code is refused with the foreign key's error, named as
    /// before, and the statement writes nothing.
    @Test func aMissingReferenceIsRefusedWithTheForeignKeysError() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let id = try person("R-1", on: db)
        let missingPerson = failure {
            try db.execute("""
                INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency)
                VALUES ('R-M1', \(id), 'weapons', '2026-01-01', 'police'), ('R-M2', \(id + 1000), 'weapons', '2026-01-01', 'police')
                """)
        }
        #expect(missingPerson?.sqlState == "23503")
        #expect(missingPerson?.message == #"insert or update on table "marker" violates foreign key constraint "marker_person_id_fkey""#)
        #expect(missingPerson?.detail == #"Key (person_id)=(\#(id + 1000)) is not present in table "person"."#)
        let missingKind = failure {
            try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES ('R-M3', \(id), 'no_such_kind', '2026-01-01', 'police')")
        }
        #expect(missingKind?.message == #"insert or update on table "marker" violates foreign key constraint "marker_kind_fkey""#)
        let missingOrder = failure {
            try db.execute("INSERT INTO disrupt.breach (source_ref, person_id, order_id, occurred_on, agency) VALUES ('R-B1', \(id), 987654, '2026-01-01', 'police')")
        }
        #expect(missingOrder?.message == #"insert or update on table "breach" violates foreign key constraint "breach_order_id_fkey""#)
        let moved = failure { try db.execute("UPDATE disrupt.person SET id = DEFAULT WHERE id = \(id)") }
        #expect(moved == nil, "an unreferenced person may still be re-keyed")
        #expect(try db.query("SELECT count(*) AS n FROM disrupt.marker WHERE source_ref LIKE 'R-M%'")[0].decode("n", as: Int64.self) == 0)
    }

    /// A person or code that a record refers to cannot be deleted or re-keyed; an unreferenced
    /// one can; a renamed code is renamed in the records (the old ON UPDATE CASCADE).
    @Test func theReferencedSideIsGuarded() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let id = try person("R-2", on: db)
        try db.execute("INSERT INTO disrupt.marker_kind (code, label) VALUES ('ref_test', 'Reference test')")
        try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES ('R-M4', \(id), 'ref_test', '2026-01-01', 'police')")
        let deleted = failure { try db.execute("DELETE FROM disrupt.person WHERE id = \(id)") }
        #expect(deleted?.sqlState == "23503")
        #expect(deleted?.message == #"update or delete on table "person" violates foreign key constraint "marker_person_id_fkey" on table "marker""#)
        #expect(failure { try db.execute("UPDATE disrupt.person SET id = DEFAULT WHERE id = \(id)") }?.sqlState == "23503")
        #expect(failure { try db.execute("DELETE FROM disrupt.marker_kind WHERE code = 'ref_test'") }?.sqlState == "23503")
        try db.execute("UPDATE disrupt.marker_kind SET code = 'ref_test_renamed' WHERE code = 'ref_test'")
        #expect(try db.query("SELECT kind FROM disrupt.marker WHERE source_ref = 'R-M4'")[0].decode("kind", as: String.self) == "ref_test_renamed")
        let lone = try person("R-3", on: db)
        #expect(failure { try db.execute("DELETE FROM disrupt.person WHERE id = \(lone)") } == nil)
    }

    /// The person a record is written for is locked as a foreign key locks it: a delete from
    /// another session waits for the writer's transaction instead of slipping in between.
    @Test func aWrittenReferenceIsLockedUntilCommit() throws {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        let other = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { other.close() }
        let id = try person("R-4", on: db)
        try db.execute("BEGIN")
        try db.execute("INSERT INTO disrupt.marker (source_ref, person_id, kind, recorded_on, agency) VALUES ('R-M5', \(id), 'weapons', '2026-01-01', 'police')")
        try other.execute("SET lock_timeout = '200ms'")
        #expect(failure { try other.execute("DELETE FROM disrupt.person WHERE id = \(id)") }?.sqlState == "55P03")
        try db.execute("ROLLBACK")
        #expect(failure { try other.execute("DELETE FROM disrupt.person WHERE id = \(id)") } == nil)
    }
}

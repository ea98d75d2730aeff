import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Issue 13, item 6, on the import path: imports follow merges. A merged person's reference in
/// `import people` is a rejected row (never an update of the retired row or of the survivor);
/// in the other kinds it resolves to the survivor, also when the merge commits while the
/// import's statement runs (the real binary against a merge held open on another connection).
@Suite("disrupt import follows merges (the real binary)")
struct ImportMergeTests {
    let location: DatabaseLocation
    let scratch: ScratchDirectory
    var directory: String { scratch.path }

    init() throws {
        location = try TestCluster.freshDatabase("importmerge")
        scratch = try ScratchDirectory("disrupt-importmerge")
        let people = directory + "/people.csv"
        try Data("""
            person_ref,pnc_id,given_name,family_name,date_of_birth,gender
            P-KEEP,,Kim,Keep,1980-01-01,female
            P-GONE,,Gil,Gone,1981-02-02,male

            """.utf8).write(to: URL(fileURLWithPath: people))
        let result = try DisruptBinary.run(["import", "people", people], databaseURL: location.testURL)
        guard result.status == 0 else { throw StoreError(.failure, "people import failed: \(result.stderr)") }
    }

    func write(_ name: String, _ lines: [String]) throws -> String {
        let path = directory + "/" + name
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func superuser() throws -> PostgresConnection { try TestCluster.superuserConnection(database: location.testDatabaseName) }

    func text(_ sql: PostgresQuery) throws -> String? {
        let db = try superuser()
        defer { db.close() }
        return try db.query(sql).first?.decode(0, as: String?.self)
    }

    static let incidentHeader = "source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event,sensitivity,address"

    /// Holds `merge_person('P-KEEP', 'P-GONE')` open on its own connection, starts
    /// `disrupt import KIND FILE` in the background, waits until the import waits for the merge's
    /// locks, commits the merge and returns the import's exit status and output.
    func importRacingAMerge(_ kind: String, _ path: String) throws -> (status: Int32?, stdout: String, stderr: String) {
        let merger = try superuser(), observer = try superuser()
        defer { merger.close(); observer.close() }
        try merger.execute("BEGIN")
        _ = try merger.query("SELECT disrupt.merge_person('P-KEEP', 'P-GONE', 'duplicate') AS id")
        let importer = try BackgroundProcess(["import", kind, path], databaseURL: location.testURL)
        let waited = try BackgroundProcess.eventually(timeout: 30) {
            let n: Int = try observer.query("""
                SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%import_run%'
                """)[0].decode("n")
            return n > 0
        }
        #expect(waited, "the import never waited for the merge: \(importer.standardError)")
        try merger.execute("COMMIT")
        let status = importer.waitForExit(timeout: 60)
        return (status, importer.standardOutput, importer.standardError)
    }

    @Test func importPeopleRejectsAMergedPersonsRowAndLeavesBothRowsAlone() throws {
        let merged = try DisruptBinary.run(["person", "merge", "P-KEEP", "P-GONE", "--reason", "duplicate"], databaseURL: location.testURL)
        #expect(merged.status == 0, "\(merged.stderr)")
        let path = try write("people2.csv", [
            "person_ref,pnc_id,given_name,family_name,date_of_birth,gender",
            "P-GONE,,Gil,Renamed,1981-02-02,male",
            "P-NEW,,Nia,New,1990-03-03,female",
        ])
        let result = try DisruptBinary.run(["import", "people", path], databaseURL: location.testURL)
        #expect(result.status == 1)
        #expect(result.stdout == "inserted 1, updated 0, unchanged 0, rejected 1\n", "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("line 2, column person_ref: person P-GONE was merged into P-KEEP"), "\(result.stderr)")
        #expect(try text("SELECT family_name FROM disrupt.person WHERE person_ref = 'P-GONE'") == "Gone")
        #expect(try text("SELECT family_name FROM disrupt.person WHERE person_ref = 'P-KEEP'") == "Keep")
    }

    @Test func aRecordImportedForAMergedPersonLandsOnTheSurvivor() throws {
        let merged = try DisruptBinary.run(["person", "merge", "P-KEEP", "P-GONE", "--reason", "duplicate"], databaseURL: location.testURL)
        #expect(merged.status == 0, "\(merged.stderr)")
        let path = try write("incidents.csv", [Self.incidentHeader, "I-1,P-GONE,,2026-01-01,abh,,police,,,"])
        let result = try DisruptBinary.run(["import", "incidents", path], databaseURL: location.testURL)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try text("SELECT p.person_ref FROM disrupt.incident i JOIN disrupt.person p ON p.id = i.person_id WHERE i.source_ref = 'I-1'") == "P-KEEP")
    }

    @Test func aNewRecordWhoseImportWaitedForAMergeLandsOnTheSurvivor() throws {
        let path = try write("incidents.csv", [Self.incidentHeader, "I-1,P-GONE,,2026-01-01,abh,,police,,,", "I-2,P-KEEP,,2026-01-02,abh,,police,,,"])
        let outcome = try importRacingAMerge("incidents", path)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout == "inserted 2, updated 0, unchanged 0, rejected 0\n", "\(outcome.stdout)\(outcome.stderr)")
        #expect(try text("""
            SELECT string_agg(i.source_ref || '=' || p.person_ref, ',' ORDER BY i.source_ref)
              FROM disrupt.incident i JOIN disrupt.person p ON p.id = i.person_id
            """) == "I-1=P-KEEP,I-2=P-KEEP")
    }

    @Test func anUpdateWhoseImportWaitedForAMergeStaysOnTheSurvivor() throws {
        let first = try write("incidents.csv", [Self.incidentHeader, "I-1,P-GONE,,2026-01-01,abh,,police,,,"])
        #expect(try DisruptBinary.run(["import", "incidents", first], databaseURL: location.testURL).status == 0)
        let changed = try write("incidents2.csv", [Self.incidentHeader, "I-1,P-GONE,,2026-01-01,abh,5,police,,,"])
        let outcome = try importRacingAMerge("incidents", changed)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try text("""
            SELECT p.person_ref || ' ' || i.gravity FROM disrupt.incident i JOIN disrupt.person p ON p.id = i.person_id
             WHERE i.source_ref = 'I-1'
            """) == "P-KEEP 5")
    }

    /// When the statement still meets a merged person the second time, the import stops with
    /// exit 5 and writes nothing. (A chain of merges, set up by hand here, makes every attempt
    /// meet one: P-GONE resolves to P-KEEP, which was itself merged into P-LAST.)
    @Test func aConflictThatOutlivesTheRetryIsExit5AndNothingIsWritten() throws {
        let db = try superuser()
        defer { db.close() }
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES ('P-LAST', 'Last', 'police')")
        try db.execute("""
            UPDATE disrupt.person p SET merged_into = t.id FROM disrupt.person t
             WHERE (p.person_ref, t.person_ref) IN (('P-GONE', 'P-KEEP'), ('P-KEEP', 'P-LAST'))
            """)
        let path = try write("incidents.csv", [Self.incidentHeader, "I-1,P-LAST,,2026-01-01,abh,,police,,,", "I-2,P-GONE,,2026-01-02,abh,,police,,,"])
        let result = try DisruptBinary.run(["import", "incidents", path], databaseURL: location.testURL)
        #expect(result.status == 5, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("person P-KEEP was merged into P-LAST"), "\(result.stderr)")
        #expect(try text("SELECT count(*)::text FROM disrupt.incident") == "0")
    }

    @Test func aPeopleImportThatWaitedForAMergeRejectsTheMergedPersonsRow() throws {
        let path = try write("people2.csv", [
            "person_ref,pnc_id,given_name,family_name,date_of_birth,gender",
            "P-GONE,,Gil,Renamed,1981-02-02,male",
        ])
        let outcome = try importRacingAMerge("people", path)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("line 2, column person_ref: person P-GONE was merged into P-KEEP"), "\(outcome.stderr)")
        #expect(try text("SELECT family_name FROM disrupt.person WHERE person_ref = 'P-GONE'") == "Gone")
    }
}

import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Hostile text through the record commands, the summary's purpose and an import file: each
/// value is stored byte for byte or refused with a clear error, and nothing else changes.
@Suite("Hostile input (the real binary)")
struct HostileInputTests {
    let location: DatabaseLocation

    init() throws {
        location = try TestCluster.freshDatabase("hostile")
    }

    static let exact = [
        "O'Brien \"Bob\"", "'; DROP TABLE disrupt.person; --", "Zoë Brontë 日本 🙂", "\\x00 %s $1 \\\\ ;",
        "semi;colon, comma", String(repeating: "é", count: 200),
    ]

    func run(_ arguments: [String]) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: location.testURL)
    }

    func counts() throws -> [Int] {
        let db = try PostgresConnection(location.configuration)
        defer { db.close() }
        let row = try db.query("""
            SELECT (SELECT count(*) FROM disrupt.person) AS people, (SELECT count(*) FROM disrupt.marker) AS markers,
                   (SELECT count(*) FROM pg_class WHERE relnamespace = 'disrupt'::regnamespace) AS relations
            """)[0]
        return try ["people", "markers", "relations"].map { try row.decode($0, as: Int.self) }
    }

    func stored(_ sql: PostgresQuery) throws -> String? {
        let db = try PostgresConnection(location.configuration)
        defer { db.close() }
        return try db.query(sql).first?.decode(0, as: String?.self)
    }

    @Test func textOptionsAreStoredByteForByte() throws {
        for (index, value) in Self.exact.enumerated() {
            let ref = "HX-\(index)"
            let person = try run(["person", "add", "--ref", ref, "--family-name", value, "--given-name", value])
            #expect(person.status == 0, "person add: \(person.stderr.prefix(200))")
            #expect(try stored("SELECT family_name FROM disrupt.person WHERE person_ref = \(ref)").map { Array($0.utf8) } == Array(value.utf8))
            let marker = try run(["marker", "add", ref, "--kind", "weapons", "--on", "2026-01-02", "--note", value, "--ref", "HM-\(index)"])
            #expect(marker.status == 0, "marker add: \(marker.stderr.prefix(200))")
            #expect(try stored("SELECT note FROM disrupt.marker WHERE source_ref = \("HM-\(index)")").map { Array($0.utf8) } == Array(value.utf8))
            let summary = try run(["summary", ref, "--purpose", value, "--format", "json"])
            guard BlankText.reason(value) != nil else {  // a purpose must say something: a letter A-Z or a digit
                #expect(summary.status == 2 && summary.stderr.contains("at least one letter A-Z or digit"), "\(summary.stderr.prefix(200))")
                continue
            }
            #expect(summary.status == 0, "summary: \(summary.stderr.prefix(200))")
            #expect(try stored("SELECT purpose FROM disrupt.audit_log WHERE operation = 'consult' ORDER BY at DESC, id DESC LIMIT 1").map { Array($0.utf8) } == Array(value.utf8))
        }
    }

    @Test func blanksAndOverlongNamesAreRefusedWithoutChanges() throws {
        let before = try counts()
        let long = try run(["person", "add", "--ref", "HL-1", "--family-name", String(repeating: "x", count: 100_000)])
        #expect(long.status == 2, "\(long.stderr.prefix(300))")
        #expect(long.stderr.contains("'--family-name' is 100000 characters long; a name may have at most 200"), "\(long.stderr.prefix(300))")
        let blank = try run(["person", "add", "--ref", "HB-1", "--family-name", "   "])
        #expect(blank.status == 2)
        #expect(blank.stderr.contains("not blank"))
        let noPurpose = try run(["summary", "HX-0", "--purpose", "  "])
        #expect(noPurpose.status == 2)
        #expect(try counts() == before)
    }

    @Test func aCROnlyImportFileKeepsEveryRecordAfterABadOne() throws {
        let directory = NSTemporaryDirectory() + "disrupt-cr-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/people.csv"
        let rows = ["person_ref,pnc_id,given_name,family_name,date_of_birth,gender", "CR-1,,Ann,One,1980-01-02,female",
                    "CR-2,,Bad\"quote,Two,1980-01-02,male", "CR-3,,Cat,Three,1980-01-02,female", "CR-4,,Dan,Four,1980-01-02,male"]
        #expect(FileManager.default.createFile(atPath: path, contents: Data((rows.joined(separator: "\r") + "\r").utf8)))
        let result = try run(["import", "people", path, "--format", "json"])
        #expect(result.status == 1, "\(result.stderr.prefix(300))")
        let report = try DisruptBinary.json(result) as? [String: Any]
        #expect(report?["inserted"] as? Int == 3, "every record after the bad one is kept: \(result.stdout)")
        #expect(report?["rejected"] as? Int == 1)
        #expect(result.stderr.contains("line 3"), "\(result.stderr.prefix(300))")
        #expect(try stored("SELECT given_name FROM disrupt.person WHERE person_ref = 'CR-4'") == "Dan")
    }

    @Test func anImportFileWithNULInvalidUTF8AndHugeFieldsRejectsOnlyThoseRows() throws {
        let directory = NSTemporaryDirectory() + "disrupt-hostile-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/people.csv"
        var bytes = Array("person_ref,pnc_id,given_name,family_name,date_of_birth,gender\n".utf8)
        bytes += Array("HI-1,,\"'; DROP TABLE disrupt.person; --\",\"O'Brien, \"\"Bob\"\"\",1980-01-02,male\n".utf8)
        bytes += Array("HI-2,,Nul,Be".utf8) + [0] + Array("fore,1980-01-02,male\n".utf8)
        bytes += Array("HI-3,,Bad,".utf8) + [0xC3, 0x28] + Array(",1980-01-02,male\n".utf8)
        bytes += Array("HI-4,,Long,\(String(repeating: "x", count: 1_000_000)),1980-01-02,male\n".utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let before = try counts()
        let result = try run(["import", "people", path, "--format", "json"])
        #expect(result.status == 1, "rows were rejected: \(result.stderr.prefix(300))")
        let report = try DisruptBinary.json(result) as? [String: Any]
        #expect(report?["inserted"] as? Int == 1)
        #expect(report?["rejected"] as? Int == 3)
        #expect(result.stderr.contains("line 3"), "the NUL row is named by its line")
        #expect(result.stderr.contains("line 4"), "the invalid UTF-8 row is named by its line")
        #expect(result.stderr.contains("line 5, column family_name: family_name is longer than 200 characters"), "\(result.stderr.prefix(600))")
        #expect(try stored("SELECT given_name FROM disrupt.person WHERE person_ref = 'HI-1'") == "'; DROP TABLE disrupt.person; --")
        #expect(try stored("SELECT family_name FROM disrupt.person WHERE person_ref = 'HI-1'") == "O'Brien, \"Bob\"")
        #expect(try counts() == [before[0] + 1, before[1], before[2]], "only the good row landed")
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// `disrupt import` end to end: the real binary against a fresh database.
@Suite("disrupt import (the real binary)")
struct ImportCommandTests {
    let location: DatabaseLocation
    let scratch: ScratchDirectory
    var directory: String { scratch.path }

    init() throws {
        location = try TestCluster.freshDatabase("import")
        scratch = try ScratchDirectory("disrupt-import")
    }

    static let samples: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/samples")
    }()

    func run(_ arguments: [String]) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: location.testURL)
    }

    func counts(_ result: DisruptBinary.Result) throws -> [String: Int] {
        let json = try DisruptBinary.json(result) as? [String: Any] ?? [:]
        return json.compactMapValues { $0 as? Int }
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func importSamples() throws {
        for kind in ImportKind.allCases {
            let result = try run(["import", kind.rawValue, Self.samples.appendingPathComponent("\(kind.rawValue).csv").path, "--format", "json"])
            #expect(result.status == 0, "\(kind): \(result.stderr)")
            #expect(try counts(result)["rejected"] == 0, "\(kind)")
        }
    }

    func scalar(_ sql: PostgresQuery) throws -> Int {
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        return try db.query(sql)[0].decode(0, as: Int.self)
    }

    @Test func everySampleImportsCleanlyThenIsUnchangedThenUpdatesOneChangedRow() throws {
        try importSamples()
        #expect(try scalar("SELECT count(*)::int FROM disrupt.marker") == 7)
        for kind in ImportKind.allCases {
            let path = Self.samples.appendingPathComponent("\(kind.rawValue).csv").path
            let again = try run(["import", kind.rawValue, path, "--format", "json"])
            let c = try counts(again)
            #expect(again.status == 0)
            #expect(c["inserted"] == 0 && c["updated"] == 0 && c["rejected"] == 0, "\(kind): \(c)")
            #expect(c["unchanged"] == (try String(contentsOfFile: path, encoding: .utf8)).split(separator: "\n").count - 1, "\(kind)")
        }
        let changed = try write("markers.csv", """
            source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note
            M-0000004,P-000003,strangulation,2022-06-18,2027-06-18,police,shared,
            M-0000003,P-000003,weapons,2026-01-05,,police,shared,Kitchen knife recovered at scene

            """)
        let result = try run(["import", "markers", changed])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "inserted 0, updated 1, unchanged 1, rejected 0\n")
        #expect(try scalar("SELECT count(*)::int FROM disrupt.marker WHERE source_ref = 'M-0000004' AND expires_on = '2027-06-18'") == 1)
    }

    @Test func everyKindOfBadRowIsReportedWithLineAndColumnAndWrittenToTheRejectsFile() throws {
        try importSamples()
        let path = try write("bad.csv", """
            source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note
            X-1,P-000001,weapons,2026-01-01,,police,shared
            X-2,P-999999,weapons,2026-01-01,,police,shared,
            X-3,P-000001,knives,2026-01-01,,police,shared,
            X-4,P-000001,weapons,2026-02-30,,police,shared,
            X-5,P-000001,weapons,2026-02-01,2026-01-01,police,shared,
            X-6,,weapons,2026-02-01,,police,shared,
            X-7,P-000001,weapons,2026-02-01,,police,shared,"oops"x
            X-8,P-000001,threats,2026-02-01,,police,shared,fine

            """)
        let result = try run(["import", "markers", path, "--format", "json"])
        #expect(result.status == 1)
        let c = try counts(result)
        #expect(c["inserted"] == 1 && c["rejected"] == 7, "\(c)")
        for expected in ["line 2, column note: expected 8 fields, found 7",
                         "line 3, column person_ref: person_ref P-999999 not found",
                         "line 4, column marker: marker 'knives' is not a known marker kind",
                         "line 5, column recorded_on: recorded_on '2026-02-30' is not a valid date",
                         "line 6, column expires_on: expires_on 2026-01-01 is before recorded_on 2026-02-01",
                         "line 7, column person_ref: person_ref is required",
                         "line 8, column note: characters after a closing quote"] {
            #expect(result.stderr.contains(expected), "missing: \(expected)\n\(result.stderr)")
        }
        let rejects = try String(contentsOfFile: path + ".rejects.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rejects.first == "line,column,reason,source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note")
        #expect(rejects.count == 8)
        #expect(rejects[3] == "4,marker,marker 'knives' is not a known marker kind,X-3,P-000001,knives,2026-01-01,,police,shared,")
        #expect(rejects.map { $0.prefix(2) } == ["li", "2,", "3,", "4,", "5,", "6,", "7,", "8,"])
        #expect(try scalar("SELECT count(*)::int FROM disrupt.marker WHERE source_ref LIKE 'X-%'") == 1)
    }

    @Test func strictAndDryRunLandNothing() throws {
        try importSamples()
        let before = try scalar("SELECT count(*)::int FROM disrupt.incident")
        let path = try write("incidents.csv", """
            source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event,sensitivity,address
            I-9000001,P-000001,,2026-03-01,abh,,police,,,
            I-9000002,P-000001,,2026-03-02,not_an_offence,,police,,,

            """)
        let strict = try run(["import", "incidents", path, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("nothing was imported"))
        #expect(try scalar("SELECT count(*)::int FROM disrupt.incident") == before)
        let good = try write("good.csv", "source_ref,person_ref,party_ref,occurred_on,offence,gravity,agency,separate_event,sensitivity,address\nI-9000003,P-000001,,2026-03-01,abh,,police,,,\n")
        let dry = try run(["import", "incidents", good, "--dry-run", "--format", "json"])
        #expect(dry.status == 0)
        #expect(try counts(dry)["inserted"] == 1)
        #expect(try scalar("SELECT count(*)::int FROM disrupt.incident") == before)
        #expect(!FileManager.default.fileExists(atPath: good + ".rejects.csv"))
    }

    @Test func aBOMCRLFAndQuotedMultilineNoteImport() throws {
        try importSamples()
        let text = "\u{FEFF}source_ref,person_ref,marker,recorded_on,expires_on,agency,sensitivity,note\r\n"
            + "Q-1,P-000001,threats,2026-03-01,,police,shared,\"First line\r\nsecond, with \"\"quotes\"\"\"\r\n"
            + "Q-2,P-000001,weapons,2026-03-02,,police,shared,\r\n"
        let path = try write("bom.csv", text)
        let result = try run(["import", "markers", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "inserted 2, updated 0, unchanged 0, rejected 0\n")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        #expect(try db.query("SELECT note FROM disrupt.marker WHERE source_ref = 'Q-1'")[0].decode(0, as: String.self) == "First line\r\nsecond, with \"quotes\"")
        #expect(try db.query("SELECT note FROM disrupt.marker WHERE source_ref = 'Q-2'")[0].decode(0, as: String?.self) == nil)
    }

    @Test func aWrongHeaderOrKindIsAUsageError() throws {
        let path = try write("people.csv", "person_ref,given_name,family_name\nP-1,A,B\n")
        let result = try run(["import", "people", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("expected: person_ref,pnc_id,given_name,family_name,date_of_birth,gender"))
        #expect(result.stderr.contains("found:    person_ref,given_name,family_name"))
        let kind = try run(["import", "persons", path])
        #expect(kind.status == 2)
        #expect(kind.stderr.contains("Unknown KIND 'persons'"))
        let missing = try run(["import", "people", directory + "/nope.csv"])
        #expect(missing.status == 2)
        let agency = try run(["import", "people", path, "--agency", "mars"])
        #expect(agency.status == 2)
        #expect(agency.stderr.contains("'--agency': choose one of police, probation"), "\(agency.stderr)")
    }

    @Test func moreThanTwentyRejectsAreSummarised() throws {
        var text = "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\n"
        for n in 1...25 { text += "Z-\(n),,A,,,\n" }
        let path = try write("many.csv", text)
        let result = try run(["import", "people", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("line 21, column family_name: family_name is required"))
        #expect(!result.stderr.contains("line 22,"))
        #expect(result.stderr.contains("... and 5 more, see \(path).rejects.csv"))
    }
}

import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

/// Files with personal data: the rejects file and `summary --out` are 0600 and replaced
/// atomically, the rejects file neutralises spreadsheet formulas, and the import's temporary
/// spool lives in a private directory that is removed on SIGTERM and, after a kill -9, by the
/// next run.
@Suite("Files with personal data (the real binary)")
struct PrivateFileTests {
    let location: DatabaseLocation
    let directory: String
    let home: String

    init() throws {
        location = try TestCluster.freshDatabase("files")
        directory = NSTemporaryDirectory() + "disrupt-files-\(UUID().uuidString.prefix(8))"
        home = directory + "/home"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func run(_ arguments: [String]) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: location.testURL, environment: ["DISRUPT_HOME": home])
    }

    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? nil
    }

    @Test func theRejectsFileIsPrivateAndNeutralisesFormulas() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/people.csv"
        let csv = """
            person_ref,pnc_id,given_name,family_name,date_of_birth,gender
            F-1,,"=cmd|' /C calc'!A0",X,bad,male
            F-2,,+SUM(1),X,bad,male
            F-3,,-2+3,X,bad,male
            F-4,,@here,X,bad,male
            F-5,,Plain,X,bad,male

            """
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let old = umask(0o022)
        defer { umask(old) }
        let result = try run(["import", "people", path])
        #expect(result.status == 1, "\(result.stderr)")
        let rejects = path + ".rejects.csv"
        #expect(Self.mode(rejects) == 0o600, "the rejects file is readable by its owner only")
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains(",'=cmd|' /C calc'!A0,"), "\(text)")
        #expect(text.contains(",'+SUM(1),"), "\(text)")
        #expect(text.contains(",'-2+3,"), "\(text)")
        #expect(text.contains(",'@here,"), "\(text)")
        #expect(text.contains(",Plain,"), "\(text)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.allSatisfy { !$0.contains(".disrupt-") }, "no temporary file is left next to it: \(names)")
    }

    @Test func summaryOutIsPrivateAndAtomic() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        try db.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES ('S-1', 'Sam', 'Out', 'police')")
        db.close()
        let out = directory + "/summary.md"
        try "old".write(toFile: out, atomically: true, encoding: .utf8)
        chmod(out, 0o644)
        let result = try run(["summary", "S-1", "--purpose", "file test", "--format", "markdown", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.mode(out) == 0o600)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("Sam Out"))
    }

    @Test func theSpoolIsRemovedOnSIGTERMAndAKilledRunsLeftoversByTheNextRun() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/big.csv"
        var csv = "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\n"
        for index in 0..<300_000 { csv += "K-\(index),,Given,Family,1980-01-02,male\n" }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let tmp = home + "/tmp"
        func runDirectories() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter { $0.hasPrefix("disrupt-run-") }
        }
        for (signal, expected) in [(SIGTERM, Int32(128 + SIGTERM)), (SIGKILL, nil)] {
            let process = try BackgroundProcess(["import", "people", path], databaseURL: location.testURL, environment: ["DISRUPT_HOME": home])
            #expect(BackgroundProcess.eventually(timeout: 30) { runDirectories().contains { $0.hasPrefix("disrupt-run-\(process.pid)-") } })
            #expect(Self.mode(tmp) == 0o700)
            process.signal(signal)
            let status = process.waitForExit(timeout: 10)
            if let expected {
                #expect(status == expected, "\(process.standardError)")
                #expect(!runDirectories().contains { $0.hasPrefix("disrupt-run-\(process.pid)-") }, "SIGTERM removes the spool")
            } else {
                #expect(runDirectories().contains { $0.hasPrefix("disrupt-run-\(process.pid)-") }, "kill -9 leaves it for the next run")
                try "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nN-1,,A,B,1980-01-02,male\n"
                    .write(toFile: directory + "/next.csv", atomically: true, encoding: .utf8)
                let next = try run(["import", "people", directory + "/next.csv"])
                #expect(next.status == 0, "\(next.stderr)")
                #expect(!runDirectories().contains { $0.hasPrefix("disrupt-run-\(process.pid)-") }, "the next run removed the leftover")
            }
        }
    }
}

import DisruptCore
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

    @Test func summaryOutToAFolderThatCannotBeWrittenSaysSo() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        try db.execute("INSERT INTO disrupt.person (person_ref, given_name, family_name, agency) VALUES ('S-2', 'Sam', 'Nowhere', 'police')")
        db.close()
        let out = directory + "/missing-folder/summary.md"
        let result = try run(["summary", "S-2", "--purpose", "file test", "--out", out])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: cannot write \(out): its folder cannot be written to (No such file or directory)"), "\(result.stderr)")
        #expect(throws: PrivateFileError.self) { try PrivateFile.write(Data("x".utf8), to: out) }
    }

    /// When the input's folder cannot be written, the rejects go to `$DISRUPT_HOME/tmp`, or,
    /// when the home cannot be used either, to a new private `disrupt-rejects-XXXXXX` directory:
    /// never to `<input>.rejects.csv` directly in the shared temporary directory.
    @Test func theRejectsFileFallsBackToAPrivateDirectoryNeverASharedName() throws {
        let readOnly = directory + "/read-only"
        let shared = directory + "/shared-tmp"
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        let path = readOnly + "/people.csv"
        try "person_ref,pnc_id,given_name,family_name,date_of_birth,gender\nR-1,,A,B,bad,male\n".write(toFile: path, atomically: true, encoding: .utf8)
        // Root may write anywhere: an immutable folder is one even root cannot write to.
        let chattr = try DisruptBinary.runProgram("/usr/bin/chattr", ["+i", readOnly])
        defer {
            _ = try? DisruptBinary.runProgram("/usr/bin/chattr", ["-i", readOnly])
            try? FileManager.default.removeItem(atPath: directory)
        }
        try #require(chattr.status == 0, "chattr +i: \(chattr.stderr)")

        let inHome = try DisruptBinary.run(["import", "people", path], databaseURL: location.testURL, environment: ["DISRUPT_HOME": home, "TMPDIR": shared])
        #expect(inHome.status == 1)
        #expect(inHome.stderr.contains("is not writable; the rejects were written to \(home)/tmp/people.csv.rejects.csv"), "\(inHome.stderr)")
        #expect(Self.mode(home + "/tmp/people.csv.rejects.csv") == 0o600)

        // A home inside the immutable folder cannot be made: a new private directory instead.
        let noHome = try DisruptBinary.run(["import", "people", path], databaseURL: location.testURL,
                                           environment: ["DISRUPT_HOME": readOnly + "/home", "TMPDIR": shared])
        #expect(noHome.status == 1)
        #expect(!FileManager.default.fileExists(atPath: shared + "/people.csv.rejects.csv"), "no predictable name in the shared directory")
        let made = try FileManager.default.contentsOfDirectory(atPath: shared).filter { $0.hasPrefix("disrupt-rejects-") }
        #expect(made.count == 1, "\(made)")
        let file = shared + "/" + (made.first ?? "?") + "/people.csv.rejects.csv"
        #expect(noHome.stderr.contains("the rejects were written to \(file)"), "\(noHome.stderr)")
        #expect(Self.mode(shared + "/" + (made.first ?? "?")) == 0o700)
        #expect(Self.mode(file) == 0o600)
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

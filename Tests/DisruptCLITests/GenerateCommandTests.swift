import DisruptTestSupport
import Foundation
import Testing

@Suite("disrupt generate (the real binary)")
struct GenerateCommandTests {
    func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "disrupt-gen-\(UUID().uuidString.prefix(8))"
    }

    @Test func sameSeedSameBytesAndAllTenFiles() throws {
        let first = temporaryDirectory(), second = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: first); try? FileManager.default.removeItem(atPath: second) }
        let a = try DisruptBinary.run(["generate", "--people", "300", "--seed", "9", "--out", first, "--format", "json"], databaseURL: nil)
        let b = try DisruptBinary.run(["generate", "--people", "300", "--seed", "9", "--out", second], databaseURL: nil)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: first).sorted()
        #expect(files == ["aliases.csv", "breaches.csv", "incidents.csv", "links.csv", "markers.csv", "orders.csv", "parties.csv", "people.csv", "referrals.csv", "relationships.csv"])
        for file in files {
            #expect(FileManager.default.contents(atPath: "\(first)/\(file)") == FileManager.default.contents(atPath: "\(second)/\(file)"), "\(file) differs")
        }
        let json = try DisruptBinary.json(a) as? [String: Any]
        #expect((json?["rows"] as? [String: Int])?["people"] == 300)
        let peopleLines = try String(contentsOfFile: "\(first)/people.csv", encoding: .utf8).split(separator: "\n")
        #expect(peopleLines.first == "person_ref,pnc_id,given_name,family_name,date_of_birth,gender")
        #expect(peopleLines.count == 301)
    }

    @Test("bad values are usage errors", arguments: [
        (["generate", "--people", "0", "--out", "/tmp/x"], "above 0"),
        (["generate", "--people", "ten", "--out", "/tmp/x"], "expected a whole number"),
        (["generate", "--people", "5"], "Missing expected option '--out <DIR>'"),
        (["generate", "--people", "5", "--out", "/tmp/x", "--as-of", "2026-02-30"], "expected a real date"),
    ])
    func badValues(_ arguments: [String], _ message: String) throws {
        let result = try DisruptBinary.run(arguments, databaseURL: nil)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}

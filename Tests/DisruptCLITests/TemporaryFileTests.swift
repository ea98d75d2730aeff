import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// Temporary files live in the run's private directory under `$DISRUPT_HOME/tmp`, never in the
/// shared temporary directory (`TMPDIR` here is a folder of the test's own, so anything written
/// there is seen): a delivery command's captured output, the demo's generated force. A run
/// killed outright leaves its directory behind, and the next run removes it.
@Suite("Temporary files stay private (the real binary)")
struct TemporaryFileTests {
    let directory: String
    var home: String { directory + "/home" }
    var shared: String { directory + "/shared-tmp" }
    var environment: [String: String] { ["DISRUPT_HOME": home, "TMPDIR": shared] }

    init() throws {
        directory = NSTemporaryDirectory() + "disrupt-tmpfiles-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
    }

    /// Every regular file under `root`, with its contents.
    static func files(under root: String) -> [String: String] {
        let paths = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        var found: [String: String] = [:]
        for path in paths {
            var isDirectory: ObjCBool = false
            let full = root + "/" + path
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                found[full] = (try? String(contentsOfFile: full, encoding: .utf8)) ?? ""
            }
        }
        return found
    }

    @Test func aDeliveryCommandsOutputIsCapturedPrivatelyAndALeftoverIsRemovedByTheNextRun() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fx = try PlanFixture("tmpdeliver")
        _ = try fx.openPlan()
        let db = try fx.superuser()
        try ServeFixture.insertBreach(db, fx, ref: "B-tmp-1")
        let files = try ServeFixture()
        defer { try? FileManager.default.removeItem(at: files.directory) }
        let secret = "stderr-secret-\(UUID().uuidString.prefix(8))"
        let stuck = try files.config("stuck", script: "echo '\(secret)' >&2\necho $$ > '\(files.path("mailer.pid"))'\nexec sleep 600")
        let serve = try BackgroundProcess(["serve"], databaseURL: fx.url(as: nil), environment: stuck.merging(environment) { $1 })
        defer { if let pid = files.pid("mailer.pid") { kill(pid, SIGKILL) } }
        #expect(BackgroundProcess.eventually(timeout: 15) {
            Self.files(under: home + "/tmp").values.contains { $0.contains(secret) }
        }, "the delivery's stderr is captured under $DISRUPT_HOME/tmp: \(serve.standardError)")
        #expect(Self.files(under: shared).isEmpty, "nothing in the shared temporary directory: \(Self.files(under: shared).keys)")
        let captured = try #require(Self.files(under: home + "/tmp").first { $0.value.contains(secret) }?.key)
        var info = stat()
        #expect(lstat(URL(fileURLWithPath: captured).deletingLastPathComponent().path, &info) == 0 && info.st_mode & 0o777 == 0o700)

        serve.signal(SIGKILL)
        _ = serve.waitForExit(timeout: 5)
        if let pid = files.pid("mailer.pid") { kill(pid, SIGKILL) }
        #expect(Self.files(under: home + "/tmp").values.contains { $0.contains(secret) }, "kill -9 leaves the capture behind")

        // The next run that captures output removes the dead run's directory.
        try ServeFixture.insertBreach(db, fx, ref: "B-tmp-2")
        let working = try files.config("ok", script: "cat >> '\(files.path("outbox.jsonl"))'")
        let next = try fx.run(["serve", "--once"], as: nil, environment: working.merging(environment) { $1 })
        #expect(next.stderr.contains("delivered=1"), "\(next.stderr)")
        #expect(!Self.files(under: home + "/tmp").values.contains { $0.contains(secret) }, "the leftover was removed")
        #expect(Self.files(under: shared).isEmpty)
    }

    @Test func theDemosForceIsPrivateAndRemovedAfterAKillByTheNextRun() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let location = try TestCluster.freshDatabase("tmpdemo")
        let arguments = ["demo", "--people", "60", "--as-of", "2026-11-25"]
        let first = try BackgroundProcess(arguments, databaseURL: location.testURL, environment: environment)
        let generated = BackgroundProcess.eventually(timeout: 30) {
            Self.files(under: home + "/tmp").keys.contains { $0.hasSuffix("/people.csv") }
        }
        #expect(generated, "the force is generated under $DISRUPT_HOME/tmp: \(first.standardError)")
        first.signal(SIGKILL)
        _ = first.waitForExit(timeout: 5)
        #expect(Self.files(under: shared).isEmpty, "nothing in the shared temporary directory: \(Self.files(under: shared).keys)")

        let second = try DisruptBinary.run(arguments, databaseURL: location.testURL, environment: environment)
        #expect(second.status == 0, "\(second.stderr)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: home + "/tmp")) ?? []
        #expect(left.isEmpty, "the killed run's force and this run's are both gone: \(left)")
        #expect(Self.files(under: shared).isEmpty)
    }
}

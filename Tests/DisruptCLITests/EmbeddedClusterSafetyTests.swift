import DisruptStore
import DisruptTestSupport
import Foundation
import Testing

/// The embedded cluster: created in a temporary directory and fully configured before its
/// first start (an interrupted first start leaves no half-configured cluster, and the next
/// start recovers); a `data` folder disrupt did not make is refused, never deleted; a symlink
/// at the log's place is never followed.
@Suite("Embedded cluster safety (the real binary)", .serialized)
struct EmbeddedClusterSafetyTests {
    let home = NSTemporaryDirectory() + "disrupt-safety-\(UUID().uuidString.prefix(8))"
    var env: [String: String] { ["DISRUPT_HOME": home, "DISRUPT_DATABASE_URL": "", "PGHOST": "", "PGDATABASE": ""] }

    func run(_ arguments: [String], stdin: String? = nil) throws -> DisruptBinary.Result {
        try DisruptBinary.run(arguments, databaseURL: nil, environment: env, stdin: stdin)
    }

    func cleanUp() {
        _ = try? run(["db", "stop"])
        try? FileManager.default.removeItem(atPath: home)
    }

    @Test func aDataFolderDisruptDidNotMakeIsRefusedNotDeleted() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: home + "/data", withIntermediateDirectories: true)
        try "mine".write(toFile: home + "/data/keep.txt", atomically: true, encoding: .utf8)
        let start = try run(["db", "start"])
        #expect(start.status == 1)
        #expect(start.stderr.contains("is not a PostgreSQL cluster"), "\(start.stderr)")
        #expect(try String(contentsOfFile: home + "/data/keep.txt", encoding: .utf8) == "mine", "the folder is untouched")
    }

    @Test func aSymlinkedLogIsRefusedAndItsTargetUntouched() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let target = home + "-target.txt"
        defer { try? FileManager.default.removeItem(atPath: target) }
        try "precious".write(toFile: target, atomically: true, encoding: .utf8)
        chmod(target, 0o600)
        try FileManager.default.createSymbolicLink(atPath: home + "/postgres.log", withDestinationPath: target)
        let start = try run(["db", "start"])
        #expect(start.status == 1)
        #expect(start.stderr.contains("postgres.log"), "\(start.stderr)")
        var info = stat()
        #expect(stat(target, &info) == 0)
        #expect(info.st_uid == geteuid(), "the link's target still belongs to its owner")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious")
    }

    @Test func anInterruptedFirstStartLeavesNoClusterAndTheNextStartRecovers() throws {
        defer { cleanUp() }
        let first = try BackgroundProcess(["db", "start"], databaseURL: "", environment: env)
        let staged = BackgroundProcess.eventually(timeout: 60) {
            ((try? FileManager.default.contentsOfDirectory(atPath: home)) ?? []).contains { $0.hasPrefix("data.creating-") }
        }
        #expect(staged, "the cluster is created in a temporary directory next to data")
        first.signal(SIGKILL)
        _ = first.waitForExit(timeout: 10)
        #expect(!FileManager.default.fileExists(atPath: home + "/data"), "no half-made data directory in place")
        let start = try run(["db", "start"])
        #expect(start.status == 0, "\(start.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: home)
        #expect(!names.contains { $0.hasPrefix("data.creating-") }, "the leftover was removed: \(names)")
        let settings = try run(["db", "psql"], stdin: """
            SELECT 'listen=[' || current_setting('listen_addresses') || '] perms=' || current_setting('unix_socket_permissions');
            SELECT 'rules=' || string_agg(type || ':' || auth_method, ',' ORDER BY line_number) FROM pg_hba_file_rules;

            """)
        #expect(settings.stdout.contains("listen=[] perms=0700"), "\(settings.stdout) \(settings.stderr)")
        let rules = settings.stdout.split(separator: "\n").first { $0.contains("rules=") } ?? ""
        #expect(rules.contains("local:trust"), "\(rules)")
        #expect(!rules.contains("host:trust") && !rules.contains("hostssl:trust"), "TCP is never trusted: \(rules)")
        var info = stat()
        #expect(lstat(home + "/socket", &info) == 0 && info.st_mode & 0o077 == 0, "the socket directory is private")
    }

    /// Makes the home (or `path`) and hands it to `nobody` with `mode`: what an attacker with
    /// a login of their own could have prepared under /tmp.
    func prepare(_ path: String, owner: String?, mode: mode_t) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, mode)
        if let owner, let entry = getpwnam(owner) { #expect(chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0) }
    }

    @Test(.enabled(if: geteuid() == 0, "chown to another user needs root"))
    func aHomeOfAnotherUserOrWritableByOthersIsRefused() throws {
        defer { cleanUp() }
        for (owner, mode, says) in [("nobody", mode_t(0o777), "belongs to another user (nobody)"),
                                    ("nobody", mode_t(0o700), "belongs to another user (nobody)"),
                                    (nil, mode_t(0o777), "can be written by other users (mode 777)"),
                                    (nil, mode_t(0o770), "can be written by other users (mode 770)")] {
            try? FileManager.default.removeItem(atPath: home)
            try prepare(home, owner: owner, mode: mode)
            for command in [["db", "start"], ["db", "url"], ["db", "stop"], ["whoami"]] {
                let result = try run(command)
                #expect(result.status == 1, "\(command) \(owner ?? "root") \(String(mode, radix: 8)): \(result.stdout)")
                #expect(result.stderr.contains("Error: the disrupt home \(home) \(says)"), "\(command): \(result.stderr)")
                #expect(result.stderr.contains("DISRUPT_HOME"), "it says what to do: \(result.stderr)")
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: home)
            #expect(names.isEmpty, "nothing was made in it: \(names)")
        }
    }

    @Test func aHomeThatIsASymbolicLinkIsRefused() throws {
        defer { cleanUp() }
        let target = home + "-target"
        defer { try? FileManager.default.removeItem(atPath: target) }
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        chmod(target, 0o700)
        try FileManager.default.createSymbolicLink(atPath: home, withDestinationPath: target)
        let result = try run(["db", "start"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is a symbolic link"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
    }

    @Test(.enabled(if: geteuid() == 0, "chown to another user needs root"))
    func aSocketDirectoryOfAnotherUserIsRefusedAndAnOpenOneMadePrivate() throws {
        defer { cleanUp() }
        try prepare(home, owner: nil, mode: 0o700)
        try prepare(home + "/socket", owner: "nobody", mode: 0o777)
        let refused = try run(["db", "start"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(home)/socket belongs to another user (nobody)"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: home + "/data"))

        try FileManager.default.removeItem(atPath: home + "/socket")
        try prepare(home + "/socket", owner: nil, mode: 0o777)
        let stop = try run(["db", "stop"])
        #expect(stop.status == 0, "\(stop.stderr)")
        var info = stat()
        #expect(lstat(home + "/socket", &info) == 0 && info.st_mode & 0o777 == 0o700, "tightened to 0700")
    }
}

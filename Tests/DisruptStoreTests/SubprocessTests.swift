import DisruptStore
import Foundation
import Testing

@Suite("Subprocess (the one process spawner)")
struct SubprocessTests {
    @Test func passesArgumentsWithoutAShellAndFeedsStandardInput() throws {
        let echoed = try Subprocess.run("/bin/echo", ["$HOME", "a b"])
        #expect(echoed.standardOutput == "$HOME a b\n")
        let text = String(repeating: "line of input\n", count: 20_000)
        let copied = try Subprocess.run("/bin/cat", [], stdin: .bytes(Data(text.utf8)))
        #expect(copied.status == 0)
        #expect(copied.standardOutput == text)
    }

    @Test func replacesTheEnvironmentAndReportsExitStatusAndStandardError() throws {
        let result = try Subprocess.run("/bin/sh", ["-c", "echo \"$ONLY\" >&2; exit 3"], environment: ["ONLY": "this"])
        #expect(result.status == 3)
        #expect(result.standardError == "this\n")
        #expect(result.termination.signal == nil && !result.termination.timedOut)
    }

    @Test func aChildThatDoesNotReadItsInputCannotHurtTheCaller() throws {
        let result = try Subprocess.run("/bin/true", [], stdin: .bytes(Data(count: 4 << 20)))
        #expect(result.status == 0)
    }

    @Test func theChildStartsWithNoSignalBlockedOrIgnored() throws {
        let status = try Subprocess.run("/bin/cat", ["/proc/self/status"]).standardOutput
        #expect(status.contains("SigBlk:\t0000000000000000"), "\(status)")
        let ignored = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst(8), radix: 16) }
        #expect(ignored.map { $0 & 0x7FFF_FFFF } == 0, "no standard signal (1-31) is ignored: \(status)")
    }

    @Test func aTimeoutStopsTheChildWithTerm() throws {
        let started = Date()
        let result = try Subprocess.run("/bin/sleep", ["30"], timeout: 0.3)
        #expect(result.termination.timedOut)
        #expect(result.termination.signal == SIGTERM && result.status == 128 + SIGTERM)
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func stopKillsAChildThatIgnoresTermAndReachesItsProcessGroup() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("subprocess-\(UUID().uuidString)").path
        defer { unlink(marker) }
        // The shell ignores TERM; its own child writes the marker unless the group is killed first.
        let child = try Subprocess("/bin/sh", ["-c", "trap '' TERM; (sleep 1; touch \(marker)) & wait"], processGroup: true)
        #expect(try child.wait(timeout: 0.2) == nil, "still running")
        let ended = try child.stop(grace: 0.3)
        #expect(ended.signal == SIGKILL)
        usleep(1_500_000)
        #expect(!FileManager.default.fileExists(atPath: marker), "the grandchild was stopped with its group")
    }

    @Test func writesOutputToAFileWhileRunning() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("subprocess-\(UUID().uuidString).out").path
        defer { unlink(path) }
        let child = try Subprocess("/bin/sh", ["-c", "echo started; sleep 30"], stdout: .file(path))
        #expect(waitUntil { child.standardOutput == "started\n" })
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "started\n")
        child.signal(SIGTERM)
        #expect(try child.wait().signal == SIGTERM)
    }

    private func waitUntil(_ condition: () -> Bool) -> Bool {
        for _ in 0..<250 where !condition() { usleep(20_000) }
        return condition()
    }
}

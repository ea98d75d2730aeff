import Foundation

/// The optional external command that delivers a reminder (`reminders.deliver_command`, an
/// argv array such as `["/usr/sbin/sendmail", "-t"]`). It gets one reminder as JSON on standard
/// input; exit status 0 means delivered. Output goes to temporary files (private to this user)
/// and is only read back to explain a failure.
public struct DeliveryCommand: Sendable {
    public let arguments: [String]
    /// A command running longer than this is killed and counted as a failure.
    public var timeout: TimeInterval

    public init(arguments: [String], timeout: TimeInterval = 60) {
        self.arguments = arguments
        self.timeout = timeout
    }

    /// Runs the command with `input` on stdin. nil on success, else why it failed (exit status
    /// and the first line of its standard error). The command runs in its own process group,
    /// which is stopped (see `ChildProcessGroup`) when the timeout passes or `shouldStop` (polled
    /// every 10 ms) returns true; either counts as a failure, since it may not have delivered.
    public func deliver(_ input: Data, shouldStop: () -> Bool = { false }) -> String? {
        guard let executable = arguments.first else { return "no deliver command" }
        let directory = FileManager.default.temporaryDirectory
        let token = UUID().uuidString
        let inPath = directory.appendingPathComponent("disrupt-deliver-\(token).in").path
        let errPath = directory.appendingPathComponent("disrupt-deliver-\(token).err").path
        defer {
            unlink(inPath)
            unlink(errPath)
        }
        guard FileManager.default.createFile(atPath: inPath, contents: input, attributes: [.posixPermissions: 0o600]) else {
            return "could not write the reminder to a temporary file"
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = ChildProcessGroup.withSpawnAttributes { posix_spawn(&pid, executable, &actions, &$0, argv, environ) }
        guard spawned == 0 else { return "could not run \(executable) (error \(spawned))" }

        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { return "could not wait for \(executable) (errno \(errno))" }
            if shouldStop() {
                ChildProcessGroup.stop(pid)
                return "\(executable) was stopped because serve was stopping (it may have delivered: retried)"
            }
            if Date() > deadline {
                ChildProcessGroup.stop(pid)
                return "\(executable) did not finish within \(Int(timeout)) s and was stopped"
            }
            usleep(10_000)
        }
        if (status & 0x7F) == 0 && (status >> 8) & 0xFF == 0 { return nil }
        let reason = (status & 0x7F) == 0 ? "exit status \((status >> 8) & 0xFF)" : "signal \(status & 0x7F)"
        let firstLine = ((try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return "\(executable) failed (\(reason))" + (firstLine.isEmpty ? "" : ": \(firstLine.prefix(500))")
    }
}

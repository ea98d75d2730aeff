import Foundation

/// The real `disrupt` binary running in the background (for `disrupt serve`): started with
/// `posix_spawn`, standard output and error going to files the test can read while it runs.
public final class BackgroundProcess: @unchecked Sendable {
    public let pid: pid_t
    private let outPath: String
    private let errPath: String
    private var exitStatus: Int32?

    /// Starts `disrupt arguments...` against `databaseURL` with extra environment, no terminal, `NO_COLOR`.
    public init(_ arguments: [String], databaseURL: String, environment extra: [String: String] = [:]) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["DISRUPT_DATABASE_URL"] = databaseURL
        environment["NO_COLOR"] = "1"
        environment["PGUSER"] = nil
        for (key, value) in extra { environment[key] = value }
        let token = UUID().uuidString
        outPath = NSTemporaryDirectory() + "disrupt-bg-\(token).out"
        errPath = NSTemporaryDirectory() + "disrupt-bg-\(token).err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let path = DisruptBinary.path
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, nil, argv, envp) == 0 else {
            throw CocoaError(.executableNotLoadable, userInfo: [NSFilePathErrorKey: path])
        }
        self.pid = pid
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        unlink(outPath)
        unlink(errPath)
    }

    /// What it has written to standard error so far.
    public var standardError: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }
    /// What it has written to standard output so far.
    public var standardOutput: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }

    /// Sends a signal (SIGTERM by default).
    public func signal(_ number: Int32 = SIGTERM) { kill(pid, number) }

    /// Waits up to `timeout` seconds for it to exit; its exit status, or nil if still running.
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        repeat {
            if waitpid(pid, &status, WNOHANG) == pid {
                let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                exitStatus = code
                return code
            }
            usleep(20_000)
        } while Date() < deadline
        return nil
    }

    /// Polls `condition` every 20 ms until it is true or `timeout` seconds pass; whether it became true.
    public static func eventually(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if try condition() { return true }
            usleep(20_000)
        } while Date() < deadline
        return try condition()
    }
}

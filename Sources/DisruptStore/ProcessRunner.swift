import Foundation

/// Runs a program to completion and captures what it printed, how long it took and its peak
/// memory. Used for the server's tools (`initdb`, `pg_ctl`), by the tests to run the real
/// `disrupt`, and by the benchmarks; never with personal data in the arguments.
///
/// Uses `posix_spawn` and `wait4` directly: output goes to temporary files rather than pipes,
/// because `pg_ctl start` leaves a server running that must not hold our pipes open, and
/// Foundation's `Process` could leave the child unreaped here.
public enum ProcessRunner {
    /// What one run printed and returned.
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        /// Wall-clock time from spawn to exit.
        public var seconds: Double
        /// The child's peak resident memory in KiB (`ru_maxrss`).
        public var maxResidentKiB: Int
    }

    /// Runs `executable` with `arguments`. `environment` replaces the inherited one when given;
    /// `stdin` is fed from a temporary file (empty when nil).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil) throws -> Output {
        let directory = FileManager.default.temporaryDirectory
        let token = UUID().uuidString
        let inPath = directory.appendingPathComponent("disrupt-\(token).in").path
        let outPath = directory.appendingPathComponent("disrupt-\(token).out").path
        let errPath = directory.appendingPathComponent("disrupt-\(token).err").path
        defer {
            unlink(inPath)
            unlink(outPath)
            unlink(errPath)
        }
        guard FileManager.default.createFile(atPath: inPath, contents: stdin ?? Data(), attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.failure, "cannot create a temporary file in \(directory.path)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        let started = Date()
        var pid: pid_t = 0
        let spawned = envp.map { posix_spawn(&pid, executable, &actions, nil, argv, $0) } ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw StoreError(.failure, "could not run \(executable) (error \(spawned))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw StoreError(.failure, "could not wait for \(executable) (errno \(errno))") }
        }
        let seconds = Date().timeIntervalSince(started)
        return Output(
            status: (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "",
            seconds: seconds,
            maxResidentKiB: Int(usage.ru_maxrss)
        )
    }

    /// The full path of `name` on `PATH`, if any.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

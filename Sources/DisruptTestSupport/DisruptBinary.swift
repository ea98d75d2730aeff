import Foundation

/// Runs the real `disrupt` executable, as a user would, and captures what it printed.
public enum DisruptBinary {
    /// What one run printed and returned.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The built binary: `$DISRUPT_BINARY`, else `disrupt` beside the test bundle.
    public static var path: String {
        if let path = ProcessInfo.processInfo.environment["DISRUPT_BINARY"] { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("disrupt").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("disrupt").path
    }

    /// Runs `disrupt arguments...` against `databaseURL` (as `DISRUPT_DATABASE_URL`), with
    /// extra environment, optional standard input, no terminal, and `NO_COLOR`.
    public static func run(_ arguments: [String], databaseURL: String?, environment extra: [String: String] = [:], stdin: String? = nil) throws -> Result {
        var environment = ProcessInfo.processInfo.environment
        environment["DISRUPT_DATABASE_URL"] = databaseURL
        environment["NO_COLOR"] = "1"
        environment["PGUSER"] = nil
        for (key, value) in extra { environment[key] = value }
        let directory = FileManager.default.temporaryDirectory
        let token = UUID().uuidString
        let inPath = directory.appendingPathComponent("disrupt-test-\(token).in").path
        let outPath = directory.appendingPathComponent("disrupt-test-\(token).out").path
        let errPath = directory.appendingPathComponent("disrupt-test-\(token).err").path
        defer {
            unlink(inPath)
            unlink(outPath)
            unlink(errPath)
        }
        _ = FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw CocoaError(.executableNotLoadable, userInfo: [NSFilePathErrorKey: path]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return Result(
            status: (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F),
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        )
    }

    /// Decodes a run's standard output as JSON.
    public static func json(_ result: Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }
}

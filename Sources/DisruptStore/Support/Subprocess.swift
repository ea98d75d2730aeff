import Foundation

/// One child process, the only place disrupt starts one: the server's tools (`initdb`,
/// `pg_ctl`), the reminder delivery command, the benchmarks' `disrupt` and `psql`, and the
/// tests' runs of the real binary. Never through a shell: `argv` is passed as it is.
///
/// Uses `posix_spawn` and `wait4` directly. Captured output goes to files in a
/// `PrivateTemporaryDirectory` (0700, under `$DISRUPT_HOME/tmp`; removed with the
/// `Subprocess`, or by the next run when this process is killed) rather than pipes, because `pg_ctl start` leaves a server running that must not
/// hold our pipes open; it is read back after the child exits (or while it runs, for a
/// long-running child). Standard input is `/dev/null` or a pipe fed from a background thread.
public final class Subprocess: @unchecked Sendable {
    /// Where the child's standard input comes from.
    public enum Input: Sendable {
        /// `/dev/null`: the child reads end-of-file at once.
        case null
        /// These bytes through a pipe, then end-of-file.
        case bytes(Data)
    }

    /// Where one of the child's output streams goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discard
        /// A file, created or truncated (mode 0600).
        case file(String)
        /// A file in a private temporary directory that `standardOutput`/`standardError` read and `deinit` removes.
        case capture
    }

    /// How a child ended.
    public struct Termination: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
        public var status: Int32
        /// The signal that ended it, if one did.
        public var signal: Int32?
        /// True when `run` stopped it because its time ran out.
        public var timedOut: Bool
        /// Wall-clock time from spawn to exit.
        public var seconds: Double
        /// The child's peak resident memory in KiB (`ru_maxrss`).
        public var maxResidentKiB: Int
    }

    /// The child's process id (and its process group id when started in its own group).
    public let pid: pid_t
    /// The program that was started (for messages).
    public let executable: String
    let started = Date()
    let inOwnGroup: Bool
    private let outPath: String?
    private let errPath: String?
    private let captureDirectory: PrivateTemporaryDirectory?
    let lock = NSLock()
    var ended: Termination?

    /// Starts `executable` with `arguments` (`argv[0]` is `executable`). `environment` replaces
    /// the inherited one when given. With `processGroup`, the child leads a new process group, so
    /// signals from the terminal do not reach it and `signal` reaches its own children too.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                stdin: Input = .null, stdout: Output = .discard, stderr: Output = .discard, processGroup: Bool = false) throws {
        let captures = [stdout, stderr].contains { if case .capture = $0 { true } else { false } }
        // No signal handler: a caller such as serve handles SIGTERM itself; a killed run's
        // leftover is removed by the next run.
        let directory = captures ? try PrivateTemporaryDirectory(removeOnSignal: false) : nil
        func path(_ output: Output, _ name: String) -> String {
            switch output {
            case .discard: "/dev/null"
            case .file(let path): path
            case .capture: directory!.path + "/" + name
            }
        }
        let outPath = path(stdout, "stdout")
        let errPath = path(stderr, "stderr")
        self.outPath = outPath == "/dev/null" ? nil : outPath
        self.errPath = errPath == "/dev/null" ? nil : errPath
        captureDirectory = directory
        self.executable = executable
        inOwnGroup = processGroup

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no signal blocked and every signal's default action, whatever
        // this thread blocks or ignores (a test runner's threads block most signals).
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number: Int32 in 1..<32 where number != SIGKILL && number != SIGSTOP { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if processGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var pipeEnds: [Int32] = [-1, -1]
        if case .bytes = stdin {
            guard pipe(&pipeEnds) == 0 else { throw StoreError(.failure, "cannot make a pipe for \(executable) (errno \(errno))") }
            // Close-on-exec, so children spawned meanwhile by other threads do not inherit the
            // ends; dup2 onto descriptor 0 clears the flag for this child's copy.
            _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = envp.map { posix_spawn(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
        guard spawned == 0 else {
            if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
            throw StoreError(.failure, "could not run \(executable) (error \(spawned))")
        }
        self.pid = pid
        if case .bytes(let data) = stdin { Self.feed(data, to: pipeEnds[1]) }
    }

    deinit {
        if ended == nil {
            kill(inOwnGroup ? -pid : pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        captureDirectory?.remove()
    }

    /// What the child has written to standard output so far ("" unless it goes to a file).
    public var standardOutput: String { outPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }
    /// What the child has written to standard error so far ("" unless it goes to a file).
    public var standardError: String { errPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    /// Writes `data` to the pipe on a thread of its own (a child that reads slowly, or not at
    /// all, cannot block the caller), then closes it. SIGPIPE is blocked on that thread and any
    /// pending one is consumed, so a child that exits without reading cannot kill this process.
    private static func feed(_ data: Data, to descriptor: Int32) {
        let thread = Thread {
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count, let base = buffer.baseAddress {
                    let written = write(descriptor, base + offset, buffer.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    guard written > 0 else { break }
                    offset += written
                }
            }
            close(descriptor)
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1 {
                var received: Int32 = 0
                sigwait(&pipeSignal, &received)
            }
        }
        thread.start()
    }
}

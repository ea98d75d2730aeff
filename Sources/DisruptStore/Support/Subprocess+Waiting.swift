import Foundation

extension Subprocess {
    /// What a run to completion printed and how it ended.
    public struct Result: Sendable {
        public var termination: Termination
        public var standardOutput: String
        public var standardError: String
        /// The exit status (128 + signal when a signal ended it).
        public var status: Int32 { termination.status }
        public var seconds: Double { termination.seconds }
        public var maxResidentKiB: Int { termination.maxResidentKiB }
    }

    /// Runs `executable` to completion, capturing both output streams unless told otherwise.
    /// With a `timeout`, a child still running after that many seconds is stopped (TERM, then
    /// KILL) and the result says `timedOut`.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           stdin: Input = .null, stdout: Output = .capture, stderr: Output = .capture,
                           timeout: TimeInterval? = nil, processGroup: Bool = false) throws -> Result {
        let child = try Subprocess(executable, arguments, environment: environment, stdin: stdin,
                                   stdout: stdout, stderr: stderr, processGroup: processGroup)
        var termination = try timeout.map { try child.wait(timeout: $0) } ?? child.wait()
        if termination == nil {
            termination = try child.stop()
            termination?.timedOut = true
        }
        return Result(termination: termination!, standardOutput: child.standardOutput, standardError: child.standardError)
    }

    /// Sends a signal (to the whole group when the child leads its own).
    public func signal(_ number: Int32 = SIGTERM) {
        lock.withLock {
            guard ended == nil else { return }
            kill(inOwnGroup ? -pid : pid, number)
        }
    }

    /// Waits for the child to exit and reaps it. Blocks without holding the lock, so another
    /// thread may still `signal` it meanwhile; wait from one thread at a time.
    @discardableResult
    public func wait() throws -> Termination {
        if let ended = lock.withLock({ ended }) { return ended }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw StoreError(.failure, "could not wait for \(executable) (errno \(errno))") }
        }
        return lock.withLock { record(status, usage) }
    }

    /// Waits up to `timeout` seconds; how it ended, or nil when it is still running.
    public func wait(timeout: TimeInterval) throws -> Termination? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let done: Termination? = try lock.withLock {
                if let ended { return ended }
                var status: Int32 = 0
                var usage = rusage()
                let waited = wait4(pid, &status, WNOHANG, &usage)
                if waited == pid { return record(status, usage) }
                if waited < 0 && errno != EINTR { throw StoreError(.failure, "could not wait for \(executable) (errno \(errno))") }
                return nil
            }
            if let done { return done }
            if Date() >= deadline { return nil }
            usleep(10_000)
        }
    }

    /// Asks the child to stop (SIGTERM), and kills it (SIGKILL) if it has not exited after `grace` seconds.
    @discardableResult
    public func stop(grace: TimeInterval = 5) throws -> Termination {
        signal(SIGTERM)
        let ended = try wait(timeout: grace) ?? { signal(SIGKILL); return try wait() }()
        // Members of its group that outlived the leader (or ignored SIGTERM) go too; the group
        // id cannot be reused while any of them is alive.
        if inOwnGroup { kill(-pid, SIGKILL) }
        return ended
    }

    /// Called with the lock held, once the child has been reaped.
    private func record(_ status: Int32, _ usage: rusage) -> Termination {
        let signalled = (status & 0x7F) != 0
        let termination = Termination(
            status: signalled ? 128 + (status & 0x7F) : (status >> 8) & 0xFF,
            signal: signalled ? status & 0x7F : nil,
            timedOut: false,
            seconds: Date().timeIntervalSince(started),
            maxResidentKiB: Int(usage.ru_maxrss))
        ended = termination
        return termination
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

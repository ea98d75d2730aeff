import DisruptCore
import Foundation

/// A directory for this run's temporary files with personal data (the import's reject spool,
/// the demo's generated force, a child process's captured output):
/// `disrupt-run-<pid>-XXXXXX` made by `mkdtemp` (mode 0700, an unpredictable name) inside a
/// private base directory, `$DISRUPT_HOME/tmp` (0700, owned by us, not a symlink, in a home
/// `HomeSafety` accepts) or, when that cannot be used, the system's temporary directory (the
/// run's directory is still 0700 with an unpredictable name there).
///
/// It is removed by `remove()` (and `deinit`), and, when `removeOnSignal`, on SIGINT or
/// SIGTERM before the process exits; a run killed outright (SIGKILL) leaves it behind, and the
/// next run that makes one removes every such directory whose process is gone.
public final class PrivateTemporaryDirectory: @unchecked Sendable {
    public let path: String
    private let removeOnSignal: Bool
    private let lock = NSLock()
    private var removed = false

    /// Makes this run's directory (and clears leftovers of dead runs). `removeOnSignal: false`
    /// is for callers that handle SIGINT and SIGTERM themselves (a child process's output,
    /// captured while `serve` runs): no signal handler is installed for it.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, removeOnSignal: Bool = true) throws {
        let base = Self.base(environment: environment) ?? Self.systemTemporaryDirectory
        Self.removeLeftovers(in: base)
        // With removeOnSignal the template is registered for the signal handler BEFORE mkdtemp fills
        // it in place: a signal that lands between the directory's creation and its registration
        // would otherwise leave the directory behind.
        guard let template = strdup(base + "/disrupt-run-\(getpid())-XXXXXX") else {
            throw StoreError(.failure, "cannot create a private temporary directory in \(base) (out of memory)")
        }
        let slot = removeOnSignal ? SignalCleanup.shared.add(buffer: template) : nil
        guard mkdtemp(template) != nil else {
            let code = errno
            if let slot { SignalCleanup.shared.forget(slot: slot) } else { free(template) }
            throw StoreError(.failure, "cannot create a private temporary directory in \(base) (errno \(code))")
        }
        path = String(cString: template)
        self.removeOnSignal = removeOnSignal
        if let slot { SignalCleanup.shared.name(slot: slot, path) } else { free(template) }
    }

    deinit { remove() }

    /// A path for a file inside the directory (removed with it, on a signal too).
    public func file(_ name: String) -> String {
        let file = path + "/" + name
        if removeOnSignal { SignalCleanup.shared.add(file) }
        return file
    }

    /// Deletes the directory and everything in it (idempotent).
    public func remove() {
        let first: Bool = lock.withLock {
            defer { removed = true }
            return !removed
        }
        guard first else { return }
        if removeOnSignal { SignalCleanup.shared.remove(prefix: path) }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The private base, `$DISRUPT_HOME/tmp` (or the default home's), when the home is one
    /// `HomeSafety` accepts and the directory can be made private; nil otherwise.
    public static func base(environment: [String: String]) -> String? {
        let home = EmbeddedCluster.defaultHome(environment: environment)
        guard (try? HomeSafety.check(home)) != nil else { return nil }
        let base = home.appendingPathComponent("tmp").path
        return (try? PrivateDirectory.ensure(base)) != nil ? base : nil
    }

    /// The system's temporary directory (`$TMPDIR`, else `/tmp`), without a trailing slash:
    /// shared with other users, so disrupt only makes `mkdtemp` directories in it.
    public static var systemTemporaryDirectory: String {
        let directory = NSTemporaryDirectory()
        return directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
    }

    /// Removes `disrupt-run-<pid>-*` directories owned by us whose process no longer runs.
    static func removeLeftovers(in base: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix("disrupt-run-") {
            guard let pid = name.dropFirst("disrupt-run-".count).split(separator: "-").first.flatMap({ pid_t($0) }),
                  !ProcessLiveness.isRunning(pid) else { continue }
            var info = stat()
            let full = base + "/" + name
            guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid() else { continue }
            try? FileManager.default.removeItem(atPath: full)
        }
    }
}

/// A directory only its owner may enter: made 0700 if missing; refused if it is a symlink,
/// not a directory, or owned by someone else. Its mode is tightened to 0700.
enum PrivateDirectory {
    static func ensure(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard mkdir(parent, 0o700) == 0 || errno == EEXIST, mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw StoreError(.failure, "cannot create \(path) (errno \(errno))")
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, info.st_uid == geteuid() else {
            throw StoreError(.failure, "\(path) is not a directory owned by this user (or is a symbolic link); disrupt will not use it")
        }
        if info.st_mode & 0o077 != 0 { chmod(path, 0o700) }
    }
}

/// Removes registered temporary files and directories when SIGINT or SIGTERM arrives, then
/// ends the process with the usual status (128 + the signal). The handler only calls
/// async-signal-safe functions (`unlink`, `rmdir`, `_exit`) on paths kept as C strings in a
/// fixed table, so it works whichever thread the signal lands on. It is installed while a
/// path is registered; the default disposition comes back when none is.
final class SignalCleanup: @unchecked Sendable {
    static let shared = SignalCleanup()
    private let lock = NSLock()
    private var registered: [String: Int] = [:]
    /// Slots in use, named or not yet.
    private var inUse = 0

    /// Registers a path (a file or an empty directory).
    func add(_ path: String) {
        guard let buffer = strdup(path), let slot = add(buffer: buffer) else { return }
        name(slot: slot, path)
    }

    /// Registers a C string that is still being filled in (a `mkdtemp` template, written in
    /// place), before the file or directory it names exists; `name(slot:_:)` gives it its path
    /// once known. The buffer is the handler's from now on (never freed). Nil: the table is full.
    func add(buffer: UnsafeMutablePointer<CChar>) -> Int? {
        lock.withLock {
            guard let slot = (0..<signalCleanupCapacity).first(where: { signalCleanupSlots[$0] == nil }) else { return nil }
            signalCleanupSlots[slot] = buffer
            if inUse == 0 {
                signal(SIGINT, signalCleanupHandler)
                signal(SIGTERM, signalCleanupHandler)
                // A parent may have started us with them blocked (the mask survives exec).
                var unblock = sigset_t()
                sigemptyset(&unblock)
                sigaddset(&unblock, SIGINT)
                sigaddset(&unblock, SIGTERM)
                pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
            }
            inUse += 1
            return slot
        }
    }

    /// The path of a slot registered by `add(buffer:)`, for `remove(prefix:)`.
    func name(slot: Int, _ path: String) {
        lock.withLock { registered[path] = slot }
    }

    /// Drops a slot registered by `add(buffer:)` whose file or directory was never made.
    func forget(slot: Int) {
        lock.withLock {
            signalCleanupSlots[slot] = nil
            release()
        }
    }

    /// Forgets `prefix` and every path under it.
    func remove(prefix: String) {
        lock.withLock {
            for (path, slot) in registered where path == prefix || path.hasPrefix(prefix + "/") {
                // Not freed: the handler may be reading it on another thread.
                signalCleanupSlots[slot] = nil
                registered[path] = nil
                release()
            }
        }
    }

    /// One slot fewer in use; the default disposition comes back when none is (lock held).
    private func release() {
        inUse -= 1
        if inUse == 0 {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }
}


private let signalCleanupCapacity = 64
private nonisolated(unsafe) let signalCleanupSlots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
    let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: signalCleanupCapacity)
    slots.initialize(repeating: nil, count: signalCleanupCapacity)
    return slots
}()

/// Every file first (`unlink`), then every directory (`rmdir`), then exit.
private let signalCleanupHandler: @convention(c) (Int32) -> Void = { number in
    for slot in 0..<signalCleanupCapacity {
        if let path = signalCleanupSlots[slot] { unlink(path) }
    }
    for slot in 0..<signalCleanupCapacity {
        if let path = signalCleanupSlots[slot] { rmdir(path) }
    }
    _exit(128 + number)
}

import DisruptCore
import Dispatch
import Foundation

/// A directory for this run's temporary files with personal data (the import's reject spool):
/// `disrupt-run-<pid>-XXXXXX` made by `mkdtemp` (mode 0700, an unpredictable name) inside a
/// private base directory, `$DISRUPT_HOME/tmp` (0700, owned by us, not a symlink) or, when that
/// cannot be made, the system's temporary directory.
///
/// It is removed by `remove()`, and on SIGINT or SIGTERM before the process exits; a run
/// killed outright (SIGKILL) leaves it behind, and the next run removes every such directory
/// whose process is gone.
public final class PrivateTemporaryDirectory: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var removed = false

    /// Makes this run's directory (and clears leftovers of dead runs).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let base = Self.base(environment: environment)
        Self.removeLeftovers(in: base)
        var template = Array((base + "/disrupt-run-\(getpid())-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw StoreError(.failure, "cannot create a private temporary directory in \(base) (errno \(errno))")
        }
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        SignalCleanup.shared.register(self)
    }

    deinit { remove() }

    /// A path for a file inside the directory.
    public func file(_ name: String) -> String { path + "/" + name }

    /// Deletes the directory and everything in it (idempotent).
    public func remove() {
        let first: Bool = lock.withLock {
            defer { removed = true }
            return !removed
        }
        guard first else { return }
        SignalCleanup.shared.unregister(self)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Deletes the directory without locks or allocation-heavy work: called from the signal handler.
    fileprivate func removeForSignal() { try? FileManager.default.removeItem(atPath: path) }

    /// The private base: `$DISRUPT_HOME/tmp` (or the default home's), else the system's
    /// temporary directory.
    public static func base(environment: [String: String]) -> String {
        let home = EmbeddedCluster.defaultHome(environment: environment).appendingPathComponent("tmp").path
        if (try? PrivateDirectory.ensure(home)) != nil { return home }
        return NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
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

/// Removes registered temporary directories when SIGINT or SIGTERM arrives, then ends the
/// process with the usual status (128 + the signal). The handlers are installed while at
/// least one directory is registered.
final class SignalCleanup: @unchecked Sendable {
    static let shared = SignalCleanup()
    private let lock = NSLock()
    private var directories: [ObjectIdentifier: PrivateTemporaryDirectory] = [:]
    private var sources: [DispatchSourceSignal] = []

    func register(_ directory: PrivateTemporaryDirectory) {
        lock.withLock {
            directories[ObjectIdentifier(directory)] = directory
            guard sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in self?.terminate(number) }
                source.resume()
                sources.append(source)
            }
        }
    }

    func unregister(_ directory: PrivateTemporaryDirectory) {
        lock.withLock {
            directories[ObjectIdentifier(directory)] = nil
            guard directories.isEmpty else { return }
            for source in sources { source.cancel() }
            sources = []
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }

    private func terminate(_ number: Int32) {
        let pending = lock.withLock { Array(directories.values) }
        for directory in pending { directory.removeForSignal() }
        _exit(128 + number)
    }
}

import Foundation

/// A file with personal data, written atomically and readable by its owner only.
///
/// The bytes go to a temporary file in the same directory, created `0600` (tightened further
/// by a stricter umask) with `mkstemp`, so nobody else can open it while it is written; `commit`
/// flushes it to disk and renames it over `path`, so a reader sees the old file or the whole
/// new one, never part of it. The temporary name carries the writer's process id: a
/// leftover of a killed run is removed by the next writer of the same file.
public final class PrivateFile {
    public let path: String
    public let temporaryPath: String
    /// The open temporary file.
    public let handle: FileHandle
    private var finished = false

    /// Starts replacing `path`.
    public init(replacing path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = Self.temporaryPrefix(for: url.lastPathComponent)
        Self.removeLeftovers(in: directory, prefix: prefix)
        var template = Array((directory + "/" + prefix + "\(getpid())-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw PrivateFileError(path: path, reason: "its folder cannot be written to (\(String(cString: strerror(errno))))") }
        let mask = umask(0o077)
        umask(mask)
        fchmod(descriptor, 0o600 & ~mask)
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    deinit { discard() }

    /// Writes `data` to `path` atomically, readable by its owner only.
    public static func write(_ data: Data, to path: String) throws {
        let file = try PrivateFile(replacing: path)
        try file.handle.write(contentsOf: data)
        try file.commit()
    }

    /// Flushes the temporary file and renames it over `path`.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        try handle.synchronize()
        try handle.close()
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw PrivateFileError(path: path, reason: "the finished file could not be put in place (\(reason))")
        }
    }

    /// Removes the temporary file, leaving `path` as it was.
    public func discard() {
        guard !finished else { return }
        finished = true
        try? handle.close()
        unlink(temporaryPath)
    }

    static func temporaryPrefix(for name: String) -> String { ".\(name).disrupt-" }

    /// Removes `prefix<pid>-XXXXXX` files of processes that no longer run.
    static func removeLeftovers(in directory: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ pid_t($0) }), !ProcessLiveness.isRunning(pid) else { continue }
            var info = stat()
            let full = directory + "/" + name
            guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else { continue }
            unlink(full)
        }
    }
}

/// Whether a process id belongs to a running process.
public enum ProcessLiveness {
    public static func isRunning(_ pid: pid_t) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

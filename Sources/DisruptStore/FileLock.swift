import Foundation

/// An exclusive advisory lock on a file (`flock`), held while a closure runs, so concurrent
/// first runs of `disrupt` do not create or start the embedded cluster twice.
enum FileLock {
    static func withLock<T>(at url: URL, _ body: () throws -> T) throws -> T {
        let descriptor = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw StoreError(.failure, "cannot open the lock file \(url.path) (errno \(errno))") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError(.failure, "cannot lock \(url.path) (errno \(errno))") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}

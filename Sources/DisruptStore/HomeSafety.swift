import Foundation

/// Refuses a `$DISRUPT_HOME` that another operating-system user could change: whoever can
/// write to it can replace the socket directory (so disrupt connects to their server), the
/// configuration (so `serve` runs their delivery command) or the temporary directory.
///
/// The home must be a real directory (checked with `lstat`: a symbolic link is refused, never
/// followed), owned by the user running disrupt or by root, and writable by its owner only.
/// A home that does not exist yet is fine: disrupt creates it.
public enum HomeSafety {
    /// Throws a `StoreError` (exit 1) that says what is wrong and what to do.
    public static func check(_ home: URL) throws {
        var info = stat()
        guard lstat(home.path, &info) == 0 else { return }
        let kind = info.st_mode & S_IFMT
        let advice = "Use a directory that you own and only you can write to (mkdir -m 700 DIR; DISRUPT_HOME=DIR), or unset DISRUPT_HOME."
        guard kind != S_IFLNK else {
            throw StoreError(.failure, "the disrupt home \(home.path) is a symbolic link; disrupt will not follow it",
                             hint: "Set DISRUPT_HOME to the directory the link points to, if you own it. " + advice)
        }
        guard kind == S_IFDIR else {
            throw StoreError(.failure, "the disrupt home \(home.path) is not a directory", hint: advice)
        }
        guard info.st_uid == geteuid() || info.st_uid == 0 else {
            throw StoreError(.failure, "the disrupt home \(home.path) belongs to another user (\(userName(info.st_uid))), who could replace its database socket or configuration; disrupt will not use it",
                             hint: advice)
        }
        guard info.st_mode & 0o022 == 0 else {
            throw StoreError(.failure, "the disrupt home \(home.path) can be written by other users (mode \(String(info.st_mode & 0o7777, radix: 8))), who could replace its database socket or configuration; disrupt will not use it",
                             hint: "Make it private (chmod 700 '\(home.path)') if it is yours. " + advice)
        }
    }

    /// The login name of `uid`, else the number.
    static func userName(_ uid: uid_t) -> String {
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(uid)"
    }
}

import Foundation

/// The operating-system user the embedded server runs as: ourselves, or `postgres` when we
/// are root (PostgreSQL refuses to run as root).
public struct ServerUser: Sendable {
    let isRoot: Bool
    /// The user for this process: `postgres` when we are root, else ourselves.
    public static var current: ServerUser { ServerUser(isRoot: geteuid() == 0) }

    /// The server's user id when it is another user (`postgres`, when we are root).
    var uid: uid_t? {
        guard isRoot, let entry = getpwnam("postgres") else { return nil }
        return entry.pointee.pw_uid
    }

    /// The cluster's superuser: the operating-system user running `disrupt`, so that libpq's
    /// default user name connects as the administrator of a personal install.
    static var superuserName: String {
        if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty, geteuid() != 0 { return name }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "postgres"
    }

    /// Runs one of the server's tools as this user.
    public func run(_ executable: String, _ arguments: [String]) throws -> Subprocess.Result {
        guard isRoot else { return try Subprocess.run(executable, arguments) }
        guard getpwnam("postgres") != nil else {
            throw StoreError(
                .failure, "running as root, but there is no 'postgres' user to run the embedded database as",
                hint: "Install Debian's postgresql package (it creates the user), or run disrupt as an ordinary user."
            )
        }
        let runuser = Subprocess.which("runuser") ?? "/usr/sbin/runuser"
        return try Subprocess.run(runuser, ["-u", "postgres", "--", executable] + arguments)
    }

    /// Hands files and directories to the `postgres` user when we are root. A symbolic link
    /// is never followed: each path is opened with `O_NOFOLLOW` and changed through its
    /// descriptor, and a link (or anything but a regular file or directory) is refused.
    public func takeOwnership(of urls: [URL], createFiles: Bool = false) throws {
        guard isRoot, let entry = getpwnam("postgres") else { return }
        let (uid, gid) = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        for url in urls {
            var flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK
            if createFiles { flags |= O_CREAT }
            let descriptor = open(url.path, flags, 0o600)
            guard descriptor >= 0 else {
                throw StoreError(.failure, "could not hand \(url.path) to the postgres user: \(errno == ELOOP ? "it is a symbolic link" : "errno \(errno)")",
                                 hint: "disrupt never follows a symbolic link when it changes ownership; remove it and run the command again.")
            }
            defer { close(descriptor) }
            var info = stat()
            guard fstat(descriptor, &info) == 0, [S_IFREG, S_IFDIR].contains(info.st_mode & S_IFMT) else {
                throw StoreError(.failure, "could not hand \(url.path) to the postgres user: it is not a regular file or directory")
            }
            guard fchown(descriptor, uid, gid) == 0 else {
                throw StoreError(.failure, "could not hand \(url.path) to the postgres user (errno \(errno))")
            }
        }
        // The server needs to reach the home directory itself (never through a symbolic link).
        if let home = urls.first?.deletingLastPathComponent() {
            let descriptor = open(home.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 {
                fchmod(descriptor, 0o711)
                close(descriptor)
            }
        }
    }
}

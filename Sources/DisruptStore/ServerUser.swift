import Foundation

/// The operating-system user the embedded server runs as: ourselves, or `postgres` when we
/// are root (PostgreSQL refuses to run as root).
public struct ServerUser: Sendable {
    let isRoot: Bool
    /// The user for this process: `postgres` when we are root, else ourselves.
    public static var current: ServerUser { ServerUser(isRoot: geteuid() == 0) }

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

    /// Hands files and directories to the `postgres` user when we are root.
    public func takeOwnership(of urls: [URL], createFiles: Bool = false) throws {
        guard isRoot, let entry = getpwnam("postgres") else { return }
        for url in urls {
            if createFiles, !FileManager.default.fileExists(atPath: url.path) {
                _ = FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            guard chown(url.path, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
                throw StoreError(.failure, "could not hand \(url.path) to the postgres user (errno \(errno))")
            }
        }
        // The server needs to reach the home directory itself.
        if let home = urls.first?.deletingLastPathComponent() {
            chmod(home.path, 0o711)
        }
    }
}

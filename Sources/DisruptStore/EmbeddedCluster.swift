import Foundation
import Postgres

/// The private PostgreSQL cluster `disrupt` runs when no database is configured.
///
/// It lives in `home` (`$DISRUPT_HOME`, by default `~/.local/share/disrupt`, or
/// `/var/lib/disrupt` for root), listens only on a Unix socket in `home/socket` (no TCP port),
/// and trusts socket connections because that directory is private to the server's user
/// (every TCP connection is rejected, and no TCP listener is ever opened: the cluster is fully
/// configured before its first start).
/// PostgreSQL refuses to run as root, so when `disrupt` runs as root the server runs as the
/// unprivileged `postgres` user that Debian's package creates.
public struct EmbeddedCluster: Sendable {
    public let home: URL
    /// For throwaway test clusters: no fsync, no sync after initdb.
    public var durable: Bool
    public static let databaseName = "disrupt"

    public init(home: URL, durable: Bool = true) {
        self.home = home
        self.durable = durable
    }

    /// The default location: `$DISRUPT_HOME`, else a per-user data directory.
    public static func defaultHome(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["DISRUPT_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        if geteuid() == 0 { return URL(fileURLWithPath: "/var/lib/disrupt") }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return URL(fileURLWithPath: data).appendingPathComponent("disrupt")
        }
        let user = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: user).appendingPathComponent(".local/share/disrupt")
    }

    public var dataDirectory: URL { home.appendingPathComponent("data") }
    public var socketDirectory: URL { home.appendingPathComponent("socket") }
    public var logFile: URL { home.appendingPathComponent("postgres.log") }

    /// libpq settings for this cluster's `disrupt` database. The user is left to libpq
    /// (`PGUSER`, else the operating-system user, who is the cluster's superuser).
    public var connectionDefaults: [String: String] {
        ["host": socketDirectory.path, "dbname": Self.databaseName]
    }

    /// A URL for this cluster's database, for `disrupt db url` and other clients.
    public var url: String { url(database: Self.databaseName) }

    /// A URL for one of this cluster's databases.
    public func url(database: String) -> String {
        let host = socketDirectory.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketDirectory.path
        return "postgresql:///\(database)?host=\(host)"
    }

    /// Creates an empty database on this (running) cluster, replacing one of the same name,
    /// applies every migration, and returns its URL. For the tests and benchmarks, which want
    /// a throwaway database each.
    public func createMigratedDatabase(_ name: String) throws -> String {
        let admin = try superuserConnection()
        defer { admin.close() }
        // Database names cannot be bound as parameters: identifier: quotes the name instead.
        try admin.execute("DROP DATABASE IF EXISTS \(identifier: name)")
        try admin.execute("CREATE DATABASE \(identifier: name)")
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: url(database: name)))
        defer { connection.close() }
        try Migrator().migrate(connection)
        return url(database: name)
    }

    /// The cluster's superuser on its maintenance database.
    private func superuserConnection() throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(defaults: [
            "host": socketDirectory.path, "dbname": "postgres", "user": ServerUser.superuserName,
        ]))
    }

    /// The state `pg_ctl status` reports.
    public enum Status: Equatable, Sendable {
        case notCreated
        case stopped
        case running(pid: Int)
    }

    public func status() throws -> Status {
        try checkPrivacy()
        guard FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) else {
            return .notCreated
        }
        let output = try runServerTool("pg_ctl", ["status", "-D", dataDirectory.path])
        guard output.status == 0 else { return .stopped }
        let pid = output.standardOutput.split(whereSeparator: { !$0.isNumber }).first.flatMap { Int($0) } ?? 0
        return .running(pid: pid)
    }

    /// Creates the cluster if needed, starts it if stopped, and makes sure the `disrupt`
    /// database exists. Safe to call from several processes at once (a file lock).
    public func start() throws {
        try HomeSafety.check(home)
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileLock.withLock(at: home.appendingPathComponent("cluster.lock")) {
            switch try status() {
            case .running:
                break
            case .notCreated:
                try create()
                try launch()
            case .stopped:
                try launch()
            }
            try createDatabaseIfNeeded()
        }
    }

    /// Stops the server (fast shutdown: open sessions are ended, data is safe).
    public func stop() throws {
        try HomeSafety.check(home)
        try FileLock.withLock(at: home.appendingPathComponent("cluster.lock")) {
            guard case .running = try status() else { return }
            let output = try runServerTool("pg_ctl", ["stop", "-D", dataDirectory.path, "-m", "fast", "-w"])
            guard output.status == 0 else {
                throw StoreError(.failure, "pg_ctl could not stop the embedded database: \(output.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
    }

    /// Makes the cluster in a temporary directory next to `data` (`data.creating-XXXXXX`),
    /// configures it completely (socket only, private socket directory, no TCP, trust only on
    /// that socket, every TCP connection rejected) before it is ever started, and only then
    /// renames it to `data`. An interrupted creation leaves only a `data.creating-*` directory,
    /// which the next start removes. A `data` directory that is not a cluster was not made by
    /// disrupt: it is refused, never deleted.
    private func create() throws {
        if FileManager.default.fileExists(atPath: dataDirectory.path) {
            throw StoreError(
                .failure, "\(dataDirectory.path) exists but is not a PostgreSQL cluster (it has no PG_VERSION), so disrupt will not use or delete it",
                hint: "Move it away (or set DISRUPT_HOME to another directory) and run the command again.")
        }
        removeUnfinishedCreations()
        try ensurePrivateDirectory(socketDirectory)
        var template = Array((home.path + "/" + Self.creatingPrefix + "XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw StoreError(.failure, "cannot create a directory in \(home.path) (errno \(errno))")
        }
        let staging = URL(fileURLWithPath: template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        try ServerUser.current.takeOwnership(of: [staging, socketDirectory])
        var arguments = ["-D", staging.path, "-U", ServerUser.superuserName, "--auth-local=trust", "--auth-host=reject",
                         "-E", "UTF8", "--locale=C"]
        if !durable { arguments.append("--no-sync") }
        let output = try runServerTool("initdb", arguments)
        guard output.status == 0 else {
            throw StoreError(.failure, "initdb could not create the embedded database in \(staging.path):\n\(output.standardError)")
        }
        var settings = """

            # Added by disrupt before the first start: a private cluster on a Unix socket only.
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory.path.replacingOccurrences(of: "'", with: "''"))'
            unix_socket_permissions = 0700

            """
        if !durable { settings += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" }
        let configuration = staging.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: configuration)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        if durable { try handle.synchronize() }
        try handle.close()
        guard rename(staging.path, dataDirectory.path) == 0 else {
            throw StoreError(.failure, "could not move the new cluster into \(dataDirectory.path) (errno \(errno))")
        }
    }

    static let creatingPrefix = "data.creating-"

    /// Removes `data.creating-*` directories left by an interrupted creation (they are
    /// disrupt's own: only `create` makes that name, and the cluster lock is held). When
    /// disrupt was killed during `initdb`, the orphaned `initdb` may still be writing there for a
    /// moment, so a removal that loses that race is tried again for up to 5 seconds.
    private func removeUnfinishedCreations() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: home.path)) ?? []
        for name in names where name.hasPrefix(Self.creatingPrefix) {
            let path = home.path + "/" + name
            let deadline = Date().addingTimeInterval(5)
            while true {
                var info = stat()
                guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { break }
                try? FileManager.default.removeItem(atPath: path)
                guard Date() < deadline else { break }
                if lstat(path, &info) == 0 { usleep(100_000) }
            }
        }
    }

    /// Refuses a home other users could change (`HomeSafety`) and an existing socket directory
    /// that is not private (see `ensurePrivateDirectory`): disrupt must never connect to a
    /// socket someone else could have put there.
    public func checkPrivacy() throws {
        try HomeSafety.check(home)
        var info = stat()
        if lstat(socketDirectory.path, &info) == 0 { try Self.makePrivate(socketDirectory) }
    }

    /// Makes `url` a directory only the server's user can enter (see `makePrivate`).
    private func ensurePrivateDirectory(_ url: URL) throws {
        if mkdir(url.path, 0o700) != 0 && errno != EEXIST {
            throw StoreError(.failure, "cannot create \(url.path) (errno \(errno))")
        }
        try Self.makePrivate(url)
    }

    /// Refuses `url` unless it is a directory (never a symbolic link: it is opened with
    /// `O_NOFOLLOW`) owned by this user or by the server's user; a mode that lets anyone else in
    /// is tightened to 0700 through the descriptor.
    static func makePrivate(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError(.failure, "\(url.path) is not a directory (or is a symbolic link); disrupt will not use it",
                             hint: "Remove it and run the command again.")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw StoreError(.failure, "cannot inspect \(url.path) (errno \(errno))") }
        let owners = [geteuid()] + (ServerUser.current.uid.map { [$0] } ?? [])
        guard owners.contains(info.st_uid) else {
            throw StoreError(.failure, "\(url.path) belongs to another user (\(HomeSafety.userName(info.st_uid))), who could put a fake database server's socket in it; disrupt will not use it",
                             hint: "Remove it (disrupt recreates it) and make sure only you can write to \(url.deletingLastPathComponent().path).")
        }
        if info.st_mode & 0o077 != 0, fchmod(descriptor, 0o700) != 0 {
            throw StoreError(.failure, "cannot make \(url.path) private (errno \(errno))", hint: "Run: chmod 700 '\(url.path)'")
        }
    }

    private func launch() throws {
        var info = stat()
        if lstat(logFile.path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw StoreError(.failure, "\(logFile.path) is not a regular file (a symbolic link?); disrupt will not write the server's log through it",
                             hint: "Remove it and run the command again.")
        }
        try ensurePrivateDirectory(socketDirectory)
        let output = try runServerTool("pg_ctl", ["start", "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60"])
        guard output.status == 0 else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            throw StoreError(.failure, "the embedded database did not start (see \(logFile.path)):\n\(log)")
        }
    }

    /// PostgreSQL's views of other sessions and locks are locked in disrupt's databases only
    /// (`StatisticsLock`): no login but the superuser may connect to the embedded cluster's
    /// maintenance databases, where they are open (helper-98). Run when the cluster starts and
    /// whenever its database is migrated (an install upgraded while its cluster kept running);
    /// changes nothing when they are closed already, or when the connection is no superuser's.
    static func closeMaintenanceDatabases(_ connection: PostgresConnection) throws {
        let open = try connection.query("""
            SELECT b.datname FROM pg_catalog.pg_database b
             WHERE b.datname IN ('postgres', 'template1')
               AND pg_catalog.has_database_privilege('public', b.oid, 'CONNECT')
               AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
            """).map { try $0.decode("datname", as: String.self) }
        for name in open {
            try connection.execute("REVOKE CONNECT ON DATABASE \(identifier: name) FROM PUBLIC")
        }
    }

    private func createDatabaseIfNeeded() throws {
        let connection = try superuserConnection()
        defer { connection.close() }
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = \(Self.databaseName)")
        if exists.isEmpty {
            do {
                try connection.execute("CREATE DATABASE \(identifier: Self.databaseName)")
            } catch let error as PostgresError where error.sqlState == "42P04" {
                // Created by a concurrent first run: fine.
            }
        }
        try Self.closeMaintenanceDatabases(connection)
    }

    /// Runs `initdb` or `pg_ctl`, as the `postgres` user when we are root. The log file
    /// must be writable by that user.
    func runServerTool(_ tool: String, _ arguments: [String]) throws -> Subprocess.Result {
        let path = try ServerBinaries.locate(tool)
        let user = ServerUser.current
        if user.isRoot, FileManager.default.fileExists(atPath: home.path) {
            try? user.takeOwnership(of: [logFile], createFiles: true)
        }
        return try user.run(path, arguments)
    }
}

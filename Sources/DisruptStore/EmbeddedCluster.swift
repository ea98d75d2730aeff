import Foundation
import Postgres

/// The private PostgreSQL cluster `disrupt` runs when no database is configured.
///
/// It lives in `home` (`$DISRUPT_HOME`, by default `~/.local/share/disrupt`, or
/// `/var/lib/disrupt` for root), listens only on a Unix socket in `home/socket` (no TCP port),
/// and trusts socket connections because that directory is private to the server's user.
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
        try FileLock.withLock(at: home.appendingPathComponent("cluster.lock")) {
            guard case .running = try status() else { return }
            let output = try runServerTool("pg_ctl", ["stop", "-D", dataDirectory.path, "-m", "fast", "-w"])
            guard output.status == 0 else {
                throw StoreError(.failure, "pg_ctl could not stop the embedded database: \(output.standardError.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
    }

    private func create() throws {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: dataDirectory.path) {
            // A half-made data directory from an interrupted first run: start again.
            try fileManager.removeItem(at: dataDirectory)
        }
        try fileManager.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fileManager.createDirectory(at: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try ServerUser.current.takeOwnership(of: [dataDirectory, socketDirectory])
        var arguments = ["-D", dataDirectory.path, "-U", ServerUser.superuserName, "--auth=trust", "-E", "UTF8", "--locale=C"]
        if !durable { arguments.append("--no-sync") }
        let output = try runServerTool("initdb", arguments)
        guard output.status == 0 else {
            throw StoreError(.failure, "initdb could not create the embedded database in \(dataDirectory.path):\n\(output.standardError)")
        }
        var settings = """

            # Added by disrupt: a private cluster on a Unix socket only.
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory.path.replacingOccurrences(of: "'", with: "''"))'
            unix_socket_permissions = 0700

            """
        if !durable { settings += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" }
        let configuration = dataDirectory.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: configuration)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
    }

    private func launch() throws {
        let output = try runServerTool("pg_ctl", ["start", "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60"])
        guard output.status == 0 else {
            let log = (try? String(contentsOf: logFile, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            throw StoreError(.failure, "the embedded database did not start (see \(logFile.path)):\n\(log)")
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

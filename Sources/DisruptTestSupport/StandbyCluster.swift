import DisruptStore
import Foundation
import Postgres

/// A streaming standby of a running test cluster, for failover tests: `pg_basebackup -R` into
/// `home/data`, started on its own socket directory `home/socket`, promoted with `pg_ctl promote`.
/// The server's tools run as the `postgres` user when we are root, like the embedded cluster's.
/// `make` removes what it made if any step fails; `tearDown` stops the server and removes `home`.
public struct StandbyCluster: Sendable {
    public let home: URL
    public var dataDirectory: URL { home.appendingPathComponent("data") }
    public var socketDirectory: URL { home.appendingPathComponent("socket") }
    public var logFile: URL { home.appendingPathComponent("postgres.log") }

    /// Copies `primary` (which must be running; `superuser` is its superuser login) and starts
    /// the copy as a standby streaming from it. Waits until the primary reports it streaming.
    public static func make(of primary: EmbeddedCluster, superuser: String, home: URL) throws -> StandbyCluster {
        let standby = StandbyCluster(home: home)
        do {
            try standby.create(from: primary, superuser: superuser)
            try standby.serverTool("pg_ctl", ["start", "-D", standby.dataDirectory.path, "-l", standby.logFile.path, "-w", "-t", "30"])
            try standby.waitUntilStreaming(from: primary)
            return standby
        } catch {
            standby.tearDown()
            throw error
        }
    }

    /// Ends recovery: the standby becomes a primary that accepts writes (waits up to 30 s).
    public func promote() throws {
        try serverTool("pg_ctl", ["promote", "-D", dataDirectory.path, "-w", "-t", "30"])
    }

    /// Stops the server if it runs (immediate: it is thrown away) and removes `home`.
    public func tearDown() {
        if FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("postmaster.pid").path) {
            try? serverTool("pg_ctl", ["stop", "-D", dataDirectory.path, "-m", "immediate", "-w", "-t", "30"])
        }
        try? FileManager.default.removeItem(at: home)
    }

    private func create(from primary: EmbeddedCluster, superuser: String) throws {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        for directory in [dataDirectory, socketDirectory] {
            try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        _ = fileManager.createFile(atPath: logFile.path, contents: nil, attributes: [.posixPermissions: 0o600])
        try ServerUser.current.takeOwnership(of: [dataDirectory, socketDirectory, logFile])
        try serverTool("pg_basebackup", ["-D", dataDirectory.path, "-R", "-c", "fast", "-X", "stream",
                                         "-h", primary.socketDirectory.path, "-U", superuser])
        // The copied configuration names the primary's socket directory; the later line wins.
        let handle = try FileHandle(forWritingTo: dataDirectory.appendingPathComponent("postgresql.conf"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\nunix_socket_directories = '\(socketDirectory.path)'\n".utf8))
    }

    private func waitUntilStreaming(from primary: EmbeddedCluster) throws {
        let connection = try PostgresConnection(PostgresConfiguration(connectionString: primary.url(database: "postgres")))
        defer { connection.close() }
        let streaming = try BackgroundProcess.eventually(timeout: 30) {
            try connection.query("SELECT count(*) AS n FROM pg_stat_replication WHERE state = 'streaming'")[0].decode("n", as: Int.self) > 0
        }
        guard streaming else { throw StandbyError(message: "the standby in \(home.path) did not start streaming within 30 s") }
    }

    /// Runs one of the server's tools (as `postgres` when we are root); throws with its output if it fails.
    private func serverTool(_ tool: String, _ arguments: [String]) throws {
        let output = try ServerUser.current.run(try ServerBinaries.locate(tool), arguments)
        guard output.status == 0 else {
            throw StandbyError(message: "\(tool) \(arguments.first ?? "") failed (\(output.status)): \(output.standardError)")
        }
    }
}

/// Why a standby could not be made or promoted.
public struct StandbyError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

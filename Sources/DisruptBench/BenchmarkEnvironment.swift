import DisruptStore
import Foundation
import Postgres

/// A throwaway embedded cluster for one benchmark run, and the two programs compared on it:
/// the `disrupt` binary and `psql`.
final class BenchmarkEnvironment {
    let cluster: EmbeddedCluster
    let options: BenchmarkOptions
    /// `psql` as a user types it: on Debian, a Perl wrapper (`pg_wrapper`) that picks a version
    /// and runs the real client, about 20 ms of start-up.
    let psql: String
    /// The client program itself (`/usr/lib/postgresql/N/bin/psql`, the newest), a second and
    /// stricter floor for whole processes; `psql` where there is no wrapper.
    let psqlBinary: String

    init(options: BenchmarkOptions) throws {
        self.options = options
        cluster = EmbeddedCluster(home: options.workDirectory.appendingPathComponent("cluster"), durable: false)
        guard let psql = Subprocess.which("psql") ?? ["/usr/bin/psql"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchmarkError("psql is not installed (apt-get install postgresql-client)")
        }
        self.psql = psql
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        psqlBinary = versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }
            .map { "/usr/lib/postgresql/\($0)/bin/psql" }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? psql
        try cluster.start()
    }

    func shutDown() {
        try? cluster.stop()
    }

    /// A URL for a database of the cluster.
    func url(_ database: String) -> String {
        cluster.url(database: database)
    }

    /// Creates a migrated, empty database.
    func freshDatabase(_ name: String) throws -> String {
        try cluster.createMigratedDatabase(name)
    }

    func connect(_ database: String) throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(connectionString: url(database), sessionSettings: [("search_path", "disrupt, pg_catalog")]))
    }

    /// Runs the disrupt binary against `databaseURL`; a non-zero exit is an error.
    @discardableResult
    func disrupt(_ arguments: [String], databaseURL: String, allowFailure: Bool = false) throws -> Subprocess.Result {
        let output = try Subprocess.run(options.disruptPath, arguments, environment: disruptEnvironment(databaseURL))
        if output.status != 0 && !allowFailure {
            throw BenchmarkError("disrupt \(arguments.joined(separator: " ")) exited \(output.status): \(output.standardError.prefix(500))")
        }
        return output
    }

    /// Starts the disrupt binary in the background against `databaseURL` (extra environment
    /// added), standard error to the file `log`.
    func startDisrupt(_ arguments: [String], databaseURL: String, extra: [String: String], log: String) throws -> Subprocess {
        try Subprocess(options.disruptPath, arguments, environment: disruptEnvironment(databaseURL).merging(extra) { $1 },
                       stderr: .file(log))
    }

    private func disruptEnvironment(_ databaseURL: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DISRUPT_DATABASE_URL"] = databaseURL
        environment["NO_COLOR"] = "1"
        environment["PGUSER"] = nil
        environment["DISRUPT_HOME"] = options.workDirectory.appendingPathComponent("home").path
        return environment
    }

    /// Runs psql on `databaseURL` with the script on standard input (variables as `-v`); with
    /// `binary`, the client program itself rather than Debian's wrapper.
    @discardableResult
    func psql(_ script: String, databaseURL: String, variables: [String: String] = [:], binary: Bool = false) throws -> Subprocess.Result {
        var arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", databaseURL]
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) { arguments += ["-v", "\(name)=\(value)"] }
        var environment = ProcessInfo.processInfo.environment
        environment["PGUSER"] = nil
        let output = try Subprocess.run(binary ? psqlBinary : psql, arguments, environment: environment, stdin: .bytes(Data(script.utf8)))
        if output.status != 0 {
            throw BenchmarkError("psql exited \(output.status): \(output.standardError.prefix(500))")
        }
        return output
    }
}

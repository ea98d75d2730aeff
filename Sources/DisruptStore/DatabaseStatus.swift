import DisruptCore
import Foundation
import Postgres

/// What `disrupt db status` reports. Passwords in URLs and messages are redacted.
public struct DatabaseStatus: Encodable, Sendable {
    public var location: String
    public var home: String?
    public var url: String?
    public var server: String
    public var pid: Int?
    public var migrationsApplied: Int?
    public var migrationsPending: [String]?
    public var latestMigration: String?
    /// Every definition file with its state (applied, pending, changed, removed).
    public var definitions: [DefinitionStatus]?
    /// Whether staff are refused every schema command (`SchemaChangeGuard`); nil before migration.
    public var schemaChangesGuarded: Bool?
    public var problem: String?

    enum CodingKeys: String, CodingKey {
        case location, home, url, server, pid, problem, definitions
        case migrationsApplied = "migrations_applied"
        case migrationsPending = "migrations_pending"
        case latestMigration = "latest_migration"
        case schemaChangesGuarded = "schema_changes_guarded"
    }

    /// Reads the state without starting anything.
    public static func read(_ location: DatabaseLocation) throws -> DatabaseStatus {
        var status = DatabaseStatus(location: "external", server: "unknown")
        switch location {
        case .embedded(let cluster):
            status.location = "embedded"
            status.home = cluster.home.path
            status.url = cluster.url
            switch try cluster.status() {
            case .notCreated: status.server = "not created"; return status
            case .stopped: status.server = "stopped"; return status
            case .running(let pid): status.server = "running"; status.pid = pid
            }
        case .url(let url):
            status.url = SecretRedaction.redact(url)
        case .libpqEnvironment:
            break
        }
        do {
            let connection = try PostgresConnection(location.configuration)
            defer { connection.close() }
            status.server = "running"
            let migrator = Migrator()
            let applied = try migrator.appliedMigrations(connection)
            status.migrationsApplied = applied.count
            status.latestMigration = applied.last?.label
            do {
                status.migrationsPending = try migrator.pending(connection).map(\.label)
                status.definitions = try migrator.definitionStatus(connection)
                if !applied.isEmpty { status.schemaChangesGuarded = try SchemaChangeGuard.isInPlace(connection) }
            } catch let error as StoreError {
                status.problem = error.message
            } catch let error as LegacyDatabase {
                status.problem = "\(error.message). \(Database(location: location).recreateAdvice)"
            }
        } catch let error as PostgresError {
            status.server = "unreachable"
            status.problem = SecretRedaction.redact(error.message)
        }
        return status
    }

    /// The report for people.
    public var lines: [String] {
        var lines = ["database:   \(location)\(home.map { " (\($0))" } ?? "")", "server:     \(server)\(pid.map { " (pid \($0))" } ?? "")"]
        if let url { lines.append("url:        \(url)") }
        if let migrationsApplied {
            let pending = migrationsPending?.count ?? 0
            lines.append("migrations: \(migrationsApplied) applied, \(pending) pending\(latestMigration.map { " (latest \($0))" } ?? "")")
        }
        if let definitions {
            let count = { (state: DefinitionStatus.State) in definitions.filter { $0.state == state }.count }
            var line = "definitions: \(count(.applied)) applied, \(count(.pending)) pending, \(count(.changed)) changed"
            if count(.removed) > 0 { line += ", \(count(.removed)) removed" }
            let stale = definitions.filter { $0.state != .applied }.map { "\($0.name) (\($0.state.rawValue))" }
            if !stale.isEmpty { line += ": " + stale.joined(separator: ", ") }
            lines.append(line)
        }
        if let schemaChangesGuarded {
            lines.append("schema guard: " + (schemaChangesGuarded
                ? "in place (staff run no schema command)"
                : "not in place: staff may run schema commands or make tables; run `disrupt db migrate` once as a superuser"))
        }
        if let problem { lines.append("problem:    \(problem)") }
        return lines
    }
}

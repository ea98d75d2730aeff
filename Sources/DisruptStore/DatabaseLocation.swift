import Foundation
import Postgres

/// Which database `disrupt` uses, in DESIGN.md's order: `--db URL`, else
/// `DISRUPT_DATABASE_URL`, else the libpq environment when `PGHOST` or `PGDATABASE` is set,
/// else the embedded default cluster.
public enum DatabaseLocation: Sendable {
    case url(String)
    case libpqEnvironment
    case embedded(EmbeddedCluster)

    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseLocation {
        if let flag, !flag.isEmpty { return .url(flag) }
        if let url = environment["DISRUPT_DATABASE_URL"], !url.isEmpty { return .url(url) }
        if environment["PGHOST"].map({ !$0.isEmpty }) == true || environment["PGDATABASE"].map({ !$0.isEmpty }) == true {
            return .libpqEnvironment
        }
        return .embedded(EmbeddedCluster(home: EmbeddedCluster.defaultHome(environment: environment)))
    }

    /// The libpq configuration for this location. Session settings put `disrupt`'s schema
    /// first on the search path.
    public var configuration: PostgresConfiguration {
        let settings: [(name: String, value: String)] = [("search_path", "disrupt, pg_catalog")]
        switch self {
        case .url(let url):
            return PostgresConfiguration(connectionString: url, sessionSettings: settings)
        case .libpqEnvironment:
            return PostgresConfiguration(sessionSettings: settings)
        case .embedded(let cluster):
            return PostgresConfiguration(defaults: cluster.connectionDefaults, sessionSettings: settings)
        }
    }

    /// A short, password-free description for messages.
    public var summary: String {
        switch self {
        case .url: return "the database given by --db / DISRUPT_DATABASE_URL"
        case .libpqEnvironment: return "the database named by the libpq environment (PGHOST, PGDATABASE)"
        case .embedded(let cluster): return "the embedded database in \(cluster.home.path)"
        }
    }
}

import DisruptStore
import Foundation
import Postgres

/// One throwaway PostgreSQL cluster per test run, made with the same `EmbeddedCluster` code
/// the product uses (no fsync: it is thrown away), and a fresh, migrated database per suite.
public enum TestCluster {
    /// The cluster, started on first use and stopped when the test process exits.
    public static let shared: EmbeddedCluster = {
        let home = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("disrupt-tests-\(getpid())")
        try? FileManager.default.removeItem(at: home)
        let cluster = EmbeddedCluster(home: home, durable: false)
        do {
            try cluster.start()
        } catch {
            fatalError("the test cluster did not start: \(error)")
        }
        stopAtExit.set(cluster)
        atexit {
            if let cluster = stopAtExit.cluster {
                try? cluster.stop()
                try? FileManager.default.removeItem(at: cluster.home)
            }
        }
        return cluster
    }()

    /// Creates an empty database with every migration applied and returns where it is.
    /// Serialised: migrations create cluster-wide roles, which parallel suites would race on.
    public static func freshDatabase(_ label: String = "t") throws -> DatabaseLocation {
        try creation.withLock { try makeDatabase(label) }
    }

    private static let creation = NSLock()

    private static func makeDatabase(_ label: String) throws -> DatabaseLocation {
        let name = "\(label.lowercased().filter { $0.isLetter || $0.isNumber })_\(UUID().uuidString.prefix(8).lowercased())"
        return .url(try shared.createMigratedDatabase(name))
    }

    /// A URL for a database of the test cluster; `user` selects the login (default: superuser).
    public static func url(database: String, user: String? = nil) -> String {
        shared.url(database: database) + (user.map { "&user=\($0)" } ?? "")
    }

    /// A superuser connection to one of the cluster's databases.
    public static func superuserConnection(database: String) throws -> PostgresConnection {
        try PostgresConnection(PostgresConfiguration(connectionString: url(database: database), sessionSettings: [("search_path", "disrupt, pg_catalog")]))
    }
}

/// Holds the cluster for the `atexit` handler, which cannot capture context.
private final class ClusterBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: EmbeddedCluster?
    func set(_ cluster: EmbeddedCluster) { lock.withLock { value = cluster } }
    var cluster: EmbeddedCluster? { lock.withLock { value } }
}
private let stopAtExit = ClusterBox()

extension DatabaseLocation {
    /// The URL of a `.url` location (test databases are always URLs).
    public var testURL: String {
        if case .url(let url) = self { return url }
        fatalError("test databases are URLs")
    }

    /// The database name in a test URL.
    public var testDatabaseName: String {
        let afterSlashes = testURL.dropFirst("postgresql:///".count)
        return String(afterSlashes.prefix { $0 != "?" })
    }

    /// The same database as another login.
    public func asUser(_ login: String) -> DatabaseLocation {
        .url(TestCluster.url(database: testDatabaseName, user: login))
    }
}

extension PostgresConnection {
    /// Runs `body` in a transaction with an open consultation (`disrupt.consult`), as a staff
    /// login must before reading personal data; the purpose says it is a test.
    public func asConsulting<T>(_ body: () throws -> T) throws -> T {
        try consulting(Consultation(purpose: "test: reading as staff", scope: "test"), body)
    }
}

import Foundation
import Postgres

/// Opens connections to the configured database: starts the embedded cluster and applies
/// migrations on first use when it is the embedded default; for any other database, checks
/// that it has been migrated and says how to fix it when not.
public struct Database: Sendable {
    public let location: DatabaseLocation

    public init(location: DatabaseLocation) {
        self.location = location
    }

    /// A connection ready for `disrupt`'s queries.
    public func connect(migrateIfNeeded: Bool = true) throws -> PostgresConnection {
        if case .embedded(let cluster) = location {
            if case .running = try cluster.status() {} else { try cluster.start() }
        }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(location.configuration)
        } catch let error as PostgresError {
            throw StoreError(.failure, "cannot connect to \(location.summary): \(error.message)", hint: connectHint)
        }
        guard migrateIfNeeded else { return connection }
        if try !Migrator().isCurrent(connection) {
            if case .embedded = location {
                try Migrator().migrate(connection)
            } else {
                let pending = try Migrator().pending(connection)
                if !pending.isEmpty {
                    throw StoreError(.failure, "the database is missing \(pending.count) migration(s) of this disrupt", hint: "An administrator runs: disrupt db migrate")
                }
            }
        }
        return connection
    }

    private var connectHint: String {
        switch location {
        case .embedded: return "Check it with: disrupt db status   (its log is in the embedded home's postgres.log)"
        default: return "Check the URL, that the server is up, and your credentials (libpq reads ~/.pgpass and PGPASSWORD)."
        }
    }
}

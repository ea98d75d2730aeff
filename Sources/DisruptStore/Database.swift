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
        let connection: PostgresConnection
        do {
            connection = try open()
        } catch let error as PostgresError {
            throw StoreError(.failure, "cannot connect to \(location.summary): \(error.message)", hint: connectHint)
        }
        guard migrateIfNeeded else { return connection }
        if try !Migrator.embeddedSchemaIsCurrent(connection) {
            if case .embedded = location {
                try migrate(connection)
            } else {
                let report = try migrate(connection, dryRun: true)
                if report.definitionsApplied {
                    throw StoreError(
                        .failure, "the database is missing \(report.pending.count) migration(s) and \(report.definitionChanges.count) changed definition file(s) of this disrupt",
                        hint: "An administrator runs: disrupt db migrate")
                }
            }
        }
        return connection
    }

    /// Connects. A running embedded cluster is connected to at once (after its home and socket
    /// directory are checked for privacy); only when none answers is it checked with
    /// `pg_ctl status` (two processes, about 20 ms) and started.
    private func open() throws -> PostgresConnection {
        guard case .embedded(let cluster) = location else { return try PostgresConnection(location.configuration) }
        try cluster.checkPrivacy()
        if let running = try? PostgresConnection(location.configuration) { return running }
        if case .running = try cluster.status() {} else { try cluster.start() }
        return try PostgresConnection(location.configuration)
    }

    /// `Migrator.migrate`, with a database made by the old, unreleased migration list refused
    /// in words that say how to recreate this one.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, dryRun: Bool = false) throws -> Migrator.Report {
        if case .embedded = location, !dryRun {
            try EmbeddedCluster.closeMaintenanceDatabases(connection)
        }
        do {
            return try Migrator().migrate(connection, dryRun: dryRun)
        } catch let error as LegacyDatabase {
            throw StoreError(.failure, error.message, hint: recreateAdvice)
        }
    }

    /// How to recreate this database when it cannot be upgraded (everything in it is lost).
    public var recreateAdvice: String {
        switch location {
        case .embedded(let cluster):
            return "Recreate the embedded database (this deletes everything in it): disrupt db stop, remove its data folder \(cluster.dataDirectory.path) (rm -rf '\(cluster.dataDirectory.path)'), then disrupt db start."
        default:
            return "Recreate the database (this deletes everything in it): DROP DATABASE and CREATE DATABASE it again (dropdb / createdb), then run: disrupt db migrate"
        }
    }

    private var connectHint: String {
        switch location {
        case .embedded: return "Check it with: disrupt db status   (its log is in the embedded home's postgres.log)"
        default: return "Check the URL, that the server is up, and your credentials (libpq reads ~/.pgpass and PGPASSWORD)."
        }
    }
}

import Postgres

/// Applies `Migration`s in order, each once and in its own transaction, recording each in
/// `disrupt.schema_migrations` with a checksum. An applied migration whose text has changed
/// is an error, not re-run; applied migrations must be a prefix of the known list; two
/// processes migrating at once take turns (a session advisory lock).
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration] = Migration.embedded) {
        self.migrations = migrations
    }

    /// An applied migration as recorded in the database.
    public struct Applied: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let checksum: String
    }

    /// What a migration run did or would do.
    public struct Report: Sendable {
        public var applied: [Migration] = []
        public var pending: [Migration] = []
        public var alreadyApplied: Int = 0
    }

    /// Applies pending migrations (or, with `dryRun`, only lists them).
    @discardableResult
    public func migrate(_ connection: PostgresConnection, dryRun: Bool = false) throws -> Report {
        try connection.execute("SELECT pg_advisory_lock(hashtext('disrupt.schema_migrations'))")
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(hashtext('disrupt.schema_migrations'))") }
        if !dryRun { try createTable(connection) }
        let applied = try appliedMigrations(connection)
        let checksums = try self.checksums(connection)
        let pending = try check(applied: applied, checksums: checksums)
        var report = Report(pending: pending, alreadyApplied: applied.count)
        guard !dryRun else { return report }
        for migration in pending {
            let checksum = checksums[migration.version] ?? ""
            try connection.transaction {
                try connection.executeScript(unsafeSQL: migration.sql)
                try connection.execute("""
                    INSERT INTO disrupt.schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(checksum))
                    """)
            }
            report.applied.append(migration)
        }
        report.pending = []
        return report
    }

    /// The migrations this binary knows and the database has not applied yet; throws if the
    /// database's history disagrees with this binary's (checksums included).
    public func pending(_ connection: PostgresConnection) throws -> [Migration] {
        try check(applied: appliedMigrations(connection), checksums: checksums(connection))
    }

    /// A one-round-trip check for every command: true when the database has exactly this
    /// binary's migrations (by version; `migrate` and `db status` verify checksums too).
    public func isCurrent(_ connection: PostgresConnection) throws -> Bool {
        do {
            let versions = try connection.query("""
                SELECT coalesce(array_agg(version::text ORDER BY version), '{}') AS versions FROM disrupt.schema_migrations
                """)
            return try versions[0].decode("versions", as: [String].self) == migrations.map { String($0.version) }
        } catch let error as PostgresError where error.sqlState == "42P01" || error.sqlState == "3F000" {
            return false
        }
    }

    public func appliedMigrations(_ connection: PostgresConnection) throws -> [Applied] {
        let exists = try connection.query("SELECT to_regclass('disrupt.schema_migrations') IS NOT NULL AS present")
        guard try exists.first?.decode("present", as: Bool.self) == true else { return [] }
        return try connection.query("SELECT version, name, checksum FROM disrupt.schema_migrations ORDER BY version").map {
            Applied(version: try $0.decode("version"), name: try $0.decode("name"), checksum: try $0.decode("checksum"))
        }
    }

    private func check(applied: [Applied], checksums: [Int: String]) throws -> [Migration] {
        for (position, record) in applied.enumerated() {
            guard position < migrations.count, migrations[position].version == record.version else {
                throw StoreError(
                    .failure, "the database has migration \(record.version) (\(record.name)), which this disrupt does not know",
                    hint: "The database was migrated by a newer disrupt: upgrade this one."
                )
            }
            if checksums[record.version] != record.checksum {
                throw StoreError(
                    .failure, "migration \(record.version) (\(record.name)) was edited after it was applied: its checksum differs",
                    hint: "Never edit an applied migration: restore SQL/\(String(format: "%03d", record.version))_\(record.name).sql and add a new migration instead."
                )
            }
        }
        return Array(migrations.dropFirst(applied.count))
    }

    private func createTable(_ connection: PostgresConnection) throws {
        try connection.executeScript(unsafeSQL: """
            CREATE SCHEMA IF NOT EXISTS disrupt;
            CREATE TABLE IF NOT EXISTS disrupt.schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT session_user
            );
            """)
    }

    /// SHA-256 of each migration's text by version, computed by PostgreSQL in one round trip
    /// (Foundation on Linux has no hash functions).
    private func checksums(_ connection: PostgresConnection) throws -> [Int: String] {
        let rows = try connection.query("""
            SELECT encode(sha256(convert_to(sql, 'UTF8')), 'hex') AS sum
            FROM unnest(\(migrations.map(\.sql))::text[]) WITH ORDINALITY AS m(sql, position) ORDER BY position
            """)
        var sums: [Int: String] = [:]
        for (migration, row) in zip(migrations, rows) { sums[migration.version] = try row["sum"] }
        return sums
    }
}

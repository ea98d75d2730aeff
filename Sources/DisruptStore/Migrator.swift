import Postgres

/// Brings a database to this binary's schema: applies the pending `Migration`s (stored
/// structure and data; append-only, each recorded once in `disrupt.schema_migrations` with a
/// checksum), then, when a migration was applied or any `Definition` file differs from the
/// checksum recorded in `disrupt.schema_definitions`, drops every definition-owned object and
/// runs all definition files again. All of it is one transaction, under one session advisory
/// lock (two processes migrating at once take turns; a dry run, which only reads, takes none). An applied migration whose text has
/// changed is an error, not re-run; applied migrations must be a prefix of the known list; a
/// database made by the migrations of disrupt's development (001_foundation ... 011_summary)
/// is refused (`LegacyDatabase`).
public struct Migrator: Sendable {
    public let migrations: [Migration]
    public let definitions: [Definition]
    /// How long a migration waits for any one lock before it gives up and tries again (three times
    /// in all). A migration changes tables, and a change waiting for its lock makes every later
    /// read and write of the table wait behind it: a session that holds even a weak lock and will
    /// not let go (a client that never reads the error it was sent keeps its locks past
    /// `pg_terminate_backend`, helper-106) would otherwise stop everyone for as long as it likes.
    public let lockTimeoutMilliseconds: Int

    public init(migrations: [Migration] = Migration.embedded, definitions: [Definition] = Definition.embedded,
                lockTimeoutMilliseconds: Int = 10_000) {
        self.migrations = migrations
        self.definitions = definitions
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    }

    /// An applied migration as recorded in the database.
    public struct Applied: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let checksum: String

        /// `0001_baseline`.
        public var label: String { Migration.label(version: version, name: name) }
    }

    /// What a migration run did or would do.
    public struct Report: Sendable {
        public var applied: [Migration] = []
        public var pending: [Migration] = []
        public var alreadyApplied: Int = 0
        /// The definition files that are new, changed or removed since they were last applied.
        public var definitionChanges: [DefinitionStatus] = []
        /// Whether this run ran (with `dryRun`: would run) the definition files again.
        public var definitionsApplied = false
        /// Whether PostgreSQL's row-counting statistics are the monitoring role's only
        /// (`StatisticsLock`: a superuser's run locks them); nil on a dry run.
        public var statisticsLocked: Bool?
        /// The cluster's other databases that every login may connect to, where the statistics
        /// are not locked (`StatisticsLock.openDatabases`); nil on a dry run.
        public var openDatabases: [String]?
        /// Whether staff are refused every schema command before it runs (`SchemaChangeGuard`:
        /// a superuser's run makes it); nil on a dry run.
        public var schemaChangesGuarded: Bool?
    }

    /// What a migration that could not get its locks says.
    private var heldUp: StoreError {
        StoreError(
            .failure, "the migration was held up: another session kept a lock on a table it changes for more than \(lockTimeoutMilliseconds) ms, three times; nothing was changed",
            hint: "Find the session (SELECT pid, usename, state, wait_event, query FROM pg_stat_activity WHERE pid IN (SELECT pid FROM pg_locks WHERE granted AND relation IS NOT NULL)), end it, and run disrupt db migrate again.")
    }

    /// Applies pending migrations and changed definitions (or, with `dryRun`, only lists them).
    @discardableResult
    public func migrate(_ connection: PostgresConnection, dryRun: Bool = false) throws -> Report {
        // migrations take turns (a dry run only reads: every login checks, and staff may not lock)
        if !dryRun { try connection.execute("SELECT pg_advisory_lock(hashtext('disrupt.schema_migrations'))") }
        defer { if !dryRun { _ = try? connection.execute("SELECT pg_advisory_unlock(hashtext('disrupt.schema_migrations'))") } }
        let applied = try appliedMigrations(connection)
        let pending = try check(applied: applied)
        if !dryRun { try createTables(connection) }
        let changes = try definitionStatus(connection).filter { $0.state != .applied }
        var report = Report(pending: pending, alreadyApplied: applied.count, definitionChanges: changes)
        report.definitionsApplied = !pending.isEmpty || !changes.isEmpty
        guard !dryRun else { return report }
        if report.definitionsApplied {
            do {
                try retrying(sqlState: "55P03", attempts: 3) {
                    try connection.transaction {
                        try connection.execute("SELECT set_config('lock_timeout', \("\(lockTimeoutMilliseconds)ms"), true)")
                        for migration in pending {
                            try connection.executeScript(unsafeSQL: migration.sql)
                            try connection.execute("""
                                INSERT INTO disrupt.schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                                """)
                        }
                        try applyDefinitions(connection)
                    }
                }
            } catch let error as PostgresError where error.sqlState == "55P03" {
                throw heldUp
            }
            report.applied = pending
            report.pending = []
        }
        report.statisticsLocked = try StatisticsLock.apply(connection)  // every run: see StatisticsLock
        report.openDatabases = try StatisticsLock.openDatabases(connection)
        report.schemaChangesGuarded = try SchemaChangeGuard.apply(connection)  // every run: see SchemaChangeGuard
        return report
    }

    /// The migrations this binary knows and the database has not applied yet; throws if the
    /// database's history disagrees with this binary's (checksums included).
    public func pending(_ connection: PostgresConnection) throws -> [Migration] {
        try check(applied: appliedMigrations(connection))
    }

    /// A one-round-trip check: true when the database has exactly these migrations (by version;
    /// `migrate` and `db status` verify their checksums too) and exactly these definition files
    /// (by checksum).
    public func isCurrent(_ connection: PostgresConnection) throws -> Bool {
        try Self.isCurrent(connection, versions: migrations.map(\.version),
                           definitions: Dictionary(uniqueKeysWithValues: definitions.map { ($0.name, $0.checksum) }))
    }

    /// `isCurrent` for this binary's embedded schema, the check every command makes at its start:
    /// from the files' names and build-time checksums only, so it decodes and hashes no text.
    public static func embeddedSchemaIsCurrent(_ connection: PostgresConnection) throws -> Bool {
        try isCurrent(connection, versions: Migration.embeddedVersions, definitions: Definition.embeddedChecksums)
    }

    private static func isCurrent(_ connection: PostgresConnection, versions: [Int], definitions: [String: String]) throws -> Bool {
        do {
            let row = try connection.query("""
                SELECT (SELECT coalesce(array_agg(version::text ORDER BY version), '{}') FROM disrupt.schema_migrations) AS versions,
                       (SELECT coalesce(array_agg(name || ' ' || checksum), '{}') FROM disrupt.schema_definitions) AS definitions
                """)[0]
            return try row.decode("versions", as: [String].self) == versions.map(String.init)
                && Set(try row.decode("definitions", as: [String].self)) == Set(definitions.map { "\($0.key) \($0.value)" })
        } catch let error as PostgresError where error.sqlState == "42P01" || error.sqlState == "3F000" {
            return false
        }
    }

    public func appliedMigrations(_ connection: PostgresConnection) throws -> [Applied] {
        guard try tableExists("disrupt.schema_migrations", connection) else { return [] }
        return try connection.query("SELECT version, name, checksum FROM disrupt.schema_migrations ORDER BY version").map {
            Applied(version: try $0.decode("version"), name: try $0.decode("name"), checksum: try $0.decode("checksum"))
        }
    }

    private func check(applied: [Applied]) throws -> [Migration] {
        if applied.contains(where: { $0.version == 1 && $0.name == LegacyDatabase.firstMigration }) {
            throw LegacyDatabase()
        }
        for (position, record) in applied.enumerated() {
            guard position < migrations.count, migrations[position].version == record.version else {
                throw StoreError(
                    .failure, "the database has migration \(record.label), which this disrupt does not know",
                    hint: "The database was migrated by a newer disrupt: upgrade this one."
                )
            }
            if migrations[position].checksum != record.checksum {
                throw StoreError(
                    .failure, "migration \(record.label) was edited after it was applied: its checksum differs",
                    hint: "Never edit an applied migration: restore SQL/migrations/\(record.label).sql and add a new migration instead."
                )
            }
        }
        return Array(migrations.dropFirst(applied.count))
    }

    private func createTables(_ connection: PostgresConnection) throws {
        try connection.executeScript(unsafeSQL: """
            CREATE SCHEMA IF NOT EXISTS disrupt;
            CREATE TABLE IF NOT EXISTS disrupt.schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT session_user
            );
            CREATE TABLE IF NOT EXISTS disrupt.schema_definitions (
                name       text PRIMARY KEY,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by text NOT NULL DEFAULT session_user
            );
            """)
    }

    func tableExists(_ name: String, _ connection: PostgresConnection) throws -> Bool {
        let exists = try connection.query("SELECT to_regclass(\(name)) IS NOT NULL AS present")
        return try exists.first?.decode("present", as: Bool.self) == true
    }
}

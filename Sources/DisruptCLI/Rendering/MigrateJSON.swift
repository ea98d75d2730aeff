import DisruptStore

/// What `disrupt db migrate --format json` prints: the migrations and the definition files it
/// applied (`applied`, `definitions_applied`; with `--dry-run` what it would apply: `pending`,
/// `definitions_pending`), how many migrations the database already had (`already_applied`, a
/// number), and which definition files were new, changed or removed (`definitions_changed`,
/// objects with `name` and `state`), whether PostgreSQL's statistics are locked in this database
/// (`statistics_locked`) and the cluster's other databases every login may connect to, where
/// they may not be (`open_databases`), and whether staff are refused every schema command
/// (`schema_changes_guarded`; these three null on a dry run).
struct MigrateJSON: Encodable {
    var dryRun: Bool
    var migrations: [String]
    var alreadyApplied: Int
    var definitions: [String]
    var definitionsChanged: [DefinitionStatus]
    var statisticsLocked: Bool?
    var openDatabases: [String]?
    var schemaChangesGuarded: Bool?

    init(_ report: Migrator.Report, dryRun: Bool, definitionNames: [String]) {
        self.dryRun = dryRun
        migrations = (dryRun ? report.pending : report.applied).map(\.label)
        alreadyApplied = report.alreadyApplied
        definitions = report.definitionsApplied ? definitionNames : []
        definitionsChanged = report.definitionChanges
        statisticsLocked = report.statisticsLocked
        openDatabases = report.openDatabases
        schemaChangesGuarded = report.schemaChangesGuarded
    }

    private enum CodingKeys: String, CodingKey {
        case applied, pending
        case alreadyApplied = "already_applied"
        case definitionsApplied = "definitions_applied", definitionsPending = "definitions_pending"
        case definitionsChanged = "definitions_changed"
        case statisticsLocked = "statistics_locked"
        case openDatabases = "open_databases"
        case schemaChangesGuarded = "schema_changes_guarded"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(migrations, forKey: dryRun ? .pending : .applied)
        try container.encode(alreadyApplied, forKey: .alreadyApplied)
        try container.encode(definitions, forKey: dryRun ? .definitionsPending : .definitionsApplied)
        try container.encode(definitionsChanged, forKey: .definitionsChanged)
        try container.encode(statisticsLocked, forKey: .statisticsLocked)
        try container.encode(openDatabases, forKey: .openDatabases)
        try container.encode(schemaChangesGuarded, forKey: .schemaChangesGuarded)
    }
}

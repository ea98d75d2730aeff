import DisruptStore

/// What `disrupt db migrate --format json` prints: the migrations and the definition files it
/// applied (`applied`, `definitions_applied`; with `--dry-run` what it would apply: `pending`,
/// `definitions_pending`), how many migrations the database already had (`already_applied`, a
/// number), and which definition files were new, changed or removed (`definitions_changed`,
/// objects with `name` and `state`).
struct MigrateJSON: Encodable {
    var dryRun: Bool
    var migrations: [String]
    var alreadyApplied: Int
    var definitions: [String]
    var definitionsChanged: [DefinitionStatus]
    var statisticsLocked: Bool?

    init(_ report: Migrator.Report, dryRun: Bool, definitionNames: [String]) {
        self.dryRun = dryRun
        migrations = (dryRun ? report.pending : report.applied).map(\.label)
        alreadyApplied = report.alreadyApplied
        definitions = report.definitionsApplied ? definitionNames : []
        definitionsChanged = report.definitionChanges
        statisticsLocked = report.statisticsLocked
    }

    private enum CodingKeys: String, CodingKey {
        case applied, pending
        case alreadyApplied = "already_applied"
        case definitionsApplied = "definitions_applied", definitionsPending = "definitions_pending"
        case definitionsChanged = "definitions_changed"
        case statisticsLocked = "statistics_locked"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(migrations, forKey: dryRun ? .pending : .applied)
        try container.encode(alreadyApplied, forKey: .alreadyApplied)
        try container.encode(definitions, forKey: dryRun ? .definitionsPending : .definitionsApplied)
        try container.encode(definitionsChanged, forKey: .definitionsChanged)
        try container.encode(statisticsLocked, forKey: .statisticsLocked)
    }
}

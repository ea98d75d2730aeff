import DisruptCore
import DisruptStore
import Foundation
import Postgres

/// `disrupt db ...`: the embedded cluster's control and migrations.
enum DatabaseCommands {
    static var spec: CommandSpec {
        CommandSpec(
            "db", abstract: "Control the database: start, stop, status, migrate, psql, url.",
            examples: ["disrupt db start", "disrupt db status", "disrupt --db postgresql://host/disrupt db migrate"],
            subcommands: [start, stop, status, migrate, psql, url]
        )
    }

    static let start = CommandSpec(
        "start", abstract: "Create (on first use) and start the embedded database, and apply its migrations and definitions.",
        discussion: "Runs the server as the 'postgres' user when disrupt runs as root (PostgreSQL refuses root).",
        examples: ["disrupt db start"]
    ) { invocation in
        let cluster = try embeddedCluster(invocation, command: "start")
        try cluster.start()
        let connection = try invocation.database()
        let applied = try Migrator().appliedMigrations(connection)
        invocation.console.print("The embedded database is running in \(cluster.home.path) with \(applied.count) migration(s) applied.")
        return 0
    }

    static let stop = CommandSpec(
        "stop", abstract: "Stop the embedded database.", examples: ["disrupt db stop"]
    ) { invocation in
        let cluster = try embeddedCluster(invocation, command: "stop")
        try cluster.stop()
        invocation.console.print("The embedded database in \(cluster.home.path) is stopped.")
        return 0
    }

    static let status = CommandSpec(
        "status", abstract: "Show where the database is, whether it runs, and its migrations and definition files.",
        arguments: Format.self,
        examples: ["disrupt db status", "disrupt db status --format json"]
    ) { input, invocation in
        let report = try DatabaseStatus.read(invocation.location)
        if input.format == .json {
            try invocation.console.printJSON(report)
        } else {
            report.lines.forEach { invocation.console.print($0) }
        }
        return report.server == "running" ? 0 : 1
    }

    static let migrate = CommandSpec(
        "migrate", abstract: "Apply the migrations and definitions this disrupt has and the database lacks.",
        discussion: "Each migration runs once, recorded with a checksum; an applied migration that was edited is an error. After them, when a migration ran or a definition file changed, every function, view, trigger, policy and grant is dropped and defined again from the definition files. All in one transaction; two processes migrating at once take turns. Then the alert settings of disrupt.json (alerts.*) are written for the database's alert triggers, and PostgreSQL's statistics and views of other sessions (row counts, sizes, the WAL's position, pg_stat_activity, pg_locks, transaction status) are made the monitoring role's only, and its advisory locks the schema owner's (a superuser's run does it; any other run warns while they are open).",
        arguments: Migrate.self,
        examples: ["disrupt db migrate", "disrupt db migrate --dry-run", "DISRUPT_DATABASE_URL=postgresql://db.example/disrupt?sslmode=verify-full disrupt db migrate"]
    ) { input, invocation in
        let database = Database(location: invocation.location)
        let connection = try database.connect(migrateIfNeeded: false)
        let report = try database.migrate(connection, dryRun: input.dryRun)
        if !input.dryRun {
            let model = try invocation.riskModel()
            try AlertStore().writeSettings(model.settings.alerts, positiveActions: model.triggers.positiveActions, on: connection)
        }
        let summary = MigrateJSON(report, dryRun: input.dryRun, definitionNames: Migrator().definitions.map(\.name))
        let (names, definitions) = (summary.migrations, summary.definitions)
        if input.format == .json {
            try invocation.console.printJSON(summary)
        } else if !report.definitionsApplied {
            invocation.console.print("Nothing to do: all \(report.alreadyApplied) migration(s) and every definition file are applied.")
        } else {
            let verb = input.dryRun ? "Would apply" : "Applied"
            names.forEach { invocation.console.print("\(verb) \($0)") }
            let changed = report.definitionChanges.map { "\($0.name) (\($0.state.rawValue))" }
            let why = changed.isEmpty ? "after the migrations" : changed.joined(separator: ", ")
            invocation.console.print("\(verb) the definitions: \(definitions.joined(separator: ", ")) (\(why))")
        }
        if report.statisticsLocked == false {
            invocation.console.error("warning: PostgreSQL's statistics and views of other sessions are still open to every login of this database "
                + "(pg_stat_user_tables, pg_relation_size, pg_stat_activity, pg_locks, advisory locks, ...), "
                + "and every login may write PL/pgSQL and SQL functions (with which staff can EXPLAIN what disrupt reads for them). "
                + "Run `disrupt db migrate` once as a superuser to make them the monitoring role's and the schema owner's only.")
        }
        if report.schemaChangesGuarded == false {
            invocation.console.error("warning: staff may still run schema commands or make tables here (CREATE RULE, COMMENT, CREATE TEMP TABLE ... "
                + "REFERENCES/PARTITION OF ...), and PostgreSQL locks the table they name before it refuses them: one such command "
                + "from a client that never reads the refusal can stop every login. "
                + "Run `disrupt db migrate` once as a superuser to refuse them before they run.")
        }
        if let open = report.openDatabases, !open.isEmpty {
            let names = open.prefix(5).joined(separator: ", ") + (open.count > 5 ? " and \(open.count - 5) more" : "")
            invocation.console.error("warning: every login may connect to this cluster's other databases (\(names)), where PostgreSQL's "
                + "views of other sessions and locks may be open (pg_stat_activity, pg_locks, pg_xact_status): connected there, staff may see "
                + "who is connected here and whose access is being changed. Give disrupt a cluster of its own, or, as a superuser: "
                + "REVOKE CONNECT ON DATABASE <name> FROM PUBLIC (granting it back to whoever needs it).")
        }
        return 0
    }

    static let psql = CommandSpec(
        "psql", abstract: "Open psql on the database.", examples: ["disrupt db psql", "PGUSER=prob_di disrupt db psql"]
    ) { invocation in
        let location = invocation.location
        if case .embedded(let cluster) = location { try cluster.start() }
        guard let psql = ["/usr/bin/psql", "/usr/local/bin/psql"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw StoreError(.failure, "psql is not installed", hint: "Install it with: apt-get install postgresql-client")
        }
        // The password never goes on psql's command line (any user can read it with ps):
        // it is passed in psql's environment as PGPASSWORD, the URL without it as the argument.
        var arguments = [psql]
        var environment = invocation.environment
        switch location {
        case .url(let url):
            let (connection, password) = SecretRedaction.withoutPassword(url)
            arguments.append(connection)
            if let password { environment["PGPASSWORD"] = password }
        case .embedded(let cluster): arguments.append(cluster.url)
        case .libpqEnvironment: break
        }
        let cArguments = arguments.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        execve(psql, cArguments, cEnvironment)
        throw StoreError(.failure, "could not start psql (errno \(errno))")
    }

    static let url = CommandSpec(
        "url", abstract: "Print the database's connection URL (for psql and other clients).",
        discussion: "The URL is printed as given, password included, so that it works; every other output redacts passwords.",
        examples: ["psql \"$(disrupt db url)\""]
    ) { invocation in
        switch invocation.location {
        case .url(let url): invocation.console.printConnectionURL(url)
        case .embedded(let cluster):
            try cluster.checkPrivacy()
            invocation.console.printConnectionURL(cluster.url)
        case .libpqEnvironment:
            throw StoreError(.failure, "the database is chosen by the libpq environment (PGHOST, PGDATABASE, ...), so there is no URL to print")
        }
        return 0
    }

    /// The inputs of `db migrate`.
    struct Migrate: ParsableArguments {
        @Flag(help: "List what would be applied, change nothing.") var dryRun: Bool
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text
    }

    private static func embeddedCluster(_ invocation: Invocation, command: String) throws -> EmbeddedCluster {
        guard case .embedded(let cluster) = invocation.location else {
            throw StoreError(.usage, "'db \(command)' controls the embedded database, but --db, DISRUPT_DATABASE_URL or PGHOST/PGDATABASE point to another one")
        }
        return cluster
    }
}

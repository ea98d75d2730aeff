/// Options every command accepts, before or after the subcommand's name
/// (`disrupt --db URL db migrate` and `disrupt db migrate --db URL`).
public struct GlobalOptions: ParsableArguments {
    @Option(help: "The database (default: DISRUPT_DATABASE_URL, the libpq environment, or the embedded database).", valueName: "URL")
    public var db: String?

    public init() {}

    /// The global options as written on a command line, to pass them on (`["--db", URL]`).
    var arguments: [String] { db.map { ["--db", $0] } ?? [] }
}

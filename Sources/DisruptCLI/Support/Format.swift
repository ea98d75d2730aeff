/// The inputs of a command whose only option is `--format text|json`.
struct Format: ParsableArguments {
    @Option(help: StandardHelp.format) var format: TextOrJSON = .text
}

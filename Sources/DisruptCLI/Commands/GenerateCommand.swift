import DisruptCore
import Foundation

/// `disrupt generate`: a deterministic synthetic force as the ten import CSVs.
enum GenerateCommand {
    static let spec = CommandSpec(
        "generate", abstract: "Write a synthetic police force as import CSV files (fictional people).",
        discussion: """
            Realistic shapes, not uniform noise: most perpetrators have one victim and few incidents; a
            long tail of serial, high-harm perpetrators has many incidents, breaches, orders and forum
            links. Dates fall in the six years before --as-of. The same --people, --seed and --as-of
            give byte-identical files. Import them with: disrupt import KIND DIR/KIND.csv
            """,
        arguments: Arguments.self,
        examples: ["disrupt generate --people 5000 --out /tmp/force", "disrupt generate --people 100000 --seed 7 --out force --format json"]
    ) { input, invocation in
        let seed = input.seed
        let directory = URL(fileURLWithPath: input.out)
        let generator = ForceGenerator(people: input.people, seed: seed, asOf: input.asOf)
        let bar = ProgressBar(console: invocation.console, label: "generating")
        defer { bar.finish() }
        let started = Date()
        let counts = try generator.write(to: directory) { bar.update($0) }
        bar.finish()  // before the results; the defer wipes it when writing throws
        let seconds = Date().timeIntervalSince(started)
        if input.format == .json {
            var rows: [String: Int] = [:]
            for file in ForceFile.allCases { rows[file.rawValue] = counts[file] }
            try invocation.console.printJSON(GenerateReport(directory: directory.path, seed: seed, asOf: generator.asOf.iso, rows: rows, seconds: seconds))
        } else {
            var table = TextTable(["file", "rows"])
            for file in ForceFile.allCases { table.append([file.fileName, "\(counts[file])"]) }
            invocation.console.print(table.render())
            invocation.console.print(String(format: "%d rows in %@ in %.1f s (seed %llu, as of %@)", counts.total, directory.path, seconds, seed, generator.asOf.iso))
        }
        return 0
    }

    /// The inputs of `disrupt generate`.
    struct Arguments: ParsableArguments {
        @Option(help: "How many perpetrators.") var people: Int
        @Option(help: "The folder to write people.csv ... referrals.csv into (created if missing).", valueName: "DIR") var out: String
        @Option(help: "The random seed (default 1).", valueName: "S") var seed: UInt64 = 1
        @Option(help: "The day the force's history ends (default 2026-11-01).") var asOf: Day?
        @Option(help: StandardHelp.format) var format: TextOrJSON = .text

        func validate() throws(ValidationError) {
            guard people > 0 else { throw ValidationError("The value for '--people' must be a whole number above 0") }
        }
    }

    struct GenerateReport: Encodable {
        var directory: String
        var seed: UInt64
        var asOf: String
        var rows: [String: Int]
        var seconds: Double
        enum CodingKeys: String, CodingKey { case directory, seed, asOf = "as_of", rows, seconds }
    }
}

import Foundation

/// What `disrupt-bench` measures and how big.
public struct BenchmarkOptions: Sendable {
    /// Perpetrators in the generated force (default 100,000: a police force).
    public var people = 100_000
    public var seed: UInt64 = 1
    /// Repetitions of each measurement (median and spread are over these).
    public var runs = 3
    /// People sampled for summary latency.
    public var summarySamples = 1_000
    /// Of those, how many run as a whole `disrupt summary` process beside `psql -c`.
    public var processSamples = 100
    /// Actions created for the reminder-sweep measurement.
    public var actions = 1_000_000
    /// Rows of each import in the alert-cost measurement (issue 15: 1,000,000), made by
    /// repeating the generated incidents under new references.
    public var alertIncidents = 1_000_000
    /// Changes per writer (psql, a command, an import) in the alert delivery measurement.
    public var deliveryChanges = 100
    /// One part only (the force is imported once, untimed), or every part when nil.
    public var only: BenchmarkPart?
    public var jsonPath: String?
    /// The `disrupt` binary to measure.
    public var disruptPath: String
    public var workDirectory: URL

    public init(disruptPath: String, workDirectory: URL) {
        self.disruptPath = disruptPath
        self.workDirectory = workDirectory
    }

    /// Parses `--people N --seed S --runs R --summary-samples N --process-samples N --actions N
    /// --alert-incidents N --delivery-changes N --only imports|alerts|recompute|sweep|summary --json FILE`.
    public static func parse(_ arguments: [String], disruptPath: String, workDirectory: URL) throws -> BenchmarkOptions {
        var options = BenchmarkOptions(disruptPath: disruptPath, workDirectory: workDirectory)
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw BenchmarkError("missing value for \(arguments[index - 1])") }
            return arguments[index]
        }
        func number(_ text: String, _ name: String) throws -> Int {
            guard let value = Int(text), value > 0 else { throw BenchmarkError("\(name) takes a whole number above 0") }
            return value
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--people": options.people = try number(try value(), "--people")
            case "--seed": options.seed = UInt64(try number(try value(), "--seed"))
            case "--runs": options.runs = try number(try value(), "--runs")
            case "--summary-samples": options.summarySamples = try number(try value(), "--summary-samples")
            case "--process-samples": options.processSamples = try number(try value(), "--process-samples")
            case "--actions": options.actions = try number(try value(), "--actions")
            case "--alert-incidents": options.alertIncidents = try number(try value(), "--alert-incidents")
            case "--delivery-changes": options.deliveryChanges = try number(try value(), "--delivery-changes")
            case "--only":
                let name = try value()
                guard let part = BenchmarkPart(rawValue: name) else {
                    let names = BenchmarkPart.allCases.map { "'\($0.rawValue)'" }
                    throw BenchmarkError("--only takes \(names.dropLast().joined(separator: ", ")) or \(names.last ?? ""), not '\(name)'")
                }
                options.only = part
            case "--json": options.jsonPath = try value()
            case "--disrupt": options.disruptPath = try value()
            case "-h", "--help": throw BenchmarkError.help
            default: throw BenchmarkError("unknown option '\(arguments[index])'")
            }
            index += 1
        }
        return options
    }

    public static let usage = """
        OVERVIEW: Measure disrupt beside its floor (psql doing the same work) on a generated force.

        USAGE: disrupt-bench [--people N] [--seed S] [--runs R] [--summary-samples N] [--process-samples N] [--actions N]
                             [--alert-incidents N] [--delivery-changes N] [--only imports|alerts|recompute|sweep|summary]
                             [--json FILE]

        OPTIONS:
          --people N             Perpetrators in the generated force (default 100000).
          --seed S               Generator seed (default 1).
          --runs R               Repetitions per measurement (default 3).
          --summary-samples N    People for in-process summary latency (default 1000).
          --process-samples N    Of those, whole-process runs beside psql -c (default 100).
          --actions N            Actions for the reminder sweep (default 1000000).
          --alert-incidents N    Rows per import in the alert-cost measurement (default 1000000).
          --delivery-changes N   Changes per writer (psql, command, import) timed to delivery (default 100).
          --only PART            imports, alerts, recompute, sweep or summary: only each kind's import beside
                                 psql \\copy, the alert measurements, recompute of every person then the ranking,
                                 the reminder sweep, or summary latency (in process, and whole processes beside
                                 psql); for all but imports the force is imported once, untimed.
          --json FILE            Also write the results as JSON.
          --disrupt PATH         The disrupt binary (default: beside disrupt-bench).

        EXAMPLE:
          swift build -c release --static-swift-stdlib && .build/release/disrupt-bench --people 100000 --json bench.json
          .build/release/disrupt-bench --people 100000 --runs 3 --only imports
          .build/release/disrupt-bench --people 100000 --runs 5 --only sweep
          .build/release/disrupt-bench --people 1000000 --runs 3 --only recompute
          .build/release/disrupt-bench --people 100000 --only summary --process-samples 300
        """
}

/// A part of the run that `--only` can pick on its own.
public enum BenchmarkPart: String, CaseIterable, Sendable {
    /// Each kind's import beside `psql \\copy` of the same file (a fresh database per run).
    case imports
    /// Alert import cost and commit-to-delivery latency.
    case alerts
    /// Recompute of every person (`--runs` times: the first drains the queue the import left),
    /// then the ranking.
    case recompute
    /// The reminder sweep over `--actions` actions.
    case sweep
    /// Summary latency: in process, and whole `disrupt summary` processes beside `psql -c`.
    case summary
}

/// A benchmark that could not run, with the reason.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
    static let help = BenchmarkError("help")
}

import DisruptCore
import DisruptStore
import Foundation
import Postgres

/// Runs every benchmark in order on one generated force and returns the report.
public struct BenchmarkRunner {
    public let options: BenchmarkOptions
    /// Progress lines (to standard error).
    public var log: (String) -> Void = { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }

    public init(options: BenchmarkOptions) {
        self.options = options
    }

    public func run() throws -> BenchmarkReport {
        try FileManager.default.createDirectory(at: options.workDirectory, withIntermediateDirectories: true)
        let environment = try BenchmarkEnvironment(options: options)
        defer { environment.shutDown() }
        let asOf = ForceGenerator.defaultAsOf
        var results: [BenchmarkResult] = []

        log("generating \(options.people) people (seed \(options.seed))")
        let forceDirectory = options.workDirectory.appendingPathComponent("force")
        var generationTimes: [Double] = []
        var counts = GeneratedCounts()
        for _ in 1...options.runs {
            let started = Date()
            counts = try ForceGenerator(people: options.people, seed: options.seed, asOf: asOf).write(to: forceDirectory)
            generationTimes.append(Date().timeIntervalSince(started))
        }
        results.append(BenchmarkResult(name: "generate \(counts.total) rows (in process)", unit: "s", disrupt: Statistics(generationTimes), floor: nil))

        if let part = options.only {
            // every part but the imports reads a force imported once, untimed
            func importedOnce() throws -> (url: String, database: String) {
                log("importing the force once (untimed)")
                let url = try environment.freshDatabase("bench_\(part.rawValue)")
                for file in ForceFile.allCases {
                    try environment.disrupt(["import", file.rawValue, forceDirectory.appendingPathComponent(file.fileName).path], databaseURL: url)
                }
                return (url, String(url.dropFirst("postgresql:///".count).prefix { $0 != "?" }))
            }
            switch part {
            case .imports:
                results += try ImportBenchmark(environment: environment, directory: forceDirectory, counts: counts).run(runs: options.runs, log: log).results
            case .alerts:
                let (url, database) = try importedOnce()
                let db = try environment.connect(database)
                defer { db.close() }
                try ReminderBenchmark.openPlans(db, asOf: asOf)
                try db.execute("VACUUM ANALYZE")
                results.append(try alertImport(environment, database: database, databaseURL: url, directory: forceDirectory))
            case .recompute:
                let (url, _) = try importedOnce()
                results += try recomputeAndRank(QueryBenchmarks(environment: environment, databaseURL: url, asOf: asOf))
            case .sweep:
                let (_, database) = try importedOnce()
                results += try ReminderBenchmark(environment: environment, database: database, asOf: asOf, actions: options.actions).run(runs: options.runs, log: log)
            case .summary:
                let (url, database) = try importedOnce()
                let db = try environment.connect(database)
                defer { db.close() }
                try db.execute("VACUUM ANALYZE")
                results += try summaries(environment, database: database, databaseURL: url, asOf: asOf)
            }
        } else {
            let imports = try ImportBenchmark(environment: environment, directory: forceDirectory, counts: counts).run(runs: options.runs, log: log)
            results += imports.results
            let database = String(imports.databaseURL.dropFirst("postgresql:///".count).prefix { $0 != "?" })

            let queries = QueryBenchmarks(environment: environment, databaseURL: imports.databaseURL, asOf: asOf)
            results += try recomputeAndRank(queries)
            results += try summaries(environment, database: database, databaseURL: imports.databaseURL, asOf: asOf)

            results += try ReminderBenchmark(environment: environment, database: database, asOf: asOf, actions: options.actions).run(runs: options.runs, log: log)
            results.append(try alertImport(environment, database: database, databaseURL: imports.databaseURL, directory: forceDirectory))
            results.append(try ReportBenchmark(environment: environment, databaseURL: imports.databaseURL, database: database, asOf: asOf,
                                               reportActions: min(options.actions, 50_000)).run(runs: options.runs, log: log))
        }
        if options.only == nil || options.only == .alerts {
            results += try AlertDeliveryBenchmark(environment: environment, workDirectory: options.workDirectory,
                                                  changes: options.deliveryChanges).run(log: log)
        }

        var rows: [String: Int] = [:]
        for file in ForceFile.allCases { rows[file.rawValue] = counts[file] }
        return BenchmarkReport(
            people: options.people, seed: options.seed, runs: options.runs, machine: Self.machine(),
            startedAt: Timestamp.utc(Date()), rows: rows, results: results)
    }

    /// Recompute of every person (first, next days, same day: see `QueryBenchmarks.recompute`),
    /// then the ranking it feeds.
    private func recomputeAndRank(_ queries: QueryBenchmarks) throws -> [BenchmarkResult] {
        log("recompute")
        let recompute = try queries.recompute(runs: options.runs, log: log)
        log("rank")
        return recompute + [try queries.rank(runs: options.runs)]
    }

    /// Summary latency in process, then whole processes beside `psql -c`.
    private func summaries(_ environment: BenchmarkEnvironment, database: String, databaseURL: String, asOf: Day) throws -> [BenchmarkResult] {
        let inProcess = samplePeople(options.summarySamples)
        log("summary in process (\(inProcess.count))")
        let latency = try SummaryLatencyBenchmark(environment: environment, database: database, asOf: asOf).run(inProcess)
        let sample = samplePeople(options.processSamples)
        log("summary processes (\(sample.count))")
        let processes = try QueryBenchmarks(environment: environment, databaseURL: databaseURL, asOf: asOf).summaryProcesses(sample)
        return [latency] + processes
    }

    private func alertImport(_ environment: BenchmarkEnvironment, database: String, databaseURL: String, directory: URL) throws -> BenchmarkResult {
        try AlertImportBenchmark(environment: environment, database: database, databaseURL: databaseURL, directory: directory,
                                 incidents: options.alertIncidents).run(runs: options.runs, log: log)
    }

    /// A deterministic spread of person references across the force.
    func samplePeople(_ count: Int) -> [String] {
        let n = min(count, options.people)
        let step = max(1, options.people / max(1, n))
        return (0..<n).map { String(format: "P-%06d", 1 + ($0 * step + 7) % options.people) }
    }

    static func machine() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = ProcessInfo.processInfo.physicalMemory / (1 << 30)
        return "\(cores) cores, \(memory) GiB"
    }
}

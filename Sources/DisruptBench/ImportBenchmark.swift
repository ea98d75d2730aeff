import DisruptCore
import Foundation

/// Import of each kind through `disrupt import` beside `psql \copy` of the same file into a
/// table of the file's shape with the same key and lookup indexes, each in a fresh database
/// per run (an import is idempotent, so a second run into the same database measures the
/// "unchanged" path instead).
struct ImportBenchmark {
    let environment: BenchmarkEnvironment
    let directory: URL
    let counts: GeneratedCounts

    /// The floor table's unique key and the extra indexed column, per file.
    static func floorIndexes(_ file: ForceFile) -> (key: [String], indexed: [String]) {
        switch file {
        case .people: return (["person_ref"], ["pnc_id"])
        case .aliases: return (["person_ref", "alias_name", "date_of_birth"], [])
        case .parties: return (["party_ref"], [])
        case .relationships: return (["person_ref", "party_ref", "relationship"], ["party_ref"])
        case .incidents: return (["source_ref"], ["person_ref", "party_ref"])
        case .markers: return (["source_ref"], ["person_ref"])
        case .orders: return (["source_ref"], ["person_ref"])
        case .breaches: return (["source_ref"], ["person_ref", "order_ref"])
        case .links: return (["source_ref"], ["person_ref"])
        case .referrals: return (["source_ref"], ["person_ref", "party_ref"])
        }
    }

    func floorSchema() -> String {
        var sql = "DROP SCHEMA IF EXISTS bench_floor CASCADE; CREATE SCHEMA bench_floor;\n"
        for file in ForceFile.allCases {
            let columns = file.columns.map { "\"\($0)\" text" }.joined(separator: ", ")
            let (key, indexed) = Self.floorIndexes(file)
            sql += "CREATE TABLE bench_floor.\(file.rawValue) (\(columns));\n"
            sql += "CREATE UNIQUE INDEX ON bench_floor.\(file.rawValue) (\(key.map { "\"\($0)\"" }.joined(separator: ", ")));\n"
            for column in indexed { sql += "CREATE INDEX ON bench_floor.\(file.rawValue) (\"\(column)\");\n" }
        }
        return sql
    }

    /// Returns the last run's database URL (fully imported) and one result per kind.
    func run(runs: Int, log: (String) -> Void) throws -> (databaseURL: String, results: [BenchmarkResult]) {
        var disruptRates: [ForceFile: [Double]] = [:]
        var floorRates: [ForceFile: [Double]] = [:]
        var memory: [ForceFile: Int] = [:]
        var lastURL = ""
        var strictFloor: [Double] = []
        for run in 1...runs {
            log("import run \(run)/\(runs)")
            let url = try environment.freshDatabase("bench_import_\(run)")
            lastURL = url
            try environment.psql(floorSchema(), databaseURL: url)
            for file in ForceFile.allCases {
                let path = directory.appendingPathComponent(file.fileName).path
                let rows = Double(max(1, counts[file]))
                let output = try environment.disrupt(["import", file.rawValue, path, "--format", "json"], databaseURL: url)
                disruptRates[file, default: []].append(rows / output.seconds)
                memory[file] = max(memory[file] ?? 0, output.maxResidentKiB)
                let columns = file.columns.map { "\"\($0)\"" }.joined(separator: ", ")
                // psql does not interpolate variables in \copy's file name: quote the path ourselves
                // (it is our own temporary folder).
                let quotedPath = "'" + path.replacingOccurrences(of: "'", with: "''") + "'"
                let floor = try environment.psql(
                    "\\copy bench_floor.\(file.rawValue) (\(columns)) FROM \(quotedPath) WITH (FORMAT csv, HEADER true)\n",
                    databaseURL: url)
                floorRates[file, default: []].append(rows / floor.seconds)
            }
            strictFloor.append(Double(max(1, counts.markers)) / (try MarkerCopyFloor(environment: environment, directory: directory).measure(run: run)))
        }
        let results = ForceFile.allCases.map { file in
            BenchmarkResult(
                name: "import \(file.rawValue) (\(counts[file]) rows)", unit: "rows/s",
                disrupt: Statistics(disruptRates[file] ?? []), floor: Statistics(floorRates[file] ?? []),
                floorDescription: "psql \\copy of the same file into a table of its shape with the same key and lookup indexes",
                peakMemoryKiB: memory[file])
        }
        let strict = BenchmarkResult(
            name: "import markers (\(counts.markers) rows) vs strict floor", unit: "rows/s",
            disrupt: Statistics(disruptRates[.markers] ?? []), floor: Statistics(strictFloor),
            floorDescription: "psql \\copy of the same rows, resolved to person ids, into disrupt.marker itself (same indexes, reference checks and triggers)",
            peakMemoryKiB: memory[.markers])
        return (lastURL, results + [strict])
    }
}

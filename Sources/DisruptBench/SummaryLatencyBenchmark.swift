import DisruptCore
import DisruptStore
import Foundation

/// The summary's own work, in process, over many people on one connection: resolve the
/// person, read the dossier (one statement, with its audit row), evaluate the rules now and
/// for the trend, and encode the JSON. This is what `disrupt summary` does after it has
/// started and connected.
struct SummaryLatencyBenchmark {
    let environment: BenchmarkEnvironment
    let database: String
    let asOf: Day

    func run(_ refs: [String]) throws -> BenchmarkResult {
        let db = try environment.connect(database)
        defer { db.close() }
        let model = try ConfigurationLoader.riskModel()
        let builder = SummaryBuilder(model: model)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = Timestamp.jsonEncoding
        var times: [Double] = []
        times.reserveCapacity(refs.count)
        for ref in refs {
            let started = Date()
            let dossier = try db.consulting(person: PersonDossierReader.consultation(
                scope: "summary", purpose: "benchmark", subject: ref, format: "json", asOf: asOf)) { person in
                try PersonDossierReader().read(personID: person.id, on: db)
            }
            _ = try encoder.encode(builder.build(dossier.value, asOf: asOf))
            times.append(Date().timeIntervalSince(started) * 1000)
        }
        return BenchmarkResult(
            name: "summary in process (\(refs.count) people)", unit: "ms", disrupt: Statistics(times), floor: nil,
            note: "resolve + dossier statement + rules (now, 3 and 12 months ago) + JSON, one connection")
    }
}

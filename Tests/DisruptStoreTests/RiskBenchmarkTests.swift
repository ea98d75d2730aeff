import DisruptCore
import DisruptStore
import DisruptTestSupport
import Foundation
import Postgres
import Testing

/// The recompute and rank timings quoted in the README. Slow (a 100,000-person force), so it
/// runs only with `DISRUPT_BENCH=1` (people: `DISRUPT_BENCH_PEOPLE`, default 100000):
///
///     DISRUPT_BENCH=1 swift test -c release --filter RiskBenchmark
@Suite("Risk benchmark")
struct RiskBenchmarkTests {
    static let enabled = ProcessInfo.processInfo.environment["DISRUPT_BENCH"] != nil

    @Test(.enabled(if: enabled)) func recomputeAndRankAForce() throws {
        let people = Int(ProcessInfo.processInfo.environment["DISRUPT_BENCH_PEOPLE"] ?? "") ?? 100_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("risk-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let counts = try ForceGenerator(people: people, seed: 1).write(to: directory)
        let location = try TestCluster.freshDatabase("riskbench")
        let db = try TestCluster.superuserConnection(database: location.testDatabaseName)
        defer { db.close() }
        // the record tables are read through disrupt_reader's functions, under the policies even
        // for a superuser: this session consults first, as every command does
        _ = try db.query("SELECT disrupt.consult('test: the risk benchmark reads the force', 'test')")
        let loaded = try time { try ForceImport.load(directory, into: db) }
        try db.execute("VACUUM ANALYZE")
        let asOf = ForceGenerator.defaultAsOf

        // the floor: one SQL aggregate over the same rows (incidents in 12 months, distinct victims in 3 years)
        let floor = try time {
            try db.execute("""
                SELECT person_id, count(*) FILTER (WHERE occurred_on > \(asOf.adding(months: -12))),
                       count(DISTINCT party_id) FILTER (WHERE occurred_on > \(asOf.adding(months: -36)))
                FROM disrupt.incident WHERE occurred_on <= \(asOf) GROUP BY person_id
                """)
        }
        let model = try ConfigurationLoader.riskModel(environment: [:])
        var report: RecomputeReport?
        let recompute = try time { report = try RiskRecompute(model: model).run(all: true, asOf: asOf, on: db) }
        let store = RiskStore(model: model)
        let freshness = try time { _ = try store.freshness(asOf: asOf, on: db) }
        var top: [RankedPerson] = []
        let rankRFG = try time { top = try store.rank(by: .rfg, limit: 50, agency: nil, on: db) }
        let rankRisk = try time { _ = try store.rank(by: .risk, limit: 50, agency: nil, on: db) }
        let rankAgency = try time { _ = try store.rank(by: .risk, limit: 50, agency: "probation", on: db) }
        let again = try time { _ = try RiskRecompute(model: model).run(all: true, asOf: asOf, on: db) }

        print("""
            risk benchmark: \(people) people, \(counts.incidents) incidents, \(counts.markers) markers, \
            \(counts.breaches) breaches, \(counts.orders) orders, \(counts.relationships) relationships, \
            \(counts.referrals) referrals, \(counts.links) links
              load (stage + import functions): \(loaded) s
              floor (one SQL aggregate over incidents): \(floor) s
              recompute --all (first, \(report?.changed ?? 0) history rows): \(recompute) s
              recompute --all (again, no changes): \(again) s
              freshness check: \(freshness) s; rank --top 50 by rfg: \(rankRFG) s, by risk: \(rankRisk) s, \
            by risk --agency probation: \(rankAgency) s
            """)
        #expect(report?.people == people)
        #expect(top.count == 50)
        for (a, b) in zip(top, top.dropFirst()) {
            #expect(a.rfg.total > b.rfg.total || (a.rfg.total == b.rfg.total && a.rfg.gravity >= b.rfg.gravity))
        }
        #expect(rankRFG < 1 && rankRisk < 1)
    }

    private func time(_ body: () throws -> Void) throws -> Double {
        let start = Date()
        try body()
        return (Date().timeIntervalSince(start) * 1000).rounded() / 1000
    }
}

/// Loads a generated force through the import protocol of SQL/definitions/import.sql (`disrupt.import_stage`,
/// COPY, `disrupt.import_run`), in one transaction, with triggers off (superuser: no audit
/// rows and no change queue, which a full recompute does not need).
enum ForceImport {
    static func load(_ directory: URL, into db: PostgresConnection) throws {
        try db.transaction {
            try db.execute("SET LOCAL session_replication_role = replica")
            for file in ForceFile.allCases {
                let columns = try db.query("SELECT column_name FROM disrupt.import_stage(\(file.rawValue))")
                    .map { try $0.decode(0, as: String.self) }
                let list = columns.map { PostgresQuery.quoteIdentifier($0) }.joined(separator: ", ")
                let table = "stage_\(file.rawValue)"
                let data = try Data(contentsOf: directory.appendingPathComponent(file.fileName))
                try db.copyIn(PostgresQuery(unsafeSQL: "COPY \(table) (\(list)) FROM STDIN (FORMAT csv, HEADER true)")) { writer in
                    try data.withUnsafeBytes { try writer.write($0) }
                }
                let result = try db.query("SELECT rejected FROM disrupt.import_run(\(file.rawValue), 'police')")
                let rejected = try result[0].decode("rejected", as: Int.self)
                if rejected > 0 { print("risk benchmark: \(file.fileName): \(rejected) rows rejected by the import") }
            }
        }
    }
}

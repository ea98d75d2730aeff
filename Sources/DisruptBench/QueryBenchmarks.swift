import DisruptCore
import Foundation

/// Recompute, ranking and summary: disrupt's commands beside psql running the equivalent
/// single query, on the fully imported force.
struct QueryBenchmarks {
    let environment: BenchmarkEnvironment
    let databaseURL: String
    let asOf: Day

    /// The floor of a full recompute: one SQL aggregate over the same facts the triggers and
    /// RFG read (incident counts in windows, distinct victims, gravity, active markers, breaches).
    var recomputeFloorSQL: String {
        """
        WITH inc AS (
            SELECT person_id,
                   count(*) FILTER (WHERE occurred_on > DATE :'as_of' - 365) AS last_year,
                   count(DISTINCT party_id) FILTER (WHERE occurred_on > DATE :'as_of' - 1095) AS victims,
                   sum(coalesce(i.gravity, o.gravity)) FILTER (WHERE occurred_on > DATE :'as_of' - 730) AS gravity,
                   max(occurred_on) AS latest
            FROM disrupt.incident i LEFT JOIN disrupt.offence o ON o.code = i.offence
            GROUP BY person_id),
        mk AS (SELECT person_id, count(*) FILTER (WHERE expires_on IS NULL OR expires_on >= DATE :'as_of') AS active, array_agg(DISTINCT kind) AS kinds
               FROM disrupt.marker GROUP BY person_id),
        br AS (SELECT person_id, count(*) FILTER (WHERE occurred_on > DATE :'as_of' - 730) AS recent FROM disrupt.breach GROUP BY person_id)
        SELECT count(*), sum(coalesce(inc.gravity, 0)), sum(coalesce(mk.active, 0)), sum(coalesce(br.recent, 0))
        FROM disrupt.person p LEFT JOIN inc ON inc.person_id = p.id LEFT JOIN mk ON mk.person_id = p.id LEFT JOIN br ON br.person_id = p.id
        WHERE p.merged_into IS NULL;
        """
    }

    /// The floor of a summary: psql returning that person's rows in one query.
    static let summaryFloorSQL = """
        WITH p AS (SELECT id FROM disrupt.person WHERE person_ref = :'ref')
        SELECT 'incident' AS kind, source_ref, occurred_on::text AS on_date FROM disrupt.incident WHERE person_id = (SELECT id FROM p)
        UNION ALL SELECT 'marker', source_ref, recorded_on::text FROM disrupt.marker WHERE person_id = (SELECT id FROM p)
        UNION ALL SELECT 'order', source_ref, starts_on::text FROM disrupt.court_order WHERE person_id = (SELECT id FROM p)
        UNION ALL SELECT 'breach', source_ref, occurred_on::text FROM disrupt.breach WHERE person_id = (SELECT id FROM p)
        UNION ALL SELECT 'link', source_ref, starts_on::text FROM disrupt.forum_link WHERE person_id = (SELECT id FROM p)
        UNION ALL SELECT 'referral', source_ref, referred_on::text FROM disrupt.referral WHERE person_id = (SELECT id FROM p)
        UNION ALL SELECT 'alias', alias_name, date_of_birth::text FROM disrupt.alias WHERE person_id = (SELECT id FROM p)
        UNION ALL SELECT 'relationship', relationship, from_on::text FROM disrupt.relationship WHERE person_id = (SELECT id FROM p);
        """

    /// A recompute of every person in its three situations, each beside the floor on the same
    /// day: the first after the import (it drains the queue the import left and writes every
    /// score; one run; then an untimed VACUUM ANALYZE), then `runs` nightly runs one day apart up
    /// to as-of (each re-dates every row and writes the people whose result the new day changes), then `runs` more on as-of
    /// itself (nothing changes, nothing is written). `log` gets each run's time.
    func recompute(runs: Int, log: (String) -> Void) throws -> [BenchmarkResult] {
        var memory = 0
        func run(_ day: Day, _ label: String) throws -> (Double, Double) {
            let output = try environment.disrupt(["recompute", "--all", "--as-of", day.iso, "--format", "json"], databaseURL: databaseURL)
            memory = max(memory, output.maxResidentKiB)
            let floor = try environment.psql(recomputeFloorSQL, databaseURL: databaseURL, variables: ["as_of": day.iso]).seconds
            log(String(format: "recompute %@ %@: %.3f s, floor %.3f s", label, day.iso, output.seconds, floor))
            return (output.seconds, floor)
        }
        func result(_ name: String, _ times: [(Double, Double)]) -> BenchmarkResult {
            BenchmarkResult(
                name: name, unit: "s", disrupt: Statistics(times.map(\.0)), floor: Statistics(times.map(\.1)),
                floorDescription: "one SQL aggregate over the same incidents, markers and breaches (psql -c)",
                peakMemoryKiB: memory)
        }
        let first = [try run(asOf.adding(days: -runs), "first")]
        // what a day's autovacuum would have done before the next night (untimed): the import's
        // and the first run's dead rows (the queue it drained) left for the nights would have the
        // nights pay for the import
        _ = try environment.psql("VACUUM ANALYZE", databaseURL: databaseURL)
        let nextDays = try (1...runs).map { try run(asOf.adding(days: $0 - runs), "next day") }
        let sameDay = try (1...runs).map { _ in try run(asOf, "same day") }
        return [
            result("recompute every person, first after the import (every score written)", first),
            result("recompute every person, the next day (every score re-dated)", nextDays),
            result("recompute every person, again the same day (nothing written)", sameDay),
        ]
    }

    func rank(runs: Int) throws -> BenchmarkResult {
        var times: [Double] = []
        for _ in 1...runs {
            times.append(try environment.disrupt(["rank", "--by", "rfg", "--top", "50", "--as-of", asOf.iso, "--format", "json"], databaseURL: databaseURL).seconds)
        }
        return BenchmarkResult(name: "rank --by rfg --top 50 (whole process)", unit: "s", disrupt: Statistics(times), floor: nil)
    }

    /// Whole `disrupt summary` processes beside `psql` returning the same person's rows: `psql`
    /// as typed (Debian's wrapper) and the client program itself, each sample in turn.
    func summaryProcesses(_ refs: [String]) throws -> [BenchmarkResult] {
        var times: [Double] = []
        var floors: [Double] = []
        var binaryFloors: [Double] = []
        var memory = 0
        for ref in refs {
            let output = try environment.disrupt(["summary", ref, "--purpose", "benchmark", "--as-of", asOf.iso, "--format", "json"], databaseURL: databaseURL)
            times.append(output.seconds * 1000)
            memory = max(memory, output.maxResidentKiB)
            floors.append(try environment.psql(Self.summaryFloorSQL, databaseURL: databaseURL, variables: ["ref": ref]).seconds * 1000)
            binaryFloors.append(try environment.psql(Self.summaryFloorSQL, databaseURL: databaseURL, variables: ["ref": ref], binary: true).seconds * 1000)
        }
        return [
            BenchmarkResult(
                name: "summary, whole process (\(refs.count) people)", unit: "ms", disrupt: Statistics(times), floor: Statistics(floors),
                floorDescription: "psql (\(environment.psql)) running one query that returns the person's rows", peakMemoryKiB: memory),
            BenchmarkResult(
                name: "summary, whole process (\(refs.count) people) vs the psql program", unit: "ms", disrupt: Statistics(times),
                floor: Statistics(binaryFloors),
                floorDescription: "\(environment.psqlBinary) itself (no wrapper) running the same query", peakMemoryKiB: memory),
        ]
    }
}

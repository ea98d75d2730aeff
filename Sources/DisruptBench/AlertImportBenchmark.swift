import DisruptCore
import DisruptStore
import Foundation
import Postgres

/// `disrupt import incidents` with the alert triggers on beside the same import with every alert
/// kind switched off (Config/disrupt.json alerts.kinds.*.enabled), in the database the reminder
/// benchmark left (everyone has an open plan, so every incident is watched). Each run imports
/// `incidents` rows twice more (the generated incidents repeated under new references until
/// there are that many), dated today so the alert rules apply, once with alerts and once
/// without, alternating which goes first. The ratio (with / without, rows/s) is the cost of the
/// alerts; the target is at least 0.8.
struct AlertImportBenchmark {
    let environment: BenchmarkEnvironment
    let database: String
    let databaseURL: String
    let directory: URL
    let incidents: Int

    func run(runs: Int, log: (String) -> Void) throws -> BenchmarkResult {
        let db = try environment.connect(database)
        defer { db.close() }
        let store = AlertStore()
        let on = AlertSettings()
        let off = AlertSettings(kinds: Dictionary(uniqueKeysWithValues: AlertKind.allCases.map {
            ($0, AlertKindSettings(enabled: false, delayWorkingDays: $0.defaultDelayWorkingDays))
        }))
        var with: [Double] = [], without: [Double] = []
        var rows = 0
        let before = try alertCount(db)
        for run in 1...runs {
            for alerts in run % 2 == 1 ? [true, false] : [false, true] {
                log("import incidents \(alerts ? "with" : "without") alerts, run \(run)/\(runs)")
                let file = directory.appendingPathComponent("alert-incidents-\(run)-\(alerts).csv")
                rows = try writeIncidents(to: file, prefix: "AB\(run)\(alerts ? "W" : "N")")
                try store.writeSettings(alerts ? on : off, positiveActions: TriggerConfiguration.defaultPositiveActions, on: db)
                let output = try environment.disrupt(["import", "incidents", file.path, "--format", "json"], databaseURL: databaseURL)
                (alerts ? { with.append(Double(rows) / output.seconds) } : { without.append(Double(rows) / output.seconds) })()
                try? FileManager.default.removeItem(at: file)
            }
        }
        try store.writeSettings(on, positiveActions: TriggerConfiguration.defaultPositiveActions, on: db)
        let created = try alertCount(db) - before
        let paired = zip(with, without).map { String(format: "%.2f", $0 / $1) }.joined(separator: ", ")
        return BenchmarkResult(
            name: "import incidents (\(rows) rows) with alerts vs without", unit: "rows/s",
            disrupt: Statistics(with), floor: Statistics(without),
            floorDescription: "the same import with every alert kind switched off",
            note: "\(created) alerts created by the imports with alerts; ratio of each run's pair \(paired); target ratio >= 0.8")
    }

    /// `incidents` rows: the generated incidents, repeated under new references (prefix and pass)
    /// until there are that many, dated today; the row count.
    private func writeIncidents(to file: URL, prefix: String) throws -> Int {
        let writer = try CSVWriter(path: file.path)
        let today = Day.today().iso
        var count = 0
        var pass = 0
        while count < incidents {
            pass += 1
            let reader = try CSVReader(path: directory.appendingPathComponent(ForceFile.incidents.fileName).path)
            defer { reader.close() }
            var header: [String] = []
            let before = count
            while count < incidents, let next = try reader.next() {
                guard case .success(let record) = next else { continue }
                if header.isEmpty {
                    header = record.fields
                    if pass == 1 { try writer.write(header) }
                    continue
                }
                var fields = record.fields
                if let ref = header.firstIndex(of: "source_ref") { fields[ref] = "\(prefix)\(pass)-" + fields[ref] }
                if let day = header.firstIndex(of: "occurred_on") { fields[day] = today }
                try writer.write(fields)
                count += 1
            }
            guard count > before else { break }  // no incidents generated
        }
        try writer.close()
        return count
    }

    private func alertCount(_ db: PostgresConnection) throws -> Int {
        try db.query("""
            SELECT count(*)::int AS n FROM disrupt.reminder
             WHERE kind IN ('new_partner', 'new_victim', 'suspected_breach', 'offending_on_order', 'breach_no_positive_action')
            """)[0].decode("n")
    }
}

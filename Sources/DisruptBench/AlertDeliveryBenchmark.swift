import DisruptCore
import DisruptStore
import Foundation
import Postgres

/// Issue 15's 2 seconds: from an alert's record being committed to `disrupt serve` having run the
/// delivery command for it, with two services running, in a database of its own (the force's
/// database holds a backlog of reminders no service has delivered). Each change is an incident
/// against the protected party of an order in force, so it makes one suspected_breach alert,
/// committed `changes` times by each writer: `psql`, `disrupt incident add` and
/// `disrupt import incidents` of a one-row file. The clock starts when the writer returns (its
/// transaction has committed) and stops when the service has recorded the delivery, polled
/// every 2 ms. Every alert must be delivered exactly once, or the benchmark fails.
struct AlertDeliveryBenchmark {
    let environment: BenchmarkEnvironment
    let workDirectory: URL
    let changes: Int

    /// The writers, in the order they take turns.
    enum Writer: String, CaseIterable {
        case psql, command, `import`

        var label: String {
            switch self {
            case .psql: "psql INSERT"
            case .command: "disrupt incident add"
            case .import: "disrupt import incidents (1 row)"
            }
        }
    }

    func run(log: (String) -> Void) throws -> [BenchmarkResult] {
        log("alert delivery: \(changes) changes per writer, 2 services")
        let url = try environment.freshDatabase("bench_alert_delivery")
        let database = String(url.dropFirst("postgresql:///".count).prefix { $0 != "?" })
        let db = try environment.connect(database)
        defer { db.close() }
        try db.execute("SELECT disrupt.staff_add('bench_spoc', 'Benchmark SPOC', 'police', 'spoc')")
        try db.execute("INSERT INTO disrupt.person (person_ref, family_name, agency) VALUES ('P-delivery', 'Delivery', 'police')")
        try db.execute("INSERT INTO disrupt.party (party_ref, family_name, kind, agency) VALUES ('V-delivery', 'Victim', 'victim', 'police')")
        try db.execute("""
            INSERT INTO disrupt.court_order (source_ref, person_id, order_type, protected_party_id, starts_on, agency)
            SELECT 'O-delivery', pe.id, 'non_molestation', pa.id, current_date - 30, 'police'
              FROM disrupt.person pe, disrupt.party pa WHERE pe.person_ref = 'P-delivery' AND pa.party_ref = 'V-delivery'
            """)
        try db.execute("""
            INSERT INTO disrupt.plan (person_id, spoc_login, status, review_on, opened_by, agency, created_by, updated_by)
            SELECT id, 'bench_spoc', 'open', current_date + 400, 'bench_spoc', 'police', 'bench_spoc', 'bench_spoc'
              FROM disrupt.person WHERE person_ref = 'P-delivery'
            """)

        let directory = workDirectory.appendingPathComponent("delivery")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let outbox = directory.appendingPathComponent("outbox.jsonl").path
        let script = directory.appendingPathComponent("deliver.sh")
        try Data("cat >> '\(outbox)'\n".utf8).write(to: script)
        let settings = """
            {"reminders": {"interval_seconds": 300, "due_soon_days": 3, "escalation_days": 7, "plan_review_days": 7,
              "order_ending_days": 3, "deliver_command": ["/bin/sh", "\(script.path)"]}}
            """
        try Data(settings.utf8).write(to: directory.appendingPathComponent("disrupt.json"))
        let services = try (0..<2).map { number in
            try environment.startDisrupt(["serve"], databaseURL: url, extra: ["DISRUPT_CONFIG_DIR": directory.path],
                                         log: directory.appendingPathComponent("serve-\(number).log").path)
        }
        defer {
            for service in services { service.signal(SIGTERM) }
            for service in services { _ = try? service.wait(timeout: 5) }
        }
        Thread.sleep(forTimeInterval: 2)  // both services started and looking for wake marks

        var latencies: [Writer: [Double]] = [:]
        for number in 1...changes {
            for writer in Writer.allCases {
                let ref = "I-delivery-\(writer.rawValue)-\(number)"
                try commit(writer, ref: ref, url: url, directory: directory)
                let committed = Date()
                let deadline = committed.addingTimeInterval(30)
                while try !delivered(db, ref: ref) {
                    guard Date() < deadline else { throw BenchmarkError("the alert for \(ref) was not delivered within 30 s") }
                    usleep(2_000)
                }
                latencies[writer, default: []].append(Date().timeIntervalSince(committed) * 1000)
            }
        }
        let alerts: [Int] = try db.query("SELECT id FROM disrupt.reminder WHERE kind = 'suspected_breach' ORDER BY id").map { try $0.decode("id") }
        let deliveries = ((try? String(contentsOfFile: outbox, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["reminder_id"] as? Int
        }
        let deliveredAlerts = deliveries.filter { Set(alerts).contains($0) }
        guard alerts.count == changes * Writer.allCases.count, deliveredAlerts.sorted() == alerts else {
            throw BenchmarkError("\(alerts.count) alerts, \(deliveredAlerts.count) deliveries of them: each must be delivered exactly once")
        }
        return Writer.allCases.map { writer in
            BenchmarkResult(
                name: "alert commit to delivery, \(writer.label) (\(changes) changes)", unit: "ms",
                disrupt: Statistics(latencies[writer] ?? []), floor: nil,
                note: "2 serve processes; each alert delivered once; target: within 2 s")
        }
    }

    /// Commits one incident of the person against the protected party, dated today, by `writer`.
    private func commit(_ writer: Writer, ref: String, url: String, directory: URL) throws {
        let today = Day.today().iso
        switch writer {
        case .psql:
            try environment.psql("""
                INSERT INTO disrupt.incident (source_ref, person_id, party_id, occurred_on, agency)
                SELECT :'ref', pe.id, pa.id, current_date, 'police'
                  FROM disrupt.person pe, disrupt.party pa WHERE pe.person_ref = 'P-delivery' AND pa.party_ref = 'V-delivery';
                """, databaseURL: url, variables: ["ref": ref])
        case .command:
            try environment.disrupt(["incident", "add", "P-delivery", "--on", today, "--victim", "V-delivery", "--ref", ref], databaseURL: url)
        case .import:
            let file = directory.appendingPathComponent("\(ref).csv")
            let writer = try CSVWriter(path: file.path)
            try writer.write(ForceFile.incidents.columns)
            try writer.write(ForceFile.incidents.columns.map { column in
                switch column {
                case "source_ref": ref
                case "person_ref": "P-delivery"
                case "party_ref": "V-delivery"
                case "occurred_on": today
                case "agency": "police"
                default: ""
                }
            })
            try writer.close()
            try environment.disrupt(["import", "incidents", file.path], databaseURL: url)
            try? FileManager.default.removeItem(at: file)
        }
    }

    private func delivered(_ db: PostgresConnection, ref: String) throws -> Bool {
        try db.query("""
            SELECT count(*)::int AS n FROM disrupt.reminder r JOIN disrupt.incident i ON i.id = r.subject_id
             WHERE r.kind = 'suspected_breach' AND r.subject_table = 'incident' AND i.source_ref = \(ref) AND r.delivered_at IS NOT NULL
            """)[0].decode("n", as: Int.self) == 1
    }
}

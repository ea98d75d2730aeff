import DisruptTestSupport
import Foundation
import Testing

/// Runs `disrupt-bench` at a tiny size so the benchmarks never rot.
@Suite("disrupt-bench at a tiny size")
struct BenchmarkSmokeTests {
    @Test func everyMeasurementProducesNumbers() throws {
        let bench = URL(fileURLWithPath: DisruptBinary.path).deletingLastPathComponent().appendingPathComponent("disrupt-bench").path
        let json = NSTemporaryDirectory() + "disrupt-bench-\(UUID().uuidString.prefix(8)).json"
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try DisruptBinary.runProgram(bench, [
            "--people", "300", "--runs", "1", "--summary-samples", "5", "--process-samples", "5", "--actions", "3000",
            "--alert-incidents", "3000", "--delivery-changes", "3", "--json", json,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("| what | unit |"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let results = report?["results"] as? [[String: Any]] ?? []
        let names = results.compactMap { $0["name"] as? String }
        for expected in ["generate", "import people", "import markers", "import referrals", "recompute", "rank", "summary in process", "summary, whole process", "reminder sweep, nothing due", "reminder sweep, 1% newly overdue", "report, a year"] {
            #expect(names.contains { $0.hasPrefix(expected) }, "no result for \(expected)")
        }
        let alerts = results.first { ($0["name"] as? String)?.hasSuffix("with alerts vs without") == true }
        #expect(alerts != nil, "no result for the import with alerts vs without")
        #expect((alerts?["note"] as? String).map { !$0.hasPrefix("0 alerts") } == true, "the import with alerts created none: \(alerts ?? [:])")
        #expect((alerts?["name"] as? String)?.contains("(3000 rows)") == true, "--alert-incidents sets the import's size: \(alerts ?? [:])")
        for writer in ["psql INSERT", "disrupt incident add", "disrupt import incidents"] {
            let delivery = results.first { ($0["name"] as? String)?.hasPrefix("alert commit to delivery, \(writer)") == true }
            #expect((delivery?["disrupt"] as? [String: Any])?["count"] as? Int == 3, "no delivery latency for \(writer)")
        }
        for row in results {
            let median = (row["disrupt"] as? [String: Any])?["median"] as? Double ?? 0
            #expect(median > 0, "\(row["name"] ?? "?") has no measurement")
        }
        // issue 18's targets are ratios to a floor measured in the same run
        for withFloor in ["recompute", "summary, whole process", "reminder sweep, nothing due", "reminder sweep, 1% newly overdue"] {
            let row = results.first { ($0["name"] as? String)?.hasPrefix(withFloor) == true }
            let floor = (row?["floor"] as? [String: Any])?["median"] as? Double ?? 0
            #expect(floor > 0, "\(withFloor) has no floor")
        }
        let sweep = results.first { ($0["name"] as? String)?.hasPrefix("reminder sweep, 1%") == true }
        #expect((sweep?["disrupt"] as? [String: Any])?["count"] as? Int == 5, "the sweep's target is on the worst of 5 runs")
    }

    @Test func onlyOnePartMeasuresThatPartAloneAndAnUnknownPartIsRefused() throws {
        let bench = URL(fileURLWithPath: DisruptBinary.path).deletingLastPathComponent().appendingPathComponent("disrupt-bench").path
        let json = NSTemporaryDirectory() + "disrupt-bench-\(UUID().uuidString.prefix(8)).json"
        defer { try? FileManager.default.removeItem(atPath: json) }
        let result = try DisruptBinary.runProgram(bench, ["--people", "200", "--runs", "1", "--actions", "2000", "--only", "sweep", "--json", json])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let names = (report?["results"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(names.count == 4 && names[0].hasPrefix("generate"), "\(names)")
        #expect(names.contains { $0.hasPrefix("reminder sweep, nothing due") } && names.contains { $0.hasPrefix("reminder sweep, 1% newly overdue") }
            && names.contains { $0.hasPrefix("reminder sweep, 1% changed to overdue, later the same day") }, "\(names)")

        let refused = try DisruptBinary.runProgram(bench, ["--only", "import"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--only takes 'imports', 'alerts', 'recompute', 'sweep' or 'summary', not 'import'"), "\(refused.stderr)")

        // each kind's import beside its floor, and nothing else (no untimed import before it)
        let imports = try DisruptBinary.runProgram(bench, ["--people", "200", "--runs", "1", "--only", "imports", "--json", json])
        #expect(imports.status == 0, "\(imports.stderr)")
        #expect(!imports.stderr.contains("untimed"), "\(imports.stderr)")
        let importReport = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let importResults = importReport?["results"] as? [[String: Any]] ?? []
        let importNames = importResults.compactMap { $0["name"] as? String }
        #expect(importNames.count == 12 && importNames[0].hasPrefix("generate") && importNames[11].hasSuffix("vs strict floor"), "\(importNames)")
        for kind in ["people", "aliases", "parties", "relationships", "incidents", "markers", "orders", "breaches", "links", "referrals"] {
            let row = importResults.first { ($0["name"] as? String)?.hasPrefix("import \(kind) (") == true }
            let disruptRate = (row?["disrupt"] as? [String: Any])?["median"] as? Double ?? 0
            let floorRate = (row?["floor"] as? [String: Any])?["median"] as? Double ?? 0
            #expect(disruptRate > 0 && floorRate > 0, "\(kind): \(String(describing: row))")
        }

        let summary = try DisruptBinary.runProgram(bench, ["--people", "200", "--runs", "1", "--summary-samples", "5", "--process-samples", "3",
                                                           "--only", "summary", "--json", json])
        #expect(summary.status == 0, "\(summary.stderr)")
        let summaryReport = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let summaryNames = (summaryReport?["results"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(summaryNames.count == 4 && summaryNames[1].hasPrefix("summary in process") && summaryNames[2].hasPrefix("summary, whole process")
                && summaryNames[3].hasSuffix("vs the psql program"), "\(summaryNames)")
        // both floors measured: psql as typed (Debian's wrapper) and the client program itself
        for processes in (summaryReport?["results"] as? [[String: Any]] ?? []) where (processes["name"] as? String)?.hasPrefix("summary, whole process") == true {
            let disruptMedian = (processes["disrupt"] as? [String: Any])?["median"] as? Double ?? 0
            let floorMedian = (processes["floor"] as? [String: Any])?["median"] as? Double ?? 0
            #expect(disruptMedian > 0 && floorMedian > 0, "\(processes)")
        }

        let recompute = try DisruptBinary.runProgram(bench, ["--people", "200", "--runs", "2", "--only", "recompute", "--json", json])
        #expect(recompute.status == 0, "\(recompute.stderr)")
        let recomputeReport = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let recomputeResults = recomputeReport?["results"] as? [[String: Any]] ?? []
        let recomputeNames = recomputeResults.compactMap { $0["name"] as? String }
        #expect(recomputeNames.count == 5 && recomputeNames[1...3].allSatisfy { $0.hasPrefix("recompute every person") }
                && recomputeNames[4].hasPrefix("rank"), "\(recomputeNames)")
        // one first run (it writes every score), then --runs nights and --runs unchanged runs
        let runCounts = recomputeResults.dropFirst().prefix(3).map { ($0["disrupt"] as? [String: Any])?["count"] as? Int }
        #expect(runCounts == [1, 2, 2], "\(recomputeResults)")
        // each run's time is logged with its day
        for label in ["first", "next day", "same day"] {
            #expect(recompute.stderr.contains("recompute \(label) "), "\(recompute.stderr)")
        }
    }
}

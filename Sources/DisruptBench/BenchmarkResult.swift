import Foundation

/// One row of the benchmark report: what was measured, disrupt's numbers, and the floor
/// (PostgreSQL doing the same work through psql) measured in the same run.
public struct BenchmarkResult: Sendable, Encodable {
    public var name: String
    /// What the numbers are: `s` (seconds per run), `rows/s`, `ms`.
    public var unit: String
    public var disrupt: Statistics
    public var floor: Statistics?
    public var floorDescription: String?
    /// Peak resident memory of the measured process, KiB.
    public var peakMemoryKiB: Int?
    public var note: String?

    enum CodingKeys: String, CodingKey {
        case name, unit, disrupt, floor, note
        case floorDescription = "floor_description"
        case peakMemoryKiB = "peak_memory_kib"
    }

    /// disrupt relative to the floor: for times, disrupt / floor (1.0 = as fast as psql, lower
    /// is better); for rates, disrupt / floor (higher is better).
    public var ratio: Double? {
        guard let floor, floor.median > 0 else { return nil }
        return disrupt.median / floor.median
    }
}

/// The whole run, written as JSON with `--json FILE` so commits can be compared.
public struct BenchmarkReport: Sendable, Encodable {
    public var people: Int
    public var seed: UInt64
    public var runs: Int
    public var machine: String
    public var startedAt: String
    public var rows: [String: Int]
    public var results: [BenchmarkResult]

    enum CodingKeys: String, CodingKey {
        case people, seed, runs, machine, results, rows
        case startedAt = "started_at"
    }

    /// A Markdown table for the README and the terminal.
    public var table: String {
        var lines = [
            "| what | unit | disrupt median (min–max) | floor median (min–max) | ratio | peak memory |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for result in results {
            let disrupt = "\(Self.format(result.disrupt.median)) (\(Self.format(result.disrupt.min))–\(Self.format(result.disrupt.max)))"
                + (result.unit == "ms" && result.disrupt.count > 2 ? ", p99 \(Self.format(result.disrupt.p99))" : "")
            let floor = result.floor.map { "\(Self.format($0.median)) (\(Self.format($0.min))–\(Self.format($0.max)))" + (result.unit == "ms" && $0.count > 2 ? ", p99 \(Self.format($0.p99))" : "") } ?? "—"
            let ratio = result.ratio.map { String(format: "%.2f", $0) } ?? "—"
            let memory = result.peakMemoryKiB.map { "\($0 / 1024) MiB" } ?? "—"
            lines.append("| \(result.name) | \(result.unit) | \(disrupt) | \(floor) | \(ratio) | \(memory) |")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        if value >= 1000 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3f", value)
    }
}

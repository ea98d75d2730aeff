import Foundation
import Testing
@testable import DisruptCore

/// Timing of a full-size force. Opt-in: set DISRUPT_GENERATOR_BENCH=100000 (people) to run.
@Suite("Force generator performance")
struct GeneratorPerformanceTests {
    static let people = Int(ProcessInfo.processInfo.environment["DISRUPT_GENERATOR_BENCH"] ?? "") ?? 0

    @Test(.enabled(if: people > 0)) func generateLargeForce() throws {
        let directory = generatorTemporaryDirectory("gen-bench")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ContinuousClock()
        var counts = GeneratedCounts()
        let elapsed = try clock.measure { counts = try ForceGenerator(people: Self.people, seed: 1).write(to: directory) }
        print("ForceGenerator: \(Self.people) people in \(elapsed)")
        for file in ForceFile.allCases { print("  \(file.fileName): \(counts[file]) rows") }
        print("  total: \(counts.total) rows")

        let readStart = clock.now
        var rows = 0
        for file in ForceFile.allCases {
            let reader = try CSVReader(path: directory.appendingPathComponent(file.fileName).path)
            while let item = try reader.next() { _ = try item.get(); rows += 1 }
        }
        print("CSVReader read back \(rows) rows in \(clock.now - readStart)")
        #expect(rows == counts.total + ForceFile.allCases.count)
    }
}

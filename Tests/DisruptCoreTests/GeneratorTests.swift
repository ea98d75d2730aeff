import Foundation
import Testing
@testable import DisruptCore

/// A generated force read back as rows keyed by column name.
struct GeneratedForce {
    var rows: [ForceFile: [[String: String]]] = [:]

    init(directory: URL) throws {
        for file in ForceFile.allCases {
            let reader = try CSVReader(path: directory.appendingPathComponent(file.fileName).path)
            var header: [String] = []
            var list: [[String: String]] = []
            while let item = try reader.next() {
                let record = try item.get()
                if record.line == 1 { header = record.fields; continue }
                #expect(record.fields.count == header.count, "\(file.fileName) line \(record.line)")
                list.append(Dictionary(uniqueKeysWithValues: zip(header, record.fields)))
            }
            #expect(header == file.columns)
            rows[file] = list
        }
    }

    subscript(_ file: ForceFile) -> [[String: String]] { rows[file] ?? [] }
}

func generatorTemporaryDirectory(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
}

func generatorFileBytes(_ directory: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for file in ForceFile.allCases {
        result[file.fileName] = try Data(contentsOf: directory.appendingPathComponent(file.fileName))
    }
    return result
}

@Suite("Force generator")
struct GeneratorTests {
    @Test func sameSeedGivesIdenticalBytesAndDifferentSeedDiffers() throws {
        let a = generatorTemporaryDirectory("gen-a"), b = generatorTemporaryDirectory("gen-b"), c = generatorTemporaryDirectory("gen-c")
        defer { for d in [a, b, c] { try? FileManager.default.removeItem(at: d) } }
        let countsA = try ForceGenerator(people: 300, seed: 42).write(to: a)
        let countsB = try ForceGenerator(people: 300, seed: 42).write(to: b)
        _ = try ForceGenerator(people: 300, seed: 43).write(to: c)
        #expect(countsA == countsB)
        let bytesA = try generatorFileBytes(a)
        #expect(bytesA == (try generatorFileBytes(b)))
        let bytesC = try generatorFileBytes(c)
        #expect(bytesA["people.csv"] != bytesC["people.csv"])
        #expect(bytesA["incidents.csv"] != bytesC["incidents.csv"])
    }

    @Test func asOfMovesTheDates() throws {
        let a = generatorTemporaryDirectory("gen-asof")
        defer { try? FileManager.default.removeItem(at: a) }
        let asOf = Day(iso: "2020-03-15")!
        try ForceGenerator(people: 100, seed: 7, asOf: asOf).write(to: a)
        let force = try GeneratedForce(directory: a)
        for row in force[.incidents] {
            let day = try #require(Day(iso: row["occurred_on"]!))
            #expect(day <= asOf && day >= asOf.adding(days: -(6 * 365 + 1)))
        }
    }

    @Test func progressIsReportedUpToOne() throws {
        let a = generatorTemporaryDirectory("gen-progress")
        defer { try? FileManager.default.removeItem(at: a) }
        final class Box: @unchecked Sendable { var values: [Double] = [] }
        let box = Box()
        try ForceGenerator(people: 250, seed: 1).write(to: a) { box.values.append($0) }
        #expect(box.values.last == 1)
        #expect(box.values == box.values.sorted())
        #expect(box.values.count >= 50)
    }

    @Test func emptyForceWritesHeadersOnly() throws {
        let a = generatorTemporaryDirectory("gen-empty")
        defer { try? FileManager.default.removeItem(at: a) }
        let counts = try ForceGenerator(people: 0, seed: 1).write(to: a)
        #expect(counts.total == 0)
        let force = try GeneratedForce(directory: a)
        #expect(force[.people].isEmpty)
    }
}

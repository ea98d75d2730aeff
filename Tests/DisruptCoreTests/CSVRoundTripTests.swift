import Foundation
import Testing
@testable import DisruptCore

@Suite("CSV round trip")
struct CSVRoundTripTests {
    static let hostile: [String] = [
        "", " ", "plain", "a,b", "\"", "\"\"", "say \"hi\", then leave",
        "'; DROP TABLE x; --", "Robert'); DROP TABLE people;--",
        "line\nbreak", "crlf\r\nbreak", "\r", "\n", ",,,", "\\.", "\\N", "NULL",
        " leading", "trailing ", "\ttab", "Zoë Ñúñez", "名前", "😀👨‍👩‍👧‍👦", "🏳️‍🌈,\"\n",
        String(repeating: "long,\"field\"\n", count: 8_000),  // about 100 KB
    ]

    @Test(arguments: [1, 2, 5, 64, 4096, CSVReader.defaultChunkSize])
    func hostileStringsSurvive(chunkSize: Int) throws {
        var buffer: [UInt8] = []
        var expected: [[String]] = []
        for (i, s) in Self.hostile.enumerated() {
            let row = ["\(i)", s, Self.hostile[(i + 3) % Self.hostile.count], s]
            expected.append(row)
            CSVEncoder.appendRecord(row, to: &buffer)
        }
        let items = try csvRead(bytes: buffer, chunkSize: chunkSize)
        #expect(items.compactMap(\.error).isEmpty)
        let records = items.compactMap(\.record)
        #expect(records.map(\.fields) == expected)
        // Line numbers: each record starts after the previous record's physical lines.
        var line = 1
        for (record, row) in zip(records, expected) {
            #expect(record.line == line)
            let text = row.joined(separator: ",")
            line += 1 + text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            // lone CRs count as data inside quotes, so only LF matters here
        }
    }

    @Test func postgresCopyStyleKeepsNullAndEmptyApartInTheBytes() throws {
        var buffer: [UInt8] = []
        CSVEncoder.appendRecord([nil, "", "\"\""], to: &buffer, options: .postgresCopy)
        #expect(String(decoding: buffer, as: UTF8.self) == ",\"\",\"\"\"\"\"\"\n")
        let items = try csvRead(bytes: buffer)
        #expect(items.first?.record?.fields == ["", "", "\"\""])
    }

    @Test func readerThroughput() throws {
        // ~8 fields per row, like the import files. Prints rows/s; asserts only correctness.
        let rows = 200_000
        var buffer: [UInt8] = []
        buffer.reserveCapacity(rows * 90)
        CSVEncoder.appendRecord(["source_ref", "person_ref", "marker", "recorded_on", "expires_on", "agency", "sensitivity", "note"], to: &buffer)
        for i in 0..<rows {
            CSVEncoder.appendRecord([
                "M-\(i)", "P-\(i % 100_000)", "weapons", "2024-03-01", i % 3 == 0 ? "" : "2026-01-01",
                "police", "shared", i % 10 == 0 ? "seen with knife, \"large\"" : "note text",
            ], to: &buffer)
        }
        let clock = ContinuousClock()
        var count = 0
        var fields = 0
        let elapsed = try clock.measure {
            let reader = CSVReader(bytes: buffer)
            while let item = try reader.next() {
                if case .success(let record) = item { count += 1; fields += record.fields.count }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("CSVReader throughput: \(Int(Double(count) / seconds)) rows/s (\(count) rows, \(buffer.count) bytes, \(seconds) s)")
        #expect(count == rows + 1)
        #expect(fields == (rows + 1) * 8)
    }
}

import Foundation
import Testing
@testable import DisruptCore

@Suite("CSV writer")
struct CSVWriterTests {
    private func encoded(_ fields: [String?], _ options: CSVWriteOptions = .standard) -> String {
        String(decoding: CSVEncoder.encode(fields, options: options), as: UTF8.self)
    }

    @Test func quotingRules() {
        #expect(encoded(["plain", "a,b", "say \"hi\"", "line\nbreak", "cr\rx", " lead", "trail ", "\tx", "é😀"])
            == "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",\"cr\rx\",\" lead\",\"trail \",\"\tx\",é😀\n")
    }

    @Test func nullAndEmptyForPostgresCopy() {
        #expect(encoded([nil, "", "x"], .postgresCopy) == ",\"\",x\n")
        #expect(encoded([nil, "", "x"], .standard) == ",,x\n")
    }

    @Test func endOfDataMarkerIsQuoted() {
        #expect(encoded(["\\."]) == "\"\\.\"\n")
        #expect(encoded(["\\.x"]) == "\\.x\n")
    }

    @Test func crlfOption() {
        #expect(encoded(["a", "b"], CSVWriteOptions(lineEnding: .crlf)) == "a,b\r\n")
    }

    @Test func appendsToExistingBuffer() {
        var buffer = Array("prefix|".utf8)
        CSVEncoder.appendRecord(["a", nil, ""] as [String?], to: &buffer, options: .postgresCopy)
        CSVEncoder.appendRecord(["b", "c"] as [String], to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "prefix|a,,\"\"\nb,c\n")
    }

    @Test func writerToFileFlushesAndCloses() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-writer-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let writer = try CSVWriter(path: url.path, flushThreshold: 8)
        for i in 0..<100 { try writer.write(["\(i)", "v,\(i)"]) }
        try writer.write([nil, "z"] as [String?])
        try writer.close()
        #expect(writer.recordCount == 101)
        let items = try CSVReader(path: url.path).readAll()
        #expect(items.count == 101)
        #expect(items[5].record?.fields == ["5", "v,5"])
        #expect(items[100].record?.fields == ["", "z"])
    }
}

import Foundation
import Testing
@testable import DisruptCore

/// Reads everything from `text` with the given chunk size.
func csvRead(_ text: String, chunkSize: Int = CSVReader.defaultChunkSize) throws -> [Result<CSVRecord, CSVRecordError>] {
    try CSVReader(bytes: Array(text.utf8), chunkSize: chunkSize).readAll()
}

func csvRead(bytes: [UInt8], chunkSize: Int = CSVReader.defaultChunkSize) throws -> [Result<CSVRecord, CSVRecordError>] {
    try CSVReader(bytes: bytes, chunkSize: chunkSize).readAll()
}

extension Result where Success == CSVRecord, Failure == CSVRecordError {
    var record: CSVRecord? { if case .success(let r) = self { return r } else { return nil } }
    var error: CSVRecordError? { if case .failure(let e) = self { return e } else { return nil } }
}

@Suite("CSV reader")
struct CSVReaderTests {
    @Test func simpleLFAndLineNumbers() throws {
        let items = try csvRead("a,b,c\n1,2,3\n4,5,6\n")
        #expect(items.map { $0.record?.fields ?? [] } == [["a", "b", "c"], ["1", "2", "3"], ["4", "5", "6"]])
        #expect(items.map { $0.record?.line ?? 0 } == [1, 2, 3])
    }

    @Test func crlfAndNoFinalNewline() throws {
        let items = try csvRead("a,b\r\n1,2\r\n3,4")
        #expect(items.map { $0.record?.fields ?? [] } == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(items.map { $0.record?.line ?? 0 } == [1, 2, 3])
    }

    @Test func loneCRIsALineEnding() throws {
        let items = try csvRead("a,b\r1,2\r")
        #expect(items.map { $0.record?.fields ?? [] } == [["a", "b"], ["1", "2"]])
    }

    @Test func aBadRecordInACROnlyFileCostsOnlyItsOwnLine() throws {
        // Every chunk size, so the CR that ends the bad line also falls on a buffer's edge.
        for chunkSize in [1, 2, 3, 5, 64] {
            let items = try csvRead("a,b\r1,x\"y\r2,3\r4,\"q\"z\r\n5,6\r", chunkSize: chunkSize)
            #expect(items.map { $0.record?.fields } == [["a", "b"], nil, ["2", "3"], nil, ["5", "6"]], "chunk \(chunkSize)")
            #expect(items.map { item in (try? item.get().line) ?? (item.error?.line ?? -1) } == [1, 2, 3, 4, 5], "chunk \(chunkSize)")
        }
    }

    @Test func emptyFields() throws {
        let items = try csvRead(",,\na,,b\n,\n\"\",x,")
        #expect(items.map { $0.record?.fields ?? [] } == [["", "", ""], ["a", "", "b"], ["", ""], ["", "x", ""]])
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let items = try csvRead("h\n\n\r\nx\n\n")
        #expect(items.map { $0.record?.fields ?? [] } == [["h"], ["x"]])
        #expect(items.map { $0.record?.line ?? 0 } == [1, 4])
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "id,note\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"line one\nline two\r\nline three\"\n4,after\n"
        let items = try csvRead(text)
        #expect(items.map { $0.record?.fields ?? [] } == [
            ["id", "note"], ["1", "a, b"], ["2", "say \"hi\""],
            ["3", "line one\nline two\r\nline three"], ["4", "after"],
        ])
        #expect(items.map { $0.record?.line ?? 0 } == [1, 2, 3, 4, 7])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("name,x\n\"q\",1\n".utf8)
        for chunk in [1, 2, 3, 1024] {
            let items = try csvRead(bytes: bytes, chunkSize: chunk)
            #expect(items.map { $0.record?.fields ?? [] } == [["name", "x"], ["q", "1"]])
        }
    }

    @Test func emptyInputs() throws {
        #expect(try csvRead("").isEmpty)
        #expect(try csvRead(bytes: [0xEF, 0xBB, 0xBF]).isEmpty)
        #expect(try csvRead("\n\n").isEmpty)
    }

    @Test func unicodeFields() throws {
        let items = try csvRead("名前,ñandú\n\"Zoë 😀, 👨‍👩‍👧\",é\n")
        #expect(items.map { $0.record?.fields ?? [] } == [["名前", "ñandú"], ["Zoë 😀, 👨‍👩‍👧", "é"]])
    }

    @Test func everyChunkSizeGivesTheSameResult() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x\r\ny\",\"\"\"q\"\"\",\"é😀\"\r\n,\"\",z\r\nlast,\"row\",\"end\""
        let expected = try csvRead(text)
        #expect(expected.count == 4)
        for chunk in 1...40 {
            #expect(try csvRead(text, chunkSize: chunk) == expected, "chunk size \(chunk)")
        }
    }

    @Test func recordSpanningChunkBoundary() throws {
        let big = String(repeating: "x", count: 5000)
        let text = "h1,h2\n\"\(big)\n\(big)\",tail\nnext,row\n"
        let items = try csvRead(text, chunkSize: 7)
        #expect(items.count == 3)
        #expect(items[1].record?.fields == ["\(big)\n\(big)", "tail"])
        #expect(items[2].record?.line == 4)
    }
}

@Suite("CSV reader errors")
struct CSVReaderErrorTests {
    @Test func unterminatedQuoteAtEOFResyncsOnNextLine() throws {
        let items = try csvRead("h,i\n1,\"open\n2,b\n3,c\n")
        #expect(items.count == 4)
        #expect(items[1].error == CSVRecordError(line: 2, reason: .unterminatedQuote(column: 2)))
        #expect(items[2].record == CSVRecord(fields: ["2", "b"], line: 3))
        #expect(items[3].record == CSVRecord(fields: ["3", "c"], line: 4))
    }

    @Test func unterminatedQuoteWithTinyChunks() throws {
        let text = "h,i\n1,\"open\n2,b\n3,c"
        for chunk in 1...12 {
            let items = try csvRead(text, chunkSize: chunk)
            #expect(items.compactMap(\.error) == [CSVRecordError(line: 2, reason: .unterminatedQuote(column: 2))])
            #expect(items.compactMap(\.record) == [
                CSVRecord(fields: ["h", "i"], line: 1), CSVRecord(fields: ["2", "b"], line: 3), CSVRecord(fields: ["3", "c"], line: 4),
            ])
        }
    }

    @Test func quoteInsideUnquotedField() throws {
        let items = try csvRead("a,b\n1,ab\"c,d\n2,ok\n")
        #expect(items[1].error == CSVRecordError(line: 2, reason: .quoteInUnquotedField(column: 2)))
        #expect(items[2].record == CSVRecord(fields: ["2", "ok"], line: 3))
        #expect(items.count == 3)
    }

    @Test func charactersAfterClosingQuote() throws {
        let items = try csvRead("a,b\n1,\"ab\"c,d\n2,ok\n")
        #expect(items[1].error == CSVRecordError(line: 2, reason: .charactersAfterClosingQuote(column: 2)))
        #expect(items[2].record == CSVRecord(fields: ["2", "ok"], line: 3))
        #expect(items.count == 3)
    }

    @Test func errorAfterMultilineFieldKeepsLineNumbers() throws {
        let items = try csvRead("a,b\n\"x\ny\"z,1\n2,ok\n")
        #expect(items[1].error == CSVRecordError(line: 2, reason: .charactersAfterClosingQuote(column: 1)))
        #expect(items[2].record == CSVRecord(fields: ["2", "ok"], line: 4))
    }

    @Test func invalidUTF8RejectsOnlyThatRecord() throws {
        var bytes = Array("a,b\n1,".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\n2,\"x\"\n".utf8)
        let items = try csvRead(bytes: bytes)
        #expect(items.count == 3)
        #expect(items[1].error == CSVRecordError(line: 2, reason: .invalidUTF8(column: 2)))
        #expect(items[2].record == CSVRecord(fields: ["2", "x"], line: 3))
    }

    @Test func invalidUTF8InQuotedFieldWithDoubledQuotes() throws {
        var bytes = Array("\"\"\"".utf8)
        bytes += [0xFF]
        bytes += Array("\"\nok\n".utf8)
        let items = try csvRead(bytes: bytes)
        #expect(items[0].error == CSVRecordError(line: 1, reason: .invalidUTF8(column: 1)))
        #expect(items[1].record == CSVRecord(fields: ["ok"], line: 2))
    }

    @Test func nulBytesAreRejected() throws {
        var bytes = Array("a,b\nx,y".utf8)
        bytes += [0]
        bytes += Array("z\n\"p\(Character(UnicodeScalar(0)))q\",2\n3,4\n".utf8)
        let items = try csvRead(bytes: bytes)
        #expect(items.count == 4)
        #expect(items[1].error == CSVRecordError(line: 2, reason: .nulByte(column: 2)))
        #expect(items[2].error == CSVRecordError(line: 3, reason: .nulByte(column: 1)))
        #expect(items[3].record == CSVRecord(fields: ["3", "4"], line: 4))
    }

    @Test func recordTooLongIsReportedAndSkipped() throws {
        let text = "a\n\"" + String(repeating: "z", count: 300) + "\nb\nc\n"
        let items = try CSVReader(bytes: Array(text.utf8), chunkSize: 16, maxRecordBytes: 100).readAll()
        #expect(items[1].error == CSVRecordError(line: 2, reason: .recordTooLong(limit: 100)))
        // The open quote swallows the rest, so nothing more parses cleanly, but reading ends.
        #expect(items.count >= 2)
    }

    @Test func errorMessagesNameTheLine() {
        let error = CSVRecordError(line: 42, reason: .quoteInUnquotedField(column: 3))
        #expect(error.description.contains("line 42"))
        #expect(error.description.contains("field 3"))
    }

    @Test func fileReadingAndMissingFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-reader-\(UUID().uuidString).csv")
        try Data("x,y\n1,\"2\"\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let items = try CSVReader(path: url.path, chunkSize: 3).readAll()
        #expect(items.compactMap(\.record) == [CSVRecord(fields: ["x", "y"], line: 1), CSVRecord(fields: ["1", "2"], line: 2)])
        #expect(throws: CSVIOError.self) { _ = try CSVReader(path: url.path + ".missing") }
    }
}

@Suite("CSV UTF-8 validation")
struct CSVUTF8ValidationTests {
    @Test(arguments: [
        [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82], [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0xFF],
    ] as [[UInt8]])
    func malformedSequencesAreRejected(bytes: [UInt8]) throws {
        let items = try csvRead(bytes: Array("x,".utf8) + bytes + [0x0A])
        #expect(items.first?.error == CSVRecordError(line: 1, reason: .invalidUTF8(column: 2)))
    }

    @Test func wellFormedSequencesAreAccepted() throws {
        let text = "AbcdefghIJ,é,€,😀,\u{10FFFF},\u{D7FF}\u{E000}"
        let items = try csvRead(text + "\n")
        #expect(items.first?.record?.fields == text.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
    }
}

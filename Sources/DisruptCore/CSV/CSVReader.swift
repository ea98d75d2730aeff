import Foundation

/// A streaming RFC 4180 CSV reader.
///
/// Reads its input in chunks (1 MiB by default) and never holds more than the current chunk
/// plus the record being parsed, so memory stays flat however large the file. Each call to
/// `next()` returns one record (fields plus the physical line where it starts), one malformed
/// record as a `CSVRecordError`, or `nil` at the end.
///
/// Accepted: a UTF-8 byte order mark at the start (skipped), LF, CRLF and lone CR line endings,
/// quoted fields with embedded commas, doubled quotes and line breaks, empty fields, a last
/// line without a line break. Completely empty lines are skipped.
///
/// Recovery after a malformed record (so one bad row never costs the rest of the file):
/// - a quote inside an unquoted field, or characters after a closing quote: the rest of that
///   physical line is discarded and reading resumes on the next line (whatever its line
///   ending: LF, CRLF or a lone CR);
/// - a quoted field still open at the end of the file (or longer than `maxRecordBytes`): the
///   line where the quote opened is discarded and reading resumes on the line after it, so the
///   rows that the open quote swallowed are read normally;
/// - invalid UTF-8 or a NUL byte: the record's structure is fine, so only that record is
///   reported and nothing else is lost.
public final class CSVReader {
    /// Default read size: 1 MiB.
    public static let defaultChunkSize = 1 << 20
    /// Default ceiling for one record: 64 MiB.
    public static let defaultMaxRecordBytes = 64 << 20

    private let source: CSVByteSource
    private let chunkSize: Int
    private let maxRecordBytes: Int

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEOF = false
    private var startedReading = false
    private var skippingToNewline = false

    private var spans: [FieldSpan] = []
    private var scratch: [UInt8] = []

    /// The 1-based physical line number of the next unread byte.
    public private(set) var line = 1
    /// Bytes consumed from the input so far (for progress reporting).
    public private(set) var bytesConsumed = 0

    /// Opens the file at `path`.
    public convenience init(path: String, chunkSize: Int = CSVReader.defaultChunkSize,
                            maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) throws(CSVIOError) {
        self.init(source: try CSVByteSource(path: path), chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    /// Reads from an open file handle (which the caller keeps ownership of).
    public convenience init(fileHandle: FileHandle, chunkSize: Int = CSVReader.defaultChunkSize,
                            maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) {
        self.init(source: CSVByteSource(fileDescriptor: fileHandle.fileDescriptor),
                  chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    /// Reads from bytes in memory (tests, small inputs).
    public convenience init(bytes: [UInt8], chunkSize: Int = CSVReader.defaultChunkSize,
                            maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) {
        self.init(source: CSVByteSource(bytes: bytes), chunkSize: chunkSize, maxRecordBytes: maxRecordBytes)
    }

    /// Reads from a string's UTF-8 bytes.
    public convenience init(string: String, chunkSize: Int = CSVReader.defaultChunkSize) {
        self.init(bytes: Array(string.utf8), chunkSize: chunkSize)
    }

    init(source: CSVByteSource, chunkSize: Int, maxRecordBytes: Int) {
        self.source = source
        self.chunkSize = max(1, chunkSize)
        self.maxRecordBytes = max(1, maxRecordBytes)
        self.capacity = max(self.chunkSize, 64)
        self.buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    /// Closes the underlying file now rather than when the reader is released.
    public func close() {
        source.close()
    }

    /// The next record, the next malformed record, or `nil` at the end of the input.
    /// Throws only when the input itself cannot be read.
    public func next() throws(CSVIOError) -> Result<CSVRecord, CSVRecordError>? {
        if !startedReading { try begin() }
        // Work on a local copy of the span array (swapped, not copied) to avoid exclusivity
        // checks on every append.
        var spans: [FieldSpan] = []
        swap(&spans, &self.spans)
        defer { swap(&spans, &self.spans) }
        while true {
            if skippingToNewline {
                if let eol = findLineEnd(from: start) {
                    if buffer[eol] == CSVByte.lf {
                        consume(to: eol + 1, lines: 1)
                    } else if eol + 1 < end {
                        consume(to: buffer[eol + 1] == CSVByte.lf ? eol + 2 : eol + 1, lines: 1)
                    } else if atEOF {
                        consume(to: eol + 1, lines: 1)
                    } else {
                        // A CR at the end of the buffer: read on to see whether LF follows.
                        consume(to: eol, lines: 0)
                        try refill()
                        continue
                    }
                    skippingToNewline = false
                } else {
                    consume(to: end, lines: 0)
                    if atEOF { skippingToNewline = false; return nil }
                    try refill()
                    continue
                }
            }
            if start == end {
                if atEOF { return nil }
                try refill()
                continue
            }
            switch parseRecord(into: &spans) {
            case .blankLine(let next):
                consume(to: next, lines: 1)
            case .complete(let next, let lines, let nulColumn):
                let recordLine = line
                let result = makeRecord(spans, line: recordLine, nulColumn: nulColumn)
                consume(to: next, lines: lines)
                return result
            case .malformed(let reason, let resumeAt, let linesBefore):
                let recordLine = line
                consume(to: resumeAt, lines: linesBefore)
                skippingToNewline = true
                return .failure(CSVRecordError(line: recordLine, reason: reason))
            case .needMore(let openQuote, let linesBeforeQuote):
                if end - start >= maxRecordBytes {
                    let recordLine = line
                    if let openQuote { consume(to: openQuote, lines: linesBeforeQuote) }
                    skippingToNewline = true
                    return .failure(CSVRecordError(line: recordLine, reason: .recordTooLong(limit: maxRecordBytes)))
                }
                try refill()
            }
        }
    }

    /// Reads every remaining record into memory. Convenient for small files and tests.
    public func readAll() throws(CSVIOError) -> [Result<CSVRecord, CSVRecordError>] {
        var all: [Result<CSVRecord, CSVRecordError>] = []
        while let item = try next() { all.append(item) }
        return all
    }

    // MARK: - Buffer management

    private func begin() throws(CSVIOError) {
        startedReading = true
        while end < 3 && !atEOF { try refill() }
        if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
            start += 3
            bytesConsumed += 3
        }
    }

    private func consume(to position: Int, lines: Int) {
        bytesConsumed += position - start
        start = position
        line += lines
    }

    /// Keeps the unconsumed bytes, makes room, and reads at least one more chunk (or hits EOF).
    private func refill() throws(CSVIOError) {
        let remaining = end - start
        if start > 0 {
            if remaining > 0 { buffer.update(from: buffer + start, count: remaining) }
            start = 0
            end = remaining
        }
        // Read at least as much again as the partial record holds, so a huge record costs
        // linear (not quadratic) re-scanning.
        let want = max(chunkSize, remaining)
        if capacity - end < want {
            let newCapacity = end + want
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            if end > 0 { grown.update(from: buffer, count: end) }
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        let n = try source.read(into: buffer + end, count: want)
        if n == 0 { atEOF = true } else { end += n }
    }

    /// The next line ending (LF, or CR: a lone CR or the start of CRLF) at or after `position`.
    private func findLineEnd(from position: Int) -> Int? {
        var i = position
        while i < end {
            if buffer[i] == CSVByte.lf || buffer[i] == CSVByte.cr { return i }
            i += 1
        }
        return nil
    }

    // MARK: - Parsing

    private struct FieldSpan {
        var start: Int
        var end: Int
        var hasDoubledQuotes: Bool
    }

    private enum ParseOutcome {
        case complete(next: Int, lines: Int, nulColumn: Int?)
        case blankLine(next: Int)
        case malformed(CSVRecordError.Reason, resumeAt: Int, linesBefore: Int)
        case needMore(openQuote: Int?, linesBeforeQuote: Int)
    }

    /// Parses one record starting at `start`, recording field spans. Does not move `start`.
    private func parseRecord(into spans: inout [FieldSpan]) -> ParseOutcome {
        spans.removeAll(keepingCapacity: true)
        let buf = buffer
        let end = self.end
        let eof = atEOF
        var i = start
        var lines = 0
        var nulColumn: Int?

        // A line with nothing on it is skipped rather than read as one empty field.
        let first = buf[i]
        if first == CSVByte.lf { return .blankLine(next: i + 1) }
        if first == CSVByte.cr {
            if i + 1 < end {
                return .blankLine(next: buf[i + 1] == CSVByte.lf ? i + 2 : i + 1)
            }
            if eof { return .blankLine(next: i + 1) }
            return .needMore(openQuote: nil, linesBeforeQuote: 0)
        }

        while true {
            let column = spans.count + 1
            if i < end && buf[i] == CSVByte.quote {
                // Quoted field.
                let openQuote = i
                let linesBeforeQuote = lines
                i += 1
                let fieldStart = i
                var doubled = false
                var fieldEnd = -1
                while fieldEnd < 0 {
                    if i >= end {
                        if eof {
                            return .malformed(.unterminatedQuote(column: column), resumeAt: openQuote, linesBefore: linesBeforeQuote)
                        }
                        return .needMore(openQuote: openQuote, linesBeforeQuote: linesBeforeQuote)
                    }
                    let b = buf[i]
                    if b == CSVByte.quote {
                        if i + 1 >= end && !eof {
                            return .needMore(openQuote: openQuote, linesBeforeQuote: linesBeforeQuote)
                        }
                        if i + 1 < end && buf[i + 1] == CSVByte.quote {
                            doubled = true
                            i += 2
                        } else {
                            fieldEnd = i
                            i += 1
                        }
                    } else {
                        if b == CSVByte.lf {
                            lines += 1
                        } else if b == 0 && nulColumn == nil {
                            nulColumn = column
                        }
                        i += 1
                    }
                }
                spans.append(FieldSpan(start: fieldStart, end: fieldEnd, hasDoubledQuotes: doubled))
                if i >= end {
                    if eof { return .complete(next: i, lines: lines, nulColumn: nulColumn) }
                    return .needMore(openQuote: nil, linesBeforeQuote: 0)
                }
                let after = buf[i]
                if after == CSVByte.comma {
                    i += 1
                    if i >= end && eof {
                        spans.append(FieldSpan(start: i, end: i, hasDoubledQuotes: false))
                        return .complete(next: i, lines: lines, nulColumn: nulColumn)
                    }
                    continue
                }
                if after == CSVByte.lf { return .complete(next: i + 1, lines: lines + 1, nulColumn: nulColumn) }
                if after == CSVByte.cr {
                    if i + 1 < end { return .complete(next: buf[i + 1] == CSVByte.lf ? i + 2 : i + 1, lines: lines + 1, nulColumn: nulColumn) }
                    if eof { return .complete(next: i + 1, lines: lines + 1, nulColumn: nulColumn) }
                    return .needMore(openQuote: nil, linesBeforeQuote: 0)
                }
                return .malformed(.charactersAfterClosingQuote(column: column), resumeAt: i, linesBefore: lines)
            }

            // Unquoted field: every special byte (NUL, LF, CR, quote, comma) is <= 0x2C.
            let fieldStart = i
            while i < end {
                let b = buf[i]
                if b > CSVByte.comma { i += 1; continue }
                if b == CSVByte.comma || b == CSVByte.lf || b == CSVByte.cr || b == CSVByte.quote { break }
                if b == 0 && nulColumn == nil { nulColumn = column }
                i += 1
            }
            if i >= end {
                if eof {
                    spans.append(FieldSpan(start: fieldStart, end: i, hasDoubledQuotes: false))
                    return .complete(next: i, lines: lines, nulColumn: nulColumn)
                }
                return .needMore(openQuote: nil, linesBeforeQuote: 0)
            }
            let b = buf[i]
            spans.append(FieldSpan(start: fieldStart, end: i, hasDoubledQuotes: false))
            if b == CSVByte.comma {
                i += 1
                if i >= end && eof {
                    spans.append(FieldSpan(start: i, end: i, hasDoubledQuotes: false))
                    return .complete(next: i, lines: lines, nulColumn: nulColumn)
                }
                continue
            }
            if b == CSVByte.lf { return .complete(next: i + 1, lines: lines + 1, nulColumn: nulColumn) }
            if b == CSVByte.cr {
                if i + 1 < end { return .complete(next: buf[i + 1] == CSVByte.lf ? i + 2 : i + 1, lines: lines + 1, nulColumn: nulColumn) }
                if eof { return .complete(next: i + 1, lines: lines + 1, nulColumn: nulColumn) }
                return .needMore(openQuote: nil, linesBeforeQuote: 0)
            }
            // A quote in the middle of an unquoted field.
            return .malformed(.quoteInUnquotedField(column: column), resumeAt: i, linesBefore: lines)
        }
    }

    /// Turns the recorded spans into Strings, checking UTF-8.
    private func makeRecord(_ spans: [FieldSpan], line: Int, nulColumn: Int?) -> Result<CSVRecord, CSVRecordError> {
        if let nulColumn {
            return .failure(CSVRecordError(line: line, reason: .nulByte(column: nulColumn)))
        }
        var fields: [String] = []
        fields.reserveCapacity(spans.count)
        let buf = buffer
        for (index, span) in spans.enumerated() {
            let decoded: String?
            if span.hasDoubledQuotes {
                decoded = undoubled(span)
            } else {
                decoded = UTF8Validation.string(buf + span.start, count: span.end - span.start)
            }
            guard let decoded else {
                return .failure(CSVRecordError(line: line, reason: .invalidUTF8(column: index + 1)))
            }
            fields.append(decoded)
        }
        return .success(CSVRecord(fields: fields, line: line))
    }

    private func undoubled(_ span: FieldSpan) -> String? {
        scratch.removeAll(keepingCapacity: true)
        var i = span.start
        while i < span.end {
            let b = buffer[i]
            scratch.append(b)
            i += (b == CSVByte.quote) ? 2 : 1
        }
        if scratch.isEmpty { return "" }
        return scratch.withUnsafeBufferPointer { UTF8Validation.string($0.baseAddress!, count: $0.count) }
    }
}

/// Byte values the CSV code cares about.
enum CSVByte {
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
}

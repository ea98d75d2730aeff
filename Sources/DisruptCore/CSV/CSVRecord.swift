/// One parsed CSV record: its fields and the 1-based physical line of the file where it starts.
///
/// Quoted fields may contain line breaks, so a record can span several physical lines; `line`
/// is where the record begins (the header is line 1).
public struct CSVRecord: Sendable, Equatable {
    /// The decoded fields, in file order. Quoting is removed and doubled quotes are undoubled.
    public var fields: [String]
    /// The 1-based physical line number where this record starts.
    public var line: Int

    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}

/// A record that could not be parsed. The reader reports it and carries on with the next record.
public struct CSVRecordError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why a record was rejected. `column` is the 1-based field position where the problem was found.
    public enum Reason: Sendable, Equatable {
        /// A quoted field was still open at the end of the file (or when `maxRecordBytes` was reached).
        case unterminatedQuote(column: Int)
        /// A `"` appeared inside a field that did not start with a quote.
        case quoteInUnquotedField(column: Int)
        /// Something other than a comma or line break followed a closing quote.
        case charactersAfterClosingQuote(column: Int)
        /// The field's bytes are not valid UTF-8.
        case invalidUTF8(column: Int)
        /// The field contains a NUL (0x00) byte, which PostgreSQL text cannot hold.
        case nulByte(column: Int)
        /// The record grew beyond the reader's `maxRecordBytes` without ending.
        case recordTooLong(limit: Int)
    }

    /// The 1-based physical line where the bad record starts.
    public var line: Int
    public var reason: Reason

    public init(line: Int, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .unterminatedQuote(let column):
            return "line \(line): field \(column): quoted field is never closed (missing closing quote)"
        case .quoteInUnquotedField(let column):
            return "line \(line): field \(column): quote character inside an unquoted field (quote the whole field and double the inner quotes)"
        case .charactersAfterClosingQuote(let column):
            return "line \(line): field \(column): unexpected characters after a closing quote (expected a comma or end of line)"
        case .invalidUTF8(let column):
            return "line \(line): field \(column): not valid UTF-8 text (save the file as UTF-8)"
        case .nulByte(let column):
            return "line \(line): field \(column): contains a NUL (zero) byte"
        case .recordTooLong(let limit):
            return "line \(line): record longer than \(limit) bytes (probably an unclosed quote)"
        }
    }
}

/// A failure to open, read or write the underlying file (as opposed to a malformed record).
public struct CSVIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String?
    public var message: String

    public init(path: String?, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}

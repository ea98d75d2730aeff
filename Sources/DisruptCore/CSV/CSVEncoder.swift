/// How `CSVEncoder` and `CSVWriter` write records.
public struct CSVWriteOptions: Sendable, Equatable {
    /// Line terminator after each record.
    public enum LineEnding: Sendable, Equatable {
        case lf
        case crlf
    }

    /// When true, an empty string is written as `""` and a `nil` field as nothing, so
    /// PostgreSQL's `COPY ... (FORMAT csv)` reads `nil` as NULL and `""` as an empty string.
    /// When false both are written as nothing.
    public var quoteEmptyStrings: Bool
    public var lineEnding: LineEnding
    /// For files people open in a spreadsheet: a cell that begins with `=`, `+`, `-`, `@`,
    /// tab or carriage return is written with a `'` in front, so it is shown as text and
    /// never run as a formula (CSV formula injection).
    public var neutraliseFormulas: Bool

    public init(quoteEmptyStrings: Bool = false, lineEnding: LineEnding = .lf, neutraliseFormulas: Bool = false) {
        self.quoteEmptyStrings = quoteEmptyStrings
        self.lineEnding = lineEnding
        self.neutraliseFormulas = neutraliseFormulas
    }

    /// Plain CSV files: LF line endings, empty and `nil` both written as nothing.
    public static let standard = CSVWriteOptions()
    /// A PostgreSQL `COPY FROM STDIN (FORMAT csv)` stream: `nil` is NULL, `""` is an empty string.
    public static let postgresCopy = CSVWriteOptions(quoteEmptyStrings: true, lineEnding: .lf)
    /// A file for people and spreadsheets: like `standard`, with formula cells neutralised.
    public static let spreadsheet = CSVWriteOptions(neutraliseFormulas: true)
}

/// Encodes fields and records as RFC 4180 CSV bytes, appending to a caller-owned buffer.
///
/// A field is quoted when it contains a comma, quote, CR or LF, when it starts or ends with a
/// space or tab, when it is exactly `\.` (PostgreSQL's end-of-data marker), or when it is empty
/// and `quoteEmptyStrings` is set. Quotes inside a quoted field are doubled.
public enum CSVEncoder {
    /// Appends one field (without a separator). `nil` is written as nothing.
    @inlinable
    public static func appendField(_ field: String?, to buffer: inout [UInt8], quoteEmptyStrings: Bool) {
        guard var field else { return }
        field.withUTF8 { bytes in
            appendField(bytes: bytes, to: &buffer, quoteEmptyStrings: quoteEmptyStrings)
        }
    }

    /// Appends one field given as UTF-8 bytes (without a separator).
    public static func appendField(bytes: UnsafeBufferPointer<UInt8>, to buffer: inout [UInt8], quoteEmptyStrings: Bool) {
        let count = bytes.count
        if count == 0 {
            if quoteEmptyStrings {
                buffer.append(CSVByte.quote)
                buffer.append(CSVByte.quote)
            }
            return
        }
        var needsQuotes = false
        var hasQuote = false
        let first = bytes[0], last = bytes[count - 1]
        if first == CSVByte.space || first == CSVByte.tab || last == CSVByte.space || last == CSVByte.tab {
            needsQuotes = true
        } else if count == 2 && first == 0x5C && last == 0x2E {
            needsQuotes = true // "\." alone would end a COPY stream
        }
        for b in bytes where b <= CSVByte.comma {
            if b == CSVByte.quote {
                hasQuote = true
                needsQuotes = true
                break
            }
            if b == CSVByte.comma || b == CSVByte.lf || b == CSVByte.cr { needsQuotes = true }
        }
        if !needsQuotes {
            buffer.append(contentsOf: bytes)
            return
        }
        buffer.append(CSVByte.quote)
        if hasQuote {
            var segmentStart = 0
            for i in 0..<count where bytes[i] == CSVByte.quote {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart...i]))
                buffer.append(CSVByte.quote)
                segmentStart = i + 1
            }
            if segmentStart < count {
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<count]))
            }
        } else {
            buffer.append(contentsOf: bytes)
        }
        buffer.append(CSVByte.quote)
    }

    /// Appends a record terminated by the line ending. `nil` fields are written as nothing.
    @inlinable
    public static func appendRecord<Fields: Sequence<String?>>(
        _ fields: Fields, to buffer: inout [UInt8], options: CSVWriteOptions = .standard
    ) {
        var first = true
        for field in fields {
            if !first { buffer.append(0x2C) }
            first = false
            appendField(options.neutraliseFormulas ? field.map(neutralised) : field, to: &buffer, quoteEmptyStrings: options.quoteEmptyStrings)
        }
        appendLineEnding(to: &buffer, options: options)
    }

    /// Appends a record of non-optional fields terminated by the line ending.
    @inlinable
    public static func appendRecord<Fields: Sequence<String>>(
        _ fields: Fields, to buffer: inout [UInt8], options: CSVWriteOptions = .standard
    ) {
        var first = true
        for field in fields {
            if !first { buffer.append(0x2C) }
            first = false
            appendField(options.neutraliseFormulas ? neutralised(field) : field, to: &buffer, quoteEmptyStrings: options.quoteEmptyStrings)
        }
        appendLineEnding(to: &buffer, options: options)
    }

    /// A cell a spreadsheet would run as a formula, with `'` in front; other cells unchanged.
    public static func neutralised(_ field: String) -> String {
        guard let first = field.utf8.first, [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains(first) else { return field }
        return "'" + field
    }

    /// Appends the configured line ending.
    @inlinable
    public static func appendLineEnding(to buffer: inout [UInt8], options: CSVWriteOptions) {
        if options.lineEnding == .crlf { buffer.append(0x0D) }
        buffer.append(0x0A)
    }

    /// One record as bytes.
    public static func encode(_ fields: [String?], options: CSVWriteOptions = .standard) -> [UInt8] {
        var buffer: [UInt8] = []
        appendRecord(fields, to: &buffer, options: options)
        return buffer
    }
}

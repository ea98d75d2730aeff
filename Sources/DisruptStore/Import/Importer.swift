import DisruptCore
import Foundation
import Postgres

/// Imports one CSV file of one kind in a single transaction, streaming it (memory stays flat
/// however large the file); the transaction first opens its consultation (`Consultation`):
///
/// 1. `disrupt.import_stage(kind)` creates `stage_<kind>` (dropped at commit) and returns the
///    kind's header, declared once in the database (SQL/definitions/import.sql); the file's first row must match it;
/// 2. read the file with `CSVReader` and `COPY` each record into the stage table, line number
///    first, in ~1 MiB batches (an empty field is NULL); records the CSV layer refuses (bad
///    quoting, wrong field count, invalid UTF-8, NUL) go to a temporary spool file instead;
/// 3. `SELECT * FROM disrupt.import_run(kind, default_agency, FILE NAME)`: the set-based
///    validation and merge SQL/definitions/import.sql builds from the declaration (it marks its
///    statement, so the audit log records imported rows as key, person and file);
/// 4. merge the spool and the rejected stage rows, in line order, into `FILE.rejects.csv`;
/// 5. COMMIT, or ROLLBACK for a dry run or a strict import with rejects.
public struct Importer {
    /// Options of one import.
    public struct Options: Sendable {
        /// Do everything, then roll back.
        public var dryRun = false
        /// Roll back when any row is rejected.
        public var strict = false
        /// The agency for kinds without an agency column (administrators only; NULL = the
        /// caller's agency, or 'police' for an install administrator without a staff row).
        public var defaultAgency: String?
        /// Bytes sent per COPY batch.
        public var batchBytes = 1 << 20

        public init(dryRun: Bool = false, strict: Bool = false, defaultAgency: String? = nil) {
            self.dryRun = dryRun
            self.strict = strict
            self.defaultAgency = defaultAgency
        }
    }

    /// How many rejects the report carries for display (all of them go to the rejects file).
    public static let rejectPreviewLimit = 20

    public let kind: ImportKind
    public let path: String
    public let options: Options

    public init(kind: ImportKind, path: String, options: Options = Options()) {
        self.kind = kind
        self.path = path
        self.options = options
    }

    /// Where the rejects file goes when it can: next to the input.
    public var rejectsPath: String { path + ".rejects.csv" }

    /// Runs the import. `progress` is called after each COPY batch with the bytes and records
    /// read so far. Throws a usage error (exit 2) for a missing file or a wrong header.
    public func run(on db: PostgresConnection, progress: ((_ bytes: Int, _ records: Int) -> Void)? = nil) throws -> ImportReport {
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path)
        } catch {
            throw StoreError(.usage, "cannot read \(path): \(error.message)")
        }
        defer { reader.close() }

        let spool = try RejectSpool()
        defer { spool.remove() }
        var report = ImportReport()
        do {
            // refs are resolved and rows merged under the caller's row-level security: reading
            // personal data, so the import opens its consultation (committed) first
            try Consultation(purpose: "disrupt import: \(kind.rawValue) records from \(sourceName)", scope: "import").open(on: db)
            // The stage table is temporary: with the default 8 MB of temp buffers a large file's
            // stage is written out and read back on every pass (COPY, ANALYZE, import_run, the
            // rejects). The server takes the buffers only as the stage fills them. The setting
            // can only change before the session's first temporary table: a connection that
            // already had one (a second import on it) keeps what it has.
            _ = try? db.execute("SET temp_buffers = '256MB'")
            try db.transaction {
                let columns = try db.query("SELECT column_name FROM disrupt.import_stage(\(kind.rawValue))")
                    .map { try $0.decode("column_name", as: String.self) }
                try checkHeader(reader, columns: columns)
                try copyRecords(from: reader, columns: columns, into: db, spool: spool, progress: progress)
                try db.execute("SELECT disrupt.import_stage_analyze(\(kind.rawValue))")
                // import_run marks its statement with this file: the audit trigger logs imported rows as
                // key + person + file (definitions/foundation.sql, security.sql)
                let counts = try db.query("SELECT * FROM disrupt.import_run(\(kind.rawValue), \(options.defaultAgency), \(sourceName))")
                guard let row = counts.first else { throw StoreError(.failure, "disrupt.import_run returned no counts") }
                report.inserted = try row.decode("inserted", as: Int.self)
                report.updated = try row.decode("updated", as: Int.self)
                report.unchanged = try row.decode("unchanged", as: Int.self)
                report.rejected = try row.decode("rejected", as: Int.self) + spool.count
                if report.rejected > 0 { try writeRejects(db: db, columns: columns, spool: spool, report: &report) }
                if options.dryRun || (options.strict && report.rejected > 0) { throw RollBack() }
            }
        } catch is RollBack {
            report.rolledBack = true
        }
        if report.rejected == 0 { try? FileManager.default.removeItem(atPath: rejectsPath) }
        return report
    }

    /// The input's file name, recorded in the audit log as where imported rows came from.
    private var sourceName: String { URL(fileURLWithPath: path).lastPathComponent }

    /// Thrown inside the transaction to end it with ROLLBACK.
    private struct RollBack: Error {}

    private func checkHeader(_ reader: CSVReader, columns: [String]) throws {
        let expected = columns.joined(separator: ",")
        let first: Result<CSVRecord, CSVRecordError>?
        do { first = try reader.next() } catch { throw StoreError(.usage, "cannot read \(path): \(error.message)") }
        switch first {
        case nil:
            throw StoreError(.usage, "\(path) is empty: a \(kind.rawValue) file starts with the header row \(expected)")
        case .failure(let error):
            throw StoreError(.usage, "\(path): the header row cannot be read (\(error))", hint: "The first line must be: \(expected)")
        case .success(let header) where header.fields != columns:
            throw StoreError(
                .usage, "\(path) does not have the \(kind.rawValue) header.\n  expected: \(expected)\n  found:    \(header.fields.joined(separator: ","))",
                hint: "Check the KIND (disrupt help import) or fix the file's first line.")
        case .success:
            return
        }
    }

    private func copyRecords(from reader: CSVReader, columns: [String], into db: PostgresConnection, spool: RejectSpool,
                             progress: ((Int, Int) -> Void)?) throws {
        let stageColumns = (["line"] + columns).map(PostgresQuery.quoteIdentifier).joined(separator: ", ")
        // FREEZE: the stage was created in this transaction, so its rows are written frozen and
        // the scans that follow need not set hint bits on (rewrite) every page
        let copy = "COPY pg_temp.\(kind.stageTable) (\(stageColumns)) FROM STDIN (FORMAT csv, FREEZE)"
        let batchBytes = options.batchBytes
        try db.copyIn(PostgresQuery(unsafeSQL: copy)) { writer in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(batchBytes + 65_536)
            var fields: [String?] = []
            fields.reserveCapacity(columns.count + 1)
            var records = 0
            while true {
                let next: Result<CSVRecord, CSVRecordError>?
                do { next = try reader.next() } catch { throw StoreError(.failure, "reading \(path) failed: \(error)") }
                guard let next else { break }
                records += 1
                switch next {
                case .failure(let error):
                    try spool.add(Self.reject(for: error, columns: columns))
                case .success(let record) where record.fields.count != columns.count:
                    try spool.add(Self.countReject(record, columns: columns))
                case .success(let record):
                    fields.removeAll(keepingCapacity: true)
                    fields.append(String(record.line))
                    for field in record.fields { fields.append(field.isEmpty ? nil : field) }
                    CSVEncoder.appendRecord(fields, to: &buffer, options: .postgresCopy)
                    if buffer.count >= batchBytes {
                        try writer.write(buffer)
                        buffer.removeAll(keepingCapacity: true)
                        progress?(reader.bytesConsumed, records)
                    }
                }
            }
            try writer.write(buffer)
            progress?(reader.bytesConsumed, records)
        }
    }

    static func reject(for error: CSVRecordError, columns: [String]) -> ImportReject {
        func name(_ index: Int) -> String { index >= 1 && index <= columns.count ? columns[index - 1] : "field \(index)" }
        let column: String
        let reason: String
        switch error.reason {
        case .unterminatedQuote(let c): (column, reason) = (name(c), "quoted field is never closed (missing closing quote)")
        case .quoteInUnquotedField(let c): (column, reason) = (name(c), "quote inside an unquoted field (quote the whole field and double the inner quotes)")
        case .charactersAfterClosingQuote(let c): (column, reason) = (name(c), "characters after a closing quote (expected a comma or end of line)")
        case .invalidUTF8(let c): (column, reason) = (name(c), "not valid UTF-8 text (save the file as UTF-8)")
        case .nulByte(let c): (column, reason) = (name(c), "contains a NUL (zero) byte")
        case .recordTooLong(let limit): (column, reason) = (columns[0], "record longer than \(limit) bytes (probably an unclosed quote)")
        }
        return ImportReject(line: error.line, column: column, reason: reason, fields: [])
    }

    static func countReject(_ record: CSVRecord, columns: [String]) -> ImportReject {
        let found = record.fields.count
        let column = found < columns.count ? columns[found] : "field \(columns.count + 1)"
        return ImportReject(line: record.line, column: column,
                            reason: "expected \(columns.count) fields, found \(found)", fields: record.fields)
    }

    /// Writes every reject, in line order, to the rejects file (next to the input, else in the
    /// temporary directory) and keeps the first few for the report.
    private func writeRejects(db: PostgresConnection, columns: [String], spool: RejectSpool, report: inout ImportReport) throws {
        let (writer, location, note) = try openRejectsFile()
        report.rejectsFile = location
        report.rejectsFileNote = note
        try writer.write(["line", "column", "reason"] + columns)
        var preview: [ImportReject] = []
        func emit(_ reject: ImportReject) throws {
            try writer.write([String(reject.line), reject.column, reject.reason] + reject.fields)
            if preview.count < Self.rejectPreviewLimit { preview.append(reject) }
        }
        let pending = try spool.reader()
        var next = try pending.next()
        let selected = columns.map(PostgresQuery.quoteIdentifier).joined(separator: ", ")
        try db.forEachRow(PostgresQuery(unsafeSQL: """
            SELECT line, reject_column, reject_reason, \(selected) FROM pg_temp.\(kind.stageTable)
            WHERE reject_reason IS NOT NULL ORDER BY line
            """)) { row in
            let reject = ImportReject(
                line: try row["line"], column: try row["reject_column"] ?? "",
                reason: try row["reject_reason"], fields: try columns.map { (try row[$0] as String?) ?? "" })
            while let early = next, early.line < reject.line {
                try emit(early)
                next = try pending.next()
            }
            try emit(reject)
        }
        while let early = next {
            try emit(early)
            next = try pending.next()
        }
        try writer.close()
        report.firstRejects = preview
    }

    private func openRejectsFile() throws -> (RejectsFile, String, String?) {
        let file = try RejectsFile(preferred: rejectsPath, inputPath: path)
        return (file, file.path, file.note)
    }
}

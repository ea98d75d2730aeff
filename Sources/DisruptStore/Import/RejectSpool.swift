import DisruptCore
import Foundation

/// Rejects found while reading the CSV (before the database sees the rows), kept in a
/// temporary file so that memory stays flat even when every record is malformed. They are
/// written in line order, so they can be merged with the database's rejects by line.
final class RejectSpool {
    private let path: String
    private let writer: CSVWriter
    /// Rejects added so far.
    private(set) var count = 0

    init() throws {
        path = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("disrupt-rejects-\(UUID().uuidString).csv").path
        writer = try CSVWriter(path: path)
        // Personal data may be in the fields: readable by this user only.
        chmod(path, 0o600)
    }

    func add(_ reject: ImportReject) throws {
        try writer.write([String(reject.line), reject.column, reject.reason] + reject.fields)
        count += 1
    }

    /// Reads the rejects back, in the order they were added.
    func reader() throws -> Cursor {
        try writer.close()
        return Cursor(reader: try CSVReader(path: path))
    }

    func remove() {
        try? writer.close()
        unlink(path)
    }

    /// Iterates over the spooled rejects.
    struct Cursor {
        let reader: CSVReader

        func next() throws -> ImportReject? {
            guard case .success(let record)? = try reader.next(), record.fields.count >= 3, let line = Int(record.fields[0]) else { return nil }
            return ImportReject(line: line, column: record.fields[1], reason: record.fields[2], fields: Array(record.fields.dropFirst(3)))
        }
    }
}

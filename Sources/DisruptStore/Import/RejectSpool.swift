import DisruptCore
import Foundation

/// Rejects found while reading the CSV (before the database sees the rows), kept in a
/// temporary file so that memory stays flat even when every record is malformed. They are
/// written in line order, so they can be merged with the database's rejects by line.
/// Personal data may be in the fields: the file lives in this run's private temporary
/// directory (0700), which is removed on every exit path (see `PrivateTemporaryDirectory`).
final class RejectSpool {
    private let directory: PrivateTemporaryDirectory
    private let path: String
    private let writer: CSVWriter
    /// Rejects added so far.
    private(set) var count = 0

    init() throws {
        directory = try PrivateTemporaryDirectory()
        path = directory.file("rejects.csv")
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError(.failure, "cannot create the reject spool \(path) (errno \(errno))") }
        writer = CSVWriter(fileHandle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
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
        directory.remove()
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

/// The rejects file people open (often in a spreadsheet): written atomically and readable by
/// its owner only (`PrivateFile`), with formula cells neutralised (`CSVWriteOptions.spreadsheet`).
/// It goes next to the input when that directory is writable, else into the private base
/// directory `$DISRUPT_HOME/tmp` (0700), else into a new `disrupt-rejects-XXXXXX` directory
/// (`mkdtemp`: 0700, an unpredictable name) in the system's temporary directory; never to a
/// predictable name in a shared directory. Where it went is reported (`note`).
final class RejectsFile {
    let path: String
    /// Why the file is not next to the input, when it is not.
    let note: String?
    private let file: PrivateFile
    private let writer: CSVWriter

    init(preferred: String, inputPath: String) throws {
        if let file = try? PrivateFile(replacing: preferred) {
            (self.file, path, note) = (file, preferred, nil)
        } else {
            let name = URL(fileURLWithPath: inputPath).lastPathComponent + ".rejects.csv"
            let directory = try PrivateTemporaryDirectory.base(environment: ProcessInfo.processInfo.environment) ?? Self.makeDirectory()
            let fallback = directory + "/" + name
            do {
                (self.file, path, note) = (try PrivateFile(replacing: fallback), fallback, "\(preferred) is not writable")
            } catch {
                throw StoreError(.failure, "cannot write the rejects file \(preferred) nor \(fallback)")
            }
        }
        writer = CSVWriter(fileHandle: file.handle, options: .spreadsheet)
    }

    /// A new private directory for the rejects file, kept for the user to open.
    private static func makeDirectory() throws -> String {
        let base = PrivateTemporaryDirectory.systemTemporaryDirectory
        var template = Array((base + "/disrupt-rejects-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw StoreError(.failure, "cannot write the rejects file: no private directory could be made in \(base) (errno \(errno))")
        }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func write(_ fields: [String]) throws { try writer.write(fields) }

    /// Finishes the file and puts it in place.
    func close() throws {
        try writer.close()
        try file.commit()
    }
}

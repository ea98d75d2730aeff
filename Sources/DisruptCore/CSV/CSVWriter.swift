import Foundation

/// A buffered RFC 4180 CSV writer to a file or file handle.
///
/// Records are encoded with `CSVEncoder` into an in-memory buffer that is written out whenever
/// it passes `flushThreshold` bytes (1 MiB by default) and on `flush()` / `close()`.
public final class CSVWriter {
    public let options: CSVWriteOptions
    private let handle: FileHandle
    private let ownsHandle: Bool
    private let flushThreshold: Int
    private var buffer: [UInt8] = []
    private var closed = false

    /// Records written so far.
    public private(set) var recordCount = 0
    /// Bytes handed to the file so far (not counting what is still buffered).
    public private(set) var bytesFlushed = 0

    /// Writes to an open handle; the caller keeps ownership and closes it.
    public init(fileHandle: FileHandle, options: CSVWriteOptions = .standard, flushThreshold: Int = 1 << 20) {
        self.handle = fileHandle
        self.ownsHandle = false
        self.options = options
        self.flushThreshold = max(1, flushThreshold)
        buffer.reserveCapacity(self.flushThreshold + 4096)
    }

    /// Creates (or truncates) the file at `path`.
    public init(path: String, options: CSVWriteOptions = .standard, flushThreshold: Int = 1 << 20) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CSVIOError(path: path, message: "cannot create file")
        }
        self.handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        self.ownsHandle = true
        self.options = options
        self.flushThreshold = max(1, flushThreshold)
        buffer.reserveCapacity(self.flushThreshold + 4096)
    }

    deinit {
        if ownsHandle && !closed { try? handle.close() }
    }

    /// Writes one record; `nil` fields are written as nothing (NULL under `.postgresCopy`).
    public func write(_ fields: [String?]) throws {
        CSVEncoder.appendRecord(fields, to: &buffer, options: options)
        recordCount += 1
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Writes one record of non-optional fields.
    public func write(_ fields: [String]) throws {
        CSVEncoder.appendRecord(fields, to: &buffer, options: options)
        recordCount += 1
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Writes the buffered bytes to the file.
    public func flush() throws {
        if buffer.isEmpty { return }
        try handle.write(contentsOf: buffer)
        bytesFlushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, and closes the file if this writer opened it.
    public func close() throws {
        if closed { return }
        try flush()
        closed = true
        if ownsHandle { try handle.close() }
    }
}

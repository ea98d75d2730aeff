#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Where a `CSVReader` gets its bytes: a file descriptor (read with `read(2)` straight into the
/// reader's buffer) or an in-memory byte array.
final class CSVByteSource {
    private enum Kind {
        case descriptor(Int32, closeWhenDone: Bool)
        case bytes([UInt8], offset: Int)
    }

    private var kind: Kind
    let path: String?

    init(path: String) throws(CSVIOError) {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            throw CSVIOError(path: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.kind = .descriptor(fd, closeWhenDone: true)
        self.path = path
    }

    init(fileDescriptor: Int32) {
        self.kind = .descriptor(fileDescriptor, closeWhenDone: false)
        self.path = nil
    }

    init(bytes: [UInt8]) {
        self.kind = .bytes(bytes, offset: 0)
        self.path = nil
    }

    deinit { close() }

    /// Reads up to `count` bytes into `into`; returns 0 at end of input.
    func read(into: UnsafeMutablePointer<UInt8>, count: Int) throws(CSVIOError) -> Int {
        switch kind {
        case .descriptor(let fd, _):
            while true {
                #if canImport(Darwin)
                let n = Darwin.read(fd, into, count)
                #elseif canImport(Musl)
                let n = Musl.read(fd, into, count)
                #else
                let n = Glibc.read(fd, into, count)
                #endif
                if n >= 0 { return n }
                if errno == EINTR { continue }
                throw CSVIOError(path: path, message: "read failed: \(String(cString: strerror(errno)))")
            }
        case .bytes(let bytes, let offset):
            let n = min(count, bytes.count - offset)
            if n <= 0 { return 0 }
            bytes.withUnsafeBufferPointer { source in
                into.update(from: source.baseAddress! + offset, count: n)
            }
            kind = .bytes(bytes, offset: offset + n)
            return n
        }
    }

    /// Closes a descriptor this source opened itself. Safe to call more than once.
    func close() {
        if case .descriptor(let fd, let owned) = kind {
            if owned {
                #if canImport(Darwin)
                _ = Darwin.close(fd)
                #elseif canImport(Musl)
                _ = Musl.close(fd)
                #else
                _ = Glibc.close(fd)
                #endif
            }
            kind = .bytes([], offset: 0)
        }
    }
}

import CLibPQ

/// Sends the data of a `COPY ... FROM STDIN`. Only valid inside `copyIn`'s closure.
public struct PostgresCopyWriter: ~Copyable {
    let handle: OpaquePointer
    let connection: PostgresConnection

    /// Sends bytes exactly as given (for `FORMAT csv`, complete CSV records).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        let sent = PQputCopyData(handle, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        if sent != 1 { throw connection.connectionError(handle, during: "COPY") }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

extension PostgresConnection {
    /// Runs a `COPY ... FROM STDIN` statement and streams its data from `body`. When `body`
    /// throws, the COPY is aborted (the server discards it) and the error is rethrown. Returns
    /// the number of rows copied.
    @discardableResult
    public func copyIn(_ statement: PostgresQuery, _ body: (borrowing PostgresCopyWriter) throws -> Void) throws -> Int {
        try lock.withLock {
            let handle = try liveHandle()
            guard let start = PQexec(handle, statement.sql) else { throw connectionError(handle, during: "COPY") }
            let status = PQresultStatus(start)
            if status != PGRES_COPY_IN {
                _ = try consume(start, handle: handle)
                throw PostgresError(code: .unexpectedResult, message: "the statement did not start a COPY FROM STDIN")
            }
            PQclear(start)
            var failure: Error?
            do {
                try body(PostgresCopyWriter(handle: handle, connection: self))
            } catch {
                failure = error
            }
            let ended = failure == nil ? PQputCopyEnd(handle, nil) : PQputCopyEnd(handle, "aborted by the client")
            if ended != 1, failure == nil { failure = connectionError(handle, during: "COPY") }
            var copied = 0
            while let result = PQgetResult(handle) {
                do {
                    copied = try consume(result, handle: handle).affectedRows
                } catch {
                    if failure == nil { failure = error }
                }
            }
            if let failure { throw failure }
            return copied
        }
    }
}

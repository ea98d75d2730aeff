import CLibPQ
import Foundation

extension PostgresConnection {
    /// Runs one statement with its parameters (`PQexecParams`) and returns its rows.
    @discardableResult
    public func query(_ query: PostgresQuery) throws -> PostgresRows {
        try lock.withLock {
            let handle = try liveHandle()
            return try consume(try send(query, on: handle, binary: false), handle: handle)
        }
    }

    /// Runs one statement with its parameters (`PQexecParams`), its results in text or binary
    /// format; the caller checks and clears libpq's result. Call while holding `lock`.
    func send(_ query: PostgresQuery, on handle: OpaquePointer, binary: Bool) throws -> OpaquePointer? {
        let texts = try query.binds.map { try $0.text() }
        return withCStringArray(texts) { pointers in
            PQexecParams(handle, query.sql, Int32(texts.count), nil, pointers, nil, nil, binary ? 1 : 0)
        }
    }

    /// Runs one statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ query: PostgresQuery) throws -> Int {
        try self.query(query).affectedRows
    }

    /// Runs SQL text that takes no parameters and may hold several statements (a migration),
    /// with the simple query protocol. Never pass text that contains user input.
    public func executeScript(unsafeSQL sql: String) throws {
        try lock.withLock {
            let handle = try liveHandle()
            guard PQsendQuery(handle, sql) == 1 else { throw connectionError(handle, during: "sending a script") }
            var firstError: Error?
            while let result = PQgetResult(handle) {
                do { _ = try consume(result, handle: handle) } catch { if firstError == nil { firstError = error } }
            }
            if let firstError { throw firstError }
            if PQstatus(handle) != CONNECTION_OK { throw connectionError(handle, during: "a script") }
        }
    }

    /// Streams a large result row by row (libpq single-row mode), so memory stays flat.
    public func forEachRow(_ query: PostgresQuery, _ body: (PostgresRow) throws -> Void) throws {
        try lock.withLock {
            let handle = try liveHandle()
            let texts = try query.binds.map { try $0.text() }
            let sent = withCStringArray(texts) { pointers in
                PQsendQueryParams(handle, query.sql, Int32(texts.count), nil, pointers, nil, nil, 0)
            }
            guard sent == 1 else { throw connectionError(handle, during: "sending a query") }
            PQsetSingleRowMode(handle)
            var failure: Error?
            var metadata: PostgresColumns?
            while let result = PQgetResult(handle) {
                if failure != nil { PQclear(result); continue }
                do {
                    let rows = try consume(result, handle: handle, reusing: metadata)
                    metadata = rows.metadata
                    for row in rows { try body(row) }
                } catch {
                    failure = error
                    // Cancel the rest of the result set so the connection stays usable.
                    if let cancel = PQgetCancel(handle) {
                        var buffer = [CChar](repeating: 0, count: 256)
                        PQcancel(cancel, &buffer, 256)
                        PQfreeCancel(cancel)
                    }
                }
            }
            if let failure { throw failure }
        }
    }

    /// Copies a `PGresult` into Swift values, clears it, and turns an error status into a
    /// `PostgresError` with the server's fields.
    func consume(_ result: OpaquePointer?, handle: OpaquePointer, reusing metadata: PostgresColumns? = nil) throws -> PostgresRows {
        guard let result else { throw connectionError(handle, during: "a query") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        switch status {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return rows(of: result, reusing: metadata)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            throw serverError(result, handle: handle)
        default:
            throw PostgresError(code: .unexpectedResult, message: "unexpected result status \(String(cString: PQresStatus(status)))")
        }
    }

    private func rows(of result: OpaquePointer, reusing reused: PostgresColumns?) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let metadata: PostgresColumns
        if let reused, reused.names.count == columnCount {
            metadata = reused
        } else {
            var names: [String] = []
            var types: [UInt32] = []
            for column in 0..<columnCount {
                names.append(String(cString: PQfname(result, Int32(column))))
                types.append(UInt32(PQftype(result, Int32(column))))
            }
            metadata = PostgresColumns(names: names, types: types)
        }
        var values: [String?] = []
        values.reserveCapacity(rowCount * columnCount)
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, Int32(row), Int32(column)))
                    let pointer = UnsafeRawPointer(PQgetvalue(result, Int32(row), Int32(column))!)
                    values.append(String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self))
                }
            }
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(metadata: metadata, values: values, affectedRows: affected)
    }

    func serverError(_ result: OpaquePointer, handle: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let pointer = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: pointer)
        }
        // A failed statement with a dead connection is a lost connection, not a SQL error.
        if PQstatus(handle) != CONNECTION_OK {
            return connectionError(handle, during: "a query")
        }
        let message = field("M") ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError(
            code: .server, message: message, sqlState: field("C"), detail: field("D"), hint: field("H"),
            constraintName: field("n"), tableName: field("t"), columnName: field("c"), context: field("W"),
            location: field("F").map { "\($0):\(field("L") ?? "") \(field("R") ?? "")" }
        )
    }

    func connectionError(_ handle: OpaquePointer, during activity: String) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(
            code: lost ? .connectionLost : .unexpectedResult,
            message: message.isEmpty ? "the connection failed during \(activity)" : message
        )
    }
}

/// Calls `body` with C strings for `values` (NULL for nil) that live only for the call.
func withCStringArray<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = values.map { $0.map { strdup($0) } }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        try body(buffer.map { $0.map { UnsafePointer($0) } })
    }
}
